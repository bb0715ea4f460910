/* 导入/导出 on /enterprises: the archive's exchange file is checked first (a dry run:
 * POST /api/v1/archive/import?dry_run=true), which answers every problem by sheet, row and
 * column (422) or what would change; then the same files are imported on confirmation.
 * The upload shows its progress; the check of a large file shows that it is under way. */
(function () {
  "use strict";
  var form = document.getElementById("qs-imp-form");
  if (!form) { return; }
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels, I = cfg.import, esc = qs.esc;
  var $ = function (id) { return document.getElementById(id); };
  var input = $("qs-imp-file"), check = $("qs-imp-check"), confirm = $("qs-imp-confirm"), reset = $("qs-imp-reset");
  var box = $("qs-imp-progress"), bar = $("qs-imp-bar"), stage = $("qs-imp-stage"), out = $("qs-imp-result");
  var ACTIONS = ["new", "changed", "version", "unchanged"];
  var busy = false;

  function t(key, vals) {
    var s = L[key] || key;
    Object.keys(vals || {}).forEach(function (k) { s = s.split("{" + k + "}").join(vals[k]); });
    return s;
  }
  function show(state, html) { out.dataset.state = state; out.innerHTML = html; }
  function setBusy(on) {
    busy = on; check.disabled = on; confirm.disabled = on; input.disabled = on; box.hidden = !on;
  }
  function send(dryRun) {
    var files = input.files;
    if (!files || !files.length || busy) { return; }
    var data = new FormData();
    for (var i = 0; i < files.length; i++) { data.append("file", files[i], files[i].name); }
    var size = 0;
    for (var j = 0; j < files.length; j++) { size += files[j].size; }
    setBusy(true);
    bar.value = 0;
    stage.textContent = t("imp.uploading", { pct: 0 });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", I.importUrl + (dryRun ? "?dry_run=true" : ""));
    xhr.withCredentials = true;
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        var pct = Math.round(100 * e.loaded / e.total);
        bar.value = pct;
        stage.textContent = t("imp.uploading", { pct: pct });
      }
    };
    xhr.upload.onload = function () {  // the server reads and checks every row now
      bar.removeAttribute("value");
      stage.textContent = t(dryRun ? "imp.checking" : "imp.importing", { kb: Math.round(size / 1024) });
    };
    xhr.onload = function () {
      setBusy(false);
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 401) {
        window.location.assign("/login?reason=expired&next=" + encodeURIComponent(location.pathname + location.search));
        return;
      }
      if (xhr.status === 200 && body) { return dryRun ? plan(body) : done(body); }
      if (xhr.status === 422 && body && body.problems) { return problems(body); }
      show("error", '<p class="qs-imp-alert qs-imp-bad" role="alert">' + esc(t("imp.failed", { status: xhr.status })) +
        (body && body.detail ? "<br>" + esc(body.detail) : "") + "</p>");
    };
    xhr.onerror = function () {
      setBusy(false);
      show("error", '<p class="qs-imp-alert qs-imp-bad" role="alert">' + esc(t("imp.network")) + "</p>");
    };
    xhr.send(data);
  }
  function where(p) {
    return p.row ? t("imp.row_n", { n: p.row }) : t("imp.whole");
  }
  function problems(body) {
    var rows = body.problems.map(function (p) {
      return '<tr data-sheet="' + esc(p.sheet) + '" data-row="' + p.row + '" data-column="' + esc(p.column) + '">' +
        "<td>" + esc(p.sheet || "—") + "</td><td>" + esc(where(p)) + "</td><td>" + (p.column ? esc(p.column) + " · " + esc(p.header) : "") +
        "</td><td>" + esc(p.message) + "</td></tr>";
    }).join("");
    var nrows = {};
    body.problems.forEach(function (p) { nrows[p.sheet + ":" + p.row] = 1; });
    confirm.hidden = true; reset.hidden = false;
    show("problems", '<div class="qs-imp-alert qs-imp-bad" role="alert"><b>' +
      esc(t("imp.rejected", { n: body.problems.length, rows: Object.keys(nrows).length })) + "</b> " + esc(L["imp.fix"]) + "</div>" +
      '<div class="qs-table-wrap qs-imp-problems"><table data-export="" class="qs-table qs-small" id="qs-imp-problems"><thead><tr><th>' +
      esc(L["imp.sheet"]) + "</th><th>" + esc(L["imp.row"]) + "</th><th>" + esc(L["imp.column"]) + "</th><th>" + esc(L["imp.problem"]) +
      "</th></tr></thead><tbody>" + rows + "</tbody></table></div>");
  }
  function counts(body) {
    var head = "<tr><th>" + esc(L["imp.sheet"]) + "</th>" + ACTIONS.map(function (a) {
      return '<th class="num">' + esc(L["imp.action." + a]) + "</th>";
    }).join("") + "</tr>";
    var rows = Object.keys(body.counts).map(function (sheet) {
      var c = body.counts[sheet];
      return '<tr data-sheet="' + esc(sheet) + '"><td>' + esc(sheet) + "</td>" + ACTIONS.map(function (a) {
        return '<td class="num" data-action="' + a + '">' + (c[a] || 0) + "</td>";
      }).join("") + "</tr>";
    }).join("");
    return '<div class="qs-table-wrap"><table class="qs-table qs-small qs-imp-counts" id="qs-imp-counts"><thead>' + head +
      "</thead><tbody>" + rows + "</tbody></table></div>";
  }
  function fieldText(f) {
    return Object.keys(f).map(function (k) {
      var v = f[k];
      var show = function (x) { return x == null || x === "" ? "—" : typeof x === "object" ? JSON.stringify(x) : String(x); };
      return k + (L["punct.colon"] || ": ") + show(v[0]) + " → " + show(v[1]);
    }).join("; ");
  }
  function changesTable(body) {
    if (!body.changes.length) { return ""; }
    var shown = body.changes.slice(0, 300);
    return '<div class="qs-table-wrap"><table class="qs-table qs-small qs-imp-changes" id="qs-imp-changes"><thead><tr><th>' +
      esc(L["imp.sheet"]) + "</th><th>" + esc(L["imp.row"]) + "</th><th>" + esc(L["imp.key"]) + "</th><th>" + esc(L["imp.action"]) +
      "</th></tr></thead><tbody>" + shown.map(function (c) {
        return '<tr data-action="' + esc(c.action) + '"><td>' + esc(c.sheet) + "</td><td>" + c.row + '</td><td><span class="mono">' +
          esc(c.key) + "</span> " + esc(c.name) + (Object.keys(c.fields).length && c.action !== "new" ?
          '<div class="qs-imp-fields">' + esc(fieldText(c.fields)).slice(0, 400) + "</div>" : "") +
          "</td><td>" + esc(L["imp.action." + c.action]) + "</td></tr>";
      }).join("") + "</tbody></table></div>" +
      (body.changes.length > shown.length ? '<p class="qs-small qs-muted">' + esc(t("imp.more", { n: body.changes.length - shown.length })) + "</p>" : "");
  }
  function plan(body) {
    var n = body.changes.length;
    confirm.hidden = n === 0; reset.hidden = false;
    show("plan", '<div class="qs-imp-alert ' + (n ? "qs-imp-plan" : "qs-imp-ok") + '" role="status"><b>' +
      esc(t(n ? "imp.plan" : "imp.nothing", { rows: body.rows, n: n, s: body.seconds.toFixed(1) })) + "</b></div>" +
      counts(body) + changesTable(body));
  }
  function done(body) {
    confirm.hidden = true; reset.hidden = false;
    show("done", '<div class="qs-imp-alert qs-imp-ok" role="status"><b>' +
      esc(t("imp.done", { rows: body.rows, n: body.changes.length, s: body.seconds.toFixed(1) })) +
      '</b> <a href="' + esc(location.pathname + location.search) + '" id="qs-imp-reload">' + esc(L["imp.reload"]) + "</a></div>" + counts(body));
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); send(true); });
  confirm.addEventListener("click", function () { send(false); });
  reset.addEventListener("click", function () {
    form.reset(); show("", ""); confirm.hidden = true; reset.hidden = true;
  });
  input.addEventListener("change", function () { show("", ""); confirm.hidden = true; });
})();
