/* 月调度通报 and 季现场盯办 (qingshan.cases.reports_web): the print button. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
