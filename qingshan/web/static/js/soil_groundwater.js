/* 地下水 pages (issue #24, area groundwater). On /soil/groundwater: the county map with every
 * well of the region as a point coloured by its newest GB/T 14848-2017 class and the
 * pollution-prevention zones as outlined polygons; a click on a well opens its file. On a well's
 * file: the chosen indicator's series with the class III and IV limits as dashed lines.
 * Configuration from <script id="qs-config">; nothing fetched but the vendored county GeoJSON. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels || {};
  if (typeof echarts === "undefined") { return; }

  var rings = window.qsRings;

  var mapEl = document.getElementById("qs-soilg-map");
  if (mapEl) {
    var chart = echarts.init(mapEl, null, { renderer: "canvas" });
    window.qsSoilgMap = chart;
    window.addEventListener("resize", function () { chart.resize(); });
    qs.getJSON(cfg.geojsonUrl).then(function (fc) {
      echarts.registerMap("qs-soilg", fc);
      var wells = cfg.wells || [], zones = (cfg.zones && cfg.zones.features) || [];
      var lons = [], lats = [];
      wells.forEach(function (w) { lons.push(w.lon); lats.push(w.lat); });
      zones.forEach(function (f) { rings(f.geometry).forEach(function (r) { r.forEach(function (c) { lons.push(c[0]); lats.push(c[1]); }); }); });
      var box = window.qsBox(lons, lats, 0.25);
      var zoneLines = [];
      zones.forEach(function (f) {
        rings(f.geometry).forEach(function (r) {
          zoneLines.push({ name: f.properties.name, coords: r, zone: f.properties,
            lineStyle: { color: cfg.zoneColours[f.properties.kind] || "#555" } });
        });
      });
      var classes = Object.keys(cfg.colours);
      var series = [{ id: "zones", name: L["soilg.map.zones"], type: "lines", coordinateSystem: "geo", polyline: true,
        data: zoneLines, lineStyle: { width: 2, type: "dashed", opacity: 0.9 } }];
      classes.forEach(function (k) {
        series.push({ id: "class-" + k, name: k === "none" ? L["soilg.class.none"] : k, type: "scatter", coordinateSystem: "geo",
          symbolSize: 11, itemStyle: { color: cfg.colours[k], borderColor: "#fff", borderWidth: 1 },
          data: wells.filter(function (w) { return w.klass === k; }).map(function (w) {
            return { name: w.code, value: [w.lon, w.lat], well: w }; }) });
      });
      chart.setOption({
        animation: false,
        legend: { top: 0, left: "center", data: classes.map(function (k) { return k === "none" ? L["soilg.class.none"] : k; }) },
        tooltip: { trigger: "item", confine: true, formatter: function (p) {
          var w = p.data && p.data.well;
          if (w) { return qs.esc(w.name) + "<br>" + qs.esc(w.code) + " · " + qs.esc(w.klass === "none" ? L["soilg.class.none"] : w.klass) +
                   (w.on ? "<br>" + qs.esc(L["soilg.sampled_on"]) + " " + qs.esc(w.on) : ""); }
          var z = p.data && p.data.zone;
          if (z) { return qs.esc(z.name) + "<br>" + qs.esc(L["soilg.zone." + z.kind] || z.kind) + " · " + z.area_km2 + " km²"; }
          return qs.esc(p.name || "");
        } },
        geo: window.qsZonesGeo("qs-soilg", box, { scaleLimit: { min: 0.5, max: 400 } }),
        series: series
      });
      mapEl.setAttribute("data-wells", String(wells.length));
      mapEl.setAttribute("data-zones", String(zones.length));
      mapEl.setAttribute("data-ready", "1");
      chart.on("click", function (p) {
        if (p.data && p.data.well) { window.location.assign("/soil/groundwater/wells/" + p.data.well.id); }
      });
    }).catch(function (e) { mapEl.textContent = String(e.message || e); });
  }

  var chartEl = document.getElementById("qs-soilg-chart");
  if (chartEl && cfg.shown) {
    var ch = echarts.init(chartEl, null, { renderer: "canvas" });
    window.qsSoilgChart = ch;
    window.addEventListener("resize", function () { ch.resize(); });
    var draw = function (key) {
      var pts = cfg.series[key] || [], lim = cfg.limits[key] || [], unit = cfg.units[key] || "";
      var marks = [];
      [[2, "III", cfg.colours.III], [3, "IV", cfg.colours.IV]].forEach(function (m) {
        if (lim[m[0]] != null) { marks.push({ yAxis: lim[m[0]], name: m[1], lineStyle: { color: m[2], type: "dashed" },
          label: { formatter: m[1] + " ≤ " + lim[m[0]], position: "insideEndTop" } }); }
      });
      ch.setOption({
        animation: false, tooltip: { trigger: "axis" },
        grid: { left: 56, right: 24, top: 32, bottom: 40 },
        xAxis: { type: "time" },
        yAxis: { type: "value", name: unit, scale: true },
        series: [{ name: cfg.names[key] || key, type: "line", data: pts, symbolSize: 7,
          markLine: marks.length ? { symbol: "none", silent: true, data: marks } : undefined }]
      }, true);
      chartEl.setAttribute("data-points", String(pts.length));
      chartEl.setAttribute("data-indicator", key);
    };
    draw(cfg.shown);
    var sel = document.getElementById("qs-soilg-indicator");
    if (sel) { sel.addEventListener("change", function () { draw(sel.value); }); }
  }
})();
