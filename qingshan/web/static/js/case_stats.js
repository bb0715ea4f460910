/* 统计分析 (qingshan.cases.reports_web): the monthly trend of new and closed cases; a click on
 * a month opens its dispatch notice. Configuration from <script id="qs-config">. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var el = document.getElementById("qs-trend");
  if (!el || typeof echarts === "undefined") { return; }
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsTrendChart = chart;  // for the browser tests and the console
  window.addEventListener("resize", function () { chart.resize(); });
  var months = cfg.trend.map(function (r) { return r[0]; });
  chart.setOption({
    color: ["#1f6fb2", "#2e7d32"],
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [L["stats.new"], L["stats.closed"]] },
    grid: { left: 40, right: 12, top: 30, bottom: 28 },
    xAxis: { type: "category", data: months, axisLabel: { fontSize: 11, formatter: function (m) { return m.slice(2); } } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: L["stats.new"], type: "bar", data: cfg.trend.map(function (r) { return r[1]; }), barMaxWidth: 18 },
      { name: L["stats.closed"], type: "line", data: cfg.trend.map(function (r) { return r[2]; }), symbolSize: 6 }
    ]
  });
  chart.getZr().on("click", function (e) {
    var pt = [e.offsetX, e.offsetY];
    if (!chart.containPixel("grid", pt)) { return; }
    var i = chart.convertFromPixel({ seriesIndex: 0 }, pt)[0];
    if (months[i]) { window.location.assign(cfg.noticeUrl + months[i]); }
  });
  el.setAttribute("data-ready", "1");
})();
