/* 问题清单: the map of the located cases of the list's filters, coloured by state, over the
 * 11 cities. Configuration from <script id="qs-config">; points from /api/v1/cases/points. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var el = document.getElementById("qs-case-map");
  if (!el || typeof echarts === "undefined") { return; }
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsCaseMap = chart;  // for the browser tests and the console
  window.addEventListener("resize", function () { chart.resize(); });
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
      return r.json();
    });
  }
  Promise.all([getJSON(cfg.geojsonUrl), getJSON(cfg.pointsUrl)]).then(function (res) {
    echarts.registerMap("zhejiang", res[0]);
    var byState = {};
    res[1].forEach(function (p) {
      (byState[p.state] = byState[p.state] || []).push({ name: p.title, value: [p.longitude, p.latitude], id: p.id });
    });
    var series = Object.keys(cfg.stateColors).filter(function (s) { return byState[s]; }).map(function (s) {
      return {
        name: L["case.state." + s], type: "scatter", coordinateSystem: "geo", data: byState[s],
        symbolSize: 8, itemStyle: { color: cfg.stateColors[s], borderColor: "#fff", borderWidth: 0.5 }
      };
    });
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) { return p.seriesName + L["punct.colon"] + p.name; } },
      legend: { bottom: 0, left: "center", itemWidth: 10, itemHeight: 10, itemGap: 10, textStyle: { fontSize: 11 } },
      geo: { map: "zhejiang", roam: true, top: 10, bottom: 56, itemStyle: { areaColor: "#eef3f0", borderColor: "#9fb5a8" },
             emphasis: { itemStyle: { areaColor: "#dfe9e3" }, label: { show: false } } },
      series: series
    });
    chart.on("click", function (p) { if (p.data && p.data.id) { window.location.assign(cfg.caseUrl + p.data.id); } });
    el.setAttribute("data-points", String(res[1].length));
  }).catch(function (e) {
    el.textContent = String(e.message || e);
  });
})();
