/* The air forecast pages (issue #15): the cities' next three days (/forecast/air), a city's
 * forecast with intervals and its past weeks against what happened (/forecast/air/{city}), and
 * the backtest's skill charts (/forecast/skill). Everything comes from /api/v1/forecast/…; the
 * labels and the AQI legend from the server (qs-config). Nothing is forecast or scored here. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var en = cfg.lang === "en";
  var esc = qs.esc;
  var root = document.getElementById("qs-forecast");
  var VARS = ["AQI", "PM2.5", "PM10", "O3_8h", "NO2", "SO2", "CO"];
  var MODELS = ["model", "persistence", "climatology", "seasonal_naive"];
  var MODEL_COLORS = { model: "#1f6f43", persistence: "#8a8f98", climatology: "#c2a14d", seasonal_naive: "#6b8fc7", statsforecast_ets: "#a06bc7" };

  function fmt(key, vars) {
    return L[key].replace(/\{(\w+)\}/g, function (_, k) { return vars[k] == null ? "" : vars[k]; });
  }
  function legend(level) {
    for (var i = 0; i < cfg.legend.length; i++) { if (cfg.legend[i].level === level) { return cfg.legend[i]; } }
    return cfg.legend[cfg.legend.length - 1];
  }
  function cityName(c) { return en ? c.name_en : c.name; }
  function varName(v) { return L["fc.var." + v] || v; }
  function num(v, d) { return v == null ? "—" : Number(v).toFixed(d); }
  function digits(v) { return v === "AQI" ? 0 : v === "CO" ? 2 : 0; }
  function range(b, d) { return b.q10 == null ? "—" : num(b.q10, d) + "–" + num(b.q90, d); }
  function primary(list) { return list.length ? list.map(varName).join(en ? ", " : "、") : L["fc.none"]; }
  function ahead(n) { return fmt("fc.ahead", { n: n }); }
  function fail(err) {
    var box = document.getElementById("fc-error");
    box.hidden = false;
    box.textContent = L["fc.load_failed"] + L["punct.colon"] + err.message;
    root.dataset.ready = "error";
  }
  function levelCell(day) {
    var lg = legend(day.level);
    return '<td class="fc-day" style="background:' + lg.color + ";color:" + qs.textColor(lg.color) + '">' +
      '<b class="fc-range">' + esc(range(day.aqi_band, 0)) + "</b>" +
      '<span class="fc-level">' + esc(lg.name) + "</span>" +
      '<span class="fc-primary">' + esc(primary(day.primary)) + "</span></td>";
  }
  function drawLegend() {
    var el = document.getElementById("fc-legend");
    if (!el) { return; }
    el.innerHTML = cfg.legend.filter(function (x) { return x.level != null; }).map(function (x) {
      return '<li><i style="background:' + x.color + '"></i>' + esc(x.name) + " " + x.aqi_low + "–" + x.aqi_high + "</li>";
    }).join("");
  }
  function issuedText(iso) { return L["fc.issued"] + L["punct.colon"] + (iso ? qs.cst(iso) : L["fc.no_forecast"]); }

  // ---------------------------------------------------------------- /forecast/air
  function drawAir(r) {
    document.getElementById("fc-issued").textContent = issuedText(r.issued_at);
    document.getElementById("fc-model").textContent = L["fc.model"] + L["punct.colon"] + r.model;
    if (r.context_only && r.cities.length) {
      var ctx = document.getElementById("fc-context");
      ctx.hidden = false;
      ctx.textContent = fmt("fc.county_note", { city: cityName(r.cities[0]) });
    }
    var days = r.cities.length ? r.cities[0].days : [];
    document.querySelector("#fc-table thead tr").innerHTML = "<th>" + esc(L["fc.city"]) + "</th>" + days.map(function (d) {
      return "<th>" + esc(d.target_day) + '<br><span class="qs-muted qs-small">' + esc(ahead(d.days_ahead)) + "</span></th>";
    }).join("");
    document.querySelector("#fc-table tbody").innerHTML = r.cities.map(function (c) {
      return '<tr data-city="' + esc(c.city_code) + '"><th><a href="' + esc(cfg.cityPage.replace("{code}", c.city_code)) +
        (en ? "?lang=en" : "") + '">' + esc(cityName(c)) + "</a></th>" + c.days.map(levelCell).join("") + "</tr>";
    }).join("") || '<tr><td class="qs-muted">' + esc(L["fc.no_forecast"]) + "</td></tr>";
    drawLegend();
    root.dataset.ready = "1";
  }

  // ---------------------------------------------------------------- /forecast/air/{city}
  var state = { variable: "AQI", lead: "1" };
  var chart = null;
  var detail = null;
  function drawCity(r) {
    detail = r;
    var name = cityName(r);
    document.getElementById("fc-city-title").textContent = fmt("fc.city_title", { city: name });
    document.title = fmt("fc.city_title", { city: name });
    var f = r.forecast;
    document.getElementById("fc-issued").textContent = issuedText(f && f.issued_at);
    if (r.context_only) {
      var ctx = document.getElementById("fc-context");
      ctx.hidden = false;
      ctx.textContent = fmt("fc.county_note", { city: name });
    }
    document.getElementById("fc-cards").innerHTML = f ? f.days.map(function (d) {
      var lg = legend(d.level);
      return '<article class="qs-card fc-card" data-day="' + esc(d.target_day) + '">' +
        '<header><b>' + esc(d.target_day) + '</b> <span class="qs-muted qs-small">' + esc(ahead(d.days_ahead)) + "</span></header>" +
        '<div class="fc-badge" style="background:' + lg.color + ";color:" + qs.textColor(lg.color) + '">' + esc(lg.name) + "</div>" +
        '<div class="fc-aqi"><span class="qs-muted qs-small">AQI</span> <b>' + num(d.aqi, 0) + '</b> <span class="qs-muted qs-small">' +
        esc(L["fc.aqi_range"]) + " " + esc(range(d.aqi_band, 0)) + "</span></div>" +
        '<div class="qs-small"><span class="qs-muted">' + esc(L["fc.primary"]) + L["punct.colon"] + "</span>" + esc(primary(d.primary)) + "</div></article>";
    }).join("") : '<p class="qs-card qs-muted">' + esc(L["fc.no_forecast"]) + "</p>";
    var polls = VARS.slice(1);
    document.querySelector("#fc-pollutants thead tr").innerHTML = "<th>" + esc(L["fc.variable"]) + "</th>" +
      (f ? f.days : []).map(function (d) { return '<th class="num">' + esc(d.target_day) + "</th>"; }).join("");
    document.querySelector("#fc-pollutants tbody").innerHTML = f ? polls.map(function (v) {
      return "<tr><th>" + esc(varName(v)) + ' <span class="qs-muted qs-small">' + esc(r.units[v]) + "</span></th>" + f.days.map(function (d) {
        var b = d.pollutants[v];
        return '<td class="num"><b>' + num(b.q50, digits(v)) + '</b> <span class="qs-muted qs-small">' + esc(range(b, digits(v))) + "</span></td>";
      }).join("") + "</tr>";
    }).join("") : "";
    var weeks = Math.max(1, Math.round(r.past.length / 7));
    document.getElementById("fc-past-title").textContent = fmt("fc.past", { n: weeks });
    document.getElementById("fc-vars").innerHTML = VARS.map(function (v) {
      return '<button type="button" role="tab" data-var="' + esc(v) + '">' + esc(varName(v)) + "</button>";
    }).join("");
    document.getElementById("fc-leads").innerHTML = ["1", "2", "3"].map(function (h) {
      return '<button type="button" role="tab" data-lead="' + h + '">' + esc(ahead(h)) + "</button>";
    }).join("");
    root.querySelectorAll("[data-var]").forEach(function (b) { b.addEventListener("click", function () { state.variable = b.dataset.var; drawBand(); }); });
    root.querySelectorAll("[data-lead]").forEach(function (b) { b.addEventListener("click", function () { state.lead = b.dataset.lead; drawBand(); }); });
    var heads = [L["fc.lead"], L["fc.n"], L["fc.level_acc"], L["fc.mae"], L["fc.coverage"]];
    document.querySelector("#fc-scores thead tr").innerHTML = heads.map(function (h, i) { return "<th" + (i ? ' class="num"' : "") + ">" + esc(h) + "</th>"; }).join("");
    document.querySelector("#fc-scores tbody").innerHTML = r.scores.map(function (s) {
      return "<tr><td>" + esc(ahead(s.days_ahead)) + '</td><td class="num">' + s.n + '</td><td class="num">' + pct(s.level_accuracy) +
        '</td><td class="num">' + num(s.aqi_mae, 1) + '</td><td class="num">' + pct(s.coverage_80) + "</td></tr>";
    }).join("");
    drawBand();
    root.dataset.ready = "1";
  }
  function pct(v) { return v == null ? "—" : (100 * v).toFixed(0) + "%"; }
  function drawBand() {
    var r = detail;
    root.querySelectorAll("[data-var]").forEach(function (b) { b.setAttribute("aria-selected", String(b.dataset.var === state.variable)); });
    root.querySelectorAll("[data-lead]").forEach(function (b) { b.setAttribute("aria-selected", String(b.dataset.lead === state.lead)); });
    var v = state.variable;
    var days = [], obs = [], lo = [], width = [], med = [];
    r.past.forEach(function (p) {
      var b = (p.forecasts[state.lead] || {})[v];
      days.push(p.day);
      obs.push(p.observed[v] == null ? null : p.observed[v]);
      lo.push(b && b.q10 != null ? b.q10 : null);
      width.push(b && b.q10 != null ? b.q90 - b.q10 : null);
      med.push(b && b.q50 != null ? b.q50 : null);
    });
    var firstFuture = null;
    if (r.forecast) {  // the days to come: the latest issue
      r.forecast.days.forEach(function (d) {
        if (days.indexOf(d.target_day) >= 0) { return; }
        if (firstFuture == null) { firstFuture = d.target_day; }
        var b = v === "AQI" ? d.aqi_band : d.pollutants[v];
        days.push(d.target_day); obs.push(null);
        lo.push(b.q10); width.push(b.q10 == null ? null : b.q90 - b.q10); med.push(b.q50);
      });
    }
    if (!chart) {
      chart = echarts.init(document.getElementById("fc-chart"), null, { renderer: "canvas" });
      window.qsForecastChart = chart;  // for the browser tests
      window.addEventListener("resize", function () { chart.resize(); });
    }
    var unit = r.units[v] ? " " + r.units[v] : "";
    chart.setOption({
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0, right: 84, data: [L["fc.observed"], L["fc.median"], L["fc.band"]] },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: days, boundaryGap: false },
      yAxis: { type: "value", name: varName(v) + unit, min: 0 },
      series: [
        { name: "lo", type: "line", stack: "band", data: lo, lineStyle: { opacity: 0 }, symbol: "none", tooltip: { show: false } },
        { name: L["fc.band"], type: "line", stack: "band", data: width, lineStyle: { opacity: 0 }, symbol: "none", areaStyle: { color: "rgba(31,111,67,0.18)" }, itemStyle: { color: "rgba(31,111,67,0.35)" } },
        { name: L["fc.median"], type: "line", data: med, itemStyle: { color: "#1f6f43" }, lineStyle: { type: "dashed" }, symbolSize: 4 },
        { name: L["fc.observed"], type: "line", data: obs, itemStyle: { color: "#c8553d" }, symbolSize: 5,
          markLine: firstFuture == null ? undefined : { silent: true, symbol: "none", lineStyle: { color: "#5d6b64", type: "dotted" },
            label: { formatter: L["fc.issued"], position: "insideEndTop" }, data: [{ xAxis: firstFuture }] } }
      ]
    }, true);
    chart.resize();
  }

  // ---------------------------------------------------------------- /forecast/skill
  function drawSkill(r) {
    if (!r.result) {
      document.getElementById("fc-days").textContent = L["fc.skill.none"];
      root.dataset.ready = "1";
      return;
    }
    var res = r.result, dd = r.days || {};
    var span = function (a) { return a ? a[0] + " … " + a[1] : "—"; };
    var rule = dd.rule === "demo_nonrepeated" ? "fc.skill.rule.demo_nonrepeated" : "fc.skill.rule.file";
    document.getElementById("fc-days").textContent = fmt(rule, { train: span(dd.train), test: span(dd.test), used: dd.used, excluded: dd.excluded });
    document.getElementById("fc-made").textContent = L["fc.skill.made_at"] + L["punct.colon"] + qs.cst(r.made_at);
    var models = MODELS.filter(function (m) { return m === "model" || res[m]; });
    if (res.statsforecast_ets) { models.push("statsforecast_ets"); }
    function rows(m) { return m === "model" ? res.horizons : res[m].horizons; }
    var hs = res.horizons.map(function (h) { return ahead(h.days_ahead); });
    function bars(id, key, scale, extra) {
      var c = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
      window.addEventListener("resize", function () { c.resize(); });
      c.setOption(Object.assign({
        grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
        legend: { top: 0, left: 0, right: 84 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "category", data: hs },
        yAxis: { type: "value", max: scale === 100 ? 100 : null },
        series: models.map(function (m) {
          return { name: L["fc.skill." + m], type: "bar", itemStyle: { color: MODEL_COLORS[m] },
            data: rows(m).map(function (h) { return h[key] == null ? null : +(h[key] * scale).toFixed(1); }) };
        })
      }, extra || {}));
      return c;
    }
    window.qsSkillCharts = [bars("fc-chart-mae", "aqi_mae", 1), bars("fc-chart-acc", "aqi_level_accuracy", 100)];
    var pc = echarts.init(document.getElementById("fc-chart-polluted"), null, { renderer: "canvas" });
    window.addEventListener("resize", function () { pc.resize(); });
    var series = [];
    models.forEach(function (m) {
      series.push({ name: L["fc.skill." + m] + " · " + L["fc.skill.hit"], type: "bar", itemStyle: { color: MODEL_COLORS[m] },
        data: rows(m).map(function (h) { return h.polluted_hit_rate == null ? null : +(100 * h.polluted_hit_rate).toFixed(1); }) });
      series.push({ name: L["fc.skill." + m] + " · " + L["fc.skill.false_alarm"], type: "bar", itemStyle: { color: MODEL_COLORS[m], opacity: 0.45 },
        data: rows(m).map(function (h) { return h.polluted_false_alarm_rate == null ? null : +(100 * h.polluted_false_alarm_rate).toFixed(1); }) });
    });
    pc.setOption({
      grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0, right: 84, type: "scroll" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: hs }, yAxis: { type: "value", max: 100, name: "%" }, series: series
    });
    window.qsSkillCharts.push(pc);
    var heads = [L["fc.lead"], L["fc.skill.model"], L["fc.mae"], L["fc.level_acc"], L["fc.skill.hit"], L["fc.skill.false_alarm"], L["fc.skill.skill"]];
    document.querySelector("#fc-skill-table thead tr").innerHTML = heads.map(function (h, i) { return "<th" + (i > 1 ? ' class="num"' : "") + ">" + esc(h) + "</th>"; }).join("");
    var body = [];
    res.horizons.forEach(function (h, i) {
      models.forEach(function (m) {
        var x = rows(m)[i];
        body.push("<tr" + (m === "model" ? ' class="fc-model-row"' : "") + "><td>" + esc(ahead(x.days_ahead)) + "</td><td>" + esc(L["fc.skill." + m]) +
          '</td><td class="num">' + num(x.aqi_mae, 1) + '</td><td class="num">' + pct(x.aqi_level_accuracy) + '</td><td class="num">' + pct(x.polluted_hit_rate) +
          '</td><td class="num">' + pct(x.polluted_false_alarm_rate) + '</td><td class="num">' + (x.skill_vs_persistence == null ? "—" : x.skill_vs_persistence.toFixed(2)) + "</td></tr>");
      });
    });
    document.querySelector("#fc-skill-table tbody").innerHTML = body.join("");
    root.dataset.ready = "1";
  }

  var draw = { air: drawAir, city: drawCity, skill: drawSkill }[cfg.page];
  qs.getJSON(cfg.url).then(draw).catch(fail);
})();
