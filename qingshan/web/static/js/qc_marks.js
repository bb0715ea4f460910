/* 自行标记: the marks form of the outlet page. The enterprise (or a province or city account)
 * enters a period (CST), a kind and a reason; it is checked here first (times given, end after
 * start) and then by the API (POST /api/v1/qc/sites/{code}/marks: kind, order, overlap, length,
 * who may mark), whose refusals are shown in words beside the field they concern. A saved mark
 * reloads the charts and the list (qc_outlet.js: window.qsOutlet). */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var COLON = L["punct.colon"];
  var form = document.getElementById("qc-mark-form");
  if (!form) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var msg = $("qc-mark-msg"), submit = $("qc-mark-submit");

  document.addEventListener("qs:outlet", function () {  // the parameters, once the header is in
    var sel = $("qc-mark-param");
    window.qsOutlet.parameters().forEach(function (code) {
      var o = document.createElement("option");
      o.value = code;
      o.textContent = window.qsOutlet.paramName(code);
      sel.appendChild(o);
    });
  });

  function fieldError(name, text) {
    var el = $("qc-mark-" + name + "-error"), input = $("qc-mark-" + name);
    el.textContent = text || "";
    el.hidden = !text;
    if (text) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }
  function clear() {
    fieldError("start", "");
    fieldError("end", "");
    msg.textContent = "";
    msg.dataset.state = "";
  }
  function iso(v) { return v + ":00+08:00"; }  // the inputs are China Standard Time

  function check(f) {  // what can be told before asking the server
    var ok = true;
    if (!f.start) { fieldError("start", L["qc.markform.err.required"]); ok = false; }
    if (!f.end) { fieldError("end", L["qc.markform.err.required"]); ok = false; }
    if (ok && new Date(iso(f.end)) <= new Date(iso(f.start))) {
      fieldError("end", L["qc.markform.err.order"]);
      ok = false;
    }
    return ok;
  }
  function refused(status, body) {  // the API's refusal, in words, where it belongs
    var kind = body && body.error;
    if (kind === "MarkEndsBeforeStart") { fieldError("end", L["qc.markform.err.order"]); return; }
    if (kind === "MarkOverlap") {
      fieldError("start", L["qc.markform.err.overlap"].replace("{other}", (body.context && body.context.other) || ""));
      return;
    }
    if (kind === "RangeTooLong") {
      fieldError("end", L["qc.markform.err.too_long"].replace("{max}", body.context ? body.context.max_days : ""));
      return;
    }
    msg.dataset.state = "error";
    if (status === 403) { msg.textContent = L["qc.markform.err.denied"]; return; }
    var detail = body && body.detail;
    if (Array.isArray(detail)) {
      detail = detail.map(function (e) { return (e.loc || []).slice(1).join(".") + COLON + e.msg; }).join("; ");
    }
    msg.textContent = L["qc.markform.err.failed"] + COLON + (detail || "HTTP " + status);
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clear();
    var f = {
      kind: form.elements.kind.value, parameter_code: form.elements.parameter_code.value || null,
      start: form.elements.start.value, end: form.elements.end.value, reason: form.elements.reason.value.trim()
    };
    if (!check(f)) { return; }
    submit.disabled = true;
    msg.textContent = L["qc.markform.saving"];
    var body = { kind: f.kind, parameter_code: f.parameter_code, start: iso(f.start), end: iso(f.end), reason: f.reason };
    fetch(cfg.marksUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        msg.textContent = "";
        if (!r.ok) { refused(r.status, data); return; }
        msg.dataset.state = "ok";
        msg.textContent = L["qc.markform.saved"].replace("{kind}", window.qsOutlet.markKind(data.kind))
          .replace("{start}", qs.cst(data.start)).replace("{end}", qs.cst(data.end));
        form.elements.reason.value = "";
        return window.qsOutlet.reload();
      });
    }, function (err) {
      msg.dataset.state = "error";
      msg.textContent = L["qc.markform.err.failed"] + COLON + err.message;
    }).then(function () { submit.disabled = false; });
  });
})();
