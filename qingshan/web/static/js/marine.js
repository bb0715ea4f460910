/* 近岸海域 pages (issue #25). On the overview and an outfall's file: the city map with the sea
 * stations (dots coloured by GB 3097-1997 class), the sea outfalls (triangles, red when their
 * newest sample exceeds; a click opens the outfall's file) and the river-mouth sections
 * (squares). On an outfall's file: its samples by parameter with the limits as dashed lines.
 * Configuration from <script id="qs-config">; nothing fetched but the vendored city GeoJSON. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels || {};
  if (typeof echarts === "undefined") { return; }

  var chartEl = document.getElementById("qs-mar-chart");
  if (chartEl && cfg.chart && cfg.chart.times.length) {
    var ch = echarts.init(chartEl, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { ch.resize(); });
    var c = cfg.chart, series = [];
    Object.keys(c.series).forEach(function (k) {
      var s = { name: c.names[k] || k, type: "line", data: c.series[k], connectNulls: true };
      if (c.limits[k] != null) {
        s.markLine = { symbol: "none", silent: true, lineStyle: { type: "dashed" },
          data: [{ yAxis: c.limits[k] }], label: { formatter: (c.names[k] || k) + " " + c.limits[k], position: "insideEndTop" } };
      }
      series.push(s);
    });
    ch.setOption({ animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 48, right: 24, top: 36, bottom: 32 }, xAxis: { type: "category", data: c.times },
      yAxis: { type: "value", name: "mg/L" }, series: series });
    chartEl.setAttribute("data-points", String(c.times.length));
  }

  var mapEl = document.getElementById("qs-mar-map");
  if (!mapEl) { return; }
  var chart = echarts.init(mapEl, null, { renderer: "canvas" });
  window.qsMarMap = chart;
  window.addEventListener("resize", function () { chart.resize(); });
  qs.getJSON(cfg.geojsonUrl).then(function (fc) {
    echarts.registerMap("qs-mar", fc);
    var st = cfg.stations || [], of = cfg.outfalls || [], rv = cfg.rivers || [];
    var lons = [], lats = [];
    st.concat(of).concat(rv).forEach(function (p) { lons.push(p.lon); lats.push(p.lat); });
    var pad = cfg.focus ? 0.12 : 0.2;
    var box = window.qsBox(lons, lats, pad);
    var colours = cfg.colours || {};
    chart.setOption({
      animation: false,
      legend: { data: [L["mar.map.stations"], L["mar.map.outfalls"], L["mar.map.exceeding"], L["mar.map.rivers"]], top: 0, left: "center" },
      tooltip: { trigger: "item", confine: true, formatter: function (p) {
        var d = p.data || {};
        if (d.station) { return qs.esc(d.station.name) + "<br>" + qs.esc(L["mar.class"]) + " " + qs.esc(d.station.klass || "—"); }
        if (d.outfall) { return qs.esc(d.outfall.name) + "<br>" + qs.esc(d.outfall.code); }
        return qs.esc(p.name || "");
      } },
      geo: window.qsZonesGeo("qs-mar", box, { scaleLimit: { min: 0.5, max: 200 } }),
      series: [
        { id: "stations", name: L["mar.map.stations"], type: "scatter", coordinateSystem: "geo", symbolSize: 9,
          data: st.map(function (s) { return { name: s.name, value: [s.lon, s.lat], station: s,
            itemStyle: { color: colours[s.klass] || "#9e9e9e", borderColor: "#fff", borderWidth: 1 } }; }) },
        { id: "outfalls", name: L["mar.map.outfalls"], type: "scatter", coordinateSystem: "geo", symbol: "triangle",
          symbolSize: cfg.focus ? 16 : 11, itemStyle: { color: "#37474f" },
          data: of.filter(function (o) { return !o.exceeding; }).map(function (o) { return { name: o.code, value: [o.lon, o.lat], outfall: o }; }) },
        { id: "exceeding", name: L["mar.map.exceeding"], type: "scatter", coordinateSystem: "geo", symbol: "triangle",
          symbolSize: cfg.focus ? 16 : 12, itemStyle: { color: "#c62828" },
          data: of.filter(function (o) { return o.exceeding; }).map(function (o) { return { name: o.code, value: [o.lon, o.lat], outfall: o }; }) },
        { id: "rivers", name: L["mar.map.rivers"], type: "scatter", coordinateSystem: "geo", symbol: "rect", symbolSize: 9,
          data: rv.map(function (r) { return { name: r.name, value: [r.lon, r.lat],
            itemStyle: { color: r.meets === false ? "#ef6c00" : "#00838f" } }; }) }
      ]
    });
    mapEl.setAttribute("data-stations", String(st.length));
    mapEl.setAttribute("data-outfalls", String(of.length));
    mapEl.setAttribute("data-ready", "1");
    chart.on("click", function (p) {
      if (p.data && p.data.outfall && !cfg.focus) { window.location.assign("/marine/outfalls/" + encodeURIComponent(p.data.outfall.id)); }
    });
  }).catch(function (e) { mapEl.textContent = String(e.message || e); });
})();
