/* 断面水质预测 and 水质预警 (issue #15): /forecast/water (sortable section list),
 * /forecast/water/{code} (indicators with class bands and intervals, miss probability, the past
 * weeks against what happened) and /forecast/warnings. Everything is computed by the API; the
 * words come from the page's labels (qingshan/web/i18n.py, prefix fw.). */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var en = cfg.lang === "en";
  var esc = qs.esc;
  var COLON = L["punct.colon"];
  var COLORS = {};
  cfg.legend.forEach(function (e) { COLORS[e.cls === null ? "none" : e.cls] = e.color; });
  // the GB 3838-2002 classes, best first (I … V, then worse than V), as the legend lists them
  var CLASSES = cfg.legend.filter(function (e) { return e.cls !== null; }).map(function (e) { return e.cls; });

  function ready(ok) {
    var root = document.querySelector(".qs-fw");
    if (root) { root.setAttribute("data-ready", ok ? "1" : "0"); }
  }
  function showError(err) {
    ready(false);
    if (window.console && err && err.stack) { console.error(err.stack); }
    var el = document.getElementById("fw-error");
    el.textContent = L["fw.error"] + COLON + (err && err.message ? err.message : err);
    el.hidden = false;
  }
  function classLabel(c) { return c ? (L["water.class." + c] || c) : "—"; }
  function chip(c) {
    if (!c) { return '<span class="qs-muted">—</span>'; }
    var bg = COLORS[c] || COLORS.none;
    return '<span class="qs-fw-chip" data-class="' + esc(c) + '" style="background:' + bg + ";color:" + qs.textColor(bg) + '">' + esc(classLabel(c)) + "</span>";
  }
  function pct(p) { return p == null ? "—" : Math.round(p * 100) + "%"; }
  function pCell(p) {
    var cls = p == null ? "" : (p >= cfg.threshold ? " qs-fw-p-high" : (p >= cfg.threshold / 2 ? " qs-fw-p-mid" : ""));
    return '<td class="num' + cls + '">' + pct(p) + "</td>";
  }
  function day(iso) { return iso ? qs.cst(iso).slice(0, 10) : "—"; }
  function rank(c) { return c ? CLASSES.indexOf(c) : -1; }
  function indName(key) { return L["fw.ind." + key] || key; }
  function place(o, part) { return (en ? o[part + "_en"] : o[part]) || ""; }

  /* --- the section list ------------------------------------------------------------- */
  function listPage() {
    var data = null, sortKey = "pmax", sortDir = -1;
    document.getElementById("fw-explain").textContent = L["fw.explain_list"].replace("{th}", pct(cfg.threshold));
    var KEYS = {
      name: function (s) { return s.name; },
      city: function (s) { return place(s, "city"); },
      county: function (s) { return place(s, "county"); },
      target: function (s) { return rank(s.target_class); },
      tomorrow: function (s) { return rank(s.class_tomorrow); },
      worst: function (s) { return rank(s.worst_class); },
      p1: function (s) { return s.p_miss_tomorrow == null ? -1 : s.p_miss_tomorrow; },
      pmax: function (s) { return s.p_miss_max == null ? -1 : s.p_miss_max; },
      pday: function (s) { return s.p_miss_max_day || ""; }
    };
    function render() {
      var q = document.getElementById("fw-filter").value.trim().toLowerCase();
      var risk = document.getElementById("fw-risk").checked;
      var rows = data.sections.filter(function (s) {
        if (risk && !(s.p_miss_max >= cfg.threshold)) { return false; }
        if (!q) { return true; }
        return (s.name + " " + s.code + " " + place(s, "city") + " " + place(s, "county")).toLowerCase().indexOf(q) >= 0;
      });
      var key = KEYS[sortKey];
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        return (x < y ? -1 : x > y ? 1 : a.code < b.code ? -1 : 1) * sortDir;
      });
      var tbody = document.querySelector("#fw-sections tbody");
      if (!data.sections.length) {
        tbody.innerHTML = '<tr><td colspan="10" class="qs-muted">' + esc(data.issued_at ? L["fw.no_sections"] : L["fw.none"]) + "</td></tr>";
      } else {
        tbody.innerHTML = rows.map(function (s) {
          return '<tr data-code="' + esc(s.code) + '"><td><a href="/forecast/water/' + encodeURIComponent(s.code) + (en ? "?lang=en" : "") + '">' + esc(s.name) + '</a> <span class="qs-small qs-muted">' + esc(s.code) + "</span></td><td>" +
            esc(place(s, "city")) + "</td><td>" + esc(place(s, "county")) + "</td><td>" + chip(s.target_class) + "</td><td>" + chip(s.class_tomorrow) +
            "</td><td>" + chip(s.worst_class) + "</td>" + pCell(s.p_miss_tomorrow) + pCell(s.p_miss_max) + "<td>" + (s.p_miss_max >= 0.005 ? day(s.p_miss_max_day) : "—") + "</td><td>" +
            (s.upstream ? '<a href="/forecast/water/' + encodeURIComponent(s.upstream) + '">' + esc(s.upstream) + "</a>" : "") + "</td></tr>";
        }).join("");
      }
      var warn = data.sections.filter(function (s) { return s.p_miss_max >= cfg.threshold; }).length;
      document.getElementById("fw-count").textContent = L["fw.count"].replace("{n}", data.sections.length).replace("{w}", warn);
      document.querySelectorAll("#fw-sections th[data-sort]").forEach(function (th) {
        th.setAttribute("aria-sort", th.dataset.sort === sortKey ? (sortDir > 0 ? "ascending" : "descending") : "none");
      });
    }
    document.querySelectorAll("#fw-sections th[data-sort] button").forEach(function (b) {
      b.addEventListener("click", function () {
        var k = b.parentNode.dataset.sort;
        if (k === sortKey) { sortDir = -sortDir; } else { sortKey = k; sortDir = (k === "name" || k === "city" || k === "county" || k === "pday") ? 1 : -1; }
        if (data) { render(); }
      });
    });
    document.getElementById("fw-filter").addEventListener("input", function () { if (data) { render(); } });
    document.getElementById("fw-risk").addEventListener("change", function () { if (data) { render(); } });
    qs.getJSON(cfg.sectionsUrl).then(function (d) {
      data = d;
      document.getElementById("fw-issued").textContent = d.issued_at ? qs.cst(d.issued_at) + " " + L["layout.cst"] : L["fw.none"];
      document.getElementById("fw-method").textContent = L["fw.method"] + COLON + L["fw.method_text"];
      render();
      ready(true);
    }).catch(showError);
  }

  /* --- one section ------------------------------------------------------------------ */
  function bands(ind) {
    // GB 3838-2002 Table 1 class bands of one indicator, best class first: [lo, hi, class]
    var lim = ind.limits, out = [];
    if (ind.kind === "lower") {  // DO: I ≥ 7.5, II ≥ 6 … worse than V < 2
      out.push([lim[0], 1e6, CLASSES[0]]);
      for (var i = 1; i < 5; i++) { out.push([lim[i], lim[i - 1], CLASSES[i]]); }
      out.push([0, lim[4], CLASSES[5]]);
    } else {
      out.push([0, lim[0], CLASSES[0]]);
      for (var j = 1; j < 5; j++) { out.push([lim[j - 1], lim[j], CLASSES[j]]); }
      out.push([lim[4], 1e6, CLASSES[5]]);
    }
    return out;
  }
  function hexAlpha(hex, a) {
    var r = parseInt(hex.substr(1, 2), 16), g = parseInt(hex.substr(3, 2), 16), b = parseInt(hex.substr(5, 2), 16);
    return "rgba(" + r + "," + g + "," + b + "," + a + ")";
  }
  function bandChart(el, ind, points, opts) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var x = points.map(function (p) { return opts.hourly ? qs.cst(p.t).slice(5, 16) : day(p.t).slice(5); });
    var lo = points.map(function (p) { return p.q05; });
    var width = points.map(function (p) { return p.q95 == null || p.q05 == null ? null : +(p.q95 - p.q05).toFixed(4); });
    var vals = [];
    points.forEach(function (p) { [p.q05, p.q95, p.observed].forEach(function (v) { if (v != null) { vals.push(v); } }); });
    if (ind.target_limit != null) { vals.push(ind.target_limit); }
    var ymax = vals.length ? Math.max.apply(null, vals) * 1.15 : 1;
    var ymin = vals.length ? Math.max(0, Math.min.apply(null, vals) * 0.85) : 0;
    // the class bands as a stack of constant areas from 0 (the axis starts at ymin)
    var classSeries = bands(ind).slice().sort(function (a, b) { return a[0] - b[0]; }).map(function (b) {
      var lo = Math.max(b[0], 0), hi = Math.min(b[1], ymax);
      var h = hi > lo ? +(hi - lo).toPrecision(6) : 0;
      return { name: classLabel(b[2]), type: "line", stack: "classes", silent: true, symbol: "none", z: 0,
        data: x.map(function () { return h; }), lineStyle: { opacity: 0 }, tooltip: { show: false },
        areaStyle: { color: hexAlpha(COLORS[b[2]], 0.16) },
        endLabel: h > 0 && hi > ymin ? { show: true, formatter: classLabel(b[2]), color: "#556", fontSize: 10, align: "right", offset: [-2, -6] } : undefined };
    });
    var series = [
      { name: "lo", type: "line", data: lo, stack: "band", symbol: "none", lineStyle: { opacity: 0 }, silent: true, tooltip: { show: false } },
      { name: L["fw.interval"], type: "line", data: width, stack: "band", symbol: "none", lineStyle: { opacity: 0 }, itemStyle: { color: "rgba(47,111,178,0.45)" }, areaStyle: { color: "rgba(47,111,178,0.22)" } },
      { name: L["fw.median"], type: "line", data: points.map(function (p) { return p.q50; }), symbol: opts.hourly ? "none" : "circle", lineStyle: { color: "#2f6fb2", width: 2 }, itemStyle: { color: "#2f6fb2" },
        markLine: ind.target_limit == null ? undefined : { symbol: "none", silent: true, lineStyle: { color: "#C0392B", type: "dashed" },
          label: { formatter: L["fw.target_limit"] + " " + ind.target_limit, position: "insideStartTop", color: "#C0392B", fontSize: 10 }, data: [{ yAxis: ind.target_limit }] } }
    ];
    if (opts.observed) {
      series.push({ name: L["fw.observed"], type: "line", data: points.map(function (p) { return p.observed; }), symbol: "diamond", symbolSize: 6, lineStyle: { color: "#1d2521", width: 1, type: "dotted" }, itemStyle: { color: "#1d2521" } });
    }
    chart.setOption({
      animation: false,
      title: { text: indName(ind.key) + (ind.unit ? " (" + ind.unit + ")" : ""), left: 4, top: 0, textStyle: { fontSize: 13 } },
      grid: { left: 48, right: 14, top: 34, bottom: opts.observed ? 64 : 44 },
      legend: { bottom: 0, data: [L["fw.median"], L["fw.interval"]].concat(opts.observed ? [L["fw.observed"]] : []), textStyle: { fontSize: 11 } },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : (+v).toPrecision(3); } },
      xAxis: { type: "category", data: x, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", min: +ymin.toPrecision(2), max: +ymax.toPrecision(2), axisLabel: { fontSize: 10 } },
      series: classSeries.concat(series)
    });
    return chart;
  }
  function grid(id, inds, source, opts) {
    var box = document.getElementById(id);
    var charts = [];
    box.innerHTML = "";
    // every cell first, then the charts: a chart takes its cell's width when it is made
    var divs = inds.map(function (ind) {
      var div = document.createElement("div");
      div.className = "qs-fw-chart";
      div.setAttribute("role", "img");
      div.setAttribute("aria-label", indName(ind.key));
      div.dataset.indicator = ind.key;
      box.appendChild(div);
      return div;
    });
    inds.forEach(function (ind, i) {
      var pts = source[ind.key] || [];
      if (!pts.length) { divs[i].textContent = L["fw.none"]; return; }
      charts.push(bandChart(divs[i], ind, pts, opts));
    });
    return charts;
  }
  function missChart(miss) {
    var el = document.getElementById("fw-miss-chart");
    if (!miss.length) { el.textContent = L["fw.none"]; return []; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 14, top: 16, bottom: 72 },
      legend: { bottom: 0, textStyle: { fontSize: 11 } },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : Math.round(v * 100) + "%"; } },
      xAxis: { type: "category", data: miss.map(function (m) { return day(m.t).slice(5) + "\n" + classLabel(m.forecast_class); }), axisLabel: { fontSize: 10, interval: 0 } },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; }, fontSize: 10 } },
      series: [
        { name: L["fw.miss"], type: "bar", barMaxWidth: 36,
          data: miss.map(function (m) { return { value: m.p, itemStyle: { color: m.p >= cfg.threshold ? "#C0392B" : (m.p >= cfg.threshold / 2 ? "#E0A100" : "#2E9D57") } }; }),
          markLine: { symbol: "none", silent: true, lineStyle: { color: "#C0392B", type: "dashed" }, label: { formatter: pct(cfg.threshold), position: "insideEndTop", color: "#C0392B" }, data: [{ yAxis: cfg.threshold }] } },
        { name: L["fw.miss_lower"], type: "line", data: miss.map(function (m) { return m.p_lower; }), symbol: "circle", symbolSize: 5, lineStyle: { color: "#556", type: "dotted" }, itemStyle: { color: "#556" } }
      ]
    });
    return [chart];
  }
  function sectionPage() {
    qs.getJSON(cfg.forecastUrl).then(function (d) {
      document.getElementById("fw-issued").textContent = d.issued_at ? qs.cst(d.issued_at) + " " + L["layout.cst"] : L["fw.none"];
      document.getElementById("fw-target").innerHTML = chip(d.section.target_class);
      var up = d.section.upstream;
      if (up) {
        document.getElementById("fw-upstream").innerHTML = " · " + esc(L["fw.upstream"]) + COLON + '<a href="/forecast/water/' + encodeURIComponent(up.code) + '">' + esc(up.name) + "</a> (" + esc(L["fw.travel"].replace("{h}", Math.round(up.travel_hours))) + ")";
      }
      document.getElementById("fw-method").textContent = L["fw.method"] + COLON + L["fw.method_text"];
      var charts = missChart(d.miss)
        .concat(grid("fw-daily", d.indicators, d.daily, {}))
        .concat(grid("fw-hourly", d.indicators, d.hourly, { hourly: true }))
        .concat(grid("fw-past", d.indicators, d.past, { observed: true }));
      var n = 0, inside = 0;
      d.indicators.forEach(function (ind) {
        (d.past[ind.key] || []).forEach(function (p) {
          if (p.observed != null && p.q05 != null) { n++; if (p.observed >= p.q05 && p.observed <= p.q95) { inside++; } }
        });
      });
      if (n) { document.getElementById("fw-coverage").textContent = L["fw.coverage"] + COLON + Math.round(100 * inside / n) + "% (n=" + n + ")"; }
      window.qsFwCharts = charts;
      window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
      ready(true);
    }).catch(showError);
  }

  /* --- the warning list --------------------------------------------------------------- */
  function warningsPage() {
    qs.getJSON(cfg.warningsUrl).then(function (d) {
      var tbody = document.querySelector("#fw-warnings tbody");
      document.getElementById("fw-count").textContent = L["fw.count_warnings"].replace("{n}", d.total);
      if (!d.items.length) {
        tbody.innerHTML = '<tr><td colspan="11" class="qs-muted">' + esc(L["fw.no_warnings"]) + "</td></tr>";
        ready(true);
        return;
      }
      tbody.innerHTML = d.items.map(function (w) {
        return '<tr data-id="' + w.id + '"><td>' + esc(qs.cst(w.issued_at)) + '</td><td><a href="/forecast/water/' + encodeURIComponent(w.section_code) + '">' + esc(w.section_name) +
          '</a> <span class="qs-small qs-muted">' + esc(w.section_code) + "</span></td><td>" + esc(place(w, "city")) + "</td><td>" + esc(place(w, "county")) + "</td><td>" + esc(day(w.target_time)) +
          '</td><td class="num">' + w.lead + "</td><td>" + esc(w.indicator ? indName(w.indicator) : "—") + "</td><td>" + chip(w.target_class) + "</td><td>" + chip(w.forecast_class) + "</td>" +
          pCell(w.miss_probability) + "<td>" + (w.case_id ? '<a class="qs-fw-case" href="/cases/' + w.case_id + '">#' + w.case_id + "</a>" : "—") + "</td></tr>";
      }).join("");
      ready(true);
    }).catch(showError);
  }

  if (document.getElementById("qs-fw-list")) { listPage(); }
  if (document.getElementById("qs-fw-section")) { sectionPage(); }
  if (document.getElementById("qs-fw-warnings")) { warningsPage(); }
})();
