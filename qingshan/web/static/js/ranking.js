/* The public ranking page (issue #16): air / water tabs, cities / counties, period and month;
 * the table (rank, index, change coloured, primary pollutant, synthetic previous year tag), the
 * regions lacking valid data and a bar chart. Everything comes from /api/v1/ranking; the labels
 * from the server (qs-config). Nothing is ranked here. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var en = cfg.lang === "en";
  var esc = qs.esc;
  var state = { kind: cfg.kind, level: cfg.level, period: cfg.period, month: cfg.month };
  var chartEl = document.getElementById("rank-chart");
  var chart = echarts.init(chartEl, null, { renderer: "canvas" });
  window.qsRankChart = chart;  // for the browser tests
  window.addEventListener("resize", function () { chart.resize(); });

  var monthSel = document.getElementById("rank-month");
  monthSel.innerHTML = cfg.months.map(function (m) { return '<option value="' + esc(m) + '">' + esc(m) + "</option>"; }).join("");
  if (state.month) { monthSel.value = state.month; }
  var periodSel = document.getElementById("rank-period");
  periodSel.value = state.period;

  function query(extra) {
    var p = new URLSearchParams({ kind: state.kind, level: state.level, period: state.period });
    if (state.month) { p.set("month", state.month); }
    Object.keys(extra || {}).forEach(function (k) { p.set(k, extra[k]); });
    return p.toString();
  }
  function syncTabs() {
    document.querySelectorAll("[data-kind]").forEach(function (b) { b.setAttribute("aria-selected", String(b.dataset.kind === state.kind)); });
    document.querySelectorAll("[data-level]").forEach(function (b) { b.setAttribute("aria-selected", String(b.dataset.level === state.level)); });
    document.getElementById("rank-xlsx").href = cfg.rankingUrl + "?" + query({ format: "xlsx", lang: cfg.lang });
    document.getElementById("rank-csv").href = cfg.rankingUrl + "?" + query({ format: "csv", lang: cfg.lang });
    var page = new URLSearchParams(query());
    if (en) { page.set("lang", "en"); }
    history.replaceState(null, "", location.pathname + "?" + page.toString());
  }
  function name(r) { return en ? r.name_en : r.name; }
  // a lacking region's reason in the page's language (the API's fields in the label's slots)
  function reason(l) {
    var text = L["rank.reason." + l.reason_code] || l.reason;
    ["statistic", "have", "need", "where", "section"].forEach(function (k) { text = text.replace("{" + k + "}", l[k] == null ? "" : l[k]); });
    return text;
  }
  function num(v, d) { return v == null ? "—" : v.toFixed(d); }
  function changeCell(v) {
    if (v == null) { return '<span class="qs-muted">—</span>'; }
    var cls = v > 0 ? "rank-up" : v < 0 ? "rank-down" : "";
    var title = v > 0 ? L["rank.worse"] : v < 0 ? L["rank.better"] : "";
    return '<span class="' + cls + '" title="' + esc(title) + '">' + (v > 0 ? "+" : "") + v.toFixed(1) + "%</span>";
  }

  function draw(r) {
    var air = r.kind === "air";
    var dp = air ? 2 : 4;
    var heads = [[L["rank.rank"], "num"], [L["rank.region"], ""], [air ? L["rank.index"] : L["rank.cwqi"], "num"],
      [L["rank.change"], "num"], [L["rank.previous"], "num"], [air ? L["rank.primary"] : L["rank.main"], ""],
      [air ? L["rank.sites"] : L["rank.sections"], "num"]];
    if (air) { heads.push([L["rank.index_2026"], "num"]); }
    document.querySelector("#rank-table thead tr").innerHTML = heads.map(function (h, i) {
      var note = air && i === heads.length - 1 ? ' title="' + esc(L["rank.index_2026_note"]) + '"' : "";
      return '<th class="' + h[1] + '"' + note + ">" + esc(h[0]) + "</th>";
    }).join("");
    var sep = en ? ", " : "、";
    var body = r.rows.map(function (row) {
      var region = esc(name(row));
      if (air && r.level === "city") { region = '<a href="' + esc(cfg.cityPage.replace("{code}", row.region_code)) + '">' + region + "</a>"; }
      var cells = ['<td class="num">' + row.rank + "</td>",
        "<td>" + region + "</td>",
        '<td class="num"><b>' + num(row.value, dp) + "</b></td>",
        '<td class="num">' + changeCell(row.change) + "</td>",
        '<td class="num">' + num(row.previous, dp) + (row.synthetic_previous
          ? '<span class="rank-tag" title="' + esc(L["rank.synthetic"]) + '">' + esc(L["rank.synthetic_short"]) + "</span>" : "") + "</td>",
        "<td>" + esc(row.primary.join(sep) || L["rank.none"]) + "</td>",
        '<td class="num">' + row.sites + "</td>"];
      if (air) { cells.push('<td class="num qs-muted">' + num(row.value_2026, 2) + "</td>"); }
      return '<tr data-region="' + esc(row.region_code) + '">' + cells.join("") + "</tr>";
    }).join("");
    document.querySelector("#rank-table tbody").innerHTML = body ||
      '<tr><td colspan="' + heads.length + '" class="qs-muted">' + esc(L["rank.empty"]) + "</td></tr>";
    document.querySelector("#rank-lacking tbody").innerHTML = r.lacking.map(function (l) {
      return '<tr data-region="' + esc(l.region_code) + '"><td>' + esc(en ? l.name_en : l.name) + '</td><td class="qs-small">' + esc(reason(l)) + "</td></tr>";
    }).join("") || '<tr><td colspan="2" class="qs-muted">' + esc(L["rank.none"]) + "</td></tr>";
    document.getElementById("rank-label").textContent = r.label + " (" + r.first + " … " + r.last + ")";
    document.getElementById("rank-synthetic").hidden = !r.synthetic_previous;
    document.getElementById("rank-method").textContent = r.method;
    var rows = r.rows.slice().reverse();  // best at the top of a horizontal bar chart
    chart.setOption({
      grid: { left: 8, right: 48, top: 8, bottom: 30, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", name: air ? L["rank.index"] : "CWQI", nameLocation: "middle", nameGap: 24 },
      yAxis: { type: "category", data: rows.map(function (x) { return x.rank + ". " + name(x); }), axisLabel: { fontSize: r.rows.length > 30 ? 9 : 12 } },
      series: [{
        type: "bar", name: air ? L["rank.index"] : "CWQI",
        data: rows.map(function (x) { return { value: x.value, itemStyle: { color: x.change == null ? "#7a9a88" : x.change > 0 ? "#c8553d" : "#2f8f5b" } }; }),
        label: { show: r.rows.length <= 30, position: "right", fontSize: 11, formatter: function (p) { return p.value.toFixed(dp); } }
      }]
    }, true);
    chartEl.style.height = Math.max(320, r.rows.length * 18 + 40) + "px";
    chart.resize();
    document.body.dataset.ranking = "ready";
  }

  function load() {
    syncTabs();
    delete document.body.dataset.ranking;
    document.getElementById("rank-error").hidden = true;
    return qs.getJSON(cfg.rankingUrl + "?" + query()).then(draw, function (err) {
      var box = document.getElementById("rank-error");
      box.hidden = false;
      box.textContent = L["rank.load_failed"] + L["punct.colon"] + err.message;
      document.body.dataset.ranking = "error";
    });
  }
  document.querySelectorAll("[data-kind]").forEach(function (b) { b.addEventListener("click", function () { state.kind = b.dataset.kind; load(); }); });
  document.querySelectorAll("[data-level]").forEach(function (b) { b.addEventListener("click", function () { state.level = b.dataset.level; load(); }); });
  periodSel.addEventListener("change", function () { state.period = periodSel.value; load(); });
  monthSel.addEventListener("change", function () { state.month = monthSel.value; load(); });
  load();
})();
