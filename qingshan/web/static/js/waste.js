/* 危险废物监管 /waste (issue #18): the map of facilities (dots sized by licensed capacity, at
 * their county's centre) and of the year's received transfers between cities (lines, width by
 * tonnage), drawn on the county map of the viewer's region. The figures come from the server
 * (qs-config); the labels too (qingshan/web/i18n.py, ws.*). Nothing is computed here but
 * positions, sizes and colours. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels || {};
  var en = cfg.lang === "en";
  var charts = [];
  window.qsWasteCharts = {};  // for the browser tests and the console
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  function narrow() { return window.innerWidth < 700; }
  function fmt(v, d) {
    if (v == null) { return "—"; }
    return Number(v).toLocaleString(en ? "en-US" : "zh-CN", { maximumFractionDigits: d, minimumFractionDigits: d });
  }

  function drawMap() {
    var el = document.getElementById("qs-ws-map");
    if (!el || typeof echarts === "undefined" || !cfg.countiesUrl) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    window.qsWasteCharts.map = chart;
    var url = cfg.countiesUrl + (cfg.level === "province" ? "" : "?city=" + cfg.region.slice(0, 4) + "00");
    qs.getJSON(url).then(function (geo) {
      var names = {}, centre = {}, cityPts = {};
      geo.features.forEach(function (f) {
        var p = f.properties;
        names[p.code] = (en ? p.name_en : p.name) || p.code;
        centre[p.code] = p.center;
        var c = (p.city_code || p.code.slice(0, 4) + "00");
        (cityPts[c] = cityPts[c] || []).push(p.center);
        p.name = p.code;
      });
      var cityCentre = {};
      Object.keys(cityPts).forEach(function (c) {
        var pts = cityPts[c], x = 0, y = 0;
        pts.forEach(function (q) { x += q[0]; y += q[1]; });
        cityCentre[c] = [x / pts.length, y / pts.length];
      });
      echarts.registerMap("qs-waste", geo);
      var maxCap = 1;
      cfg.facilities.forEach(function (f) { maxCap = Math.max(maxCap, f.capacity); });
      var dots = cfg.facilities.filter(function (f) { return centre[f.county]; }).map(function (f, i) {
        var c = centre[f.county];
        // facilities of one county side by side
        var same = cfg.facilities.filter(function (g, j) { return g.county === f.county && j < i; }).length;
        return { name: f.name, value: [c[0] + 0.06 * same, c[1], f.capacity], use: f.use, received: f.received, id: f.id };
      });
      var maxFlow = 1;
      cfg.flows.forEach(function (f) { maxFlow = Math.max(maxFlow, f.t); });
      var lines = cfg.flows.filter(function (f) { return cityCentre[f.from] && cityCentre[f.to] && f.from !== f.to; }).map(function (f) {
        return { coords: [cityCentre[f.from], cityCentre[f.to]], t: f.t, fromName: f.fromName, toName: f.toName,
          lineStyle: { width: 1 + 7 * f.t / maxFlow } };
      });
      var regions = cfg.level === "county" ? [{ name: cfg.region, itemStyle: { areaColor: "#e3efe6", borderColor: "#0b3d2e", borderWidth: 2 } }] : [];
      chart.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: function (p) {
          if (p.seriesType === "lines") {
            var d = p.data;
            return qs.esc(d.fromName) + " → " + qs.esc(d.toName) + "<br>" + qs.esc(L["ws.flow"]) + L["punct.colon"] + fmt(d.t, 1) + " " + qs.esc(L["ws.unit.t"]);
          }
          if (p.seriesType === "scatter") {
            var f = p.data;
            return qs.esc(f.name) + "<br>" + qs.esc(L["ws.f.capacity"]) + L["punct.colon"] + fmt(f.value[2], 0) +
              "<br>" + qs.esc(L["ws.f.received"]) + L["punct.colon"] + fmt(f.received, 1) +
              "<br>" + qs.esc(L["ws.f.use"]) + L["punct.colon"] + (f.use == null ? "—" : fmt(100 * f.use, 1) + "%");
          }
          return qs.esc(names[p.name] || p.name);
        } },
        geo: { map: "qs-waste", roam: false, top: 8, bottom: 8, left: 8, right: 8, selectedMode: false,
          // counties named on a desktop (a phone's English names would overlap: on hover there)
          label: { show: cfg.level !== "province" && !narrow(), formatter: function (p) { return names[p.name] || ""; }, fontSize: 10, color: "#555" },
          emphasis: { label: { show: true, formatter: function (p) { return names[p.name] || ""; } }, itemStyle: { areaColor: "#d6e8dc" } },
          itemStyle: { areaColor: "#f3f6f4", borderColor: "#a9b8ae", borderWidth: 0.6 }, regions: regions },
        series: [
          { type: "lines", coordinateSystem: "geo", data: lines, zlevel: 1,
            lineStyle: { color: "#c2571a", opacity: 0.7, curveness: 0.2 },
            effect: { show: false }, symbol: ["none", "arrow"], symbolSize: 8 },
          { type: "scatter", coordinateSystem: "geo", data: dots, zlevel: 2,
            symbolSize: function (v) { return 8 + 18 * Math.sqrt(v[2] / maxCap); },
            itemStyle: { color: "#2e7d4f", borderColor: "#fff", borderWidth: 1 },
            label: { show: !narrow() && cfg.level !== "province", formatter: function (p) { return p.data.name; }, position: "right", fontSize: 10, color: "#1d2521" } }
        ]
      }, true);
      el.setAttribute("data-facilities", String(dots.length));
      el.setAttribute("data-flows", String(lines.length));
    }).catch(function (e) { el.textContent = String(e.message || e); });
  }

  document.querySelectorAll(".qs-ws-tools select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  drawMap();
})();
