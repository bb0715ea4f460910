/* 生物多样性调查 /ecology/surveys and /ecology/surveys/{id} (issue #25): the survey areas'
 * outlines on the county map of the viewer's region, coloured by status (planned, surveying,
 * done); on an area's page its outline and its records as dots. Figures, names and colours come
 * from the server (qs-config). Click an area to open its page. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var el = document.getElementById("qs-eco-survey-map");
  if (!el || typeof echarts === "undefined" || !cfg.countiesUrl) { return; }
  var L = cfg.labels || {};
  var en = cfg.lang === "en";
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsEcologySurveys = chart;
  window.addEventListener("resize", function () { chart.resize(); });
  var single = cfg.areas.length === 1 && cfg.points;
  var url = cfg.countiesUrl + (cfg.level === "province" && !single ? "" : "?city=" + cfg.region.slice(0, 4) + "00");
  qs.getJSON(url).then(function (geo) {
    var names = {};
    geo.features.forEach(function (f) { names[f.properties.code] = (en ? f.properties.name_en : f.properties.name) || f.properties.code; f.properties.name = f.properties.code; });
    echarts.registerMap("qs-eco-surveys", geo);
    var polys = cfg.areas.map(function (a) {
      return { name: a.name, id: a.id, status: a.status, species: a.species, records: a.records,
        coords: a.geometry.coordinates[0], itemStyle: { color: cfg.colours[a.status] } };
    });
    var series = [{
      type: "custom", coordinateSystem: "geo", data: polys.map(function (p, i) { return [i]; }), zlevel: 1,
      renderItem: function (params, api) {
        var p = polys[params.dataIndex];
        var pts = p.coords.map(function (c) { return api.coord(c); });
        return { type: "polygon", shape: { points: pts },
          style: { fill: p.itemStyle.color, opacity: 0.75, stroke: "#0b3d2e", lineWidth: 1 } };
      },
      tooltip: { formatter: function (x) { var p = polys[x.dataIndex];
        return qs.esc(p.name) + "<br>" + qs.esc(L["eco.st." + p.status] || p.status) + " · " + p.species + " " + qs.esc(L["eco.map.species"] || ""); } }
    }];
    if (single && cfg.points.length) {
      series.push({ type: "scatter", coordinateSystem: "geo", data: cfg.points, symbolSize: 4, zlevel: 2,
        itemStyle: { color: "#c2571a", opacity: 0.7 }, silent: true });
    }
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      geo: { map: "qs-eco-surveys", roam: single ? true : false, top: 8, bottom: 8, left: 8, right: 8, selectedMode: false, silent: true,
        itemStyle: { areaColor: "#f3f6f4", borderColor: "#a9b8ae", borderWidth: 0.6 } },
      series: series
    }, true);
    if (single) {
      var c = cfg.areas[0].geometry.coordinates[0], w = 180, s = 90, e = -180, n = -90;
      c.forEach(function (q) { w = Math.min(w, q[0]); e = Math.max(e, q[0]); s = Math.min(s, q[1]); n = Math.max(n, q[1]); });
      chart.setOption({ geo: { center: [(w + e) / 2, (s + n) / 2], zoom: Math.max(1, Math.min(12, 1.2 / Math.max(e - w, n - s))) } });
    }
    chart.on("click", function (x) {
      if (x.seriesType === "custom" && !single) { window.location.href = "/ecology/surveys/" + polys[x.dataIndex].id; }
    });
    el.setAttribute("data-areas", String(polys.length));
  }).catch(function (e) { el.textContent = String(e.message || e); });
})();
