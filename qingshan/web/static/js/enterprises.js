/* 污染源: enterprises in the user's scope with permit and outlets; each outlet's newest hourly
 * values against its permit limits come computed (converted, exceeds) from
 * /api/v1/archive/enterprises. Filters go to the API and into the address bar. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var en = cfg.lang === "en";
  var esc = qs.esc;
  var COLON = L["punct.colon"];
  var G = cfg.gloss;  // English glosses of Chinese words in the data (qingshan/web/glossary.py)
  function gl(text) {
    if (!text || !G || !G.phrases.length) { return text; }
    G.patterns.forEach(function (p) { text = text.replace(new RegExp(p[0], "g"), p[1]); });
    G.phrases.forEach(function (p) { text = text.split(p[0]).join(p[1]); });
    return text.replace(/ {2,}/g, " ").replace(/ \)/g, ")").trim();
  }
  var $ = function (id) { return document.getElementById(id); };
  var industry = $("qs-industry"), region = $("qs-region"), search = $("qs-search"), only = $("qs-only-exceeding");
  var sort = $("qs-sort");
  var data = null, seq = 0, timer = null, offset = cfg.initial.offset || 0;

  function fmt(v) {
    if (v == null) { return "—"; }
    var a = Math.abs(v);
    return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(2);
  }
  function lim(v) { return v == null ? "—" : String(parseFloat(v.toPrecision(4))); }  // 35, not 35.0
  function paramName(v) {
    var name = en ? v.name_en : v.name;
    return v.symbol && name.indexOf(v.symbol) < 0 ? name + " " + v.symbol : name;
  }
  function permitCell(p) {
    if (!p) { return '<span class="qs-muted">' + esc(L["ent.no_permit"]) + "</span>"; }
    return '<div class="mono">' + esc(p.number) + '</div><div class="qs-small qs-muted">' + esc(L["ent.valid"]) + COLON +
      esc(p.valid_from) + " ~ " + esc(p.valid_to) + ' <span class="qs-badge qs-permit-' + esc(p.status) + '">' +
      esc(L["ent.permit." + p.status]) + "</span></div>";
  }
  function valueChip(v) {
    var shown = v.converted != null ? v.converted : v.value;
    var cls = "qs-val" + (v.exceeds ? " qs-exceed" : "");
    var title = paramName(v) + COLON + (v.value == null ? L["ent.no_value"] : L["ent.measured"] + " " + fmt(v.value) + " " + v.unit) +
      (v.converted != null ? (en ? "; " : "；") + L["ent.converted"] + " " + fmt(v.converted) + " " + v.unit + " (O2 " + v.reference_o2 + "%)" : "") +
      (en ? "; " : "；") + L[v.averaging === "day" ? "ent.limit_day" : "ent.limit_hour"] + " " + lim(v.limit) + " " + (v.limit_unit || "") +
      (v.standard ? " · " + gl(v.standard) : "");
    return '<span class="' + cls + '" data-param="' + esc(v.parameter_code) + '" title="' + esc(title) + '">' +
      '<span class="qs-val-name">' + esc(paramName(v)) + "</span> " +
      "<b>" + esc(fmt(shown)) + "</b>" + '<span class="qs-val-limit">/' + esc(lim(v.limit)) + "</span> " +
      '<span class="qs-val-unit">' + esc(gl(v.unit)) + "</span>" +
      (v.converted != null ? '<span class="qs-val-tag">' + esc(L["ent.converted"]) + "</span>" : "") +
      (v.exceeds ? '<span class="qs-val-tag qs-val-tag-bad">' + esc(L["ent.exceeds"]) + "</span>" : "") + "</span>";
  }
  function outletBlock(o) {
    var limited = o.values.filter(function (v) { return v.limit != null; });
    return '<div class="qs-outlet' + (o.exceeding ? " qs-outlet-exceeding" : "") + '" data-code="' + esc(o.code) + '">' +
      '<div class="qs-outlet-head"><span class="qs-kind qs-kind-' + esc(o.kind) + '">' + esc(L["ent.kind." + o.kind]) + "</span> " +
      '<a class="qs-outlet-link" data-proper-name href="' + esc(cfg.outletUrl + encodeURIComponent(o.code)) + '">' + esc(o.name) + "</a>" +
      ' <span class="qs-muted qs-small mono">' + esc(o.code) + "</span>" +
      (o.latest_time ? ' <span class="qs-muted qs-small">' + esc(qs.cst(o.latest_time)) + "</span>" : "") + "</div>" +
      '<div class="qs-vals">' + (limited.length ? limited.map(valueChip).join("") : '<span class="qs-muted qs-small">' + esc(L["ent.no_value"]) + "</span>") +
      "</div></div>";
  }
  function row(e) {
    var outlets = e.outlets.length ? e.outlets.map(outletBlock).join("") : '<span class="qs-muted">' + esc(L["ent.no_outlets"]) + "</span>";
    var sup = '<span class="qs-count' + (e.open_cases ? " qs-count-bad" : "") + '" data-key="open_cases">' + e.open_cases + "</span>" +
      ' / <span class="qs-count" data-key="events">' + e.events + "</span>";
    return '<tr data-id="' + e.id + '" data-credit="' + esc(e.credit_code) + '"' + (e.exceeding_outlets ? ' class="qs-row-exceeding"' : "") + ">" +
      '<td class="qs-ent-name"><a class="qs-ent-link" data-proper-name href="' + esc(cfg.enterpriseUrl + e.id) + '"><b>' + esc(e.name) + "</b></a>" + '<div class="qs-small qs-muted mono" title="' + esc(L["ent.credit_code"]) + '">' + esc(e.credit_code) + "</div></td>" +
      '<td><span class="qs-industry qs-industry-' + esc(e.industry) + '">' + esc(L["industry." + e.industry]) + "</span></td>" +
      '<td class="nowrap">' + esc(en ? e.city_name_en : e.city_name) + '<div class="qs-small qs-muted">' + esc(en ? e.region_name_en : e.region_name) + "</div></td>" +
      '<td data-label="' + esc(L["ent.permit"]) + '">' + permitCell(e.permit) + "</td>" +
      '<td class="qs-outlets">' + outlets + "</td>" +
      '<td class="num nowrap" data-label="' + esc(L["ent.supervision"]) + '" title="' + esc(L["ent.cases_events"].replace("{c}", e.open_cases).replace("{e}", e.events)) + '">' + sup + "</td></tr>";
  }
  function render() {
    if (!data) { return; }
    var items = data.items;  // filtered (仅看超标), sorted and paged by the server
    document.querySelector("#qs-enterprises tbody").innerHTML = items.map(row).join("");
    $("qs-empty").hidden = items.length > 0;
    $("qs-shown").textContent = L["ent.shown"].replace("{n}", items.length).replace("{total}", data.total);
    $("qs-more").hidden = true;
    $("qs-page-info").textContent = data.total ? L["ent.page"].replace("{from}", data.offset + 1)
      .replace("{to}", data.offset + data.items.length).replace("{total}", data.total) : "";
    $("qs-prev").disabled = data.offset <= 0;
    $("qs-next").disabled = data.offset + data.items.length >= data.total;
    var sum = data.summary;
    ["enterprises", "outlets", "exceeding_outlets", "open_cases"].forEach(function (k) {
      document.querySelector('.qs-stat[data-key="' + k + '"] .qs-stat-n').textContent = sum[k];
    });
    $("qs-industry-counts").innerHTML = cfg.industries.filter(function (i) { return sum.by_industry[i.key]; }).map(function (i) {
      return '<span class="qs-industry qs-industry-' + esc(i.key) + '">' + esc(i.name) + " " + sum.by_industry[i.key] + "</span>";
    }).join(" ");
    document.querySelector(".qs-page").dataset.ready = "1";
  }
  function params() {
    var p = new URLSearchParams();
    if (industry.value) { p.set("industry", industry.value); }
    if (region && region.value) { p.set("region", region.value); }
    if (search.value.trim()) { p.set("q", search.value.trim()); }
    if (only.checked) { p.set("exceeding", "true"); }
    if (sort.value && sort.value !== "region") { p.set("sort", sort.value); }
    if (offset) { p.set("offset", offset); }
    return p;
  }
  function load() {
    var p = params(), mine = ++seq;
    var shown = p.toString();
    history.replaceState(null, "", location.pathname + (shown ? "?" + shown : ""));
    p.set("limit", cfg.limit);
    document.querySelector(".qs-page").dataset.ready = "0";
    qs.getJSON(cfg.listUrl + "?" + p.toString()).then(function (d) {
      if (mine !== seq) { return; }  // a newer request is on its way
      $("qs-error").hidden = true;
      data = d;
      render();
    }, function (err) {
      if (mine !== seq) { return; }
      $("qs-error").hidden = false;
      $("qs-error").textContent = L["ent.load_failed"] + COLON + err.message;
      document.querySelector(".qs-page").dataset.ready = "error";
    });
  }
  industry.value = cfg.initial.industry;
  if (region) { region.value = cfg.initial.region; region.addEventListener("change", reload); }
  search.value = cfg.initial.q;
  industry.addEventListener("change", reload);
  function reload() { offset = 0; load(); }
  sort.value = cfg.initial.sort || "region";
  only.checked = !!cfg.initial.exceeding;
  only.addEventListener("change", reload);
  sort.addEventListener("change", reload);
  $("qs-prev").addEventListener("click", function () { offset = Math.max(0, offset - cfg.limit); load(); });
  $("qs-next").addEventListener("click", function () { offset += cfg.limit; load(); });
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(reload, 250); });
  $("qs-filters").addEventListener("submit", function (ev) { ev.preventDefault(); clearTimeout(timer); reload(); });
  load();
})();
