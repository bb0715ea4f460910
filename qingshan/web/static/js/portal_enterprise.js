/* 企业服务 (/portal): the last 24 hours of each outlet's limited parameters, drawn with the
 * vendored ECharts from the series the page carries (qs-pe-charts: nothing fetched); the
 * permit limit is a dashed line per parameter. */
(function () {
  "use strict";
  var el = document.getElementById("qs-pe-charts");
  if (!el || !window.echarts) { return; }
  var charts = JSON.parse(el.textContent);
  var outlets = document.querySelectorAll(".qs-pe-outlet");
  outlets.forEach(function (art, i) {
    var box = art.querySelector(".qs-pe-chart");
    var c = charts[i];
    if (!box || !c || !c.series.length) { return; }
    var chart = window.echarts.init(box);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 10, top: 30, bottom: 30 },
      xAxis: { type: "category", data: c.times },
      yAxis: { type: "value" },
      series: c.series.map(function (s) {
        return {
          name: s.name + " (" + s.unit + ")", type: "line", data: s.values, connectNulls: false,
          showSymbol: false,
          markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed" },
                      data: [{ yAxis: s.limit }] }
        };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
