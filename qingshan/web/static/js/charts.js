/* Every ECharts chart of a page gets ECharts' own toolbox: 保存图片 (PNG on a white background,
   named after the page, the chart and the time in CST) and 下载数据 (the chart's series as CSV,
   UTF-8 with a BOM, axis labels and units as headers). Loaded by base.html after the page's
   scripts: charts made before are decorated at once, charts made later through echarts.init.
   The labels come from base.html's #qs-export-labels (qingshan/web/i18n.py, export.*). */
(function () {
  "use strict";
  if (!window.echarts || window.echarts.__qsExport) { return; }
  var el = document.getElementById("qs-export-labels");
  var L = el ? JSON.parse(el.textContent) : {};
  var DATA_ICON = "path://M4 4h16v16H4zM4 9h16M4 14h16M9 4v16";
  var cstFmt = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hour12: false
  });

  function cstParts(d) {
    var p = {};
    cstFmt.formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    return p;
  }
  function stamp() {
    var p = cstParts(new Date());
    return p.year + p.month + p.day + "-" + p.hour + p.minute;
  }
  function cstText(v) {  // a time axis value (ms or ISO, UTC) as "YYYY-MM-DD HH:MM" in CST
    var d = typeof v === "number" ? new Date(v) : new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(v) || !/T/.test(v) ? v : v + "Z");
    if (isNaN(d.getTime())) { return String(v); }
    var p = cstParts(d);
    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute;
  }
  function pageTitle() {
    var h1 = document.querySelector("main h1");
    return (h1 && h1.textContent.trim()) || document.title.split(" · ")[0];
  }
  function chartTitle(opt) {
    var t = opt && opt.title;
    t = Array.isArray(t) ? t[0] : t;
    return t && t.text ? String(t.text).split("\n")[0] : "";
  }
  function stem(chart, opt) {
    var ct = chartTitle(opt && opt.title ? opt : chart.getOption());
    var dom = chart.getDom();
    var label = dom && dom.getAttribute("aria-label");
    var name = pageTitle() + (ct ? "-" + ct : label ? "-" + label : "");
    return name.replace(/[\\/:*?"<>|\s]+/g, "_").slice(0, 100) + "-" + stamp();
  }

  function guard(v) {  // a text cell a spreadsheet would run as a formula is made text
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(v)) { return "'" + v; }
    return v;
  }
  function csvLine(cells) {
    return cells.map(function (c) {
      // 224.00000000000003 (float arithmetic in a page) as 224: 12 significant digits
      var s = c == null ? "" : typeof c === "number" ? String(Number(c.toPrecision(12))) : String(guard(c));
      return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    }).join(",");
  }
  function plain(d) {  // a data item's value: number, array or null
    if (d != null && typeof d === "object" && !Array.isArray(d)) { d = d.value; }
    return d === "-" || d === undefined ? null : d;
  }
  function axisOf(opt, kind, i) {
    var a = opt[kind];
    return a && a.length ? a[i || 0] || a[0] : null;
  }
  function unitHeader(name, axis) {
    var unit = axis && axis.name ? String(axis.name).replace(/\n/g, " ").trim() : "";
    if (!unit || unit === name || /\(.*\)|（.*）/.test(name)) { return name; }  // "O2 实测 (%)" has it
    return unit.indexOf(name) === 0 ? unit : name + " (" + unit + ")";  // "CO mg/m³" names both
  }
  function heading(dom) {  // the title just above a chart, or its card's heading (notes left out)
    var TITLE = "h2, h3, h4, .qs-chart-title";
    var h = null;
    for (var el = dom, up = 0; el && up < 3 && !h; el = el.parentElement, up++) {
      var prev = el.previousElementSibling;
      if (prev && prev.matches(TITLE)) { h = prev; }
    }
    if (!h) {
      var box = dom && dom.closest(".qs-card, section, article");
      h = box && box.querySelector(TITLE);
    }
    if (!h) { return ""; }
    h = h.cloneNode(true);
    var note = "";
    Array.prototype.forEach.call(h.querySelectorAll(".qs-muted, .qs-small, p"), function (n) {
      if (!note) { note = n.textContent.replace(/\s+/g, " ").trim(); }
      n.remove();
    });
    var name = h.textContent.replace(/\s+/g, " ").trim();
    return note && note.length <= 24 ? name + " (" + note + ")" : name;  // a unit beside a title
  }
  function axisText(axis, v) {
    if (v != null && typeof v === "object") { v = v.value; }
    return axis && axis.type === "time" ? cstText(v) : v;
  }

  /** The chart's data as rows: the header first. */
  function tableOf(opt, dom) {
    var series = (opt.series || []).filter(function (s) { return s.data && s.data.length; });
    var ds = opt.dataset && opt.dataset[0];
    if (ds && ds.source && ds.source.length) {
      var src = ds.source;
      if (Array.isArray(src[0])) { return src.slice(); }
      var keys = Object.keys(src[0]);
      return [keys].concat(src.map(function (r) { return keys.map(function (k) { return r[k]; }); }));
    }
    var cartesian = series.length && series.every(function (s) {
      return !s.coordinateSystem || s.coordinateSystem === "cartesian2d";
    }) && opt.xAxis && opt.yAxis;
    if (cartesian) {
      var xa = axisOf(opt, "xAxis"), ya = axisOf(opt, "yAxis");
      var horizontal = ya && ya.type === "category" && !(xa && xa.type === "category");
      var cat = horizontal ? ya : xa, catKind = horizontal ? "yAxis" : "xAxis", valKind = horizontal ? "xAxis" : "yAxis";
      var first = cat && cat.data && cat.data.length ? String(plain(cat.data[0])) : "";
      var timeLike = (cat && cat.type === "time") || /^\d{4}-\d\d-\d\d([ T]\d\d|$)/.test(first);
      var head = [cat && cat.name ? String(cat.name) : (timeLike ? L.time : L.category)];
      series.forEach(function (s, i) {
        var own = s.name || (series.length === 1 ? chartTitle(opt) || heading(dom) : "") || L.value + " " + (i + 1);
        head.push(unitHeader(own, axisOf(opt, valKind, s[valKind + "Index"])));
      });
      if (cat && cat.type === "category" && cat.data && cat.data.length) {
        return [head].concat(cat.data.map(function (c, r) {
          return [axisText(cat, c)].concat(series.map(function (s) {
            var v = plain(s.data[r]);
            return Array.isArray(v) ? v[v.length - 1] : v;
          }));
        }));
      }
      // value or time axis: [x, y] pairs, one row per x over every series
      var rows = {}, order = [];
      series.forEach(function (s, i) {
        s.data.forEach(function (d) {
          var v = plain(d);
          if (!Array.isArray(v)) { return; }
          var x = horizontal ? v[1] : v[0], y = horizontal ? v[0] : v[1];
          var k = String(x);
          if (!rows[k]) { rows[k] = [axisText(cat, x)]; order.push(k); }
          rows[k][i + 1] = y;
        });
      });
      return [head].concat(order.map(function (k) {
        var r = rows[k];
        for (var i = 1; i <= series.length; i++) { if (r[i] === undefined) { r[i] = null; } }
        return r;
      }));
    }
    // maps, pies, calendars, scatter on a map: one row per item
    var width = 0, geo = false;
    series.forEach(function (s) {
      if (s.coordinateSystem === "geo" || s.coordinateSystem === "bmap") { geo = true; }
      s.data.forEach(function (d) { var v = plain(d); width = Math.max(width, Array.isArray(v) ? v.length : 1); });
    });
    var calendar = series.every(function (s) { return s.coordinateSystem === "calendar"; });
    var named = series.some(function (s) {
      return s.data.some(function (d) { return d != null && typeof d === "object" && !Array.isArray(d) && d.name; });
    });
    var header = [L.series].concat(named ? [L.name] : []);
    var fixed = calendar ? [L.time] : geo && width >= 2 ? [L.lng, L.lat] : [];
    for (var i = 0; i < width; i++) {
      var rest = width - fixed.length;
      header.push(i < fixed.length ? fixed[i] : L.value + (rest > 1 ? " " + (i - fixed.length + 1) : ""));
    }
    var out = [header];
    series.forEach(function (s) {
      s.data.forEach(function (d) {
        var v = plain(d);
        var name = d != null && typeof d === "object" && !Array.isArray(d) ? d.name : "";
        var row = [s.name || chartTitle(opt) || heading(dom)].concat(named ? [name == null ? "" : name] : []);
        out.push(row.concat(Array.isArray(v) ? v : [v]));
      });
    });
    return out;
  }

  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function saveData(chart) {
    var rows = tableOf(chart.getOption(), chart.getDom());
    var text = rows.map(csvLine).join("\r\n") + "\r\n";
    download(new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" }), stem(chart) + ".csv");
  }

  function rightAxisName(opt) {  // a right-hand value axis' name sits where the toolbox would
    var ys = opt && opt.yAxis ? (Array.isArray(opt.yAxis) ? opt.yAxis : [opt.yAxis]) : [];
    var n = 0;
    ys.forEach(function (y, i) {
      if (y && y.name && (y.position === "right" || (i > 0 && y.position !== "left"))) { n = Math.max(n, String(y.name).length); }
    });
    return n;
  }
  function toolbox(chart, opt) {
    var n = rightAxisName(opt && opt.yAxis ? opt : chart.getOption());
    return {
      show: true, right: n ? Math.min(110, 16 + 7 * n) : 4, top: 0, itemSize: 13, itemGap: 8, z: 20,
      feature: {
        saveAsImage: { show: true, title: L.png, name: stem(chart, opt), type: "png", backgroundColor: "#ffffff", pixelRatio: 2 },
        myData: { show: true, title: L.data, icon: DATA_ICON, onclick: function () { saveData(chart); } }
      }
    };
  }
  function decorate(chart) {
    if (!chart || chart.__qsExport) { return chart; }
    chart.__qsExport = true;
    var set = chart.setOption;
    chart.setOption = function (opt, notMerge) {
      var full = notMerge === true || (notMerge && notMerge.notMerge) || !hasToolbox();
      if (opt && typeof opt === "object" && full && !opt.baseOption) {
        opt = Object.assign({}, opt, { toolbox: toolbox(chart, opt) });
      }
      return set.apply(chart, [opt].concat([].slice.call(arguments, 1)));
    };
    function hasToolbox() {
      var o = chart.getOption();
      return !!(o && o.toolbox && o.toolbox.length);
    }
    if (chart.getOption() && !hasToolbox()) { set.call(chart, { toolbox: toolbox(chart) }); }
    chart.qsExportData = function () { return tableOf(chart.getOption(), chart.getDom()); };
    return chart;
  }

  var init = echarts.init;
  echarts.init = function () { return decorate(init.apply(this, arguments)); };
  echarts.__qsExport = true;
  Array.prototype.forEach.call(document.querySelectorAll("[_echarts_instance_]"), function (dom) {
    decorate(echarts.getInstanceByDom(dom));
  });
  window.qsCharts = { decorate: decorate, tableOf: tableOf };
})();
