/* Export controls for the dashboard's tables: every <table data-export="file name"> gets
   "CSV" and "Excel" buttons above it. The rows the table shows are posted to
   POST /api/v1/export/table (qingshan/api/export.py), which writes the file (CSV with a BOM and
   the formula guard, .xlsx with numbers as numbers). A list paged on the server names its own
   export route instead, data-export-url="/cases/export.{ext}": the current filters (the page's
   query) are passed on and the whole filtered list is exported, not the visible page.
   A cell (or its column's header) with class "num" is sent as a number; data-export-value on a
   cell overrides its text. An empty data-export names the file after the page's and the
   table's headings. Labels: base.html's #qs-export-labels (i18n export.*). */
(function () {
  "use strict";
  var el = document.getElementById("qs-export-labels");
  var L = el ? JSON.parse(el.textContent) : {};
  var NUMBER = /^-?\d+(\.\d+)?$/;

  function text(node) { return (node.innerText || node.textContent || "").replace(/\s+/g, " ").trim(); }
  function title(table) {
    var own = table.getAttribute("data-export");
    if (own) { return own; }
    var h1 = document.querySelector("main h1");
    var page = (h1 && text(h1)) || document.title.split(" · ")[0];
    var box = table.closest("section, .qs-card, .qs-panel");
    var h = box && box.querySelector("h2, h3");
    var name = h ? text(h.cloneNode(true)).replace(/\s*\(.*$|（.*$/, "") : "";
    return page + (name && name !== page ? " - " + name : "");
  }
  function visible(row) { return !row.hidden && row.style.display !== "none" && !row.closest("[hidden]"); }
  function headerRow(table) {
    var rows = table.tHead ? table.tHead.rows : [];
    return rows.length ? rows[rows.length - 1] : null;
  }
  /** {columns, rows} of the table as shown (hidden rows left out). */
  function read(table) {
    var head = headerRow(table), numCols = [], columns = [];
    if (head) {
      Array.prototype.forEach.call(head.cells, function (th) {
        for (var i = 0; i < (th.colSpan || 1); i++) {
          columns.push(text(th) || "—");
          numCols.push(th.classList.contains("num"));
        }
      });
    }
    var rows = [];
    Array.prototype.forEach.call(table.tBodies, function (tb) {
      Array.prototype.forEach.call(tb.rows, function (tr) {
        if (!visible(tr) || tr.classList.contains("qs-export-skip")) { return; }
        var row = [];
        Array.prototype.forEach.call(tr.cells, function (td) {
          var v = td.hasAttribute("data-export-value") ? td.getAttribute("data-export-value") : text(td);
          var num = td.classList.contains("num") || numCols[row.length];
          var plain = v.replace(/,/g, "");
          var cell = num && NUMBER.test(plain) ? Number(plain) : (v === "" || v === "—" ? null : v);
          for (var i = 0; i < (td.colSpan || 1); i++) { row.push(i ? null : cell); }
        });
        rows.push(row);
      });
    });
    if (!columns.length) {
      var width = rows.reduce(function (m, r) { return Math.max(m, r.length); }, 0);
      for (var i = 0; i < width; i++) { columns.push(String(i + 1)); }
    }
    rows = rows.map(function (r) { return r.slice(0, columns.length); });
    return { columns: columns, rows: rows };
  }
  function fileName(resp, fallback) {
    var cd = resp.headers.get("Content-Disposition") || "";
    var m = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    return m ? decodeURIComponent(m[1]) : fallback;
  }
  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function say(bar, message) {
    var out = bar.querySelector(".qs-export-msg");
    out.textContent = message || "";
    out.hidden = !message;
  }
  function exportTable(table, fmt, bar) {
    say(bar, "");
    var url = table.getAttribute("data-export-url");
    if (url) {  // the list's own route: every row the filters give, not the page shown
      var q = new URLSearchParams(location.search);
      ["page", "offset", "limit", "lang"].forEach(function (k) { q.delete(k); });
      var lang = /^en/i.test(document.documentElement.lang) ? "en" : "zh";
      var href = url.replace("{ext}", fmt).replace("{lang}", lang) + (q.toString() ? (url.indexOf("?") < 0 ? "?" : "&") + q.toString() : "");
      var a = document.createElement("a");
      a.href = href;
      a.setAttribute("download", "");
      document.body.appendChild(a);
      a.click();
      a.remove();
      return;
    }
    var body = read(table);
    body.title = title(table);
    body.format = fmt;
    fetch("/api/v1/export/table", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) {
        return r.json().then(function (d) {
          var detail = Array.isArray(d.detail) ? d.detail.map(function (x) { return (x.loc || []).join(".") + ": " + x.msg; }).join("; ") : d.detail;
          throw new Error(detail || "HTTP " + r.status);
        }, function () { throw new Error("HTTP " + r.status); });
      }
      return r.blob().then(function (b) { save(b, fileName(r, body.title + "." + fmt)); });
    }).catch(function (err) { say(bar, L.failed + (L.colon || ": ") + err.message); });
  }
  function attach(table) {
    if (table.__qsExport) { return; }
    table.__qsExport = true;
    var bar = document.createElement("div");
    bar.className = "qs-export-bar";
    bar.innerHTML = '<button type="button" class="qs-export-btn" data-fmt="csv"></button>' +
      '<button type="button" class="qs-export-btn" data-fmt="xlsx"></button>' +
      '<span class="qs-export-msg qs-error" role="alert" hidden></span>';
    var csv = bar.children[0], xlsx = bar.children[1];
    csv.textContent = L.csv; xlsx.textContent = L.xlsx;
    var whole = table.hasAttribute("data-export-url");
    csv.title = whole ? L.whole : L.shown;
    xlsx.title = csv.title;
    [csv, xlsx].forEach(function (b) {
      b.addEventListener("click", function () { exportTable(table, b.getAttribute("data-fmt"), bar); });
    });
    var wrap = table.parentElement && table.parentElement.classList.contains("qs-table-wrap") ? table.parentElement : table;
    wrap.parentNode.insertBefore(bar, wrap);
  }
  function scan() { Array.prototype.forEach.call(document.querySelectorAll("table[data-export]"), attach); }
  scan();
  // tables a page draws later (an import's problems) get their buttons when they appear
  if (window.MutationObserver) {
    var pending = false;
    new MutationObserver(function () {
      if (pending) { return; }
      pending = true;
      setTimeout(function () { pending = false; scan(); }, 0);
    }).observe(document.querySelector("main") || document.body, { childList: true, subtree: true });
  }
  window.qsTableExport = { scan: scan, read: read };
})();
