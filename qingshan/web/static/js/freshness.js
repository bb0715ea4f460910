/* 数据时效 (/freshness): states, ages and counts come computed from /api/v1/freshness; this
 * script draws the counts, filters and sorts the list and keeps the CSV link in step. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var en = cfg.lang === "en";
  var esc = qs.esc;
  var COLON = L["punct.colon"];
  var STATES = ["missing", "late", "ok"];
  var data = null;
  var sortKey = "state", sortDir = 1;
  var root = document.getElementById("qs-freshness");
  var th = cfg.thresholds;

  document.getElementById("fr-rules").textContent = L["fr.rules"]
    .replace("{al}", th.air_late_hours).replace("{am}", th.air_missing_hours)
    .replace("{wp}", th.water_period_hours).replace("{wl}", th.water_late_periods)
    .replace("{wm}", th.water_missing_hours).replace("{ll}", th.logger_late_intervals)
    .replace("{lm}", th.logger_missing_hours);

  function age(h) {
    if (h == null) { return L["fr.never"]; }
    if (h < 1) { return L["fr.minutes"].replace("{n}", Math.round(h * 60)); }
    if (h < 48) { return L["fr.hours"].replace("{n}", h.toFixed(1)); }
    return L["fr.days"].replace("{n}", (h / 24).toFixed(1));
  }
  function stateChip(s) { return '<span class="qs-fr-state qs-fr-' + s + '">' + esc(L["fr." + s]) + "</span>"; }
  function place(i, part) {
    var p = i.place;
    if (!p) { return ""; }
    return (en ? p[part + "_name_en"] : p[part + "_name"]) || "";
  }
  var KEYS = {
    state: function (i) { return STATES.indexOf(i.state); },
    kind: function (i) { return i.kind; },
    code: function (i) { return i.code; },
    name: function (i) { return i.name; },
    city: function (i) { return place(i, "city"); },
    county: function (i) { return place(i, "county"); },
    last: function (i) { return i.last_time || ""; },
    age: function (i) { return i.age_hours == null ? Infinity : i.age_hours; }
  };

  function renderTotals() {
    document.getElementById("fr-totals").innerHTML = ["air_station", "water_section", "logger"].map(function (k) {
      var c = data.totals[k];
      return '<div class="qs-kpi" data-kind="' + k + '"><span class="qs-kpi-n"><span class="qs-fr-n-missing">' + c.missing +
        '</span> / <span class="qs-fr-n-late">' + c.late + "</span> / " + c.total + '</span><span class="qs-kpi-l">' +
        esc(L["wh.kind." + k]) + COLON + esc(L["fr.missing"]) + " / " + esc(L["fr.late"]) + " / " + esc(L["fr.total"]) + "</span></div>";
    }).join("");
    document.getElementById("fr-now").textContent = qs.cst(data.now) + " " + L["layout.cst"];
    document.querySelector("#fr-summary tbody").innerHTML = data.summary.map(function (r) {
      var name = esc(en ? r.name_en : r.name);
      // a city of the province (or a county of a city) opens its own view: city → county
      if (r.region_code !== cfg.region && !r.city_level && r.region_code.length === 6 && r.region_code !== "330000") {
        name = '<a href="/freshness?region=' + esc(r.region_code) + '">' + name + "</a>";
      }
      return '<tr data-region="' + esc(r.region_code) + '"><td>' + name + (r.city_level ? ' <span class="qs-muted qs-small">' + esc(L["fr.city_level"]) + "</span>" : "") + '</td><td class="num">' + r.total +
        '</td><td class="num' + (r.late ? " qs-fr-late-n" : "") + '">' + r.late + '</td><td class="num' + (r.missing ? " qs-fr-missing-n" : "") + '">' +
        r.missing + "</td></tr>";
    }).join("");
  }

  function filters() {
    return { kind: document.getElementById("fr-kind").value, problems: document.getElementById("fr-problems").checked };
  }
  function renderList() {
    var f = filters();
    var rows = data.items.filter(function (i) {
      return (!f.kind || i.kind === f.kind) && (!f.problems || i.state !== "ok");
    });
    var key = KEYS[sortKey];
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (x < y) { return -sortDir; }
      if (x > y) { return sortDir; }
      return KEYS.age(b) - KEYS.age(a) || (a.code < b.code ? -1 : 1);
    });
    document.querySelector("#fr-items tbody").innerHTML = rows.map(function (i) {
      var name = i.url ? '<a href="' + esc(i.url) + '">' + esc(i.name) + "</a>" : esc(i.name);
      return '<tr data-kind="' + esc(i.kind) + '" data-code="' + esc(i.code) + '" data-state="' + esc(i.state) + '"><td>' + stateChip(i.state) +
        "</td><td>" + esc(L["wh.kind." + i.kind]) + '</td><td class="mono">' + esc(i.code) + "</td><td>" + name + "</td><td>" +
        esc(place(i, "city") || "—") + "</td><td>" + esc(place(i, "county") || "—") + "</td><td>" + esc(qs.cst(i.last_time)) +
        '</td><td class="num">' + esc(i.state === "ok" && i.age_hours != null ? age(i.age_hours) : age(i.age_hours)) + "</td></tr>";
    }).join("");
    document.getElementById("fr-empty").hidden = rows.length > 0;
    document.getElementById("fr-shown").textContent = L["fr.shown"].replace("{n}", rows.length).replace("{total}", data.items.length);
    var q = [];
    if (f.kind) { q.push("kind=" + f.kind); }
    if (f.problems) { q.push("state=late", "state=missing"); }
    document.getElementById("fr-export").href = cfg.csvUrl + (q.length ? "&" + q.join("&") : "");
    document.querySelectorAll("#fr-items th[data-sort]").forEach(function (h) {
      if (h.dataset.sort === sortKey) { h.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending"); }
      else { h.removeAttribute("aria-sort"); }
    });
  }

  document.querySelectorAll("#fr-items th[data-sort]").forEach(function (h) {
    h.addEventListener("click", function () {
      if (sortKey === h.dataset.sort) { sortDir = -sortDir; } else { sortKey = h.dataset.sort; sortDir = 1; }
      if (data) { renderList(); }
    });
  });
  document.getElementById("fr-kind").addEventListener("change", function () { if (data) { renderList(); } });
  document.getElementById("fr-problems").addEventListener("change", function () { if (data) { renderList(); } });

  function load() {
    return qs.getJSON(cfg.freshnessUrl).then(function (d) {
      data = d;
      document.getElementById("fr-error").hidden = true;
      renderTotals();
      renderList();
      root.dataset.ready = "1";
    }).catch(function (err) {
      var box = document.getElementById("fr-error");
      box.hidden = false;
      box.textContent = L["fr.load_failed"] + COLON + err.message;
      root.dataset.ready = "error";
    });
  }
  load();
  window.setInterval(load, cfg.refreshSeconds * 1000);
})();
