/* 空间管控 (issue #20): the one place the zones pages' maps get their geo component. ECharts'
 * left/right/top/bottom would stretch the map to the panel's box; layoutCenter/layoutSize keep
 * its aspect, and aspectScale = cos(latitude) draws a square kilometre square (a degree of
 * longitude is cos φ of a degree of latitude: ≈ 0.87 at Zhejiang's 27–31° N). */
(function () {
  "use strict";
  // map: the registered map's name; box: [minLon, minLat, maxLon, maxLat] to show, or null
  // for the whole map; extra: any other geo options (they win)
  window.qsZonesGeo = function (map, box, extra) {
    var lat = box ? (box[1] + box[3]) / 2 : 29.2;
    var geo = { map: map, roam: true, layoutCenter: ["50%", "50%"], layoutSize: "96%",
      aspectScale: Math.cos(lat * Math.PI / 180), selectedMode: false, label: { show: false },
      itemStyle: { areaColor: "#f3f6f4", borderColor: "#a9b8ae", borderWidth: 0.6 },
      emphasis: { disabled: true } };
    if (box) { geo.boundingCoords = [[box[0], box[3]], [box[2], box[1]]]; }
    Object.keys(extra || {}).forEach(function (k) { geo[k] = extra[k]; });
    return geo;
  };
  // the outer rings ([[lon, lat], …]) of a GeoJSON Polygon or MultiPolygon (or a Feature of
  // one); [] for anything else or nothing
  window.qsRings = function (g) {
    if (!g) { return []; }
    if (g.type === "Feature") { g = g.geometry || {}; }
    if (g.type === "Polygon") { return [g.coordinates[0]]; }
    if (g.type === "MultiPolygon") { return g.coordinates.map(function (p) { return p[0]; }); }
    return [];
  };
  // the box [minLon, minLat, maxLon, maxLat] around the points (lons[i], lats[i]) widened by
  // pad degrees on every side, or null for no point (qsZonesGeo then shows the whole map)
  window.qsBox = function (lons, lats, pad) {
    if (!lons.length) { return null; }
    return [Math.min.apply(null, lons) - pad, Math.min.apply(null, lats) - pad,
            Math.max.apply(null, lons) + pad, Math.max.apply(null, lats) + pad];
  };
})();
