/* The big screen (大屏, issue #14): the summary API and the air layer, fetched every
   refreshSeconds without reloading; a failed refresh keeps the last data and shows its age.
   body[data-ready] once drawn; body[data-fetches] and [data-refreshed] count the attempts and
   the successful refreshes. Words come from cfg.labels only. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels, body = document.body, en = cfg.lang === "en";
  var charts = {}, box = null, last = null, lastOk = 0, fetches = 0, refreshed = 0, mapReady = null;
  var AQI_KEYS = ["1", "2", "3", "4", "5", "6", "none"];
  var WATER_KEYS = ["I", "II", "III", "IV", "V", "劣V", "none"];

  function $(id) { return document.getElementById(id); }
  function fmt(s, args) { return s.replace(/\{(\w+)\}/g, function (m, k) { return args[k] != null ? args[k] : m; }); }
  /** 1/100 of the width of the largest 16:9 box the window holds [px] (as screen.css's --u). */
  function unit() { return Math.min(window.innerWidth / 100, window.innerHeight * 1.7778 / 100); }
  function chart(id) {
    if (!charts[id]) { charts[id] = echarts.init($(id), null, { renderer: "canvas" }); }
    return charts[id];
  }
  function num(v, digits) { return v == null ? "—" : Number(v).toFixed(digits || 0); }
  function setNum(id, v, digits, suffix) {
    var el = $(id);
    el.dataset.value = v == null ? "" : String(v);
    el.innerHTML = qs.esc(num(v, digits)) + (v != null && suffix ? "<small>" + qs.esc(suffix) + "</small>" : "");
  }
  function age(ms) {
    var min = Math.max(0, Math.round(ms / 60000));
    return min < 120 ? fmt(L["screen.minutes"], { n: min }) : fmt(L["screen.hours"], { n: Math.round(min / 60) });
  }
  function areaName(a) { return (en ? a.name_en : a.name) + (a.context ? L["screen.context_tag"] : ""); }
  function textStyle(u) { return { color: "#e6f0f7", fontSize: Math.round(u * 0.95) }; }

  function stacked(id, areas, keys, legend, colorKey) {
    var u = unit();
    var names = areas.map(areaName);
    var series = keys.map(function (k, i) {
      var e = legend[i];
      return {
        name: e.name, type: "bar", stack: "n", barMaxWidth: Math.round(u * 1.6),
        itemStyle: { color: e.color },
        data: areas.map(function (a) { return a.counts[k] || 0; })
      };
    });
    chart(id).setOption({
      animation: false,
      textStyle: textStyle(u),
      grid: { left: u * 0.4, right: u * 0.8, top: u * 2.6, bottom: u * 0.2, containLabel: true },
      legend: { top: 0, left: 0, itemWidth: u * 0.9, itemHeight: u * 0.7, itemGap: u * 0.5,
        textStyle: { color: "#c9d8e4", fontSize: Math.round(u * 0.8) } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1, axisLabel: { color: "#8fa6b8", fontSize: Math.round(u * 0.8) },
        splitLine: { lineStyle: { color: "#1d3a55" } } },
      yAxis: { type: "category", inverse: true, data: names,
        axisLabel: { color: "#e6f0f7", fontSize: Math.round(u * 0.9), interval: 0 } },
      series: series
    }, true);
  }

  function spark(id, trend, opts) {
    var u = unit();
    var cats = trend.time.map(function (t) { var c = qs.cst(t); return opts.daily ? c.slice(5, 10) : c.slice(11, 16); });
    chart(id).setOption({
      animation: false,
      textStyle: textStyle(u),
      grid: { left: u * 0.4, right: u * 1.2, top: u * 0.8, bottom: u * 0.2, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + (opts.suffix || ""); } },
      xAxis: { type: "category", data: cats, boundaryGap: !!opts.daily,
        axisLabel: { color: "#8fa6b8", fontSize: Math.round(u * 0.8), interval: opts.daily ? 6 : 5 },
        axisTick: { show: false }, axisLine: { lineStyle: { color: "#2f5a7e" } } },
      yAxis: { type: "value", min: 0, max: opts.max, splitNumber: 2, axisLabel: { color: "#8fa6b8", fontSize: Math.round(u * 0.8) },
        splitLine: { lineStyle: { color: "#1d3a55" } } },
      series: [{ type: opts.daily ? "bar" : "line", data: trend.values, showSymbol: false, connectNulls: false,
        lineStyle: { width: Math.max(2, u * 0.2), color: "#4fc3f7" }, areaStyle: opts.daily ? undefined : { color: "rgba(79,195,247,.18)" },
        itemStyle: { color: opts.daily ? "#4caf7a" : "#4fc3f7" },
        markLine: opts.line ? { silent: true, symbol: "none", data: [{ yAxis: opts.line }],
          lineStyle: { color: "#ffb547", type: "dashed" }, label: { position: "insideEndTop", color: "#ffb547", fontSize: Math.round(u * 0.75) } } : undefined }]
    }, true);
  }

  function cases(c) {
    var u = unit();
    var keys = Object.keys(c.by_state);
    chart("sc-cases").setOption({
      animation: false,
      textStyle: textStyle(u),
      grid: { left: u * 0.4, right: u * 2.4, top: u * 0.3, bottom: u * 0.2, containLabel: true },
      xAxis: { type: "value", show: false },
      yAxis: { type: "category", inverse: true, data: keys.map(function (k) { return L["case.state." + k] || k; }),
        axisLabel: { color: "#e6f0f7", fontSize: Math.round(u * 0.9) }, axisLine: { show: false }, axisTick: { show: false } },
      series: [{ type: "bar", data: keys.map(function (k) { return c.by_state[k]; }), barMaxWidth: u * 1.3,
        itemStyle: { color: "#5b8dd6" }, label: { show: true, position: "right", color: "#e6f0f7", fontSize: Math.round(u * 0.95) } }]
    }, true);
  }

  function fresh(f) {
    var kinds = ["air_station", "water_section", "logger"];
    var rows = "<tr><th></th><th>" + qs.esc(L["screen.fresh_ok"]) + "</th><th>" + qs.esc(L["screen.fresh_late"]) +
      "</th><th>" + qs.esc(L["screen.fresh_missing"]) + "</th></tr>";
    kinds.forEach(function (k) {
      var c = f.by_kind[k];
      if (!c) { return; }
      rows += "<tr><th>" + qs.esc(L["screen.kind." + k]) + "</th><td>" + c.ok + "</td><td class=\"late\">" + c.late +
        "</td><td class=\"missing\">" + c.missing + "</td></tr>";
    });
    $("sc-fresh").tBodies[0].innerHTML = rows;
  }

  function loadMap() {
    if (mapReady) { return mapReady; }
    var url = cfg.level === "province" ? cfg.citiesUrl : cfg.countiesUrl;
    mapReady = qs.getJSON(url).then(function (geo) {
      if (cfg.level !== "province") {
        geo = { type: "FeatureCollection", features: geo.features.filter(function (f) { return f.properties.city_code === cfg.cityCode; }) };
      }
      var names = {};
      geo.features.forEach(function (f) {
        names[f.properties.code] = (en ? f.properties.name_en : f.properties.name) || f.properties.code;
        f.properties.name = f.properties.code;  // the map's areas by code, labelled by names[]
      });
      echarts.registerMap("qs-screen", geo);
      if (cfg.level !== "county") { return names; }
      return qs.getJSON(cfg.regionUrl).then(function (r) { box = r.bbox; return names; }, function () { return names; });
    });
    return mapReady;
  }

  /** A county with stations of its own is shown zoomed to its extent (padded by a third);
      one shown with its city's stations as context, and a city or the province, whole. */
  function zoom(layer) {
    if (cfg.level !== "county" || !box || layer.context_region) { return {}; }
    var dx = (box[2] - box[0]) / 3, dy = (box[3] - box[1]) / 3;
    return { boundingCoords: [[box[0] - dx, box[3] + dy], [box[2] + dx, box[1] - dy]] };
  }

  function drawMap(names, layer) {
    var u = unit(), colors = {};
    cfg.aqiLegend.forEach(function (e) { colors[e.level == null ? "none" : e.level] = e; });
    var data = layer.stations.filter(function (s) { return s.longitude != null; }).map(function (s) {
      var e = colors[s.level == null ? "none" : s.level];
      return { name: s.name, value: [s.longitude, s.latitude, s.aqi], context: s.context,
        itemStyle: { color: s.context ? "rgba(0,0,0,0)" : e.color, borderColor: e.color, borderWidth: s.context ? 2 : 1 } };
    });
    var regions = [];
    if (cfg.level === "county") { regions.push({ name: cfg.region, itemStyle: { areaColor: "#1f4a6b", borderColor: "#4fc3f7", borderWidth: 2 } }); }
    chart("sc-map").setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) {
        if (p.seriesType !== "scatter") { return qs.esc(names[p.name] || p.name); }
        return qs.esc(p.name) + " · AQI " + (p.value[2] == null ? "—" : p.value[2]);
      } },
      geo: Object.assign({ map: "qs-screen", roam: false, top: u * 0.5, bottom: u * 2.6, left: u * 0.5, right: u * 0.5 }, zoom(layer), {
        regions: regions,
        label: { show: true, formatter: function (p) { return names[p.name] || p.name; }, color: "#8fa6b8", fontSize: Math.round(u * (cfg.level === "province" ? 0.95 : 0.75)) },
        itemStyle: { areaColor: "#12314a", borderColor: "#2f5a7e", borderWidth: 1 },
        emphasis: { label: { color: "#fff" }, itemStyle: { areaColor: "#1b4669" } } }),
      legend: { bottom: 0, left: 0, data: cfg.aqiLegend.map(function (e) { return { name: e.name, itemStyle: { color: e.color } }; }),
        itemWidth: u * 0.8, itemHeight: u * 0.6, itemGap: u * 0.4, selectedMode: false,
        textStyle: { color: "#c9d8e4", fontSize: Math.round(u * 0.75) } },
      series: cfg.aqiLegend.map(function (e) {
        var key = e.level == null ? "none" : String(e.level);
        return { name: e.name, type: "scatter", coordinateSystem: "geo", symbolSize: Math.max(6, u * (cfg.level === "province" ? 0.55 : 0.9)),
          data: data.filter(function (d, i) { var s = layer.stations.filter(function (x) { return x.longitude != null; })[i];
            return (s.level == null ? "none" : String(s.level)) === key; }) };
      })
    }, true);
  }

  function draw(sum, layer, names) {
    var pct = L["screen.percent"];
    fresh(sum.freshness);  // first: the table's rows settle the height left to the charts
    setNum("kpi-aqi", sum.aqi_mean, 0);
    $("kpi-aqi-sub").textContent = fmt(L["screen.stations"], { n: sum.stations });
    setNum("kpi-good", sum.good_share, 1, pct);
    $("kpi-good-sub").textContent = fmt(L["screen.stations"], { n: sum.stations });
    setNum("kpi-water", sum.water_good_rate, 1, pct);
    $("kpi-water-sub").textContent = fmt(L["screen.sections"], { n: sum.sections });
    setNum("kpi-exceeding", sum.exceeding_outlets, 0);
    $("kpi-exceeding-sub").textContent = fmt(L["screen.outlets"], { n: sum.outlets });
    setNum("kpi-cases", sum.cases.open, 0);
    $("kpi-overdue").textContent = fmt(L["screen.overdue"], { n: sum.cases.overdue });
    $("kpi-overdue").dataset.value = String(sum.cases.overdue);
    setNum("kpi-fresh", sum.freshness.late + sum.freshness.missing, 0);
    $("kpi-fresh-sub").textContent = L["screen.fresh_late"] + " " + sum.freshness.late + " · " + L["screen.fresh_missing"] + " " + sum.freshness.missing;
    var byCounty = cfg.level !== "province";
    $("sc-air-title").textContent = L[byCounty ? "screen.air_by_county" : "screen.air_by_city"];
    $("sc-water-title").textContent = L[byCounty ? "screen.water_by_county" : "screen.water_by_city"];
    stacked("sc-air-bars", sum.air_by_area, AQI_KEYS, cfg.aqiLegend);
    stacked("sc-water-bars", sum.water_by_area, WATER_KEYS, cfg.waterLegend);
    spark("sc-spark-aqi", sum.aqi_24h, { line: 100, max: function (v) { return Math.max(120, Math.ceil(v.max / 50) * 50); } });
    spark("sc-spark-good", sum.good_days_30d, { daily: true, max: 100, suffix: pct });
    $("sc-good-rate").textContent = sum.good_rate_30d == null ? "" : num(sum.good_rate_30d, 1) + pct;
    cases(sum.cases);
    $("sc-data-time").textContent = L["screen.air_time"] + " " + qs.cst(sum.air_time) + " · " + L["screen.water_time"] + " " + qs.cst(sum.water_time);
    var ctx = $("sc-context");
    if (layer.context_region) {
      ctx.textContent = fmt(L["screen.context"], { city: names[layer.context_region] || (en ? sum.region_name_en : sum.region_name) });
      ctx.hidden = false;
    } else { ctx.hidden = true; }
    drawMap(names, layer);
    // a chart drawn before the text around it settled may be sized for more room than it has
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  }

  function showStale() {
    var el = $("sc-stale");
    if (!last) { return; }
    el.textContent = fmt(L["screen.stale"], { age: age(Date.now() - Date.parse(last.sum.as_of)) });
    el.hidden = false;
  }

  function refresh() {
    fetches += 1;
    body.dataset.fetches = String(fetches);
    return Promise.all([qs.getJSON(cfg.summaryUrl), qs.getJSON(cfg.airUrl), loadMap()]).then(function (r) {
      last = { sum: r[0], layer: r[1], names: r[2] };
      lastOk = Date.now();
      draw(r[0], r[1], r[2]);
      $("sc-stale").hidden = true;
      $("sc-error").hidden = true;
      refreshed += 1;
      body.dataset.refreshed = String(refreshed);
      body.dataset.ready = "1";
    }, function (err) {
      if (last) { showStale(); } else {
        $("sc-error").textContent = L["screen.load_failed"] + " (" + err.message + ")";
        $("sc-error").hidden = false;
      }
      body.dataset.failed = String((Number(body.dataset.failed) || 0) + 1);
    });
  }

  function tick() {
    $("sc-clock").textContent = qs.cst(new Date().toISOString(), true);
    if (last && !$("sc-stale").hidden) { showStale(); }
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
      if (last) { draw(last.sum, last.layer, last.names); }
    }, 150);
  });
  tick();
  window.setInterval(tick, 1000);
  refresh();
  window.setInterval(refresh, cfg.refreshSeconds * 1000);
  window.qsScreen = { refresh: refresh };
})();
