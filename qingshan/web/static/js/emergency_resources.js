/* 应急资源 page (issue #22): the depots (squares, red when any stock line has expired) and the
 * rescue teams (circles) of the viewer's region on the city map (aspect kept by zones_geo.js).
 * Click a depot: its page; click a team: its details below the map; click anywhere: the point
 * goes into the nearest-resource form, which asks /api/v1/emergency/resources/nearest and lists
 * the nearest depots, teams and experts with their straight-line distance (road distance is
 * approximated by it, as the page says). Configuration from <script id="qs-config">. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels || {};
  var N = cfg.names || {};
  var form = document.getElementById("qs-emres-near-form");
  var out = document.getElementById("qs-emres-near");
  var pick = document.getElementById("qs-emres-pick");
  var chart = null;

  function names(kind, codes) {
    return (codes || []).map(function (c) { return (N[kind] || {})[c] || c; }).join("、");
  }
  function km(x) { return x.toFixed(x < 10 ? 2 : 1) + " " + L["emres.km"]; }

  function showPoint(lon, lat) {
    if (!chart) { return; }
    chart.setOption({ series: [{}, {}, { id: "pt", data: [[lon, lat]] }] });
  }

  function list(title, items, line) {
    var h = "<h3>" + qs.esc(title) + " <span class='qs-small qs-muted'>(" + items.length + ")</span></h3>";
    if (!items.length) { return h + "<p class='qs-small qs-muted'>" + qs.esc(L["emres.near.none"]) + "</p>"; }
    return h + "<ol class='qs-emres-near-list'>" + items.map(function (r) {
      return "<li data-kind='" + r.kind + "' data-km='" + r.distance_km + "'><b>" + km(r.distance_km) + "</b> " + line(r) + "</li>";
    }).join("") + "</ol>";
  }

  function query() {
    var fd = new FormData(form);
    var params = new URLSearchParams();
    fd.forEach(function (v, k) { if (v !== "") { params.set(k, v); } });
    showPoint(Number(fd.get("lon")), Number(fd.get("lat")));
    out.setAttribute("aria-busy", "true");
    qs.getJSON(cfg.nearestUrl + "?" + params.toString()).then(function (r) {
      out.innerHTML = "<p class='qs-small qs-muted'>" + qs.esc(L["emres.near.road"]) + "</p>" +
        list(L["emres.near.depots"], r.depots, function (d) {
          return "<a href='/emergency/resources/depots/" + d.id + "'>" + qs.esc(d.name) + "</a> <span class='qs-small qs-muted'>" +
            qs.esc(d.detail.owner_name || "") + " · " + qs.esc(L["emres.lines"]) + " " + d.detail.lines + " " + qs.esc(d.detail.phone || "") +
            "</span>" + (d.detail.items.length ? "<br><span class='qs-small'>" + d.detail.items.slice(0, 3).map(function (m) {
              return qs.esc(m.name) + " " + m.quantity + qs.esc(m.unit);
            }).join("；") + "</span>" : "");
        }) +
        list(L["emres.near.teams"], r.teams, function (t) {
          return qs.esc(t.name) + " <span class='qs-small qs-muted'>" + qs.esc(L["emres.size"]) + " " + t.detail.size + " · " +
            qs.esc(names("specialities", t.detail.specialities)) + " · " + qs.esc(t.detail.phone || "") + "</span>";
        }) +
        list(L["emres.near.experts"], r.experts, function (e) {
          return qs.esc(e.name) + " <span class='qs-small qs-muted'>" + qs.esc(names("fields", e.detail.fields)) + " · " +
            qs.esc(e.detail.organisation || "") + " · " + qs.esc(e.detail.phone || "") +
            (e.detail.region_centre ? " · " + qs.esc(L["emres.near.region_centre"]) : "") + "</span>";
        });
      out.setAttribute("data-done", "1");
    }).catch(function (e) {
      out.innerHTML = "<p class='qs-error'>" + qs.esc(L["emres.near.error"]) + " " + qs.esc(e.message || e) + "</p>";
    }).then(function () { out.removeAttribute("aria-busy"); });
  }

  if (form) {
    form.addEventListener("submit", function (ev) { ev.preventDefault(); query(); });
  }

  var mapEl = document.getElementById("qs-emres-map");
  if (!mapEl || typeof echarts === "undefined") { return; }
  chart = echarts.init(mapEl, null, { renderer: "canvas" });
  window.qsEmresMap = chart;  // for the browser test and the console
  window.addEventListener("resize", function () { chart.resize(); });
  qs.getJSON(cfg.geojsonUrl).then(function (fc) {
    echarts.registerMap("qs-emres", fc);
    var depots = cfg.depots || [], teams = cfg.teams || [];
    var pts = depots.concat(teams);
    var box = null;
    if (pts.length) {
      var lo = pts.map(function (p) { return p.lon; }), la = pts.map(function (p) { return p.lat; });
      box = [Math.min.apply(null, lo) - 0.3, Math.min.apply(null, la) - 0.2,
             Math.max.apply(null, lo) + 0.3, Math.max.apply(null, la) + 0.2];
    }
    chart.setOption({
      animation: false,
      legend: { data: [L["emres.map.depot"], L["emres.map.team"]], top: 0, left: "center" },
      tooltip: { trigger: "item", confine: true, formatter: function (p) {
        if (p.data && p.data.depot) {
          var d = p.data.depot;
          return qs.esc(d.name) + "<br>" + qs.esc(d.owner_name || "") + "<br>" + qs.esc(L["emres.lines"]) + " " + d.lines +
            (d.expired ? " · <b style='color:#b00020'>" + d.expired + "</b>" : "");
        }
        if (p.data && p.data.team) {
          var t = p.data.team;
          return qs.esc(t.name) + "<br>" + qs.esc(L["emres.size"]) + " " + t.size + "<br>" + qs.esc(names("specialities", t.specialities));
        }
        return "";
      } },
      // the map itself silent: a click off the points has no target and asks for the nearest
      geo: window.qsZonesGeo("qs-emres", box, { scaleLimit: { min: 0.5, max: 40 }, silent: true }),
      series: [
        { id: "depots", name: L["emres.map.depot"], type: "scatter", coordinateSystem: "geo", symbol: "rect", symbolSize: 10,
          data: depots.map(function (d) {
            return { name: d.name, value: [d.lon, d.lat], depot: d,
              itemStyle: { color: d.expired ? "#c62828" : (d.owner_kind === "bureau" ? "#2e7d4f" : "#1565c0") } };
          }), itemStyle: { color: "#2e7d4f", borderColor: "#fff", borderWidth: 1 } },
        { id: "teams", name: L["emres.map.team"], type: "scatter", coordinateSystem: "geo", symbol: "circle", symbolSize: 9,
          data: teams.map(function (t) { return { name: t.name, value: [t.lon, t.lat], team: t }; }),
          itemStyle: { color: "#ef6c00", borderColor: "#fff", borderWidth: 1 } },
        { id: "pt", type: "effectScatter", coordinateSystem: "geo", symbolSize: 12, data: [], itemStyle: { color: "#6a1b9a" }, silent: true }
      ]
    });
    mapEl.setAttribute("data-depots", String(depots.length));
    mapEl.setAttribute("data-teams", String(teams.length));
    chart.on("click", function (p) {
      if (p.data && p.data.depot) { window.location.assign("/emergency/resources/depots/" + p.data.depot.id); return; }
      if (p.data && p.data.team) {
        var t = p.data.team;
        pick.innerHTML = "<b>" + qs.esc(t.name) + "</b> · " + qs.esc(L["emres.size"]) + " " + t.size + " · " +
          qs.esc(names("specialities", t.specialities)) + " · " + qs.esc(t.base || "") + " · " + qs.esc(L["emres.phone"]) + " " + qs.esc(t.phone || "");
      }
    });
    // a click on the map (not on a point): that point into the form, and ask
    chart.getZr().on("click", function (ev) {
      if (ev.target) { return; }
      var c = chart.convertFromPixel({ geoIndex: 0 }, [ev.offsetX, ev.offsetY]);
      if (!c) { return; }
      document.getElementById("qs-emres-lon").value = c[0].toFixed(5);
      document.getElementById("qs-emres-lat").value = c[1].toFixed(5);
      query();
    });
  }).catch(function (e) { mapEl.textContent = String(e.message || e); });
})();
