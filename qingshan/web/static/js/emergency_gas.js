/* 有毒有害气体预警 pages (issue #22): the chemical parks (their boundary polygons) and boundary
 * stations coloured by the level of their latest readings on the city map; on a park page each
 * station × substance series of the last 24 h with its level-1 / level-2 set-points as lines; on
 * an alarm page the plume screening estimate's downwind sector (筛查估算). Configuration from
 * <script id="qs-config">. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels || {};
  var COLORS = { "-1": "#9e9e9e", "0": "#2e7d4f", "1": "#f9a825", "2": "#c62828" };

  function drawMap() {
    var mapEl = document.getElementById("qs-emg-map");
    if (!mapEl || typeof echarts === "undefined") { return; }
    var chart = echarts.init(mapEl, null, { renderer: "canvas" });
    window.qsEmgMap = chart;
    window.addEventListener("resize", function () { chart.resize(); });
    var stations = cfg.stations || [], parks = cfg.parks || [];
    var pts = [];
    stations.forEach(function (s) { if (s.lon != null) { pts.push([s.lon, s.lat]); } });
    parks.forEach(function (p) { (p.ring || []).forEach(function (c) { pts.push(c); }); });
    (cfg.sector || []).forEach(function (c) { pts.push(c); });
    var box = null;
    if (pts.length) {
      var lo = pts.map(function (p) { return p[0]; }), la = pts.map(function (p) { return p[1]; });
      var pad = cfg.sector ? 0.02 : 0.08;
      box = [Math.min.apply(null, lo) - pad, Math.min.apply(null, la) - pad,
             Math.max.apply(null, lo) + pad, Math.max.apply(null, la) + pad];
    }
    qs.getJSON(cfg.geojsonUrl).then(function (fc) {
      echarts.registerMap("qs-emg", fc);
      var polys = parks.map(function (p) { return { name: p.name, coords: p.ring, park: p }; });
      if (cfg.sector) { polys.push({ name: L["emg.plume.sector"], coords: cfg.sector, sector: true }); }
      chart.setOption({
        animation: false,
        tooltip: { trigger: "item", confine: true, formatter: function (p) {
          var d = p.data || {};
          if (d.station) {
            var s = d.station;
            return qs.esc(s.name) + " (" + qs.esc(s.code) + ")<br>" + (s.values.length ? s.values.map(function (v) {
              return qs.esc(v.name) + " " + (v.value == null ? "—" : v.value) + " mg/m³ · " + qs.esc(L["emg.level." + v.level]) + " · " + qs.esc(v.time);
            }).join("<br>") : qs.esc(L["emg.nodata"]));
          }
          if (d.park) { return qs.esc(L["emg.park"]) + " " + qs.esc(d.park.name); }
          if (d.sector) { return qs.esc(L["emg.plume.sector"]); }
          return "";
        } },
        geo: window.qsZonesGeo("qs-emg", box, { scaleLimit: { min: 0.5, max: 400 } }),
        series: [
          { id: "areas", type: "custom", coordinateSystem: "geo", data: polys.map(function (p, i) { return Object.assign({ value: [i] }, p); }),
            renderItem: function (params, api) {
              var item = polys[params.dataIndex];
              var points = item.coords.map(function (c) { return api.coord(c); });
              return { type: "polygon", shape: { points: points },
                style: item.sector ? { fill: "rgba(198,40,40,0.18)", stroke: "#c62828", lineWidth: 1, lineDash: [4, 3] }
                                   : { fill: "rgba(21,101,192,0.10)", stroke: "#1565c0", lineWidth: 1.5 } };
            } },
          { id: "stations", type: "scatter", coordinateSystem: "geo", symbolSize: 12, z: 5,
            data: stations.filter(function (s) { return s.lon != null; }).map(function (s) {
              var focus = cfg.focus != null && cfg.focus === s.id;
              return { name: s.name, value: [s.lon, s.lat], station: s, symbolSize: focus ? 18 : 12,
                       itemStyle: { color: COLORS[String(s.level)], borderColor: focus ? "#000" : "#fff", borderWidth: focus ? 2 : 1 } };
            }) }
        ]
      });
      mapEl.setAttribute("data-stations", String(stations.length));
      mapEl.setAttribute("data-sector", cfg.sector ? "1" : "0");
      chart.on("click", function (p) {
        if (p.data && p.data.station) { window.location.assign("/emergency/gas/parks/" + p.data.station.park_id); }
      });
    }).catch(function (e) { mapEl.textContent = String(e.message || e); });
  }

  function drawCharts() {
    var box = document.getElementById("qs-emg-charts");
    if (!box || typeof echarts === "undefined") { return; }
    (cfg.charts || []).forEach(function (c) {
      var el = document.createElement("div");
      el.className = "qs-emg-chart";
      el.setAttribute("data-points", String(c.points.length));
      box.appendChild(el);
      var chart = echarts.init(el, null, { renderer: "canvas" });
      window.addEventListener("resize", function () { chart.resize(); });
      chart.setOption({
        animation: false,
        title: { text: c.station + " · " + c.name, textStyle: { fontSize: 13 } },
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "category", data: c.points.map(function (p) { return p[0].slice(11); }) },
        yAxis: { type: "value", name: "mg/m³", max: function (v) { return Math.max(v.max, c.al1 * 1.1); } },
        series: [{ type: "line", showSymbol: false, data: c.points.map(function (p) { return p[1]; }),
          markLine: { symbol: "none", silent: true, data: [
            { yAxis: c.al1, name: L["emg.al1"], lineStyle: { color: "#f9a825" }, label: { formatter: L["emg.al1"] + " {c}" } },
            { yAxis: c.al2, name: L["emg.al2"], lineStyle: { color: "#c62828" }, label: { formatter: L["emg.al2"] + " {c}" } }] } }]
      });
    });
  }

  drawMap();
  drawCharts();
})();
