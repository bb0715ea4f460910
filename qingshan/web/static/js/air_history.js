/* The air station page and the city air page (issue #13): fetch /api/v1/air/.../history and
   draw the hourly AQI, the six pollutants, the daily AQI calendar, the KPIs and the month
   comparison. Every word comes from the page's labels (qingshan/web/i18n.py). When the charts
   hold data, #qs-air gets data-ready="1" (data-ready="0" on an error or an empty period). */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var root = document.getElementById("qs-air");
  var esc = window.qs.esc;
  var POLS = ["PM2.5", "PM10", "O3", "NO2", "SO2", "CO"];
  var COLORS = { "PM2.5": "#7E0023", "PM10": "#C0392B", "O3": "#2E7DD1", "NO2": "#8E44AD", "SO2": "#E0A100", "CO": "#1f6f43" };
  var charts = {};
  var phone = function () { return window.innerWidth < 600; };
  var $ = function (id) { return document.getElementById(id); };

  function fmt(v, digits) { return v == null ? "—" : Number(v).toFixed(digits); }
  function signed(v, unit) {
    if (v == null) { return "—"; }
    return (v > 0 ? "+" : "") + v.toFixed(1) + unit;
  }
  function levelOf(aqi) {
    if (aqi == null) { return null; }
    for (var i = 0; i < cfg.legend.length; i++) {
      var e = cfg.legend[i];
      if (e.level != null && aqi <= e.aqi_high) { return e; }
    }
    return cfg.legend[5];
  }
  function pieces() {
    return cfg.legend.filter(function (e) { return e.level != null; }).map(function (e) {
      return { gt: e.level === 1 ? -1 : e.aqi_low - 1, lte: e.aqi_high, color: e.color, label: e.name };
    });
  }
  function name(obj) { return cfg.lang === "en" ? (obj.name_en || obj.name) : obj.name; }
  function chart(id) {
    var el = $(id);
    if (!charts[id]) { charts[id] = echarts.init(el, null, { renderer: "canvas" }); }
    return charts[id];
  }
  function cstHour(iso) { return window.qs.cst(iso); }

  function range(days) {
    var to = $("airh-to").value || cfg.to;
    if (!to) { return null; }
    var d = new Date(to + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() - (days - 1));
    return { from: d.toISOString().slice(0, 10), to: to };
  }

  var latestRequest = 0;
  function load(from, to) {
    var mine = ++latestRequest;  // a slower, older answer must not overwrite a newer one
    var q = [];
    if (from) { q.push("from=" + encodeURIComponent(from)); }
    if (to) { q.push("to=" + encodeURIComponent(to)); }
    var url = cfg.historyUrl + (q.length ? "?" + q.join("&") : "");
    root.removeAttribute("data-ready");
    root.classList.remove("airh-failed");
    $("qs-error").hidden = true;
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, status: r.status, body: body }; },
                           function () { return { ok: false, status: r.status, body: {} }; });
    }).then(function (res) {
      if (mine !== latestRequest) { return; }
      if (!res.ok) {
        var detail = res.body.detail;
        if (Array.isArray(detail)) {  // FastAPI's validation body: name the field
          detail = detail.map(function (d) { return (d.loc || []).slice(-1)[0] + ": " + d.msg; }).join("; ");
        }
        throw new Error(L["airh.load_failed"] + (cfg.lang === "en" ? " (HTTP " : "（HTTP ") + res.status + (cfg.lang === "en" ? ")" : "）") + (detail ? L["punct.colon"] + detail : ""));
      }
      draw(res.body);
      var q2 = "?from=" + res.body.start + "&to=" + res.body.end;
      if (window.location.search.indexOf("from=") >= 0 || from || to) {
        history.replaceState(null, "", window.location.pathname + q2);
      }
    }).catch(function (err) {
      if (mine !== latestRequest) { return; }
      $("qs-error").textContent = err.message;
      $("qs-error").hidden = false;
      root.setAttribute("data-ready", "0");
      root.classList.add("airh-failed");
      $("airh-crumbs").innerHTML = '<a href="/map">' + esc(L["airh.province"]) + "</a>";
    });
  }

  function drawHead(h) {
    var crumbs = h.breadcrumbs.map(function (c) {
      return c.url ? '<a href="' + esc(c.url) + '">' + esc(name(c)) + "</a>" : '<span aria-current="page">' + esc(name(c)) + "</span>";
    });
    $("airh-crumbs").innerHTML = crumbs.join('<span class="qs-muted"> › </span>');
    $("airh-name").textContent = name(h);
    document.title = name(h) + " · " + document.title.split(" · ").slice(-1)[0];
    var sub = [L["airh.kind." + h.kind]];
    if (h.kind === "station") {
      sub.push(h.code);
      if (h.control_level && L["control." + h.control_level]) { sub.push(L["control." + h.control_level]); }
    }
    $("airh-sub").textContent = sub.join(" · ");
    $("airh-map").href = h.map_url + (cfg.lang === "en" ? "&lang=en" : "");
    $("airh-from").value = h.start;
    $("airh-to").value = h.end;
    $("airh-replayed").hidden = !h.replayed;
    if (h.context_only) {
      var city = h.breadcrumbs[1] ? name(h.breadcrumbs[1]) : h.name;
      var region = document.querySelector(".qs-region");
      var regionName = region ? region.textContent.split(/[：:]\s*/).slice(-1)[0] : "";
      $("airh-context").textContent = L["airh.context"].replace("{region}", regionName).replace("{city}", city);
      $("airh-context").hidden = false;
    }
    var card = $("airh-stations-card");
    if (h.kind === "city") {
      card.hidden = false;
      $("airh-stations").innerHTML = h.stations.map(function (s) {
        var label = esc(s.name) + ' <span class="qs-muted qs-small">' + esc(s.code) + "</span>";
        return "<li>" + (s.in_scope ? '<a href="/air/stations/' + encodeURIComponent(s.code) + '">' + label + "</a>"
          : label + ' <span class="qs-muted qs-small">' + esc(L["airh.out_of_scope"]) + "</span>") + "</li>";
      }).join("");
    }
  }

  function drawKpis(s) {
    $("airh-rate").textContent = s.compliance_rate == null ? "—" : s.compliance_rate.toFixed(1) + "%";
    $("airh-rate-detail").textContent = L["airh.good_days"].replace("{good}", s.good_days).replace("{valid}", s.valid_days);
    $("airh-index").textContent = s.index ? s.index.total.toFixed(2) : "—";
    $("airh-index-detail").textContent = s.index ? L["airh.index_primary"].replace("{name}", L["airh.stat." + s.index.primary]) : "";
    $("airh-pm25").textContent = fmt(s.pm25_mean, 1);
    var rows = Object.keys(s.primary_shares).map(function (p) {
      var v = s.primary_shares[p];
      return '<div class="airh-share"><span>' + esc(p) + '</span><span class="airh-bar-wrap"><span class="airh-bar" style="display:block;width:' + v + '%"></span></span><span class="num">' + v.toFixed(1) + "%</span></div>";
    });
    // days without a primary pollutant: AQI ≤ 50 (a tie counts a day for each pollutant above)
    var lv1 = s.level_days["1"] || 0;
    if (s.valid_days) {
      var share = 100 * lv1 / s.valid_days;
      rows.push('<div class="airh-share"><span class="qs-muted">' + esc(L["airh.none"]) + '</span><span class="airh-bar-wrap"><span class="airh-bar" style="display:block;background:#9AA0A6;width:' + share + '%"></span></span><span class="num">' + share.toFixed(1) + '%</span></div><p class="qs-muted qs-small airh-note">' + esc(L["airh.none"]) + L["punct.colon"] + esc(L["airh.primary_none"]) + "</p>");
    }
    $("airh-shares").innerHTML = rows.join("") || "—";
  }

  function drawHourly(h) {
    var times = h.hourly_time.map(cstHour);
    var zoom = [{ type: "inside" }, { type: "slider", height: 18, bottom: 6 }];
    chart("airh-aqi-chart").setOption({
      animation: false,
      grid: { left: 44, right: 16, top: 24, bottom: 52 },
      tooltip: { trigger: "axis", formatter: function (ps) {
        var p = ps[0]; var e = levelOf(p.value);
        return esc(p.axisValue) + " " + esc(L["layout.cst"]) + "<br>AQI " + (p.value == null ? "—" : p.value) + (e ? " · " + esc(e.name) : "");
      } },
      xAxis: { type: "category", data: times, axisLabel: { formatter: function (v) { return v.slice(5, 13); } } },
      yAxis: { type: "value", name: "AQI", min: 0 },
      visualMap: { show: false, type: "piecewise", dimension: 1, pieces: pieces(), outOfRange: { color: "#A0A4A8" } },
      dataZoom: zoom,
      series: [{ type: "line", name: "AQI", data: h.hourly.aqi, showSymbol: false, connectNulls: false, sampling: "lttb", lineStyle: { width: 1.5 } }]
    }, true);
    var series = POLS.map(function (p) {
      return { type: "line", name: p, data: h.hourly[p], showSymbol: false, sampling: "lttb",
               yAxisIndex: p === "CO" ? 1 : 0, lineStyle: { width: 1.2 }, itemStyle: { color: COLORS[p] } };
    });
    chart("airh-pol-chart").setOption({
      animation: false,
      legend: { top: 0, data: POLS },
      grid: { left: 44, right: 44, top: phone() ? 48 : 36, bottom: 52 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v; } },
      xAxis: { type: "category", data: times, axisLabel: { formatter: function (v) { return v.slice(5, 13); } } },
      yAxis: [{ type: "value", name: "µg/m³", min: 0 }, { type: "value", name: "CO mg/m³", min: 0, splitLine: { show: false } }],
      dataZoom: zoom,
      series: series
    }, true);
  }

  function drawCalendar(h) {
    var data = h.daily.filter(function (d) { return d.aqi != null; }).map(function (d) { return [d.date, d.aqi]; });
    var byDate = {};
    h.daily.forEach(function (d) { byDate[d.date] = d; });
    var vertical = phone();
    var first = new Date(h.start + "T00:00:00Z");
    var lead = (first.getUTCDay() + 6) % 7;  // weeks start on Monday
    var weeks = Math.ceil((h.daily.length + lead) / 7);
    var el = $("airh-cal-chart");
    var width = el.clientWidth || 600;
    var cell = vertical ? Math.max(14, Math.min(36, Math.floor((width - 60) / 7)))
                        : Math.max(10, Math.min(36, Math.floor((width - 60) / weeks)));
    el.style.height = (vertical ? (weeks * cell + 60) : (7 * cell + 50)) + "px";
    $("airh-cal-legend").innerHTML = cfg.legend.map(function (e) {
      return '<span class="qs-legend-item"><i class="qs-dot" style="background:' + e.color + '"></i>' + esc(e.name) + "</span>";
    }).join("");
    chart("airh-cal-chart").resize();
    chart("airh-cal-chart").setOption({
      animation: false,
      tooltip: { formatter: function (p) {
        var d = byDate[p.value[0]];
        var e = levelOf(p.value[1]);
        return esc(p.value[0]) + "<br>AQI " + p.value[1] + (e ? " · " + esc(e.name) : "") +
          (d && d.primary.length ? "<br>" + esc(L["airh.primary"]) + L["punct.colon"] + esc(d.primary.join("、")) : "") +
          (d ? "<br>" + esc(d.edition) : "");
      } },
      visualMap: { show: false, type: "piecewise", pieces: pieces(), outOfRange: { color: "#A0A4A8" } },
      calendar: {
        range: [h.start, h.end], orient: vertical ? "vertical" : "horizontal", cellSize: cell,
        left: vertical ? "center" : 40, top: vertical ? 40 : 30,
        dayLabel: { nameMap: cfg.lang === "en" ? "en" : "ZH", firstDay: 1, fontSize: 10 },
        monthLabel: { nameMap: cfg.lang === "en" ? "en" : "ZH", fontSize: 11 },
        yearLabel: { show: false },
        itemStyle: { borderColor: "#fff", borderWidth: 1, color: cfg.legend[cfg.legend.length - 1].color },
        splitLine: { lineStyle: { color: "#9aa6a0", width: 1 } }
      },
      series: [{ type: "heatmap", coordinateSystem: "calendar", data: data }]
    }, true);
  }

  function drawMonth(h) {
    var m = h.month;
    $("airh-month-title").textContent = L["airh.month"].replace("{month}", m.month);
    function row(label, fig) {
      var s = fig.summary;
      var span = L["airh.day_span"].replace("{a}", fig.start).replace("{b}", fig.end);
      if (!s) {
        return "<tr><th>" + esc(label) + '<br><span class="qs-muted qs-small">' + esc(span) + '</span></th><td colspan="3" class="qs-muted">' + esc(L["airh.no_yoy"]) + "</td></tr>";
      }
      return "<tr><th>" + esc(label) + '<br><span class="qs-muted qs-small">' + esc(span) + "</span></th><td class=\"num\">" +
        (s.compliance_rate == null ? "—" : s.compliance_rate.toFixed(1) + "%") + '</td><td class="num">' + fmt(s.pm25_mean, 1) +
        '</td><td class="num">' + (s.index ? s.index.total.toFixed(2) : "—") + "</td></tr>";
    }
    function change(label, c) {
      if (!c) {
        return "<tr><th>" + esc(label) + '</th><td colspan="3" class="qs-muted">' + esc(L["airh.no_yoy"]) + "</td></tr>";
      }
      function cls(v, goodIsUp) { return v == null || v === 0 ? "" : ((v > 0) === goodIsUp ? "down" : "up"); }
      return "<tr><th>" + esc(label) + '</th><td class="num ' + cls(c.compliance_rate, true) + '">' + signed(c.compliance_rate, L["airh.points"]) +
        '</td><td class="num ' + cls(c.pm25_mean, false) + '">' + signed(c.pm25_mean, "%") +
        '</td><td class="num ' + cls(c.index, false) + '">' + signed(c.index, "%") + "</td></tr>";
    }
    $("airh-month").querySelector("tbody").innerHTML =
      row(L["airh.current"], m.current) + row(L["airh.previous"], m.previous) + row(L["airh.last_year"], m.last_year) +
      change(L["airh.mom"], m.mom) + change(L["airh.yoy"], m.yoy);
    var idx = h.summary.index;
    $("airh-index-table").querySelector("tbody").innerHTML = idx ? Object.keys(idx.single).map(function (k) {
      return "<tr><td>" + esc(L["airh.stat." + k]) + '</td><td class="num">' + idx.statistics[k].toFixed(k === "CO_p95" ? 1 : 0) + '</td><td class="num">' + idx.single[k].toFixed(3) + "</td></tr>";
    }).join("") : '<tr><td colspan="3" class="qs-muted">—</td></tr>';
  }

  function draw(h) {
    drawHead(h);
    drawKpis(h.summary);
    drawHourly(h);
    drawCalendar(h);
    drawMonth(h);
    var hours = h.hourly.aqi.filter(function (v) { return v != null; }).length;
    var days = h.daily.filter(function (d) { return d.aqi != null; }).length;
    root.setAttribute("data-hours", String(hours));
    root.setAttribute("data-days", String(days));
    if (!hours && !days) {
      $("qs-error").textContent = L["airh.no_data"];
      $("qs-error").hidden = false;
    }
    root.setAttribute("data-ready", hours || days ? "1" : "0");
    window.qsAirCharts = charts;
    window.qsAirHistory = h;
  }

  $("airh-range").addEventListener("submit", function (ev) {
    ev.preventDefault();
    load($("airh-from").value, $("airh-to").value);
  });
  Array.prototype.forEach.call(document.querySelectorAll(".airh-quick a"), function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var r = range(parseInt(a.getAttribute("data-days"), 10));
      if (r) { load(r.from, r.to); }
    });
  });
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    if (window.qsAirHistory) { drawCalendar(window.qsAirHistory); }
  });
  load(cfg.from, cfg.to);
})();
