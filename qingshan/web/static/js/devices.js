/* 设备状态: the data loggers of the user's scope from /api/v1/hj212/status (sortable and
 * filterable, refreshed every few seconds) and the latest rejected frames; for province and
 * city accounts, 下发命令: commands to a logger and their states (/api/v1/hj212/commands). */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var en = cfg.lang === "en";
  var esc = qs.esc;
  var devices = [];
  var sortKey = "mn", sortDir = 1;

  function lagText(sec) {
    if (sec == null) { return "—"; }
    var a = Math.abs(sec);
    if (a < 120) { return Math.round(sec) + " " + L["devices.seconds"]; }
    if (a < 7200) { return Math.round(sec / 60) + " " + L["devices.minutes"]; }
    if (a < 172800) { return (sec / 3600).toFixed(1) + " " + L["devices.hours"]; }
    return (sec / 86400).toFixed(1) + " " + L["devices.days"];
  }
  /** The label of a reject or error reason; "auth" is split by its message. */
  function reasonLabel(reason, message) {
    if (reason === "auth" && message) {
      if (/^wrong PW/.test(message)) { return L["reason.wrong_pw"]; }
      if (/^unknown device/.test(message)) { return L["reason.unknown_device"]; }
      if (/^disabled device/.test(message)) { return L["reason.disabled_device"]; }
    }
    return L["reason." + reason] || reason;
  }
  function errorTotal(d) {
    return Object.keys(d.errors || {}).reduce(function (n, k) { return n + d.errors[k]; }, 0);
  }
  function value(d, key) {
    switch (key) {
      case "site": return d.site_name || "";
      case "online": return d.online ? 1 : 0;
      case "last_seen": return d.last_seen || "";
      case "lag": return d.lag_seconds == null ? Infinity : d.lag_seconds;
      case "errors": return errorTotal(d);
      default:
        if (key.indexOf("cn") === 0) { return (d.packets_by_cn || {})[key.slice(2)] || 0; }
        return (d[key] || "").toString();
    }
  }

  function renderSummary(rejectCount) {
    var online = devices.filter(function (d) { return d.online; }).length;
    var counts = {
      total: devices.length, online: online, offline: devices.length - online,
      with_errors: devices.filter(function (d) { return errorTotal(d) > 0; }).length,
      rejects: rejectCount
    };
    Object.keys(counts).forEach(function (k) {
      var box = document.querySelector('.qs-stat[data-key="' + k + '"] .qs-stat-n');
      if (box && counts[k] != null) { box.textContent = counts[k]; }
    });
  }

  function renderTable() {
    var state = document.getElementById("qs-filter-state").value;
    var onlyErrors = document.getElementById("qs-filter-errors").checked;
    var q = document.getElementById("qs-search").value.trim().toLowerCase();
    var rows = devices.filter(function (d) {
      if (state === "online" && !d.online) { return false; }
      if (state === "offline" && d.online) { return false; }
      if (onlyErrors && errorTotal(d) === 0) { return false; }
      if (q && [d.mn, d.name, d.site_name, d.site_code].join(" ").toLowerCase().indexOf(q) < 0) { return false; }
      return true;
    });
    rows.sort(function (a, b) {
      var x = value(a, sortKey), y = value(b, sortKey);
      if (x < y) { return -sortDir; }
      if (x > y) { return sortDir; }
      return a.mn < b.mn ? -1 : 1;
    });
    var tbody = document.querySelector("#qs-devices tbody");
    tbody.innerHTML = rows.map(function (d) {
      var by = d.packets_by_cn || {};
      var errs = Object.keys(d.errors || {}).filter(function (k) { return d.errors[k] > 0; }).map(function (k) {
        return '<span class="qs-err-chip" title="' + esc(k) + '">' + esc(reasonLabel(k)) + " " + d.errors[k] + "</span>";
      }).join(" ");
      var site = d.site_name ? esc(d.site_name) + ' <span class="qs-muted qs-small">' + esc(d.site_code) + "</span>"
        : '<span class="qs-muted">' + esc(L["devices.unbound"]) + "</span>";
      var badge = d.online
        ? '<span class="qs-badge qs-online">' + esc(L["devices.online"]) + "</span>"
        : '<span class="qs-badge qs-offline">' + esc(L["devices.offline"]) + "</span>";
      if (!d.enabled) { badge += ' <span class="qs-badge qs-disabled">' + esc(L["devices.disabled"]) + "</span>"; }
      return '<tr data-mn="' + esc(d.mn) + '" data-online="' + (d.online ? 1 : 0) + '">' +
        '<td class="mono">' + esc(d.mn) + "</td><td>" + esc(d.name || "—") + "</td><td>" + site + "</td>" +
        "<td>" + badge + "</td>" +
        "<td class=\"nowrap\">" + (d.last_seen ? esc(qs.cst(d.last_seen, true)) : '<span class="qs-muted">' + esc(L["devices.never"]) + "</span>") + "</td>" +
        '<td class="num">' + esc(lagText(d.lag_seconds)) + "</td>" +
        cfg.cns.map(function (cn) { return '<td class="num" data-cn="' + cn + '">' + (by[cn] || 0) + "</td>"; }).join("") +
        '<td class="num">' + (errs || "0") + "</td>" +
        (cfg.canCommand ? '<td><button type="button" class="qs-link-button" data-cmd-mn="' + esc(d.mn) + '">' +
          esc(L["devices.cmd.button"]) + "</button></td>" : "") + "</tr>";
    }).join("");
    document.getElementById("qs-empty").hidden = devices.length > 0;
    document.getElementById("qs-shown").textContent = L["devices.shown"]
      .replace("{n}", rows.length).replace("{total}", devices.length);
    document.querySelectorAll("#qs-devices th[data-sort]").forEach(function (th) {
      th.classList.toggle("sorted", th.dataset.sort === sortKey);
      th.setAttribute("aria-sort", th.dataset.sort === sortKey ? (sortDir > 0 ? "ascending" : "descending") : "none");
    });
  }

  function renderRejects(rejects) {
    var ul = document.getElementById("qs-rejects");
    if (!rejects.length) {
      ul.innerHTML = '<li class="qs-muted">' + esc(L["devices.rejects_none"]) + "</li>";
      return;
    }
    ul.innerHTML = rejects.map(function (r) {
      return '<li data-reason="' + esc(r.reason) + '"><div><span class="qs-reason">' + esc(reasonLabel(r.reason, r.message)) +
        '</span> <span class="mono">' + esc(r.mn || "—") + '</span></div><div class="qs-muted qs-small">' +
        esc(qs.cst(r.received_at, true)) + (r.peer ? " · " + esc(r.peer) : "") + '</div><div class="qs-small qs-reject-msg">' +
        esc(r.message) + "</div></li>";
    }).join("");
  }

  function load() {
    return Promise.all([qs.getJSON(cfg.statusUrl), qs.getJSON(cfg.rejectsUrl)]).then(function (r) {
      devices = r[0];
      document.getElementById("qs-error").hidden = true;
      renderSummary(r[1].length);
      renderTable();
      renderRejects(r[1]);
      fillDevices();
      document.getElementById("qs-updated").textContent = qs.cst(new Date().toISOString(), true) + " " + L["layout.cst"];
      document.getElementById("qs-devices").dataset.ready = "1";
    }, function (err) {
      var box = document.getElementById("qs-error");
      box.hidden = false;
      box.textContent = L["devices.load_failed"] + L["punct.colon"] + err.message;
      document.getElementById("qs-devices").dataset.ready = "error";
    });
  }

  document.querySelectorAll("#qs-devices th[data-sort]").forEach(function (th) {
    th.addEventListener("click", function () {
      if (sortKey === th.dataset.sort) { sortDir = -sortDir; } else { sortKey = th.dataset.sort; sortDir = 1; }
      renderTable();
    });
  });
  // /devices?q=<MN> (the links of 数据时效) opens the list searched for that logger
  var asked = new URLSearchParams(window.location.search).get("q");
  if (asked) { document.getElementById("qs-search").value = asked; }
  ["qs-filter-state", "qs-filter-errors", "qs-search"].forEach(function (id) {
    document.getElementById(id).addEventListener(id === "qs-search" ? "input" : "change", renderTable);
  });
  document.getElementById("qs-refresh").textContent = L["devices.refresh"].replace("{s}", cfg.refreshSeconds);

  // ---------------------------------------------------------------- 下发命令 (province, city)
  var FINAL = ["succeeded", "failed", "refused", "timed_out", "undelivered", "cancelled"];
  var cmdTimer = null;

  function fillDevices() {
    var select = document.getElementById("qs-cmd-mn");
    if (!select) { return; }
    var keep = select.value;
    select.innerHTML = devices.filter(function (d) { return d.enabled; }).map(function (d) {
      return '<option value="' + esc(d.mn) + '">' + esc(d.mn) + (d.name ? " · " + esc(d.name) : "") + "</option>";
    }).join("");
    if (keep) { select.value = keep; }
  }
  function send(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.ok) { return data; }
        var detail = data.detail;
        if (Array.isArray(detail)) {
          detail = detail.map(function (e) { return (e.loc || []).slice(1).join(".") + ": " + e.msg; }).join("; ");
        }
        throw new Error(detail || ("HTTP " + r.status));
      });
    });
  }
  function resultText(c) {
    if (c.error) { return c.error; }
    var r = c.result || {};
    if (r.system_time) {
      return L["devices.cmd.clock"].replace("{time}", qs.cst(r.system_time, true)).replace("{s}", r.offset_seconds);
    }
    if (r.packets != null) { return L["devices.cmd.packets"].replace("{n}", r.packets); }
    if (c.kind === "backfill" && c.params) {
      return qs.cst(c.params.begin) + " — " + qs.cst(c.params.end);
    }
    return "";
  }
  function renderCommands(rows) {
    var tbody = document.querySelector("#qs-commands tbody");
    tbody.innerHTML = rows.map(function (c) {
      return '<tr data-id="' + c.id + '" data-state="' + esc(c.state) + '"><td class="num">' + c.id + '</td><td class="mono">' + esc(c.mn) +
        "</td><td>" + esc(L["devices.cmd.kind." + c.kind] || c.kind) + "</td><td>" + esc(c.cn) + "</td>" +
        '<td><span class="qs-badge qs-cmd-state qs-cmd-' + esc(c.state) + '">' + esc(L["devices.cmd.state." + c.state] || c.state) + "</span></td>" +
        '<td class="num">' + c.attempts + '</td><td class="qs-small">' + esc(resultText(c)) + '</td><td class="nowrap">' +
        esc(qs.cst(c.created_at, true)) + "</td><td>" +
        (c.state === "queued" ? '<button type="button" class="qs-link-button" data-cancel="' + c.id + '">' + esc(L["devices.cmd.cancel"]) + "</button>" : "") +
        "</td></tr>";
    }).join("");
    document.getElementById("qs-commands-empty").hidden = rows.length > 0;
    document.getElementById("qs-commands").dataset.ready = "1";
    var busy = rows.some(function (c) { return FINAL.indexOf(c.state) < 0; });
    window.clearTimeout(cmdTimer);
    if (busy) { cmdTimer = window.setTimeout(loadCommands, 2000); }  // follow it until it ends
  }
  function loadCommands() {
    return qs.getJSON(cfg.commandsUrl).then(renderCommands, function (err) {
      document.getElementById("qs-cmd-msg").textContent = err.message;
    });
  }
  function localToIso(value) {  // a datetime-local value is China Standard Time
    return value ? value + (value.length === 16 ? ":00" : "") + "+08:00" : null;
  }
  if (cfg.canCommand) {
    var kind = document.getElementById("qs-cmd-kind");
    var msg = document.getElementById("qs-cmd-msg");
    kind.addEventListener("change", function () {
      document.getElementById("qs-cmd-backfill").hidden = kind.value !== "backfill";
    });
    document.getElementById("qs-devices").addEventListener("click", function (ev) {
      var btn = ev.target.closest("[data-cmd-mn]");
      if (!btn) { return; }
      document.getElementById("qs-cmd-mn").value = btn.dataset.cmdMn;
      document.getElementById("qs-cmd").scrollIntoView({ behavior: "smooth" });
      kind.focus();
    });
    document.getElementById("qs-commands").addEventListener("click", function (ev) {
      var btn = ev.target.closest("[data-cancel]");
      if (!btn) { return; }
      send(cfg.cancelUrl.replace("{id}", btn.dataset.cancel)).then(loadCommands, function (err) {
        msg.textContent = L["devices.cmd.failed"] + L["punct.colon"] + err.message;
      });
    });
    document.getElementById("qs-cmd-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var mn = document.getElementById("qs-cmd-mn").value;
      var body = { kind: kind.value };
      if (kind.value === "backfill") {
        body.cn = document.getElementById("qs-cmd-cn").value;
        body.begin = localToIso(document.getElementById("qs-cmd-from").value);
        body.end = localToIso(document.getElementById("qs-cmd-to").value);
        if (!body.begin || !body.end) { msg.textContent = L["devices.cmd.need_range"]; return; }
      }
      var button = document.getElementById("qs-cmd-send");
      button.disabled = true;
      msg.textContent = L["devices.cmd.sending"];
      msg.dataset.state = "sending";
      send(cfg.commandUrl.replace("{mn}", encodeURIComponent(mn)), body).then(function (c) {
        msg.textContent = L["devices.cmd.sent"].replace("{id}", c.id);
        msg.dataset.state = "ok";
        return loadCommands();
      }, function (err) {
        msg.textContent = L["devices.cmd.failed"] + L["punct.colon"] + err.message;
        msg.dataset.state = "error";
      }).then(function () { button.disabled = false; });
    });
  }

  load();
  if (cfg.canCommand) { loadCommands(); }
  window.setInterval(function () {
    load();
    if (cfg.canCommand) { loadCommands(); }
  }, cfg.refreshSeconds * 1000);
})();
