/* 辐射安全 pages (issue #22). On the overview and a source page: the city map with the dose-rate
 * stations (circles, coloured by their newest nGy/h), the mobile sources' fences (polygons) and
 * recent tracks (lines), and the open excursions (red pulses). On a station page: the hourly
 * dose rate with its baseline (mean + 3σ) and the rain bars. Configuration from <script
 * id="qs-config">; nothing fetched but the vendored city GeoJSON. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels || {};
  if (typeof echarts === "undefined") { return; }

  var chartEl = document.getElementById("qs-emrad-chart");
  if (chartEl && cfg.times) {
    var ch = echarts.init(chartEl, null, { renderer: "canvas" });
    window.qsEmradChart = ch;
    window.addEventListener("resize", function () { ch.resize(); });
    var series = [{ name: L["emrad.series.dose"], type: "line", showSymbol: false, data: cfg.dose, yAxisIndex: 0,
      markLine: cfg.baseline == null ? undefined : { symbol: "none", silent: true, lineStyle: { color: "#c62828", type: "dashed" },
        data: [{ yAxis: cfg.baseline, name: L["emrad.series.baseline"] }], label: { formatter: L["emrad.series.baseline"], position: "insideEndTop" } } }];
    var yAxes = [{ type: "value", name: "nGy/h", scale: true }];
    if (cfg.rain) {
      series.push({ name: L["emrad.series.rain"], type: "bar", data: cfg.rain, yAxisIndex: 1, itemStyle: { color: "#64b5f6" } });
      yAxes.push({ type: "value", name: "mm", inverse: true, splitLine: { show: false } });
    }
    ch.setOption({ animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 48, right: 40, top: 36, bottom: 48 }, dataZoom: [{ type: "inside" }, { type: "slider", height: 16 }],
      xAxis: { type: "category", data: cfg.times }, yAxis: yAxes, series: series });
    chartEl.setAttribute("data-points", String(cfg.times.length));
  }

  var mapEl = document.getElementById("qs-emrad-map");
  if (!mapEl) { return; }
  var chart = echarts.init(mapEl, null, { renderer: "canvas" });
  window.qsEmradMap = chart;
  window.addEventListener("resize", function () { chart.resize(); });
  var rings = window.qsRings;
  qs.getJSON(cfg.geojsonUrl).then(function (fc) {
    echarts.registerMap("qs-emrad", fc);
    var st = cfg.stations || [], tr = cfg.tracks || [], al = cfg.alerts || [];
    var lons = [], lats = [];
    st.forEach(function (s) { lons.push(s.lon); lats.push(s.lat); });
    tr.forEach(function (t) {
      t.points.forEach(function (p) { lons.push(p[0]); lats.push(p[1]); });
      rings(t.fence).forEach(function (r) { r.forEach(function (c) { lons.push(c[0]); lats.push(c[1]); }); });
    });
    var pad = st.length ? 0.3 : 0.05;
    var box = window.qsBox(lons, lats, pad);
    var fences = [], lines = [];
    tr.forEach(function (t) {
      rings(t.fence).forEach(function (r) { fences.push({ name: t.code, coords: r }); });
      if (t.points.length > 1) { lines.push({ name: t.code, coords: t.points.map(function (p) { return [p[0], p[1]]; }) }); }
    });
    chart.setOption({
      animation: false,
      legend: { data: [L["emrad.map.stations"], L["emrad.map.fence"], L["emrad.map.tracks"], L["emrad.map.alert"]], top: 0, left: "center" },
      tooltip: { trigger: "item", confine: true, formatter: function (p) {
        if (p.data && p.data.station) { var s = p.data.station; return qs.esc(s.name) + "<br>" + (s.value == null ? "—" : s.value.toFixed(1)) + " " + qs.esc(L["emrad.unit.ngy"]); }
        return qs.esc(p.name || "");
      } },
      visualMap: st.length ? { seriesIndex: 0, min: 40, max: 200, dimension: 2, inRange: { color: ["#2e7d4f", "#f9a825", "#c62828"] },
        calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 80, text: ["200", "40 nGy/h"] } : undefined,
      geo: window.qsZonesGeo("qs-emrad", box, { scaleLimit: { min: 0.5, max: 200 } }),
      series: [
        { id: "stations", name: L["emrad.map.stations"], type: "scatter", coordinateSystem: "geo", symbolSize: 10,
          data: st.map(function (s) { return { name: s.name, value: [s.lon, s.lat, s.value == null ? 0 : s.value], station: s }; }) },
        { id: "fences", name: L["emrad.map.fence"], type: "lines", coordinateSystem: "geo", polyline: true, silent: false,
          data: fences, lineStyle: { color: "#6a1b9a", width: 2, type: "dashed", opacity: 0.9 } },
        { id: "tracks", name: L["emrad.map.tracks"], type: "lines", coordinateSystem: "geo", polyline: true,
          data: lines, lineStyle: { color: "#1565c0", width: 2, opacity: 0.8 } },
        { id: "alerts", name: L["emrad.map.alert"], type: "effectScatter", coordinateSystem: "geo", symbolSize: 14,
          data: al.map(function (a) { return { name: a.source, value: [a.lon, a.lat] }; }), itemStyle: { color: "#c62828" } }
      ]
    });
    mapEl.setAttribute("data-stations", String(st.length));
    mapEl.setAttribute("data-fences", String(fences.length));
    mapEl.setAttribute("data-alerts", String(al.length));
    chart.on("click", function (p) {
      if (p.data && p.data.station) { window.location.assign("/emergency/radiation/stations/" + encodeURIComponent(p.data.station.code)); }
      else if (p.seriesId !== "stations" && p.name) { window.location.assign("/emergency/radiation/sources/" + encodeURIComponent(p.name)); }
    });
  }).catch(function (e) { mapEl.textContent = String(e.message || e); });
})();
