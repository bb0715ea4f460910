/* 农用地 pages (issue #24, area farmland). On /soil/farmland: the county map with every plot of
 * the region as a point coloured by its GB 15618-2018 category; a click opens the plot's file.
 * On a plot's file: its boundary on the county map. Configuration from <script id="qs-config">;
 * nothing fetched but the vendored county GeoJSON. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels || {};
  if (typeof echarts === "undefined") { return; }

  var mapEl = document.getElementById("qs-soilf-map");
  if (mapEl) {
    var chart = echarts.init(mapEl, null, { renderer: "canvas" });
    window.qsSoilfMap = chart;
    window.addEventListener("resize", function () { chart.resize(); });
    qs.getJSON(cfg.geojsonUrl).then(function (fc) {
      echarts.registerMap("qs-soilf", fc);
      var plots = cfg.plots || [];
      var lons = plots.map(function (p) { return p.lon; }), lats = plots.map(function (p) { return p.lat; });
      var box = plots.length ? [Math.min.apply(null, lons) - 0.25, Math.min.apply(null, lats) - 0.25,
                                Math.max.apply(null, lons) + 0.25, Math.max.apply(null, lats) + 0.25] : null;
      var cats = Object.keys(cfg.colours);
      chart.setOption({
        animation: false,
        legend: { top: 0, left: "center", data: cats.map(function (k) { return L["soilf.cat." + k] || k; }) },
        tooltip: { trigger: "item", confine: true, formatter: function (p) {
          var x = p.data && p.data.plot; if (!x) { return qs.esc(p.name || ""); }
          return qs.esc(x.name) + "<br>" + qs.esc(x.code) + " · " + x.mu + " " + qs.esc(L["soilf.area_mu"] || "") +
            "<br>" + qs.esc(L["soilf.cat." + x.category] || x.category);
        } },
        geo: window.qsZonesGeo("qs-soilf", box, { scaleLimit: { min: 0.5, max: 400 } }),
        series: cats.map(function (k) {
          return { id: k, name: L["soilf.cat." + k] || k, type: "scatter", coordinateSystem: "geo", symbolSize: 9,
            itemStyle: { color: cfg.colours[k], borderColor: "#fff", borderWidth: 1 },
            data: plots.filter(function (p) { return p.category === k; }).map(function (p) {
              return { name: p.code, value: [p.lon, p.lat], plot: p }; }) };
        })
      });
      mapEl.setAttribute("data-plots", String(plots.length));
      mapEl.setAttribute("data-ready", "1");
      chart.on("click", function (p) {
        if (p.data && p.data.plot) { window.location.assign("/soil/farmland/" + p.data.plot.id); }
      });
    }).catch(function (e) { mapEl.textContent = String(e.message || e); });
  }

  var plotEl = document.getElementById("qs-soilf-plotmap");
  if (plotEl && cfg.boundary) {
    var pc = echarts.init(plotEl, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { pc.resize(); });
    qs.getJSON(cfg.geojsonUrl).then(function (fc) {
      echarts.registerMap("qs-soilf", fc);
      var g = cfg.boundary, rs = g.type === "Polygon" ? [g.coordinates[0]] : g.coordinates.map(function (p) { return p[0]; });
      var lons = [], lats = [];
      rs.forEach(function (r) { r.forEach(function (c) { lons.push(c[0]); lats.push(c[1]); }); });
      var w = Math.min.apply(null, lons), e = Math.max.apply(null, lons), s = Math.min.apply(null, lats), n = Math.max.apply(null, lats);
      var pad = Math.max(e - w, n - s) * 1.5 + 0.002;
      pc.setOption({
        animation: false,
        geo: window.qsZonesGeo("qs-soilf", [w - pad, s - pad, e + pad, n + pad], { scaleLimit: { min: 0.5, max: 5000 } }),
        series: [{ type: "lines", coordinateSystem: "geo", polyline: true, data: rs.map(function (r) { return { coords: r }; }),
          lineStyle: { color: cfg.colour, width: 3 } }]
      });
      plotEl.setAttribute("data-ready", "1");
    }).catch(function (e) { plotEl.textContent = String(e.message || e); });
  }
})();
