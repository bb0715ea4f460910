/* 水质: national and provincial sections on the map of Zhejiang coloured by their latest
 * GB 3838-2002 class, a ranking table and the counts (达标率). Classes, multiples and counts
 * come computed from /api/v1/water/sections/latest; colours from the legend in qs-config. */
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
      [L["water.city"], esc(cityLabel(s.city_name)) + (s.basin ? " · " + esc(s.basin) : "")],
      [L["water.control"], esc(L["control." + s.control_level] || s.control_level) + " · " + esc(L["water.body." + s.water_body])],
      [L["water.time"], esc(qs.cst(s.time)) + " " + esc(L["layout.cst"])],
      [L["water.quality"], s.section_class ? chip(s.section_class) + (s.status ? " " + esc(en ? s.status_en : s.status) : "") : esc(L["water.no_data"])],
      [L["water.target"], esc(className(s.target_class)) + " · " + meetsText(s)],
      [L["water.main"], esc(mainText(s))]
    ];
    var html = "<b>" + esc(s.name) + "</b>";
    rows.forEach(function (r) { html += "<br>" + esc(r[0]) + COLON + r[1]; });
    var vals = INDICATORS.filter(function (k) { return s.concentrations[k[0]] != null; }).map(function (k) {
      var c = s.indicator_classes[k[0]];
      return esc(k[1]) + " " + s.concentrations[k[0]] + (c ? "（" + esc(className(c)) + "）" : "");
    });
    if (vals.length) { html += '<br><span style="color:#667">' + vals.join(en ? "; " : "；") + "</span>"; }
    return html;
  }

  var el = document.getElementById("qs-map");
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsWaterChart = chart;  // for the browser tests and the console
  window.addEventListener("resize", function () { chart.resize(); });
  chart.showLoading({ text: L["map.loading"] });

  function renderMap(geo, sections) {
    var series = cfg.legend.map(function (entry) {
      return {
        name: entry.name, type: "scatter", coordinateSystem: "geo", geoIndex: 0, zlevel: 1,
        itemStyle: { color: entry.color, borderColor: "#1d2521", borderWidth: 1 },
        emphasis: { scale: 1.6 },
        tooltip: { formatter: function (p) { return tooltip(p.data.section); } },
        data: sections.filter(function (s) {
          return s.longitude != null && s.latitude != null && legendOf(s.section_class) === entry;
        }).map(function (s) {
          return {
            name: s.name, value: [s.longitude, s.latitude, s.class_rank],
            symbol: s.control_level === "national" ? "circle" : "triangle",
            symbolSize: s.control_level === "national" ? 12 : 11, section: s
          };
        })
      };
    });
    chart.hideLoading();
    chart.on("finished", function once() {
      chart.off("finished", once);
      el.dataset.ready = "1";
    });
    chart.setOption({
      tooltip: { trigger: "item", confine: true },
      legend: {
        orient: "vertical", left: 16, bottom: 16, itemWidth: 14, itemHeight: 10,
        data: cfg.legend.map(function (e) { return { name: e.name, icon: "roundRect" }; }),
        backgroundColor: "rgba(255,255,255,.9)", padding: 8, borderRadius: 4,
        borderColor: "#c9d3ce", borderWidth: 1
      },
      geo: {
        map: "zhejiang", roam: true, layoutCenter: ["50%", "52%"], layoutSize: "92%",
        label: { show: true, color: "#6b7a72", fontSize: 11, formatter: function (p) { return cityLabel(p.name); } },
        itemStyle: { areaColor: "#eef2ef", borderColor: "#8fa89a", borderWidth: 1 },
        emphasis: { itemStyle: { areaColor: "#dde8e1" }, label: { color: "#14502f" } },
        select: { disabled: true },
        regions: cfg.scopeCities.length === geo.features.length ? [] : cfg.scopeCities.map(function (code) {
          var f = geo.features.filter(function (g) { return g.properties.code === code; })[0];
          return { name: f.properties.name, itemStyle: { areaColor: "#dbe9e0", borderColor: "#1f6f43", borderWidth: 2 } };
        })
      },
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
      if (a.class_rank == null || b.class_rank == null) {
        if (a.class_rank == null && b.class_rank == null) { return a.code < b.code ? -1 : 1; }
        return a.class_rank == null ? 1 : -1;
      }
      return (a.class_rank - b.class_rank) || (multipleSum(a) - multipleSum(b)) || (a.code < b.code ? -1 : 1);
    });
    var rank = 0;
    document.querySelector("#qs-sections tbody").innerHTML = rows.map(function (s) {
      return '<tr data-code="' + esc(s.code) + '" data-class="' + esc(s.section_class || "") + '">' +
        '<td class="num">' + (s.section_class ? ++rank : "—") + "</td><td><b>" + esc(s.name) + '</b> <span class="qs-muted qs-small">' + esc(s.code) + "</span></td>" +
        "<td>" + esc(cityLabel(s.city_name)) + "</td><td>" + esc(s.basin || "—") + "</td>" +
        "<td>" + esc(L["control." + s.control_level] || s.control_level) + "</td><td>" + esc(L["water.body." + s.water_body]) + "</td>" +
        "<td>" + (s.section_class ? chip(s.section_class) : '<span class="qs-muted">' + esc(L["water.no_data"]) + "</span>") + "</td>" +
        "<td>" + esc(className(s.target_class)) + "</td><td>" + meetsText(s) + "</td>" +
        "<td>" + esc(mainText(s)) + "</td><td>" + esc(qs.cst(s.time)) + "</td></tr>";
    }).join("");
    document.getElementById("qs-empty").hidden = sections.length > 0;
  }

  function render(geo, data) {
    renderMap(geo, data.sections);
    renderSummary(data.summary, data.sections);
    renderTable(data.sections);
  }

  function fail(err) {
    chart.hideLoading();
    var box = document.getElementById("qs-error");
    box.hidden = false;
    box.textContent = L["water.load_failed"] + COLON + err.message;
    el.dataset.ready = "error";
  }

  Promise.all([qs.getJSON(cfg.geojsonUrl), qs.getJSON(cfg.sectionsUrl)]).then(function (r) {
    echarts.registerMap("zhejiang", r[0]);
    render(r[0], r[1]);
    window.setInterval(function () {
      qs.getJSON(cfg.sectionsUrl).then(function (data) {
        document.getElementById("qs-error").hidden = true;
        render(r[0], data);
      }, fail);
    }, cfg.refreshSeconds * 1000);
  }, fail);
})();
