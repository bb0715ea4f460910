/* 空间管控 /zones/layers, /zones/siting, /zones/siting/print (issue #20): the layers in force
 * drawn over the county map (GeoJSON of /api/v1/zones/layers/{id}/geojson, coloured by kind
 * and category; the tooltip names the feature and lists its requirements and rules), and on the
 * siting page the site: clicks on the map add "lon, lat" lines to the coordinates box, which is
 * what the form sends. Nothing is decided here: the verdict is the server's. */
(function () {
  "use strict";
  var cfgEl = document.getElementById("qs-config");
  if (!cfgEl) { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  var L = cfg.labels || {};
  var printBtn = document.getElementById("qs-zn-do-print");
  if (printBtn) { printBtn.addEventListener("click", function () { window.print(); }); }
  var el = document.getElementById("qs-zn-map");
  if (!el || typeof echarts === "undefined" || !window.qsZonesGeo) { return; }

  var COLOURS = {
    "red_line": "#c62828", "ws.一级": "#0d47a1", "ws.二级": "#1e88e5", "ws.准保护区": "#90caf9",
    "cu.优先保护": "#2e7d32", "cu.重点管控": "#ef6c00", "cu.一般管控": "#c0ca33", "park": "#7b1fa2",
    "low_emission": "#6d4c41"
  };
  var KIND_COLOURS = { "red_line": COLOURS.red_line, "water_source": COLOURS["ws.二级"],
    "control_unit": COLOURS["cu.重点管控"], "park": COLOURS.park,
    "low_emission": COLOURS.low_emission };
  function category(kind, p) {
    if (kind === "water_source") { return "ws." + p.level; }
    if (kind === "control_unit") { return "cu." + p.unit_type; }
    return kind;
  }
  function hexA(hex, a) {
    var r = parseInt(hex.substr(1, 2), 16), g = parseInt(hex.substr(3, 2), 16), b = parseInt(hex.substr(5, 2), 16);
    return "rgba(" + r + "," + g + "," + b + "," + a + ")";
  }
  function lab(k) { return L[k] || k; }
  function polygonsOf(geom) {
    if (!geom) { return []; }
    if (geom.type === "Polygon") { return [geom.coordinates[0]]; }
    if (geom.type === "MultiPolygon") { return geom.coordinates.map(function (p) { return p[0]; }); }
    return [];
  }
  function extend(box, pts) {
    pts.forEach(function (q) {
      box[0] = Math.min(box[0], q[0]); box[1] = Math.min(box[1], q[1]);
      box[2] = Math.max(box[2], q[0]); box[3] = Math.max(box[3], q[1]);
    });
    return box;
  }

  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsZonesMap = chart;  // for the browser tests and the console
  window.addEventListener("resize", function () { chart.resize(); });
  var coordsBox = document.getElementById("qs-zn-coords");
  var pick = el.getAttribute("data-pick") === "1" && coordsBox;
  var layerSeries = [];
  var dataBox = null, baseBox = null, baseVerts = [], featBoxes = [];

  function tooltip(d) {
    var p = d.props, out = "<b>" + qs.esc(p.name) + "</b> <span style='color:#777'>" + qs.esc(p.code) + "</span><br>" +
      qs.esc(lab("zn.kind." + d.kind)) + (p.unit_type ? " · " + qs.esc(L["zn.cat.cu." + p.unit_type] || p.unit_type) : "") + (p.level ? " · " + qs.esc(L["zn.cat.ws." + p.level] || p.level) : "") +
      "<br><span style='color:#777'>" + qs.esc(d.layer) + "</span>";
    var req = p.requirements || {};
    Object.keys(req).forEach(function (dim) {
      out += "<br><b>" + qs.esc(L["zn.dim." + dim] || dim) + "</b>";
      req[dim].slice(0, 4).forEach(function (t) { out += "<br>· " + qs.esc(t.length > 60 ? t.slice(0, 60) + "…" : t); });
    });
    (p.rules || []).slice(0, 4).forEach(function (r) {
      out += "<br>⚖ " + qs.esc(r.prefix || lab("zn.s.all_industries")) + " → " + qs.esc(lab("zn.v." + r.verdict));
    });
    return "<div style='max-width:340px;white-space:normal'>" + out + "</div>";
  }

  function layerToSeries(layer, fc) {
    var items = (fc.features || []).map(function (f) {
      var polys = polygonsOf(f.geometry), cat = category(layer.kind, f.properties || {});
      var box = extend([Infinity, Infinity, -Infinity, -Infinity], [].concat.apply([], polys));
      dataBox = extend(dataBox || [Infinity, Infinity, -Infinity, -Infinity], [[box[0], box[1]], [box[2], box[3]]]);
      featBoxes.push(box);
      return { name: f.properties.name, value: [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2],
        polys: polys, props: f.properties, kind: layer.kind, layer: layer.name + " " + layer.version,
        colour: COLOURS[cat] || "#546e7a" };
    });
    return {
      type: "custom", coordinateSystem: "geo", name: layer.name + " · " + layer.version, data: items,
      z: layer.kind === "control_unit" ? 2 : layer.kind === "park" ? 3 : 4,
      itemStyle: { color: KIND_COLOURS[layer.kind] || "#546e7a" },
      renderItem: function (params, api) {
        var d = items[params.dataIndex];
        return { type: "group", children: d.polys.map(function (ring) {
          return { type: "polygon", shape: { points: ring.map(function (q) { return api.coord(q); }) },
            style: { fill: hexA(d.colour, d.kind === "control_unit" ? 0.22 : 0.4), stroke: d.colour, lineWidth: 1 } };
        }) };
      },
      tooltip: { formatter: function (p) { return tooltip(items[p.dataIndex]); } }
    };
  }

  // the site's parts: lists of [lon, lat]; a blank line in the box starts a new part
  function siteParts() {
    if (!coordsBox) {
      if (!cfg.site) { return []; }
      return cfg.site.type === "Point" ? [[cfg.site.coordinates]] : polygonsOf(cfg.site).map(function (r) { return r.slice(0, -1); });
    }
    return coordsBox.value.split(/\n\s*\n/).map(function (block) {
      return block.split(/[\n;；]+/).map(function (line) {
        var m = line.match(/^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$/);
        return m ? [parseFloat(m[1]), parseFloat(m[2])] : null;
      }).filter(function (q) { return q; });
    }).filter(function (p) { return p.length; });
  }
  function sitePoints() { return [].concat.apply([], siteParts()); }

  function siteSeries() {
    var parts = siteParts(), pts = sitePoints();
    var rings = parts.filter(function (p) { return p.length >= 3; }).map(function (p) { return p.concat([p[0]]); });
    return [
      { id: "site-area", type: "custom", coordinateSystem: "geo", silent: true, z: 9, data: rings.map(function (r) { return [r[0][0], r[0][1]]; }),
        renderItem: function (params, api) {
          var ring = rings[params.dataIndex];
          return { type: "polygon", shape: { points: ring.map(function (q) { return api.coord(q); }) },
            style: { fill: "rgba(17,17,17,0.12)", stroke: "#111", lineWidth: 2, lineDash: [6, 3] } };
        } },
      { id: "site-points", type: "scatter", coordinateSystem: "geo", silent: true, z: 10,
        symbol: pts.length === 1 ? "pin" : "circle", symbolSize: pts.length === 1 ? 30 : 7,
        itemStyle: { color: "#111", borderColor: "#fff", borderWidth: 1 }, data: pts }
    ];
  }

  function view() {
    var pts = sitePoints(), box = null;
    if (pts.length) {
      box = extend([Infinity, Infinity, -Infinity, -Infinity], pts);
      var pad = Math.max(0.1, 1.5 * Math.max(box[2] - box[0], box[3] - box[1]));
      box = [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad];
      // a site with no county in sight (at sea, outside Zhejiang, a typo): show where it is
      // against the map rather than a pin on an empty panel
      var seen = featBoxes.some(function (b) { return b[0] <= box[2] && b[2] >= box[0] && b[1] <= box[3] && b[3] >= box[1]; }) ||
        baseVerts.some(function (q) { return q[0] >= box[0] && q[0] <= box[2] && q[1] >= box[1] && q[1] <= box[3]; });
      var around = baseBox || dataBox;
      if (!seen && around) {
        box = [Math.min(box[0], around[0]), Math.min(box[1], around[1]), Math.max(box[2], around[2]), Math.max(box[3], around[3])];
      }
    } else if (cfg.level !== "province" && baseBox) {  // a city's or county's officer: their city
      box = baseBox;
    } else if (dataBox) {
      var w = dataBox[2] - dataBox[0], h = dataBox[3] - dataBox[1], m = Math.max(0.02, 0.08 * Math.max(w, h));
      box = [dataBox[0] - m, dataBox[1] - m, dataBox[2] + m, dataBox[3] + m];
    }
    return box;
  }

  function draw(keepView) {
    var box = keepView ? null : view();
    var geo = window.qsZonesGeo("qs-zones", box, { scaleLimit: { min: 0.5, max: 400 }, silent: !pick });
    var option = { animation: false, tooltip: { trigger: "item", confine: true, enterable: false },
      legend: layerSeries.length > 1 ? { type: "scroll", bottom: 0, data: layerSeries.map(function (s) { return s.name; }), textStyle: { fontSize: 11 } } : { show: false },
      series: layerSeries.concat(siteSeries()) };
    if (!keepView) { option.geo = geo; }
    chart.setOption(option, !keepView);
  }

  var base = cfg.countiesUrl ? qs.getJSON(cfg.countiesUrl) : Promise.resolve({ type: "FeatureCollection", features: [] });
  Promise.all([base].concat((cfg.layers || []).map(function (l) { return qs.getJSON(l.url); }))).then(function (res) {
    echarts.registerMap("qs-zones", res[0]);
    (res[0].features || []).forEach(function (f) {
      polygonsOf(f.geometry).forEach(function (ring) {
        baseBox = extend(baseBox || [Infinity, Infinity, -Infinity, -Infinity], ring);
        ring.forEach(function (q) { baseVerts.push(q); });
      });
    });
    var n = 0;
    (cfg.layers || []).forEach(function (l, i) {
      var s = layerToSeries(l, res[i + 1]);
      n += s.data.length;
      layerSeries.push(s);
    });
    draw(false);
    el.setAttribute("data-features", String(n));
    el.setAttribute("data-ready", "1");
  }).catch(function (e) { el.textContent = String(e.message || e); });

  if (pick) {
    chart.getZr().on("click", function (e) {
      var p = chart.convertFromPixel({ geoIndex: 0 }, [e.offsetX, e.offsetY]);
      if (!p || !isFinite(p[0]) || !isFinite(p[1])) { return; }
      var v = coordsBox.value;  // a blank line at the end starts a new part
      if (/\n[ \t]*\n\s*$/.test(v)) { v = v.replace(/\s+$/, "") + "\n\n"; } else { v = v.replace(/\s+$/, ""); if (v) { v += "\n"; } }
      coordsBox.value = v + p[0].toFixed(6) + ", " + p[1].toFixed(6);
      draw(true);
    });
    coordsBox.addEventListener("input", function () { draw(true); });
    var undo = document.getElementById("qs-zn-undo"), clear = document.getElementById("qs-zn-clear");
    if (undo) { undo.addEventListener("click", function () {
      var lines = coordsBox.value.replace(/\s+$/, "").split("\n");
      lines.pop();
      coordsBox.value = lines.join("\n");
      draw(true);
    }); }
    if (clear) { clear.addEventListener("click", function () { coordsBox.value = ""; draw(true); }); }
  }
})();
