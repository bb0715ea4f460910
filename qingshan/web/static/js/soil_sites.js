/* 土壤和地下水 overview and a site's file (issue #24, area sites). On /soil: the county map with
 * every site of the region as a point coloured by its stage; a click opens the site's file. On
 * /soil/sites/{id}: the site's boundary and its sample points coloured by their GB 36600 level.
 * Configuration from <script id="qs-config">; nothing fetched but the vendored county GeoJSON. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels || {};
  if (typeof echarts === "undefined") { return; }

  var rings = window.qsRings;

  var mapEl = document.getElementById("qs-soils-map");
  if (mapEl) {
    var chart = echarts.init(mapEl, null, { renderer: "canvas" });
    window.qsSoilsMap = chart;
    window.addEventListener("resize", function () { chart.resize(); });
    qs.getJSON(cfg.geojsonUrl).then(function (fc) {
      echarts.registerMap("qs-soils", fc);
      var sites = cfg.sites || [];
      var lons = sites.map(function (s) { return s.lon; }), lats = sites.map(function (s) { return s.lat; });
      var box = window.qsBox(lons, lats, 0.25);
      var stages = Object.keys(cfg.colours);
      chart.setOption({
        animation: false,
        tooltip: { trigger: "item", confine: true, formatter: function (p) {
          var s = p.data && p.data.site; if (!s) { return qs.esc(p.name || ""); }
          return qs.esc(s.name) + "<br>" + qs.esc(s.code) + "<br>" + qs.esc(L["soils.stage." + s.stage] || s.stage);
        } },
        geo: window.qsZonesGeo("qs-soils", box, { scaleLimit: { min: 0.5, max: 400 } }),
        series: stages.map(function (st) {
          return { id: st, name: L["soils.stage." + st] || st, type: "scatter", coordinateSystem: "geo",
            symbolSize: 13, itemStyle: { color: cfg.colours[st], borderColor: "#fff", borderWidth: 1 },
            data: sites.filter(function (s) { return s.stage === st; }).map(function (s) {
              return { name: s.code, value: [s.lon, s.lat], site: s }; }) };
        })
      });
      mapEl.setAttribute("data-sites", String(sites.length));
      mapEl.setAttribute("data-ready", "1");
      chart.on("click", function (p) {
        if (p.data && p.data.site) { window.location.assign("/soil/sites/" + p.data.site.id); }
      });
    }).catch(function (e) { mapEl.textContent = String(e.message || e); });
  }

  var siteEl = document.getElementById("qs-soils-sitemap");
  if (siteEl) {
    var sc = echarts.init(siteEl, null, { renderer: "canvas" });
    window.qsSoilsSiteMap = sc;
    window.addEventListener("resize", function () { sc.resize(); });
    qs.getJSON(cfg.geojsonUrl).then(function (fc) {
      echarts.registerMap("qs-soils", fc);
      var rs = rings(cfg.boundary), pts = cfg.samples || [];
      var lons = [], lats = [];
      rs.forEach(function (r) { r.forEach(function (c) { lons.push(c[0]); lats.push(c[1]); }); });
      pts.forEach(function (p) { lons.push(p.lon); lats.push(p.lat); });
      var w = Math.min.apply(null, lons), e = Math.max.apply(null, lons), s = Math.min.apply(null, lats), n = Math.max.apply(null, lats);
      var pad = Math.max(e - w, n - s) * 0.2 + 0.0003;
      var levels = Object.keys(cfg.colours);
      var series = [{ id: "boundary", name: L["soils.map.boundary"], type: "lines", coordinateSystem: "geo", polyline: true,
        data: rs.map(function (r) { return { coords: r }; }), lineStyle: { color: "#37474f", width: 2 } }];
      levels.forEach(function (lv) {
        series.push({ id: lv, name: L["soils.level." + lv] || lv, type: "scatter", coordinateSystem: "geo", symbolSize: 11,
          itemStyle: { color: cfg.colours[lv], borderColor: "#fff", borderWidth: 1 },
          data: pts.filter(function (p) { return p.level === lv; }).map(function (p) {
            return { name: p.point, value: [p.lon, p.lat], sample: p }; }) });
      });
      sc.setOption({
        animation: false,
        tooltip: { trigger: "item", confine: true, formatter: function (p) {
          var x = p.data && p.data.sample; if (!x) { return qs.esc(p.seriesName || ""); }
          return qs.esc(x.point) + " · " + x.depth + " m<br>" + qs.esc(L["soils.level." + x.level] || x.level);
        } },
        geo: window.qsZonesGeo("qs-soils", [w - pad, s - pad, e + pad, n + pad], { scaleLimit: { min: 0.5, max: 5000 } }),
        series: series
      });
      siteEl.setAttribute("data-samples", String(pts.length));
      siteEl.setAttribute("data-ready", "1");
    }).catch(function (err) { siteEl.textContent = String(err.message || err); });
  }
})();
