/* 水质: national and provincial sections on the map of Zhejiang (or a city's counties) coloured
 * by their GB 3838-2002 class — newest, or on a stored day (the time bar of map_nav.js) — a
 * ranking table and the counts (达标率) of the region shown; drill-down by click and
 * breadcrumbs. Classes, multiples and counts come computed from /api/v1/water/layers/...;
 * colours from the legend in qs-config. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var en = cfg.lang === "en";
  var esc = qs.esc;
  var COLON = L["punct.colon"];
  var NO_DATA = cfg.legend[cfg.legend.length - 1];
  var INDICATORS = [["pH", "pH"], ["DO", en ? "DO" : "溶解氧"], ["CODMn", en ? "CODMn" : "高锰酸盐指数"],
    ["NH3_N", en ? "NH3-N" : "氨氮"], ["TP", en ? "TP" : "总磷"], ["TN", en ? "TN" : "总氮"]];

  function legendOf(cls) {
    for (var i = 0; i < cfg.legend.length; i++) { if (cfg.legend[i].cls === cls) { return cfg.legend[i]; } }
    return NO_DATA;
  }
  function chip(cls) {
    var e = legendOf(cls);
    return '<span class="qs-class-chip" style="background:' + e.color + ";color:" + qs.textColor(e.color) + '">' + esc(e.name) + "</span>";
  }
  function className(cls) { return cls ? legendOf(cls).name : "—"; }
  function cityLabel(name) { return en ? (cfg.cityNamesEn[name] || name) : name; }
  function basinLabel(b) { return L["wh.basin." + b] || b; }
  function meetsText(s) {
    if (s.section_class == null) { return '<span class="qs-muted">—</span>'; }
    if (s.meets_target == null) { return '<span class="qs-muted">' + esc(L["water.no_target"]) + "</span>"; }
    return s.meets_target ? '<span class="qs-met">' + esc(L["water.met"]) + "</span>"
      : '<span class="qs-not-met">' + esc(L["water.not_met"]) + "</span>";
  }
  function mainText(s) {
    if (!s.main_pollutants.length) { return "—"; }
    return s.main_pollutants.map(function (p) {
      return (en ? p.name_en : p.name) + (p.multiple == null ? "" : "(" + p.multiple.toFixed(2) + ")");
    }).join(en ? ", " : "、");
  }
  function multipleSum(s) {
    return Object.keys(s.over_standard_multiples).reduce(function (n, k) { return n + s.over_standard_multiples[k]; }, 0);
  }

  function tooltip(s) {
    var rows = [
      [L["water.code"], esc(s.code)],
      [L["water.city"], esc(cityLabel(s.city_name)) + (s.basin ? " · " + esc(basinLabel(s.basin)) : "")],
      [L["water.control"], esc(L["control." + s.control_level] || s.control_level) + " · " + esc(L["water.body." + s.water_body])],
      [L["water.time"], s.time == null ? "—" : current && current.period === "day"
        ? esc(current.date + " " + L["mapnav.daily"]) : esc(qs.cst(s.time)) + " " + esc(L["layout.cst"])],
      [L["water.quality"], s.section_class ? chip(s.section_class) + (s.status ? " " + esc(en ? s.status_en : s.status) : "") : esc(L["water.no_data"])],
      [L["water.target"], esc(className(s.target_class)) + " · " + meetsText(s)],
      [L["water.main"], esc(mainText(s))]
    ];
    var html = "<b>" + esc(s.name) + "</b>" +
      (s.context ? ' <span style="color:#7a5200">[' + esc(L["mapnav.context_tag"]) + "]</span>" : "");
    rows.forEach(function (r) { html += "<br>" + esc(r[0]) + COLON + r[1]; });
    var vals = INDICATORS.filter(function (k) { return s.concentrations[k[0]] != null; }).map(function (k) {
      var c = s.indicator_classes[k[0]];
      return esc(k[1]) + " " + s.concentrations[k[0]] + (c ? "（" + esc(className(c)) + "）" : "");
    });
    if (vals.length) { html += '<br><span style="color:#667">' + vals.join(en ? "; " : "；") + "</span>"; }
    if (s.approximate) { html += '<br><span style="color:#7a5200">' + esc(L["mapnav.approx"]) + "</span>"; }
    html += '<br><span style="color:#667">' + esc(L["mapnav.open_section"]) + "</span>";
    return html;
  }

  var el = document.getElementById("qs-map");
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsWaterChart = chart;  // for the browser tests and the console
  window.addEventListener("resize", function () { chart.resize(); });
  chart.showLoading({ text: L["map.loading"] });
  var current = null, currentView = null;  // the layer drawn and the view it was drawn in

  var nav = qsMapNav.create(cfg, {
    modes: ["latest", "day"],
    title: function (region) { return L["water.title"].replace("{region}", region); },
    onLoading: function () { el.dataset.loading = "1"; },
    onLayer: render,
    onError: fail
  });
  window.qsNav = nav;  // for the browser tests
  function page(tpl, key, value) { return tpl.replace(key, encodeURIComponent(value)); }

  function renderMap(sections) {
    var points = sections.filter(function (s) { return s.context; }).map(function (s) { return [s.longitude, s.latitude]; });
    var v = nav.view(points);
    currentView = v;
    var series = cfg.legend.map(function (entry) {
      return {
        name: entry.name, type: "scatter", coordinateSystem: "geo", geoIndex: 0, zlevel: 1, cursor: "pointer",
        itemStyle: { color: entry.color, borderColor: "#1d2521", borderWidth: 1 },
        emphasis: { scale: 1.6 },
        tooltip: { formatter: function (p) { return tooltip(p.data.section); } },
        data: sections.filter(function (s) {
          return s.longitude != null && s.latitude != null && legendOf(s.section_class) === entry;
        }).map(function (s) {
          var d = {
            name: s.name, value: [s.longitude, s.latitude, s.class_rank],
            symbol: s.control_level === "national" ? "circle" : "triangle",
            symbolSize: s.control_level === "national" ? 12 : 11, section: s
          };
          if (s.approximate) {  // hollow, dashed: the position is approximate
            d.itemStyle = { color: "rgba(255,255,255,0.55)", borderColor: entry.color === "#CCFFFF" ? "#3a8fb7" : entry.color, borderWidth: 2, borderType: "dashed" };
          } else if (s.context) {
            d.itemStyle = { opacity: 0.75, borderType: "dashed", borderWidth: 1.2 };
          }
          return d;
        })
      };
    });
    var regions = [];
    if (v.highlight) {
      regions.push({ name: v.highlight, itemStyle: { areaColor: "#dbe9e0", borderColor: "#1f6f43", borderWidth: 2.5 } });
    } else if (nav.level(nav.state().region) === "province" && cfg.scopeCities.length < 11) {
      cfg.scopeCities.forEach(function (code) {
        var name = Object.keys(v.areas).filter(function (n) { return v.areas[n] === code; })[0];
        if (name) { regions.push({ name: name, itemStyle: { areaColor: "#dbe9e0", borderColor: "#1f6f43", borderWidth: 2 } }); }
      });
    }
    chart.hideLoading();
    var geo = {
      map: v.map, roam: true, layoutCenter: ["50%", "55%"], layoutSize: "88%",
      label: { show: true, color: "#6b7a72", fontSize: 11, formatter: function (p) { return v.counties ? nav.name(v.areas[p.name]) : cityLabel(p.name); } },
      itemStyle: { areaColor: "#eef2ef", borderColor: "#8fa89a", borderWidth: 1 },
      emphasis: { itemStyle: { areaColor: "#dde8e1" }, label: { color: "#14502f" } },
      select: { disabled: true },
      regions: regions,
      // the areas drawn (cities or a city's counties): clickable to drill down
      triggerEvent: true,
      tooltip: {
        show: true,
        formatter: function (p) {
          var code = v.areas[p.name];
          return "<b>" + esc(code ? nav.name(code) : p.name) + "</b>" +
            (code && nav.inScope(code) && code !== nav.state().region ? '<br><span style="color:#667">' + esc(L["mapnav.drill"]) + "</span>" : "");
        }
      }
    };
    if (v.box) { geo.boundingCoords = v.box; delete geo.layoutCenter; delete geo.layoutSize; geo.top = 96; geo.bottom = 20; geo.left = 20; geo.right = 20; }
    chart.setOption({
      tooltip: { trigger: "item", confine: true },
      legend: qsMapNav.legend(el, cfg.legend),
      geo: geo,
      series: series
    }, true);
  }

  function renderSummary(sum, sections) {
    function pct(v) { return v == null ? "—" : v.toFixed(1) + "%"; }
    document.getElementById("qs-compliance").textContent = pct(sum.compliance_rate);
    document.getElementById("qs-good-rate").textContent = pct(sum.good_rate);
    document.getElementById("qs-bad-rate").textContent = pct(sum.worse_than_v_rate);
    document.getElementById("qs-compliance-detail").textContent = L["water.compliance_detail"]
      .replace("{met}", sum.meeting_target).replace("{n}", sum.with_target);
    var max = Math.max.apply(null, [1].concat(Object.keys(sum.by_class).map(function (k) { return sum.by_class[k]; })));
    var tbody = document.querySelector("#qs-class-counts tbody");
    tbody.innerHTML = cfg.legend.map(function (e) {
      var n = e.cls ? (sum.by_class[e.cls] || 0) : sum.sections - sum.assessed;
      return '<tr data-class="' + esc(e.cls || "") + '"><td>' + esc(e.name) + '</td><td class="num">' + n +
        '</td><td style="width:55%"><span class="qs-bar" style="width:' + (n ? Math.max(2, Math.round(100 * n / max)) : 0) +
        "%;background:" + e.color + (n ? "" : ";border:0") + '"></span></td></tr>';
    }).join("");
    document.getElementById("qs-counts").textContent = sections.length === 0 ? L["water.none"]
      : L["control.national"] + " " + (sum.networks.national || 0) + (en ? ", " : "，") + L["control.provincial"] + " " +
        (sum.networks.provincial || 0) + (en ? "; " : "；") + L["water.assessed"] + " " + sum.assessed + "/" + sum.sections;
    document.getElementById("qs-updated").textContent = sum.latest_time ? qs.cst(sum.latest_time) + " " + L["layout.cst"] : L["water.no_data"];
  }

  function renderTable(sections) {
    var rows = sections.slice().sort(function (a, b) {
      if (a.context !== b.context) { return a.context ? 1 : -1; }
      if (a.class_rank == null || b.class_rank == null) {
        if (a.class_rank == null && b.class_rank == null) { return a.code < b.code ? -1 : 1; }
        return a.class_rank == null ? 1 : -1;
      }
      return (a.class_rank - b.class_rank) || (multipleSum(a) - multipleSum(b)) || (a.code < b.code ? -1 : 1);
    });
    var rank = 0;
    document.querySelector("#qs-sections tbody").innerHTML = rows.map(function (s) {
      var basin = s.basin ? '<a href="' + esc(page(cfg.basinPage, "{basin}", s.basin)) + '">' + esc(basinLabel(s.basin)) + "</a>" : "—";
      return '<tr data-code="' + esc(s.code) + '" data-class="' + esc(s.section_class || "") + '"' + (s.context ? ' class="qs-context-row"' : "") + ">" +
        '<td class="num">' + (s.section_class && !s.context ? ++rank : "—") + '</td><td><a href="' + esc(page(cfg.sectionPage, "{code}", s.code)) + '"><b>' + esc(s.name) + "</b></a>" +
        (s.context ? ' <span class="qs-tag">' + esc(L["mapnav.context_tag"]) + "</span>" : "") +
        (s.approximate ? ' <span class="qs-sym-approx" title="' + esc(L["mapnav.approx"]) + '"></span>' : "") +
        ' <span class="qs-muted qs-small">' + esc(s.code) + "</span></td>" +
        "<td>" + esc(cityLabel(s.city_name)) + "</td><td>" + basin + "</td>" +
        "<td>" + esc(L["control." + s.control_level] || s.control_level) + "</td><td>" + esc(L["water.body." + s.water_body]) + "</td>" +
        "<td>" + (s.section_class ? chip(s.section_class) : '<span class="qs-muted">' + esc(L["water.no_data"]) + "</span>") + "</td>" +
        "<td>" + esc(className(s.target_class)) + "</td><td>" + meetsText(s) + "</td>" +
        "<td>" + esc(mainText(s)) + "</td><td>" + esc(s.time == null ? "—" : current.period === "day" ? current.date : qs.cst(s.time)) + "</td></tr>";
    }).join("");
    document.getElementById("qs-empty").hidden = sections.length > 0;
  }

  function render(layer) {
    current = layer;
    var own = layer.sections.filter(function (s) { return !s.context; });
    renderMap(layer.sections);
    renderSummary(layer.summary, own);
    renderTable(layer.sections);
    if (layer.period === "day") { document.getElementById("qs-updated").textContent = nav.label(); }
    var ctx = document.getElementById("qs-context");
    ctx.hidden = !layer.context_region;
    if (layer.context_region) { ctx.textContent = L["mapnav.context_water"].replace("{city}", nav.name(layer.context_region)); }
    var region = nav.state().region;
    document.getElementById("qs-table-region").textContent = nav.level(region) === "province" ? "" : nav.name(region) + " · ";
    el.dataset.region = region;
    el.dataset.period = layer.period;
    el.dataset.time = layer.time || "latest";
    delete el.dataset.loading;
    if (!el.dataset.ready) {
      chart.on("finished", function once() {
        chart.off("finished", once);
        el.dataset.ready = "1";
      });
    }
    document.getElementById("qs-error").hidden = true;
  }

  var tapped = null;
  chart.on("click", function (p) {
    if (p.seriesType === "scatter" && p.data && p.data.section) {
      // on a phone the first tap shows the tooltip, a second tap on the same point opens its page
      var code = p.data.section.code;
      if (el.clientWidth < 600 && tapped !== code) { tapped = code; return; }
      location.assign(page(cfg.sectionPage, "{code}", p.data.section.code));
      return;
    }
    if (p.seriesType === "map" || p.componentType === "geo") {
      var code = currentView && currentView.areas[p.name];
      if (code) { nav.go(code); }
    }
  });

  function fail(err) {
    chart.hideLoading();
    var box = document.getElementById("qs-error");
    box.hidden = false;
    box.textContent = L["water.load_failed"] + COLON + err.message;
    el.dataset.ready = "error";
    delete el.dataset.loading;
  }

  nav.start().then(function () {
    window.setInterval(function () { if (nav.state().mode === "latest") { nav.reload(); } }, cfg.refreshSeconds * 1000);
  }, fail);
})();
