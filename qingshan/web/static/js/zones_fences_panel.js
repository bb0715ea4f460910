/* 电子围栏告警 panel on a water section's page (issue #20): the section's fence alerts from
 * /api/v1/zones/fences/alerts?site_code=…; the page includes it for officers only (province,
 * city, county), and it stays hidden if the API refuses. */
(function () {
  "use strict";
  var box = document.getElementById("qs-zf-panel");
  if (!box || typeof qs === "undefined") { return; }
  var url = box.getAttribute("data-url"), list = box.querySelector("ul"), none = box.querySelector(".qs-zf-panel-none");
  fetch(url, { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) { throw new Error(String(r.status)); }
    return r.json();
  }).then(function (rows) {
    box.hidden = false;
    box.setAttribute("data-count", String(rows.length));
    if (!rows.length) { none.hidden = false; return; }
    rows.slice(0, 10).forEach(function (a) {
      var li = document.createElement("li");
      li.className = a.acknowledged_at ? "qs-zf-acked" : "qs-zf-open";
      li.textContent = (box.getAttribute("data-kind-" + a.event_kind) || a.event_kind) + " · " + a.label +
        " · " + Math.round(a.distance_m) + " m · " + qs.cst(a.first_seen) + (a.acknowledged_at ? " ✓" : "");
      list.appendChild(li);
    });
  }).catch(function () { box.hidden = true; });
})();
