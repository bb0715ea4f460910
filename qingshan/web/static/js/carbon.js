/* 碳排放总览 /carbon and 碳账户 /carbon/enterprises/{id} (issue #17): the county map (total or
 * intensity), the yearly totals against the peak path, the monthly totals, and an enterprise's
 * monthly emissions by source (stacked bars). The numbers come rolled up from the server
 * (qs-config); the labels too (qingshan/web/i18n.py, cb.*). Nothing is computed here but
 * colours and axis ranges. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels || {};
  var en = cfg.lang === "en";
  var charts = [];
  window.qsCarbonCharts = {};  // for the browser tests and the console
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  function narrow() { return window.innerWidth < 700; }
  function make(id) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") { return null; }
    var c = echarts.init(el, null, { renderer: "canvas" });
    charts.push(c);
    window.qsCarbonCharts[id] = c;
    return c;
  }
  function fmt(v, d) {
    if (v == null) { return "—"; }
    return Number(v).toLocaleString(en ? "en-US" : "zh-CN", { maximumFractionDigits: d, minimumFractionDigits: d });
  }
  function wt(v) { return v == null ? null : Math.round(v / 100) / 100; }  // tCO2 -> 10^4 tCO2
  var TEXT = { fontSize: 11 };

  /* ---- the county map ---- */
  function drawMap() {
    var chart = make("qs-cb-map");
    if (!chart || !cfg.counties) { return; }
    var byCode = {};
    cfg.counties.forEach(function (c) { byCode[c.code] = c; });
    var metric = "total";
    var url = cfg.countiesUrl + (cfg.level === "province" ? "" : "?city=" + cfg.region.slice(0, 4) + "00");
    qs.getJSON(url).then(function (geo) {
      var names = {};
      geo.features.forEach(function (f) {
        names[f.properties.code] = (en ? f.properties.name_en : f.properties.name) || f.properties.code;
        f.properties.name = f.properties.code;  // areas by code, labelled by names[]
      });
      echarts.registerMap("qs-carbon", geo);
      function render() {
        var data = geo.features.map(function (f) {
          var c = byCode[f.properties.code];
          var v = c ? (metric === "total" ? wt(c.total) : c.intensity) : null;
          return { name: f.properties.code, value: v == null ? "-" : v, n: c ? c.enterprises : 0 };
        });
        var vals = data.map(function (d) { return d.value; }).filter(function (v) { return v !== "-"; });
        var max = vals.length ? Math.max.apply(null, vals) : 1;
        var unit = metric === "total" ? L["cb.unit.wt"] : L["cb.unit.intensity"];
        var regions = cfg.level === "county" ? [{ name: cfg.region, itemStyle: { borderColor: "#0b3d2e", borderWidth: 2.5 } }] : [];
        chart.setOption({
          animation: false,
          title: { text: L["cb.metric." + metric] + " (" + unit + ")", left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: "normal" } },
          tooltip: { trigger: "item", formatter: function (p) {
            var d = p.data || {};
            return qs.esc(names[p.name] || p.name) + "<br>" + qs.esc(L["cb.metric." + metric]) + L["punct.colon"] +
              (d.value === "-" || d.value == null ? "—" : fmt(d.value, metric === "total" ? 2 : 3) + " " + qs.esc(unit)) +
              "<br>" + qs.esc(L["cb.col.enterprises"]) + L["punct.colon"] + (d.n || 0);
          } },
          visualMap: { type: "continuous", min: 0, max: max || 1, calculable: false, orient: narrow() ? "horizontal" : "vertical",
            left: narrow() ? "center" : 0, bottom: 0, itemHeight: narrow() ? 120 : 100, itemWidth: 12, text: [fmt(max, metric === "total" ? 1 : 2), "0"],
            textStyle: TEXT, inRange: { color: ["#f3f7f2", "#c9dfa8", "#f2c14e", "#e07b39", "#b2182b"] }, outOfRange: { color: "#eee" } },
          // all four sides: the map keeps its aspect inside the box (a wide city is not cut)
          series: [{ type: "map", map: "qs-carbon", roam: false, top: 26, bottom: narrow() ? 46 : 10,
            left: narrow() ? 4 : 40, right: 4, data: data, selectedMode: false,
            // the province's 90 counties are named on hover (their labels would overlap)
            // a county's view names only itself (the city's others on hover)
            label: { show: cfg.level !== "province", formatter: function (p) {
              return cfg.level === "county" && p.name !== cfg.region ? "" : names[p.name] || ""; }, fontSize: cfg.level === "province" ? 8 : 10, color: "#333" },
            emphasis: { label: { show: true, fontSize: 11 }, itemStyle: { areaColor: "#7fb3d5" } },
            itemStyle: { borderColor: "#9aa89f", borderWidth: 0.6, areaColor: "#eee" }, regions: regions }]
        }, true);
        chart.getDom().setAttribute("data-areas", String(vals.length));
        chart.getDom().setAttribute("data-metric", metric);
      }
      render();
      document.querySelectorAll(".qs-cb-seg [data-metric]").forEach(function (b) {
        b.addEventListener("click", function () {
          metric = b.getAttribute("data-metric");
          document.querySelectorAll(".qs-cb-seg [data-metric]").forEach(function (x) { x.setAttribute("aria-selected", String(x === b)); });
          render();
        });
      });
    }).catch(function (e) { chart.getDom().textContent = String(e.message || e); });
  }

  /* ---- yearly totals against the peak path ---- */
  function drawYears() {
    var chart = make("qs-cb-years");
    if (!chart || !cfg.trajectory) { return; }
    var rows = cfg.trajectory;
    var years = rows.map(function (r) { return String(r.year); });
    var partial = function (r) { return r.actual != null && r.months < 12; };
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : fmt(v, 2) + " " + L["cb.unit.wt"]; } },
      legend: { bottom: 0, textStyle: TEXT, itemWidth: 14, itemHeight: 8 },
      grid: { left: 8, right: 12, top: 30, bottom: 44, containLabel: true },
      // a year with fewer than 12 months says how many under its name
      xAxis: { type: "category", data: years, axisLabel: Object.assign({}, TEXT, { formatter: function (y) {
        var r = rows[years.indexOf(y)];
        return r && partial(r) ? y + "\n" + L["cb.partial"].replace("{n}", r.months) : y;
      }, interval: 0, fontSize: 10 }) },
      yAxis: { type: "value", name: L["cb.unit.wt"], nameTextStyle: TEXT, axisLabel: TEXT },
      series: [
        { name: L["cb.series.actual"], type: "bar", barMaxWidth: 36, itemStyle: { color: "#2e7d4f" },
          data: rows.map(function (r) {
            return r.actual == null ? "-" : { value: wt(r.actual), itemStyle: { color: partial(r) ? "#9ccfb3" : "#2e7d4f" } };
          }) },
        { name: L["cb.series.path"], type: "line", symbol: "circle", symbolSize: 6, connectNulls: true, lineStyle: { type: "dashed", color: "#b2182b" }, itemStyle: { color: "#b2182b" },
          data: rows.map(function (r) { return r.target == null ? "-" : wt(r.target); }) },
        { name: L["cb.series.pace"], type: "scatter", symbol: "diamond", symbolSize: 11, itemStyle: { color: "#e07b39" },
          data: rows.map(function (r) { return r.pace == null || r.months >= 12 ? "-" : wt(r.pace); }) }
      ]
    });
  }

  /* ---- monthly totals ---- */
  function drawMonths() {
    var chart = make("qs-cb-months");
    if (!chart || !cfg.monthly) { return; }
    var rows = cfg.monthly;
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : fmt(v, 2) + " " + L["cb.unit.wt"]; } },
      legend: { bottom: 0, textStyle: TEXT, itemWidth: 14, itemHeight: 8 },
      grid: { left: 8, right: 12, top: 30, bottom: 44, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.month; }), axisLabel: TEXT },
      yAxis: { type: "value", name: L["cb.unit.wt"], nameTextStyle: TEXT, axisLabel: TEXT },
      series: [
        { name: L["cb.series.scope1"], type: "bar", stack: "t", barMaxWidth: 28, itemStyle: { color: "#5b7f95" }, data: rows.map(function (r) { return wt(r.scope1); }) },
        { name: L["cb.series.scope2"], type: "bar", stack: "t", barMaxWidth: 28, itemStyle: { color: "#a7c4d4" }, data: rows.map(function (r) { return wt(r.scope2); }) }
      ]
    });
    chart.getDom().setAttribute("data-months", String(rows.length));
  }

  /* ---- an enterprise's months by source ---- */
  var PALETTE = ["#4e6e58", "#7d9d6b", "#b7a36a", "#8c6d46", "#5b7f95", "#a7c4d4", "#c07a5a", "#9a8fb5", "#d9b26f", "#6fa8a0"];
  function sourceName(s) {
    var parts = s.split(":");
    var base = L["cb.src." + parts[0]] || parts[0];
    if (parts.length < 2) { return base; }
    return base + (en ? ": " : "：") + (L["cb.fuel." + parts[1]] || parts[1]);
  }
  function drawSources() {
    var chart = make("qs-cb-sources");
    if (!chart || !cfg.sources) { return; }
    var series = cfg.sources.map(function (s, i) {
      return { name: sourceName(s), type: "bar", stack: "src", barMaxWidth: 28, itemStyle: { color: PALETTE[i % PALETTE.length] },
        data: cfg.series[s] };
    });
    series.push({ name: L["cb.series.total"], type: "line", symbol: "circle", symbolSize: 5, itemStyle: { color: "#1d2521" }, lineStyle: { width: 1.5 }, data: cfg.total, z: 5 });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : fmt(v, 1) + " tCO2"; } },
      legend: { bottom: 0, type: "scroll", textStyle: TEXT, itemWidth: 14, itemHeight: 8 },
      grid: { left: 8, right: 12, top: 30, bottom: 50, containLabel: true },
      xAxis: { type: "category", data: cfg.months, axisLabel: TEXT },
      yAxis: { type: "value", name: "tCO2", nameTextStyle: TEXT, axisLabel: TEXT },
      series: series
    });
    chart.getDom().setAttribute("data-months", String(cfg.months.length));
  }

  // the year and comparison pickers show their choice at once (a form GET)
  document.querySelectorAll(".qs-cb-tools select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  drawMap();
  drawYears();
  drawMonths();
  drawSources();
})();
