/* 机动车遥感监测 / 重型柴油车远程排放监控 pages (issue #21): the remote-sensing sites on the
 * city map (aspect kept by zones_geo.js, coloured by exceedance rate) and the OBD NOx histogram.
 * Configuration from <script id="qs-config">. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels || {};
  if (typeof echarts === "undefined") { return; }
  function pct(x) { return x === null || x === undefined ? "—" : (100 * x).toFixed(1) + "%"; }

  var mapEl = document.getElementById("qs-rs-map");
  if (mapEl) {
    var chart = echarts.init(mapEl, null, { renderer: "canvas" });
    window.qsRsMap = chart;  // for the browser tests and the console
    window.addEventListener("resize", function () { chart.resize(); });
    qs.getJSON(cfg.geojsonUrl).then(function (fc) {
      echarts.registerMap("qs-vh-rs", fc);
      var sites = cfg.sites || [];
      var box = null;
      if (sites.length) {
        var lo = sites.map(function (s) { return s.lon; }), la = sites.map(function (s) { return s.lat; });
        box = [Math.min.apply(null, lo) - 0.4, Math.min.apply(null, la) - 0.3,
               Math.max.apply(null, lo) + 0.4, Math.max.apply(null, la) + 0.3];
      }
      var maxRate = Math.max.apply(null, [0.0001].concat(sites.map(function (s) { return s.rate || 0; })));
      chart.setOption({
        animation: false,
        tooltip: { trigger: "item", confine: true, formatter: function (p) {
          var s = p.data.site;
          return s.name + "<br>" + L["vh.rs.readings"] + ": " + s.readings.toLocaleString() +
            "<br>" + L["vh.rs.valid"] + ": " + pct(s.valid_share) + "<br>" + L["vh.rs.rate"] + ": " + pct(s.rate);
        } },
        visualMap: { type: "continuous", min: 0, max: maxRate, dimension: 2, calculable: false, orient: "horizontal",
          left: "center", bottom: 0, itemHeight: 120, text: [pct(maxRate), "0"], inRange: { color: ["#2e7d32", "#f9a825", "#c62828"] } },
        geo: window.qsZonesGeo("qs-vh-rs", box, { scaleLimit: { min: 0.5, max: 40 } }),
        series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: function (v) { return 8 + Math.min(14, Math.sqrt(v[3]) / 12); },
          data: sites.map(function (s) { return { name: s.name, value: [s.lon, s.lat, s.rate || 0, s.readings], site: s }; }),
          itemStyle: { borderColor: "#fff", borderWidth: 1 } }]
      });
      mapEl.setAttribute("data-sites", String(sites.length));
    }).catch(function (e) { mapEl.textContent = String(e.message || e); });
  }

  var histEl = document.getElementById("qs-obd-hist");
  if (histEl) {
    var h = echarts.init(histEl, null, { renderer: "canvas" });
    window.qsObdHist = h;
    window.addEventListener("resize", function () { h.resize(); });
    var bins = cfg.hist || [];
    h.setOption({
      animation: false, grid: { left: 60, right: 16, top: 16, bottom: 40 }, tooltip: { trigger: "axis" },
      xAxis: { type: "category", name: L["vh.obd.nox"], nameLocation: "middle", nameGap: 26,
        data: bins.map(function (b) { return b.hi === null ? "≥" + b.lo : b.lo + "–" + b.hi; }) },
      yAxis: { type: "value", name: L["vh.obd.samples"] },
      series: [{ type: "bar", data: bins.map(function (b) { return b.n; }), itemStyle: { color: "#2e7d4f" } }]
    });
    histEl.setAttribute("data-bins", String(bins.length));
  }
})();
