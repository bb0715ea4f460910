/* Small helpers shared by the dashboard pages: escaping, JSON fetch, China Standard Time. */
(function () {
  "use strict";
  var fmt = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false
  });
  function parts(iso) {
    // the API speaks UTC; a time without an offset is UTC too (never the browser's zone)
    if (!/(Z|[+-]\d\d:?\d\d)$/i.test(iso)) { iso += "Z"; }
    var out = {};
    fmt.formatToParts(new Date(iso)).forEach(function (p) { out[p.type] = p.value; });
    return out;
  }
  window.qs = {
    esc: function (s) {
      return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
        return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
      });
    },
    /** "YYYY-MM-DD HH:MM" (or with seconds) in China Standard Time, or "—". */
    cst: function (iso, seconds) {
      if (!iso) { return "—"; }
      var p = parts(iso);
      return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute + (seconds ? ":" + p.second : "");
    },
    getJSON: function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (r.status === 401) {  // the login expired: back to the login page, then here
          window.location.assign("/login?reason=expired&next=" + encodeURIComponent(location.pathname + location.search));
          throw new Error("HTTP 401");
        }
        if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
        return r.json();
      });
    },
    textColor: function (bg) {
      var r = parseInt(bg.substr(1, 2), 16), g = parseInt(bg.substr(3, 2), 16), b = parseInt(bg.substr(5, 2), 16);
      return (0.299 * r + 0.587 * g + 0.114 * b) > 150 ? "#1d2521" : "#ffffff";
    }
  };
})();
