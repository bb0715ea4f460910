/* 排口数据质控: the outlet's header (/api/v1/archive/outlets/{code}), its hourly series with the
 * QC flag of every point, enterprise marks shaded, the permit limit as a labelled line
 * (/api/v1/qc/sites/{code}/flags) and the exceedance events (/events). Everything comes
 * computed from the API; this script only draws. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var en = cfg.lang === "en";
  var esc = qs.esc;
  var COLON = L["punct.colon"];
  var SEP = en ? "; " : "；";
  var G = cfg.gloss;  // English glosses of Chinese words in the data (qingshan/web/glossary.py)
  function gl(text) {
    if (!text || !G || !G.phrases.length) { return text; }
    G.patterns.forEach(function (p) { text = text.replace(new RegExp(p[0], "g"), p[1]); });
    G.phrases.forEach(function (p) { text = text.split(p[0]).join(p[1]); });
    return text.replace(/ {2,}/g, " ").replace(/ \)/g, ")").trim();
  }
  var $ = function (id) { return document.getElementById(id); };
  var root = $("qs-qc");
  var FLAG = {};
  cfg.legend.forEach(function (e) { FLAG[e.flag] = e; });
  var params = {};  // code → {name, name_en, symbol, unit} from the archive
  var outlet = null;
  var charts = {};
  window.qsOutletCharts = charts;  // for the browser tests and the console
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });

  function fmt(v) {
    if (v == null) { return "—"; }
    var a = Math.abs(v);
    return a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
  }
  function lim(v) { return v == null ? "—" : String(parseFloat(v.toPrecision(4))); }  // 35, not 35.00
  function paramName(code) {
    var p = params[code];
    if (!p) { return code; }
    var name = en ? p.name_en : p.name;
    return p.symbol && name.indexOf(p.symbol) < 0 ? name + " " + p.symbol : name;
  }
  function unitOf(code) { return params[code] ? gl(params[code].unit) : ""; }
  function short(iso) { return qs.cst(iso).slice(5); }  // MM-DD HH:MM in CST

  function renderHeader(o) {
    outlet = o;
    o.values.forEach(function (v) { params[v.parameter_code] = v; });
    $("qs-outlet-name").textContent = o.name;
    $("qs-outlet-name").dataset.properName = "";
    $("qs-crumb-outlet").textContent = o.name;
    $("qs-kind").textContent = L["qc.kind." + o.kind];
    $("qs-source").textContent = gl(o.source_name) || o.source_type || "—";
    $("qs-exceeding").hidden = !o.exceeding;
    if (o.enterprise) {
      var e = o.enterprise;
      $("qs-crumb-ent").textContent = e.name;
      $("qs-crumb-ent").dataset.properName = "";
      $("qs-crumb-outlet").dataset.properName = "";
      $("qs-back").href = "/enterprises?q=" + encodeURIComponent(e.credit_code);
      $("qs-ent").innerHTML = "<b data-proper-name>" + esc(e.name) + '</b> <span class="qs-muted qs-small mono">' + esc(e.credit_code) + "</span>" +
        ' <span class="qs-muted qs-small">' + esc(en ? e.region_name_en : e.region_name) + "</span>";
      $("qs-industry").innerHTML = '<span class="qs-industry qs-industry-' + esc(e.industry) + '">' + esc(L["industry." + e.industry]) + "</span>";
    }
    if (o.permit) {
      var p = o.permit;
      $("qs-permit").innerHTML = '<span class="mono">' + esc(p.number) + '</span> <span class="qs-small qs-muted">' + esc(p.valid_from) + " ~ " +
        esc(p.valid_to) + '</span> <span class="qs-badge qs-permit-' + esc(p.status) + '">' + esc(L["ent.permit." + p.status]) + "</span>";
    }
  }

  // which value the limit is held against: the converted hourly mean (gas with a reference
  // O2), the daily mean (water), else the hourly value itself
  function paren(x) { return en ? " (" + x + ")" : "（" + x + "）"; }
  function basisOf(s) {
    if (s.converted && s.limit && s.limit.reference_o2 != null) { return "converted"; }
    return s.period === "day" ? "day_mean" : "hour_mean";
  }
  function chartTitle(code, s) {
    var basis = basisOf(s);
    var shown = basis === "converted" ? "qc.series.converted" : basis === "day_mean" && s.limit ? "qc.series.day_mean" : "qc.series.hourly";
    return '<span class="qs-chart-name">' + esc(paramName(code)) + "</span>" +
      (s.limit ? ' <span class="qs-val-tag qs-basis-tag" data-basis="' + basis + '"' +
        (basis === "converted" ? ' title="' + esc(L["qc.converted_note"].replace("{o2}", s.limit.reference_o2)) + '"' : "") + ">" +
        esc(L[shown]) + (basis === "converted" ? " O2 " + esc(s.limit.reference_o2) + "%" : "") + "</span>" : "") +
      ' <span class="qs-muted qs-small">' + esc(unitOf(code)) + "</span>" +
      (s.limit ? ' <span class="qs-muted qs-small qs-right qs-chart-limit">' + esc(L["qc.limit"]) + COLON + esc(lim(s.limit.limit)) + " " + esc(unitOf(code)) +
        (basis !== "hour_mean" ? esc(paren(L["qc.limit_for." + basis])) : "") +
        (s.limit.standard ? " · " + esc(gl(s.limit.standard)) : "") + "</span>" : "");
  }

  function drawChart(el, code, s, marks, o2, onDone) {
    var basis = basisOf(s);
    var conv = basis === "converted";
    var y = conv ? s.converted : s.value;
    var unit = unitOf(code);
    var status = s.status || [];
    var pts = s.time.map(function (t, i) {
      var f = FLAG[s.flag[i]] || FLAG.not_evaluated;
      var over = status[i] === "exceeding";
      return { value: [t, y[i]], flag: s.flag[i], status: status[i] || null, raw: s.value[i], i: i,
        symbol: over ? "diamond" : "circle", symbolSize: over ? 10 : 6,
        itemStyle: over ? { color: cfg.exceedColor, borderColor: f.color, borderWidth: 1.5 } : { color: f.color } };
    });
    var limit = s.limit ? s.limit.limit : null;
    var mine = marks.filter(function (m) { return m.parameter_code == null || m.parameter_code === code; });
    var mainName = L[conv ? "qc.series.converted" : "qc.series.hourly"];
    var series = [{
      type: "line", name: mainName, data: pts, showSymbol: true, symbol: "circle", symbolSize: 6,
      itemStyle: { color: "#2e9d57" }, lineStyle: { color: "#8a9690", width: 1 }, connectNulls: false,
      markArea: mine.length ? { silent: true, itemStyle: { color: cfg.markColor },
        label: { show: true, position: "insideTop", color: "#3b5f99", fontSize: 11 },
        data: mine.map(function (m) { return [{ name: markKind(m.kind), xAxis: m.start }, { xAxis: m.end }]; }) } : undefined,
      markLine: limit == null ? undefined : { silent: true, symbol: "none",
        lineStyle: { type: "dashed", color: cfg.limitColor, width: 1.5 },
        label: { formatter: L[basis === "day_mean" ? "qc.limit_day" : "qc.limit_line"] + " " + lim(limit) + " " + unit +
          (conv ? paren(L["qc.series.converted"]) : ""), position: "insideEndTop", color: cfg.limitColor, fontSize: 11 },
        data: [{ yAxis: limit, name: "limit" }] }
    }];
    var names = [mainName];
    if (conv) {  // the measured values beside the converted ones, on the same axis
      series.push({ type: "line", name: L["qc.series.measured"], data: s.time.map(function (t, i) { return [t, s.value[i]]; }),
        showSymbol: false, connectNulls: false, lineStyle: { color: "#9aa7a0", width: 1, type: "dashed" }, itemStyle: { color: "#9aa7a0" },
        tooltip: { show: false } });
      names.push(L["qc.series.measured"]);
    }
    if (basis === "day_mean" && limit != null) {  // the daily mean the limit is held against
      series.push({ type: "line", name: L["qc.series.day_mean"], step: "middle", data: s.time.map(function (t, i) { return [t, s.period_mean[i]]; }),
        showSymbol: false, connectNulls: false, lineStyle: { color: "#1f4f7f", width: 2 }, itemStyle: { color: "#1f4f7f" }, tooltip: { show: false } });
      names.push(L["qc.series.day_mean"]);
    }
    var o2At = {};
    if (conv && o2) {  // O2 on a second axis: what the conversion used
      o2.time.forEach(function (t, i) { o2At[t] = o2.value[i]; });
      series.push({ type: "line", name: L["qc.series.o2"], yAxisIndex: 1, data: o2.time.map(function (t, i) { return [t, o2.value[i]]; }),
        showSymbol: false, connectNulls: false, lineStyle: { color: "#5b8fd6", width: 1, opacity: 0.55 }, itemStyle: { color: "#5b8fd6" },
        tooltip: { show: false }, z: 1 });
      names.push(L["qc.series.o2"]);
    }
    if (limit != null && s.time.length) {  // an invisible point: the axis reaches above the limit
      series.push({ type: "scatter", data: [[s.time[0], limit * 1.12]], symbolSize: 0, silent: true, tooltip: { show: false } });
    }
    var chart = echarts.getInstanceByDom(el) || echarts.init(el);
    chart.on("finished", function once() {  // before setOption: it may render at once
      chart.off("finished", once);
      onDone();
    });
    chart.setOption({
      animation: false,
      legend: names.length > 1 ? { data: names, top: 0, left: "center", itemHeight: 8, textStyle: { fontSize: 11 } } : undefined,
      grid: { left: 56, right: conv && o2 ? 44 : 24, top: names.length > 1 ? 28 : 16, bottom: 28 },
      tooltip: { trigger: "axis", confine: true, formatter: function (ps) {
        var p = ps.filter(function (x) { return x.seriesIndex === 0; })[0];
        if (!p) { return ""; }
        var d = p.data, f = FLAG[d.flag], i = d.i;
        var out = esc(qs.cst(d.value[0])) + " " + esc(L["layout.cst"]) + "<br>" + esc(paramName(code)) + "<br>" +
          esc(mainName) + COLON + "<b>" + esc(fmt(d.value[1])) + "</b> " + esc(unit);
        if (conv) {
          out += "<br>" + esc(L["qc.series.measured"]) + COLON + esc(fmt(d.raw)) + " " + esc(unit) +
            (o2At[d.value[0]] != null ? SEP + "O2 " + esc(fmt(o2At[d.value[0]])) + " %" : "");
        }
        if (basis === "day_mean" && s.period_mean && s.period_mean[i] != null) {
          out += "<br>" + esc(L["qc.series.day_mean"]) + COLON + esc(fmt(s.period_mean[i])) + " " + esc(unit);
        }
        out += "<br>" + esc(L["qc.flag"]) + COLON + '<span style="color:' + (f ? f.color : "#333") + '">●</span> ' + esc(f ? f.name : d.flag);
        if (limit != null) {
          out += "<br>" + esc(L["qc.limit"]) + COLON + esc(lim(limit)) + " " + esc(unit);
          if (d.status) {
            var st = L["qc.status." + d.status] || d.status;
            if (d.status === "exceeding" && s.period_mean[i] != null) {
              st = L["qc.times_over"].replace("{m}", ((s.period_mean[i] - limit) / limit).toFixed(2));
            }
            out += "<br>" + esc(L["qc.status"]) + COLON + (d.status === "exceeding" ? '<b style="color:' + cfg.exceedColor + '">◆ ' + esc(st) + "</b>" : esc(st));
          }
        }
        return out;
      } },
      xAxis: { type: "time", axisLabel: { formatter: function (v) { return short(new Date(v).toISOString()); }, hideOverlap: true } },
      yAxis: conv && o2 ? [{ type: "value", scale: true, name: unit, nameGap: 6, nameTextStyle: { fontSize: 10, align: "right" } },
        { type: "value", scale: true, name: "O2 %", nameGap: 6, nameTextStyle: { fontSize: 10, align: "left" }, splitLine: { show: false },
          axisLabel: { color: "#5b8fd6" } }] : { type: "value", scale: true },
      dataZoom: [{ type: "inside" }],
      series: series
    }, true);
    charts[code] = chart;
    return chart;
  }

  function packName(version) {  // "dyeing/2026.2" → 印染废水 (2026.2): the pack QC chose
    var parts = String(version || "").split("/");
    var name = L["qc.pack." + parts[0]];
    return name ? name + (parts[1] ? " · " + parts[1] : "") : version;
  }
  function renderSeries(data) {
    $("qs-rule").textContent = packName(data.rule_version);
    $("qs-rule").title = data.rule_version;
    $("qs-rule").dataset.version = data.rule_version;
    var box = $("qc-charts");
    Object.keys(charts).forEach(function (k) { charts[k].dispose(); delete charts[k]; });
    box.innerHTML = "";
    var order = (outlet ? outlet.values.map(function (v) { return v.parameter_code; }) : []);
    Object.keys(data.series).forEach(function (c) { if (order.indexOf(c) < 0) { order.push(c); } });
    order = order.filter(function (c) { return data.series[c]; });
    $("qc-no-series").hidden = order.length > 0;
    var pending = order.length, done;
    var drawn = new Promise(function (resolve) { done = resolve; });
    if (!pending) { done(); }
    order.forEach(function (code) {
      var s = data.series[code];
      var card = document.createElement("section");
      card.className = "qs-card qs-chart-card" + (s.limit ? " qs-has-limit" : "");
      card.dataset.param = code;
      card.innerHTML = '<h3 class="qs-chart-title">' + chartTitle(code, s) + '</h3><div class="qs-chart"></div>';
      box.appendChild(card);
      drawChart(card.querySelector(".qs-chart"), code, s, data.marks, data.series[cfg.o2Code], function () {
        if (--pending === 0) { done(); }
      });
    });
    return drawn;  // resolved when every chart has rendered
  }

  function cells(list) { return "<tr>" + list.map(function (c) { return "<td" + (c[1] ? ' class="' + c[1] + '"' : "") + ">" + c[0] + "</td>"; }).join("") + "</tr>"; }

  function markKind(k) { return L["qc.mark.kind." + k] || k; }
  function renderMarks(marks) {  // every active mark of the outlet, newest first
    marks = marks.slice().sort(function (a, b) { return a.start < b.start ? 1 : a.start > b.start ? -1 : 0; });
    document.querySelector("#qc-marks tbody").innerHTML = marks.map(function (m) {
      return cells([['<span class="qs-mark-kind" data-kind="' + esc(m.kind) + '">' + esc(markKind(m.kind)) + "</span>"], [esc(m.parameter_code ? paramName(m.parameter_code) : L["qc.mark.all"]), "nowrap"],
        [esc(qs.cst(m.start)), "nowrap"], [esc(qs.cst(m.end)), "nowrap"], [esc(m.reason || "—"), "qs-user-text"], [esc(m.created_by), "nowrap"],
        [esc(qs.cst(m.created_at)), "nowrap"], [esc((m.proof || []).join(", ") || "—"), "qs-user-text"]]);
    }).join("");
    $("qc-marks-none").hidden = marks.length > 0;
  }

  function renderEvents(events) {
    document.querySelector("#qc-events tbody").innerHTML = events.map(function (e) {
      var unit = unitOf(e.parameter_code);
      var src = L["qc.event.source." + e.limit_source];
      return '<tr data-param="' + esc(e.parameter_code) + '" data-key="' + esc(e.event_key) + '">' +
        '<td class="nowrap"><b>' + esc(paramName(e.parameter_code)) + "</b></td>" +
        '<td class="nowrap">' + esc(qs.cst(e.start)) + '</td><td class="nowrap">' + esc(qs.cst(e.end)) + "</td>" +
        '<td class="num">' + e.periods + '</td><td class="num">' + esc(fmt(e.max_value)) + " " + esc(unit) +
        ' <span class="qs-val-tag qs-basis-tag" data-basis="' + esc(e.value_basis) + '">' + esc(L["qc.basis." + e.value_basis] || e.value_basis) + "</span></td>" +
        '<td class="num"><span class="qs-not-met">' + esc(e.max_multiple.toFixed(2)) + "</span></td>" +
        '<td class="num">' + esc(lim(e.limit)) + " " + esc(unit) + "</td>" +
        '<td class="qs-small">' + esc(gl(e.standard) || "—") +
        (src && (e.standard || "").indexOf(src) < 0 ? ' <span class="qs-muted">(' + esc(src) + ")</span>" : "") + "</td></tr>";
    }).join("");
    $("qc-events-none").hidden = events.length > 0;
  }

  function range() {
    var f = new FormData($("qc-range"));
    function iso(v) { return new Date(v + ":00+08:00").toISOString(); }  // the inputs are CST
    return "start=" + encodeURIComponent(iso(f.get("start"))) + "&end=" + encodeURIComponent(iso(f.get("end")));
  }
  function fail(err) {
    $("qs-error").hidden = false;
    $("qs-error").textContent = err.plain ? err.message : L["qc.load_failed"] + COLON + err.message;
    if (err.plain) {
      Array.prototype.forEach.call(root.querySelectorAll(".qs-card"), function (c) { c.hidden = true; });
    }
    root.dataset.ready = "error";
  }
  function loadSeries() {
    root.dataset.ready = "0";
    return qs.getJSON(cfg.flagsUrl + "?" + range()).then(renderSeries);
  }
  function ready() { root.dataset.ready = "1"; }
  function loadMarks() { return qs.getJSON(cfg.marksUrl).then(renderMarks); }
  // for the marks form (qc_marks.js): names of the parameters, and a reload after a new mark
  window.qsOutlet = {
    paramName: paramName, markKind: markKind,
    parameters: function () { return outlet ? outlet.values.map(function (v) { return v.parameter_code; }) : []; },
    reload: function () {
      root.dataset.ready = "0";
      return Promise.all([loadSeries(), loadMarks()]).then(ready).catch(fail);
    }
  };

  qs.getJSON(cfg.outletUrl).then(renderHeader, function (err) {
    if (/HTTP 404$/.test(err.message)) {  // missing or out of scope (the API does not tell which)
      var e = new Error(L["qc.not_found"].replace("{code}", cfg.code));
      e.plain = true;
      throw e;
    }
    throw err;
  })
    .then(function () {
      document.dispatchEvent(new CustomEvent("qs:outlet", { detail: outlet }));
      return Promise.all([loadSeries(), loadMarks(), qs.getJSON(cfg.eventsUrl).then(renderEvents)]);
    }).then(ready).catch(fail);
  $("qc-range").addEventListener("submit", function (ev) {
    ev.preventDefault();
    $("qs-error").hidden = true;
    loadSeries().then(ready).catch(fail);
  });
})();
