/* 污水零直排区 /zones/parks and /zones/parks/{id} (issue #20): the parks' boundaries over the
 * county map, coloured by their acceptance stage (a click opens the park), and on a park's page
 * the enterprises inside as points. The data are the page's own (qs-config); nothing is decided
 * here. */
(function () {
  "use strict";
  var cfgEl = document.getElementById("qs-config");
  var el = document.getElementById("qs-zp-map");
  if (!cfgEl || !el || typeof echarts === "undefined" || !window.qsZonesGeo) { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  var L = cfg.labels || {};
  // a stage's colour is its legend swatch's (zones.css), so the map and the legend agree
  var COLOURS = {};
  function colour(state) {
    if (!(state in COLOURS)) {
      var s = document.createElement("span");
      s.className = "qs-zn-swatch";
      s.setAttribute("data-state", state);
      s.style.display = "none";
      document.body.appendChild(s);
      COLOURS[state] = window.getComputedStyle(s).backgroundColor || "#546e7a";
      document.body.removeChild(s);
    }
    return COLOURS[state];
  }
  function rings(g) {
    if (!g) { return []; }
    if (g.type === "Polygon") { return [g.coordinates[0]]; }
    if (g.type === "MultiPolygon") { return g.coordinates.map(function (p) { return p[0]; }); }
    return [];
  }
  var box = [Infinity, Infinity, -Infinity, -Infinity];
  function grow(q) {
    box[0] = Math.min(box[0], q[0]); box[1] = Math.min(box[1], q[1]);
    box[2] = Math.max(box[2], q[0]); box[3] = Math.max(box[3], q[1]);
  }
  var items = (cfg.parks || []).map(function (p) {
    var rs = rings(p.boundary), c = [0, 0], n = 0;
    rs.forEach(function (r) { r.forEach(function (q) { grow(q); c[0] += q[0]; c[1] += q[1]; n += 1; }); });
    return { name: p.name, value: n ? [c[0] / n, c[1] / n] : [0, 0], id: p.id, state: p.state, rings: rs };
  });
  (cfg.points || []).forEach(function (e) { grow([e.lon, e.lat]); });
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsParksMap = chart;
  window.addEventListener("resize", function () { chart.resize(); });
  qs.getJSON(cfg.countiesUrl).then(function (counties) {
    echarts.registerMap("qs-parks", counties);
    var view = null;
    if (isFinite(box[0])) {
      var m = Math.max(0.02, 0.15 * Math.max(box[2] - box[0], box[3] - box[1]));
      view = [box[0] - m, box[1] - m, box[2] + m, box[3] + m];
    }
    var geo = window.qsZonesGeo("qs-parks", view, { silent: true });
    function parkTip(p) { var d = items[p.dataIndex]; return qs.esc(d.name) + "<br>" + qs.esc(L["zp.state." + d.state] || d.state); }
    chart.setOption({
      animation: false, geo: geo, tooltip: { trigger: "item", confine: true },
      series: [
        { type: "custom", coordinateSystem: "geo", data: items, z: 3,
          renderItem: function (params, api) {
            var d = items[params.dataIndex], col = colour(d.state);
            return { type: "group", children: d.rings.map(function (r) {
              return { type: "polygon", shape: { points: r.map(function (q) { return api.coord(q); }) },
                style: { fill: col, opacity: 0.55, stroke: col, lineWidth: 1.5 } };
            }) };
          },
          tooltip: { formatter: parkTip } },
        // on the list a marker at each park's centre: a park is ~1 km across, a dot at the
        // province's scale
        { type: "scatter", coordinateSystem: "geo", z: 5, symbolSize: 9,
          data: items.length > 1 ? items.map(function (d) {
            return { name: d.name, value: d.value, itemStyle: { color: colour(d.state), borderColor: "#fff", borderWidth: 1 } };
          }) : [],
          tooltip: { formatter: parkTip } },
        { type: "scatter", coordinateSystem: "geo", z: 4, symbolSize: 7, itemStyle: { color: "#111" },
          data: (cfg.points || []).map(function (e) { return { name: e.name, value: [e.lon, e.lat] }; }),
          tooltip: { formatter: function (p) { return qs.esc(p.name); } } }
      ]
    });
    chart.on("click", function (p) {
      if ((p.seriesIndex === 0 || p.seriesIndex === 1) && items[p.dataIndex] && items.length > 1) { window.location.href = "/zones/parks/" + items[p.dataIndex].id; }
    });
    el.setAttribute("data-parks", String(items.length));
    el.setAttribute("data-ready", "1");
  }).catch(function (e) { el.textContent = String(e.message || e); });
})();
