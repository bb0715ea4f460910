/* 断面水质 (/water/sections/{code}) and 流域水质 (/water/basins/{basin}): classes, limits,
 * multiples and river status come computed from the API (GB 3838-2002, 环办〔2011〕22号);
 * this script only draws them. Colours and class names from the legend in qs-config. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var en = cfg.lang === "en";
  var esc = qs.esc;
  var COLON = L["punct.colon"];
  var SEP = en ? ", " : "、";
  var CLASSES = ["I", "II", "III", "IV", "V", "劣V"];
  var charts = [];
  window.qsWhCharts = charts;  // for the browser tests and the console
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  function legendOf(cls) {
    for (var i = 0; i < cfg.legend.length; i++) { if (cfg.legend[i].cls === cls) { return cfg.legend[i]; } }
    return cfg.legend[cfg.legend.length - 1];
  }
  function chip(cls) {
    var e = legendOf(cls);
    return '<span class="qs-class-chip" style="background:' + e.color + ";color:" + qs.textColor(e.color) + '">' + esc(e.name) + "</span>";
  }
  function className(cls) { return cls ? legendOf(cls).name : "—"; }
  function meetsText(v) {
    if (v == null) { return '<span class="qs-muted">—</span>'; }
    return v ? '<span class="qs-met">' + esc(L["wh.meets"]) + "</span>" : '<span class="qs-not-met">' + esc(L["wh.fails"]) + "</span>";
  }
  function pName(p) { return en ? p.name_en : p.name; }
  function mainText(list) {
    if (!list.length) { return "—"; }
    return list.map(function (p) { return esc(pName(p)) + (p.multiple == null ? "" : "(" + p.multiple.toFixed(2) + ")"); }).join(SEP);
  }
  function pct(v) { return v == null ? "—" : v.toFixed(1) + "%"; }
  function fail(box, err, root) {
    var body = root.querySelector(".qs-wh-body");
    if (body && /HTTP 404/.test(err.message)) { body.hidden = true; }
    box.hidden = false;
    box.textContent = (/HTTP 404/.test(err.message) ? L["wh.not_found"] : L["wh.load_failed"] + COLON + err.message);
    root.dataset.ready = "error";
  }
  /* the charts render synchronously in setOption (no animation): ready on the next frame */
  function whenDrawn(list, root) {
    window.requestAnimationFrame(function () {
      root.dataset.ready = "1";
      root.dataset.charts = String(list.length);
    });
  }
  function classAxis() {
    return {
      type: "value", min: 1, max: 6, inverse: true, interval: 1,
      axisLabel: { formatter: function (v) { return CLASSES[v - 1] ? className(CLASSES[v - 1]) : ""; } },
      splitLine: { lineStyle: { color: "#eef2ef" } }
    };
  }

  /* ---------------- section page ---------------- */
  function sectionPage(root) {
    var box = document.getElementById("wh-error");
    qs.getJSON(cfg.historyUrl).then(function (h) {
      var target = h.section.target_class;
      var months = h.monthly;
      var last = null;
      for (var i = months.length - 1; i >= 0; i--) { if (months[i].section_class) { last = months[i]; break; } }
      document.getElementById("wh-latest").innerHTML = last ? chip(last.section_class) : "—";
      document.getElementById("wh-latest-label").textContent = last ? last.label + (last.complete ? "" : " · " + L["wh.incomplete"]) : "";
      document.getElementById("wh-meets").innerHTML = last ? meetsText(last.meets_target) : "—";
      document.getElementById("wh-months").textContent = target ? h.months_meeting_target + "/" + h.months_assessed : L["water.no_target"];

      var drawn = [];
      var el = document.getElementById("wh-class-chart");
      var chart = echarts.init(el);
      charts.push(chart); drawn.push(chart);
      var tRank = target ? CLASSES.indexOf(target) + 1 : null;
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 16, top: 28, bottom: 48, containLabel: true },
        tooltip: {
          trigger: "axis", confine: true,
          formatter: function (ps) {
            var out = [];
            ps.forEach(function (p) {
              var d = p.data && p.data.point;
              if (!d) { return; }
              out.push(esc(p.seriesName) + " " + esc(d.label) + COLON + esc(className(d.section_class)) +
                (d.meets_target == null ? "" : " · " + (d.meets_target ? L["wh.meets"] : L["wh.fails"])) +
                (d.complete ? "" : " · " + L["wh.incomplete"]));
            });
            return out.join("<br>");
          }
        },
        legend: { top: 0, data: [L["wh.month"], L["wh.day"]] },
        xAxis: { type: "time" },
        yAxis: classAxis(),
        dataZoom: [{ type: "inside" }, { type: "slider", height: 16, bottom: 6 }],
        series: [
          {
            name: L["wh.day"], type: "line", step: "middle", symbol: "none", lineStyle: { width: 1, color: "#9aa8a0" },
            data: h.daily.filter(function (d) { return d.class_rank; }).map(function (d) { return { value: [d.time, d.class_rank], point: d }; })
          },
          {
            name: L["wh.month"], type: "scatter", symbolSize: 14, itemStyle: { color: "#7a8a82" },
            data: months.filter(function (d) { return d.class_rank; }).map(function (d) {
              var c = legendOf(d.section_class).color;
              return {
                value: [d.time, d.class_rank], point: d,
                itemStyle: { color: c, borderColor: d.meets_target === false ? "#b00020" : "#1d2521", borderWidth: d.meets_target === false ? 3 : 1, opacity: d.complete ? 1 : 0.55 }
              };
            }),
            markLine: tRank ? {
              silent: true, symbol: "none", lineStyle: { color: "#b00020", type: "dashed" },
              label: { formatter: L["wh.target"] + " " + className(target), position: "insideEndTop" },
              data: [{ yAxis: tRank + 0.5 }]
            } : undefined
          }
        ]
      });

      var tbody = document.querySelector("#wh-months-table tbody");
      tbody.innerHTML = months.slice().reverse().map(function (m) {
        var worse = Object.keys(m.indicators).filter(function (k) { return m.indicators[k].worse_than_target; }).map(function (k) {
          var v = m.indicators[k];
          var ind = h.indicators.filter(function (x) { return x.key === k; })[0];
          return esc(en ? ind.name_en : ind.name) + " " + esc(className(v.indicator_class)) +
            (v.multiple != null ? " (" + esc(L["wh.multiple"]) + " " + v.multiple.toFixed(2) + ")" : "");
        });
        return '<tr data-month="' + esc(m.label) + '" data-class="' + esc(m.section_class || "") + '"><td>' + esc(m.label) +
          (m.complete ? "" : ' <span class="qs-muted qs-small">' + esc(L["wh.incomplete"]) + "</span>") + "</td><td>" +
          (m.section_class ? chip(m.section_class) : "—") + "</td><td>" + meetsText(m.meets_target) + "</td><td>" +
          (worse.length ? worse.join(SEP) : "—") + "</td><td>" + mainText(m.main_pollutants) + '</td><td class="num">' +
          (m.coverage == null ? "—" : Math.round(100 * m.coverage) + "%") + "</td></tr>";
      }).join("") || '<tr><td colspan="6" class="qs-muted">' + esc(L["wh.no_history"]) + "</td></tr>";

      var grid = document.getElementById("wh-indicators");
      grid.innerHTML = "";
      h.indicators.forEach(function (ind) {
        var points = h.daily.filter(function (d) { return d.indicators[ind.key] && d.indicators[ind.key].value != null; });
        if (!points.length) { return; }
        var card = document.createElement("div");
        card.className = "qs-wh-ind";
        card.dataset.key = ind.key;
        card.innerHTML = '<div class="qs-chart-title">' + esc(en ? ind.name_en : ind.name) + ' <span class="qs-muted qs-small">' +
          esc(ind.unit || L["wh.unit_none"]) + (ind.assessed ? "" : " · " + esc(L["water.indicator"])) + "</span></div><div class=\"qs-wh-chart-s\"></div>";
        grid.appendChild(card);
        var c = echarts.init(card.querySelector(".qs-wh-chart-s"));
        charts.push(c); drawn.push(c);
        c.setOption(indicatorOption(ind, points));
      });
      whenDrawn(drawn, root);
    }).catch(function (err) { fail(box, err, root); });
  }

  /* class bands of GB 3838-2002 Table 1 behind one indicator's daily means */
  function bands(ind, vmax) {
    var out = [];
    var lim = ind.limits;
    if (ind.kind === "range") {
      return [[{ yAxis: lim[0], itemStyle: { color: "rgba(0,204,255,.10)" }, name: "6–9" }, { yAxis: lim[1] }]];
    }
    var top = Math.max(vmax * 1.1, lim[lim.length - 1] * 1.05);
    for (var i = 0; i < 6; i++) {
      var lo, hi;
      if (ind.kind === "lower") {  // DO: class I ≥ lim[0] … 劣V below lim[4]
        lo = i === 5 ? 0 : lim[i]; hi = i === 0 ? top : lim[i - 1];
      } else {
        lo = i === 0 ? 0 : lim[i - 1]; hi = i === 5 ? top : lim[i];
      }
      if (hi <= lo) { continue; }
      out.push([{ yAxis: lo, itemStyle: { color: legendOf(CLASSES[i]).color, opacity: 0.16 }, name: className(CLASSES[i]) }, { yAxis: hi }]);
    }
    return out;
  }
  function indicatorOption(ind, points) {
    var vmax = Math.max.apply(null, points.map(function (d) { return d.indicators[ind.key].value; }));
    var vmin = Math.min.apply(null, points.map(function (d) { return d.indicators[ind.key].value; }));
    var y = { type: "value", scale: ind.kind === "range", splitLine: { show: false } };
    if (ind.kind === "range") { y.min = Math.min(5.5, Math.floor(vmin)); y.max = Math.max(9.5, Math.ceil(vmax)); }
    else if (ind.kind === "upper") { y.max = function (v) { return +(Math.max(v.max * 1.1, ind.limits[Math.min(3, ind.limits.length - 1)] * 0.6)).toPrecision(2); }; }
    return {
      animation: false,
      grid: { left: 48, right: 56, top: 10, bottom: 24 },
      tooltip: {
        trigger: "axis", confine: true,
        formatter: function (ps) {
          var d = ps[0].data.point, v = d.indicators[ind.key];
          return esc(d.label) + "<br>" + esc(en ? ind.name_en : ind.name) + COLON + v.value.toPrecision(3) + " " + esc(ind.unit) +
            " · " + esc(className(v.indicator_class));
        }
      },
      xAxis: { type: "time" },
      yAxis: y,
      series: [{
        type: "line", symbol: "none", lineStyle: { width: 1.2, color: "#1f4f8a" },
        data: points.map(function (d) { return { value: [d.time, d.indicators[ind.key].value], point: d }; }),
        markArea: { silent: true, label: { show: true, position: "right", fontSize: 10, color: "#667" }, data: bands(ind, vmax) }
      }]
    };
  }

  /* ---------------- basin page ---------------- */
  function basinName(name) { return L["wh.basin." + name] || name; }
  function statusName(s) { return s ? (L["wh.status." + s] || s) : "—"; }
  function basinPage(root) {
    var box = document.getElementById("wh-error");
    qs.getJSON(cfg.basinUrl).then(function (b) {
      document.getElementById("wh-basin-name").textContent = basinName(b.basin);
      document.getElementById("wh-title").textContent = L["wh.basin_title"].replace("{basin}", basinName(b.basin));
      if (b.scope_limited) {
        var note = document.getElementById("wh-scope-note");
        note.hidden = false;
        note.textContent = L["wh.scope_note"].replace("{region}", document.querySelector(".qs-region") ? document.querySelector(".qs-region").textContent.split(COLON).pop() : b.scope_region);
      }
      var st = b.latest;
      var s = document.getElementById("wh-status");
      s.innerHTML = st.status ? '<span class="qs-class-chip" style="background:' + st.color + ";color:" + qs.textColor(st.color) + '">' + esc(statusName(st.status)) + "</span>" : "—";
      document.getElementById("wh-status-method").textContent = st.method === "mean" ? L["wh.by_mean"] : "";
      document.getElementById("wh-good").textContent = pct(st.share_good);
      document.getElementById("wh-worst").textContent = pct(st.share_worst);
      document.getElementById("wh-n").textContent = st.n_sections + "/" + b.sections.length;
      document.getElementById("wh-time").textContent = b.latest_time ? qs.cst(b.latest_time) + " " + L["layout.cst"] : "";

      var drawn = [];
      var share = echarts.init(document.getElementById("wh-share-chart"));
      charts.push(share); drawn.push(share);
      share.setOption({
        animation: false,
        grid: { left: 8, right: 48, top: 6, bottom: 6, containLabel: true },
        xAxis: { type: "value", max: 100, show: false },
        yAxis: { type: "category", inverse: true, data: CLASSES.map(className) },
        series: [{
          type: "bar", barWidth: 12,
          label: { show: true, position: "right", formatter: function (p) { return p.value.toFixed(1) + "%"; } },
          data: CLASSES.map(function (c) { return { value: st.shares[c] || 0, itemStyle: { color: legendOf(c).color, borderColor: "#8a9a90" } }; })
        }]
      });

      var hist = echarts.init(document.getElementById("wh-history-chart"));
      charts.push(hist); drawn.push(hist);
      var labels = b.history.map(function (m) { return m.label; });
      var series = CLASSES.map(function (c) {
        return {
          name: className(c), type: "bar", stack: "n", barMaxWidth: 28,
          itemStyle: { color: legendOf(c).color, borderColor: "#8a9a90", borderWidth: 0.5 },
          data: b.history.map(function (m) { return m.classes[c] || 0; })
        };
      });
      series.push({
        name: L["wh.share_good"], type: "line", yAxisIndex: 1, symbolSize: 6, lineStyle: { color: "#14502f" }, itemStyle: { color: "#14502f" },
        data: b.history.map(function (m) { return m.status.share_good; })
      });
      hist.setOption({
        animation: false,
        grid: { left: 40, right: 48, top: 60, bottom: 28 },
        legend: { top: 0, type: "scroll" },
        tooltip: {
          trigger: "axis", confine: true,
          formatter: function (ps) {
            var m = b.history[ps[0].dataIndex];
            return esc(m.label) + " · " + esc(L["wh.basin_status"]) + COLON + esc(statusName(m.status.status)) + "<br>" +
              ps.map(function (p) { return esc(p.seriesName) + COLON + (p.value == null ? "—" : p.value); }).join("<br>");
          }
        },
        xAxis: { type: "category", data: labels },
        yAxis: [{ type: "value", name: L["wh.n_sections"], minInterval: 1 }, { type: "value", name: "%", max: 100, splitLine: { show: false } }],
        series: series
      });

      document.querySelector("#wh-sections tbody").innerHTML = b.sections.map(function (x) {
        var p = x.place;
        return '<tr data-code="' + esc(x.code) + '" data-class="' + esc(x.section_class || "") + '"><td><a href="' + esc(x.url) + '">' + esc(x.name) +
          '</a> <span class="qs-muted qs-small">' + esc(x.code) + "</span></td><td>" + esc((en ? p.city_name_en : p.city_name) || "—") + "</td><td>" +
          esc((en ? p.county_name_en : p.county_name) || "—") + "</td><td>" + esc(L["control." + x.control_level] || x.control_level) + "</td><td>" +
          (x.section_class ? chip(x.section_class) : '<span class="qs-muted">' + esc(L["water.no_data"]) + "</span>") + "</td><td>" +
          esc(className(x.target_class)) + "</td><td>" + meetsText(x.meets_target) + "</td><td>" + mainText(x.main_pollutants) + "</td><td>" +
          esc(qs.cst(x.time)) + "</td></tr>";
      }).join("");
      document.getElementById("wh-basins").innerHTML = b.basins.map(function (name) {
        return '<a class="qs-chip-link' + (name === b.basin ? " active" : "") + '" href="/water/basins/' + encodeURIComponent(name) + '">' + esc(basinName(name)) + "</a>";
      }).join(" ");
      whenDrawn(drawn, root);
    }).catch(function (err) { fail(box, err, root); });
  }

  var sec = document.getElementById("qs-section");
  if (sec) { sectionPage(sec); }
  var basin = document.getElementById("qs-basin");
  if (basin) { basinPage(basin); }
})();
