/* 突发环境事件 /emergency/incidents/{id} (issue #22): the incident's position over the county
 * map with the affected water sites and the temporary points, and one line chart per point
 * with its standard value as a dashed line. The data are the page's own (qs-config). */
(function () {
  "use strict";
  var cfgEl = document.getElementById("qs-config");
  if (!cfgEl || typeof echarts === "undefined") { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  var zh = cfg.lang === "zh";
  var charts = [];
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  (cfg.points || []).forEach(function (p) {
    var el = document.getElementById("qs-emi-chart-" + p.id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    var mark = p.standard === null || p.standard === undefined ? undefined : {
      symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#c62828" },
      label: { formatter: (zh ? "标准值 " : "standard ") + p.standard, position: "insideEndTop" },
      data: [{ yAxis: p.standard }] };
    chart.setOption({
      animation: false, grid: { left: 48, right: 16, top: 24, bottom: 40 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: p.times, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", name: p.unit, scale: true },
      series: [{ type: "line", name: p.parameter, data: p.values, showSymbol: true, symbolSize: 6,
        itemStyle: { color: "#1565c0" }, markLine: mark }]
    });
    window["qsEmiChart" + p.id] = chart;
  });

  var el = document.getElementById("qs-emi-map");
  if (!el || !cfg.incident || !window.qsZonesGeo || typeof qs === "undefined") { return; }
  var inc = cfg.incident;
  var chart = echarts.init(el, null, { renderer: "canvas" });
  charts.push(chart);
  window.qsEmiMap = chart;
  qs.getJSON(cfg.countiesUrl).then(function (counties) {
    echarts.registerMap("qs-emi", counties);
    var m = 0.12;
    var geo = window.qsZonesGeo("qs-emi", [inc.lon - m, inc.lat - m, inc.lon + m, inc.lat + m], { silent: true });
    function tip(p) { return qs.esc(p.name) + (p.data && p.data.km !== undefined ? "<br>" + p.data.km + " km" : ""); }
    chart.setOption({
      animation: false, geo: geo, tooltip: { trigger: "item", confine: true, formatter: tip },
      series: [
        { type: "scatter", coordinateSystem: "geo", z: 6, symbol: "pin", symbolSize: 28,
          itemStyle: { color: "#c62828" }, data: [{ name: inc.name, value: [inc.lon, inc.lat] }] },
        { type: "scatter", coordinateSystem: "geo", z: 5, symbolSize: 10, itemStyle: { color: "#1565c0" },
          data: (cfg.affected || []).map(function (a) { return { name: a.name, value: [a.lon, a.lat], km: a.km }; }) },
        { type: "scatter", coordinateSystem: "geo", z: 5, symbol: "diamond", symbolSize: 11, itemStyle: { color: "#ef6c00" },
          data: (cfg.points || []).map(function (p) { return { name: p.name, value: [p.lon, p.lat] }; }) }
      ]
    });
  });
})();
