/* 电子围栏 /zones/fences (issue #20): the fences of the viewer's region (GeoJSON polygons in
 * CGCS2000 lon/lat, from the page's config) over the county map, sections blue, sources green,
 * and the alerts' events as points (red unacknowledged, grey acknowledged). Nothing is decided
 * here: alerts are the server's. */
(function () {
  "use strict";
  var site = document.getElementById("qs-zf-site"), radius = document.getElementById("qs-zf-radius-m");
  if (site && radius) {  // the radius form: start from the chosen fence's radius
    site.addEventListener("change", function () {
      var o = site.options[site.selectedIndex];
      if (o && o.getAttribute("data-radius")) { radius.value = o.getAttribute("data-radius"); }
    });
  }
  var cfgEl = document.getElementById("qs-config");
  var el = document.getElementById("qs-zf-map");
  if (!cfgEl || !el || typeof echarts === "undefined") { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  var L = cfg.labels || {};
  function lab(k) { return L[k] || k; }
  var COLOUR = { section: "#1565c0", source: "#2e7d32" };
  // a fence is drawn at least this wide, so it shows at the province's scale (smaller on a phone)
  var MIN_PX = Math.max(8, Math.min(14, Math.round(el.clientWidth / 40)));
  function rings(geom) {
    if (!geom) { return []; }
    if (geom.type === "Polygon") { return [geom.coordinates[0]]; }
    if (geom.type === "MultiPolygon") { return geom.coordinates.map(function (p) { return p[0]; }); }
    return [];
  }
  var box = [Infinity, Infinity, -Infinity, -Infinity];
  function extend(pts) {
    pts.forEach(function (q) {
      box[0] = Math.min(box[0], q[0]); box[1] = Math.min(box[1], q[1]);
      box[2] = Math.max(box[2], q[0]); box[3] = Math.max(box[3], q[1]);
    });
  }
  var fences = (cfg.fences || []).map(function (f) {
    var rs = rings(f.geometry);
    rs.forEach(extend);
    return { name: f.name, value: f.site, rings: rs, f: f };
  });
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsFencesMap = chart;  // for the browser tests and the console
  window.addEventListener("resize", function () { chart.resize(); });
  var base = cfg.countiesUrl ? qs.getJSON(cfg.countiesUrl) : Promise.resolve({ type: "FeatureCollection", features: [] });
  base.then(function (counties) {
    echarts.registerMap("qs-fences", counties);
    // the base map is the viewer's province or city: shown whole (the fences are inside it);
    // without one, the fences' own extent
    var view = null;
    if (!(counties.features || []).length && isFinite(box[0])) {
      var m = Math.max(0.02, 0.08 * Math.max(box[2] - box[0], box[3] - box[1]));
      view = [box[0] - m, box[1] - m, box[2] + m, box[3] + m];
    }
    var geo = qsZonesGeo("qs-fences", view, { silent: true });
    chart.setOption({
      animation: false, tooltip: { trigger: "item", confine: true }, geo: geo,
      series: [
        { type: "custom", coordinateSystem: "geo", name: lab("zf.fences"), data: fences, z: 3,
          renderItem: function (params, api) {
            var d = fences[params.dataIndex], c = COLOUR[d.f.kind] || "#546e7a";
            var dash = d.f.basis === "buffer" ? [4, 3] : null;
            var rings = d.rings.map(function (ring) { return ring.map(function (q) { return api.coord(q); }); });
            var xs = [], ys = [];
            rings.forEach(function (r) { r.forEach(function (q) { xs.push(q[0]); ys.push(q[1]); }); });
            var size = Math.max(Math.max.apply(null, xs) - Math.min.apply(null, xs),
                                Math.max.apply(null, ys) - Math.min.apply(null, ys));
            if (!(size >= MIN_PX)) {  // a fence smaller than MIN_PX on screen: a ring of MIN_PX round the site
              var at = api.coord(d.value);
              return { type: "circle", shape: { cx: at[0], cy: at[1], r: MIN_PX / 2 },
                style: { fill: "rgba(0,0,0,0)", stroke: c, lineWidth: 1.2, lineDash: dash } };
            }
            return { type: "group", children: rings.map(function (pts) {
              return { type: "polygon", shape: { points: pts },
                style: { fill: "rgba(0,0,0,0)", stroke: c, lineWidth: 1.5, lineDash: dash } };
            }) };
          },
          tooltip: { formatter: function (p) {
            var f = fences[p.dataIndex].f;
            return "<b>" + qs.esc(f.name) + "</b> " + qs.esc(f.code) + "<br>" + qs.esc(lab("zf.kind." + f.kind)) + " · " +
              qs.esc(f.basis === "zone" ? lab("zf.basis.zone") : lab("zf.basis.buffer").replace("{r}", Math.round(f.radius)));
          } } },
        { type: "scatter", coordinateSystem: "geo", name: lab("zf.site"), z: 4, symbolSize: 5,
          data: fences.map(function (d) { return { name: d.name, value: d.value, itemStyle: { color: COLOUR[d.f.kind] } }; }) },
        { type: "scatter", coordinateSystem: "geo", name: lab("zf.alerts"), z: 5, symbol: "diamond", symbolSize: 11,
          data: (cfg.alerts || []).map(function (a) {
            return { name: a.label, value: a.at, a: a, itemStyle: { color: a.ack ? "#9e9e9e" : "#c62828", borderColor: "#fff", borderWidth: 1 } };
          }),
          tooltip: { formatter: function (p) {
            var a = p.data.a;
            return qs.esc(lab("zf.ev." + a.kind)) + " · " + qs.esc(a.label) + "<br>" + qs.esc(a.fence) + " · " + Math.round(a.distance) + " m";
          } } }
      ]
    });
    el.setAttribute("data-fences", String(fences.length));
    el.setAttribute("data-ready", "1");
  }).catch(function (e) { el.textContent = String(e.message || e); });
})();
