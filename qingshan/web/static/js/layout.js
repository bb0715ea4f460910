/* The top bar of every page: it stays on one line and every control stays reachable.
 * When the navigation does not fit, the long title gives way first, then the clock, then the
 * region (the account's line names it too); if it still does not fit, the bar folds into the
 * menu button (.qs-collapsed), as it always does on phones (CSS). The button opens and closes
 * the panel; Escape or a click elsewhere closes it. The navigation is a few menus; on the bar a
 * menu's head opens its pages below it, in the folded panel every menu's pages are listed. */
(function () {
  "use strict";
  var top = document.querySelector(".qs-top");
  var btn = document.getElementById("qs-menu-btn");
  var nav = top && top.querySelector(".qs-nav");
  if (!top || !btn || !nav) { return; }
  var LEVELS = ["qs-fit-title", "qs-fit-clock", "qs-fit-region", "qs-collapsed"];

  function overflows() {
    return nav.scrollWidth > nav.clientWidth + 1 || top.scrollWidth > top.clientWidth + 1;
  }
  function fit() {
    LEVELS.forEach(function (c) { top.classList.remove(c); });
    if (getComputedStyle(btn).display !== "none") { return; }  // folded by CSS (phones)
    for (var i = 0; i < LEVELS.length && overflows(); i++) { top.classList.add(LEVELS[i]); }
    if (!top.classList.contains("qs-collapsed")) { setOpen(false); }
  }
  function setOpen(open) {
    top.classList.toggle("qs-menu-open", open);
    btn.setAttribute("aria-expanded", open ? "true" : "false");
  }
  btn.addEventListener("click", function () { setOpen(!top.classList.contains("qs-menu-open")); });
  // the menus of the bar (环境质量 …): a head opens its pages and closes the others
  var groups = Array.prototype.slice.call(nav.querySelectorAll(".qs-nav-group"));
  function openGroup(group) {
    groups.forEach(function (g) {
      var on = g === group;
      g.classList.toggle("open", on);
      g.querySelector(".qs-nav-head").setAttribute("aria-expanded", on ? "true" : "false");
    });
  }
  groups.forEach(function (g) {
    g.querySelector(".qs-nav-head").addEventListener("click", function () {
      openGroup(g.classList.contains("open") ? null : g);
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    var open = nav.querySelector(".qs-nav-group.open");
    if (open) { openGroup(null); open.querySelector(".qs-nav-head").focus(); }
    if (top.classList.contains("qs-menu-open")) { setOpen(false); btn.focus(); }
  });
  document.addEventListener("click", function (ev) {
    if (!nav.contains(ev.target)) { openGroup(null); }
    if (top.classList.contains("qs-menu-open") && !top.contains(ev.target)) { setOpen(false); }
  });
  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fit(); });
  });
  fit();
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(fit); }  // widths change with the web font

  // sections a page loads after it shows (data-defer-src: an HTML fragment of the same site)
  Array.prototype.forEach.call(document.querySelectorAll("[data-defer-src]"), function (sec) {
    var body = sec.querySelector(".qs-defer-body") || sec;
    fetch(sec.getAttribute("data-defer-src"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) { body.innerHTML = html; })
      .catch(function () {
        body.innerHTML = "";
        var p = document.createElement("p");
        p.className = "qs-alert qs-alert-bad";
        p.textContent = sec.getAttribute("data-defer-failed") || "—";
        body.appendChild(p);
      })
      .then(function () { sec.removeAttribute("aria-busy"); });
  });
})();
