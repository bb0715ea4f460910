// Environmental credit and spot-check pages: the draw button shows its progress; the results
// form asks for the violation's category only when a problem was found.
(function () {
  "use strict";
  document.querySelectorAll("form[data-draw]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      var progress = form.querySelector("[data-progress]");
      if (button) { button.disabled = true; }
      if (progress) { progress.hidden = false; }
    });
  });
  document.querySelectorAll("form[data-result]").forEach(function (form) {
    var outcome = form.querySelector("select[name=outcome]");
    var extra = form.querySelectorAll("[data-violation]");
    function sync() {
      var show = outcome && outcome.value === "violation";
      extra.forEach(function (el) { el.hidden = !show; });
    }
    if (outcome) { outcome.addEventListener("change", sync); sync(); }
  });
})();
