/* 机动车排气 overview /vehicles (issue #21): the monthly trend — initial tests (bars) and the
 * initial-test failure rate (line) of the region's stations. Data from <script id="qs-vh-trend">
 * (the same numbers as the table below it). */
(function () {
  "use strict";
  var el = document.getElementById("qs-vh-trend-chart");
  var data = document.getElementById("qs-vh-trend");
  if (!el || !data || typeof echarts === "undefined") { return; }
  var cfg = JSON.parse(data.textContent);
  if (!cfg.months.length) { el.style.display = "none"; return; }
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsVhTrend = chart;  // for the browser tests and the console
  chart.setOption({
    animation: false,
    grid: { left: 40, right: 44, top: 34, bottom: 28 },
    legend: { top: 0, textStyle: { fontSize: 11 } },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: cfg.months, axisLabel: { fontSize: 10 } },
    yAxis: [
      { type: "value", axisLabel: { fontSize: 10 } },
      { type: "value", splitLine: { show: false },
        axisLabel: { fontSize: 10, formatter: function (v) { return v + "%"; } } }
    ],
    series: [
      { type: "bar", name: cfg.labels.initial, data: cfg.initial, itemStyle: { color: "#9fc5b0" } },
      { type: "line", name: cfg.labels.rate, yAxisIndex: 1, data: cfg.rate, itemStyle: { color: "#8e24aa" },
        tooltip: { valueFormatter: function (v) { return v === null ? "—" : v + "%"; } } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
