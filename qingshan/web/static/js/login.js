/* The login form: POST username and password to /api/v1/auth/login (OAuth2 password form);
 * the answer sets the HttpOnly login cookie, then the browser goes back to ``next``. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var form = document.getElementById("qs-login-form");
  var box = document.getElementById("qs-login-error");
  var button = document.getElementById("qs-login-submit");

  function show(text) {
    box.textContent = text;
    box.hidden = false;
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var user = form.elements.username.value.trim();
    var pass = form.elements.password.value;
    if (!user || !pass) { show(L["login.empty"]); return; }
    box.hidden = true;
    button.disabled = true;
    button.textContent = L["login.submitting"];
    var body = new URLSearchParams({ username: user, password: pass });
    fetch(cfg.loginUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) {
        if (r.ok) { window.location.assign(cfg.next); return; }
        if (r.status === 401) { show(L["login.wrong"]); form.elements.password.select(); return; }
        return r.text().then(function (t) { show(L["login.failed"] + "（HTTP " + r.status + "）" + t.slice(0, 200)); });
      }, function (err) { show(L["login.failed"] + "：" + err.message); })
      .then(function () {
        button.disabled = false;
        button.textContent = L["login.submit"];
      });
  });
})();
