/* 任务调度: the periodic jobs from /api/v1/admin/jobs — schedule, next run, last run and a
 * strip of recent runs per job; a job's runs in the table below (click a job). Refreshed
 * every few seconds. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var esc = qs.esc;
  var data = null;
  var selected = null;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k] != null ? values[k] : m; });
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function isInt(s) { return /^\d+$/.test(s); }

  /** "每 10 分钟" / "每天 16:00" / "每月 1 日 08:00"; null for expressions without a short phrase. */
  function schedulePhrase(s) {
    if (s.kind === "interval") {
      var sec = s.seconds;
      if (sec % 86400 === 0) { return fill(L["jobs.every_days"], { n: sec / 86400 }); }
      if (sec % 3600 === 0) { return fill(L["jobs.every_hours"], { n: sec / 3600 }); }
      if (sec % 60 === 0) { return fill(L["jobs.every_minutes"], { n: sec / 60 }); }
      return fill(L["jobs.every_seconds"], { n: sec });
    }
    var f = s.cron.split(/\s+/);
    if (!isInt(f[0]) || !isInt(f[1])) { return null; }
    var time = pad(+f[1]) + ":" + pad(+f[0]);
    if (f[2] === "*" && f[3] === "*" && f[4] === "*") { return fill(L["jobs.daily"], { time: time }); }
    if (isInt(f[2]) && f[3] === "*" && f[4] === "*") { return fill(L["jobs.monthly"], { day: +f[2], time: time }); }
    if (f[2] === "*" && f[3] === "*" && isInt(f[4]) && +f[4] <= 7) {
      return fill(L["jobs.weekly"], { weekday: L["jobs.weekday." + (+f[4] % 7)], time: time });
    }
    return null;
  }
  function span(seconds) {
    var a = Math.abs(seconds);
    if (a < 90) { return Math.round(a) + " " + L["jobs.unit.s"]; }
    if (a < 5400) { return Math.round(a / 60) + " " + L["jobs.unit.min"]; }
    if (a < 172800) { return (a / 3600).toFixed(1) + " " + L["jobs.unit.h"]; }
    return (a / 86400).toFixed(1) + " " + L["jobs.unit.d"];
  }
  function duration(sec) {
    if (sec == null) { return "—"; }
    if (sec < 10) { return sec.toFixed(2) + " " + L["jobs.unit.s"]; }
    if (sec < 90) { return sec.toFixed(1) + " " + L["jobs.unit.s"]; }
    return span(sec);
  }
  function ms(iso) { return new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(iso) ? iso : iso + "Z").getTime(); }
  function badge(status) {
    return '<span class="qs-badge qs-run-' + esc(status) + '">' + esc(L["jobs.status." + status] || status) + "</span>";
  }
  function strip(runs) {
    // oldest on the left, as a time line reads
    return '<span class="qs-strip">' + runs.slice().reverse().map(function (r) {
      var tip = qs.cst(r.started_at, true) + " · " + (L["jobs.status." + r.status] || r.status) +
        " · " + duration(r.duration_seconds) + (r.message ? " · " + r.message : "");
      return '<i class="qs-tick qs-run-' + esc(r.status) + '" title="' + esc(tip) + '"></i>';
    }).join("") + "</span>";
  }

  /** A cell with its column's name (shown before the value where the table stacks, on phones). */
  function cell(label, cls, html) {
    return '<td' + (cls ? ' class="' + cls + '"' : "") + ' data-label="' + esc(L[label]) + '"><div class="qs-cell">' + html + "</div></td>";
  }

  function renderSummary() {
    var jobs = data.jobs;
    var running = jobs.filter(function (j) { return j.last_run && j.last_run.status === "running"; }).length;
    var failing = jobs.filter(function (j) { return j.last_run && j.last_run.status === "failed"; }).length;
    var set = function (key, text) { document.querySelector('.qs-stat[data-key="' + key + '"] .qs-stat-n').textContent = text; };
    set("jobs", jobs.length);
    set("running", running);
    set("failing", failing);
    var sched = data.scheduler;
    var box = document.getElementById("qs-scheduler");
    box.classList.toggle("qs-stat-ok", sched.running);
    box.classList.toggle("qs-stat-warn", !sched.running);
    box.querySelector(".qs-stat-n").textContent = sched.running ? L["jobs.scheduler_on"] : L["jobs.scheduler_off"];
    box.title = sched.running && sched.pid ? L["jobs.pid"] + " " + sched.pid : "";
    document.getElementById("qs-scheduler-off").hidden = sched.running;
  }

  function renderJobs() {
    var now = ms(data.now);
    var tbody = document.querySelector("#qs-jobs tbody");
    tbody.innerHTML = data.jobs.map(function (j) {
      var phrase = schedulePhrase(j.schedule);
      var sched = j.schedule.kind === "cron"
        ? (phrase ? "<div>" + esc(phrase) + "</div>" : "") + '<div class="mono qs-muted">cron ' + esc(j.schedule.cron) + "</div>"
        : "<div>" + esc(phrase) + "</div>";
      var next = j.next_run
        ? '<div class="nowrap">' + esc(qs.cst(j.next_run)) + '</div><div class="qs-muted qs-small">' +
          esc(ms(j.next_run) - now <= 1000 ? L["jobs.due_now"] : fill(L["jobs.in"], { t: span((ms(j.next_run) - now) / 1000) })) + "</div>"
        : '<span class="qs-muted" title="' + esc(L["jobs.scheduler_off"]) + '">' + esc(L["jobs.not_scheduled"]) + "</span>";
      var r = j.last_run;
      var last = r
        ? badge(r.status) + '<div class="qs-small nowrap">' + esc(qs.cst(r.started_at)) + ' <span class="qs-muted">' +
          esc(fill(L["jobs.ago"], { t: span((now - ms(r.started_at)) / 1000) })) + "</span></div>"
        : '<span class="qs-muted">' + esc(L["jobs.never"]) + "</span>";
      var title = L["jobs.job." + j.name];
      return '<tr data-job="' + esc(j.name) + '" tabindex="0"' + (j.name === selected ? ' class="selected" aria-selected="true"' : "") + ">" +
        '<td class="qs-job-name"><div><b class="mono">' + esc(j.name) + "</b>" + (title ? " " + esc(title) : "") +
        '</div><div class="qs-muted qs-small">' + esc(j.description) + "</div></td>" +
        cell("jobs.schedule", "", sched) +
        cell("jobs.next_run", "", next) +
        cell("jobs.last_run", "", last) +
        cell("jobs.duration", "num nowrap", esc(r ? duration(r.duration_seconds) : "—")) +
        cell("jobs.result", "qs-run-msg", esc(r ? r.message : "")) +
        cell("jobs.history", "", strip(j.recent_runs)) + "</tr>";
    }).join("");
    tbody.querySelectorAll("tr").forEach(function (tr) {
      var pick = function () { selected = tr.dataset.job; renderJobs(); renderRuns(); };
      tr.addEventListener("click", pick);
      tr.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); } });
    });
  }

  function renderRuns() {
    var job = data.jobs.filter(function (j) { return j.name === selected; })[0];
    document.getElementById("qs-runs-title").textContent = fill(L["jobs.runs_of"], { name: job ? job.name : "" });
    var runs = job ? job.recent_runs : [];
    document.querySelector("#qs-runs tbody").innerHTML = runs.map(function (r) {
      return '<tr data-status="' + esc(r.status) + '"><td class="nowrap">' + esc(qs.cst(r.started_at, true)) + "</td><td>" + badge(r.status) +
        '</td><td class="num nowrap">' + esc(duration(r.duration_seconds)) + '</td><td class="qs-run-msg">' + esc(r.message) + "</td></tr>";
    }).join("");
    document.getElementById("qs-runs-empty").hidden = runs.length > 0;
  }

  function load() {
    return qs.getJSON(cfg.jobsUrl).then(function (d) {
      data = d;
      if (selected == null || !d.jobs.some(function (j) { return j.name === selected; })) {
        selected = d.jobs.length ? d.jobs[0].name : null;
      }
      document.getElementById("qs-error").hidden = true;
      renderSummary();
      renderJobs();
      renderRuns();
      document.getElementById("qs-updated").textContent = qs.cst(new Date().toISOString(), true) + " " + L["layout.cst"];
      document.getElementById("qs-jobs").dataset.ready = "1";
    }, function (err) {
      var box = document.getElementById("qs-error");
      box.hidden = false;
      box.textContent = L["jobs.load_failed"] + L["punct.colon"] + err.message;
      document.getElementById("qs-jobs").dataset.ready = "error";
    });
  }

  document.getElementById("qs-refresh").textContent = fill(L["jobs.refresh"], { s: cfg.refreshSeconds });
  load();
  window.setInterval(load, cfg.refreshSeconds * 1000);
})();
