/* 机动车排气 station ranking (issue #21): the I/M stations of the viewer's region on the map (the
 * cities for the province, the counties of the viewer's city or county around it; aspect kept by
 * zones_geo.js), coloured by how many of the five fraud checks flag them (0 green, 1 amber, 2 and
 * more red); the tooltip names the station with its initial-test pass rate and the flagged checks
 * with their scores; a click opens the station's page. Configuration from <script id="qs-config">. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels || {};
  var el = document.getElementById("qs-vh-station-map");
  if (!el || typeof echarts === "undefined") { return; }
  var COLORS = { clean: "#2e7d32", one: "#f9a825", several: "#c62828" };
  function pct(x) { return x === null || x === undefined ? "—" : (100 * x).toFixed(1) + "%"; }
  function esc(s) { var d = document.createElement("div"); d.textContent = String(s); return d.innerHTML; }
  var period = new URLSearchParams(window.location.search).get("period") || "";
  function href(code) {
    return "/vehicles/stations/" + encodeURIComponent(code) + (period ? "?period=" + encodeURIComponent(period) : "");
  }
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsVhStationMap = chart;  // for the browser tests and the console
  window.addEventListener("resize", function () { chart.resize(); });
  var stations = cfg.stations || [];
  qs.getJSON(cfg.geojsonUrl).then(function (fc) {
    echarts.registerMap("qs-vh-stations", fc);
    var box = cfg.box ? [cfg.box[0] - 0.05, cfg.box[1] - 0.05, cfg.box[2] + 0.05, cfg.box[3] + 0.05] : null;
    if (!box && stations.length) {
      var lo = stations.map(function (s) { return s.lon; }), la = stations.map(function (s) { return s.lat; });
      box = [Math.min.apply(null, lo) - 0.3, Math.min.apply(null, la) - 0.2,
             Math.max.apply(null, lo) + 0.3, Math.max.apply(null, la) + 0.2];
    }
    // flagged stations drawn last, on top of the clean ones
    var order = stations.slice().sort(function (a, b) { return a.flagged - b.flagged; });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", confine: true, formatter: function (p) {
        var s = p.data.station;
        var checks = Object.keys(s.checks).map(function (c) {
          var v = s.checks[c];
          return esc((cfg.checks || {})[c] || c) + " " + (v === null ? "—" : v.toFixed(2)) + " ⚑";
        });
        return "<b>" + esc(s.name) + "</b> " + esc(s.station_code) +
          "<br>" + L["vh.map.tests"] + ": " + s.tests.toLocaleString() +
          "<br>" + L["vh.map.pass_rate"] + ": " + pct(s.pass_rate) +
          "<br>" + L["vh.map.flagged"] + ": " + s.flagged + " / 5" +
          (checks.length ? "<br>" + L["vh.map.score"] + ": " + checks.join("<br>") : "") +
          "<br><i>" + L["vh.map.open"] + "</i>";
      } },
      geo: window.qsZonesGeo("qs-vh-stations", box, { scaleLimit: { min: 0.5, max: 40 },
        // the viewer's own city or county stands out from its neighbours
        regions: (cfg.regions || []).map(function (n) {
          return { name: n, itemStyle: { areaColor: "#e2eee6", borderColor: "#5d7f69", borderWidth: 1 } }; }) }),
      series: [{ type: "scatter", coordinateSystem: "geo", cursor: "pointer",
        symbolSize: function (v) { return 10 + 3 * Math.min(v[2], 3); },
        data: order.map(function (s) {
          return { name: s.name, value: [s.lon, s.lat, s.flagged], station: s,
                   itemStyle: { color: COLORS[s.band] || "#5f6b66" } };
        }),
        itemStyle: { borderColor: "#fff", borderWidth: 1 } }]
    });
    chart.on("click", function (p) {
      if (p.data && p.data.station) { window.location.href = href(p.data.station.station_code); }
    });
    el.setAttribute("data-stations", String(stations.length));
  }).catch(function (e) { el.textContent = String(e.message || e); });
})();
