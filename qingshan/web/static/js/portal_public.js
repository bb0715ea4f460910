/* 数据开放 (/public/open-data): the open-data API's human face. The form builds the API URL of
   the query (shown as a link: the same data as JSON), fetches it and shows the items as a
   table; table_export.js gives the table its CSV and Excel buttons (the rows shown, written by
   POST /api/v1/export/table). Nothing is computed here: the cells are the API's values. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var form = document.getElementById("pp-od-form");
  var pick = document.getElementById("pp-od-dataset");
  var codeSel = document.getElementById("pp-od-code");
  var urlLink = document.getElementById("pp-od-url");
  var status = document.getElementById("pp-od-status");
  var errorEl = document.getElementById("pp-od-error");
  var result = document.getElementById("pp-od-result");
  var byId = {};
  cfg.datasets.forEach(function (d) { byId[d.id] = d; });

  var regionSel = form.elements.region;
  cfg.cities.forEach(function (c) { regionSel.add(new Option(c.name, c.code)); });

  function options(kind) {
    if (kind === "city") { return cfg.cities.map(function (c) { return [c.code, c.name]; }); }
    var list = kind === "station" ? cfg.stations : kind === "section" ? cfg.sections
      : cfg.stations.concat(cfg.sections);
    return list.map(function (s) { return [s.code, s.name + " (" + s.code + ")"]; });
  }

  function show() {
    var ds = byId[pick.value];
    Array.prototype.forEach.call(form.querySelectorAll("label[data-field]"), function (l) {
      var f = l.getAttribute("data-field");
      l.hidden = f === "code" ? !ds.code : ds.fields.indexOf(f) < 0;
    });
    codeSel.innerHTML = "";
    if (ds.code) { options(ds.code).forEach(function (o) { codeSel.add(new Option(o[1], o[0])); }); }
    urlLink.textContent = ""; urlLink.removeAttribute("href");
  }

  function zoned(day) { return day ? day + "T00:00:00+08:00" : ""; }

  function apiUrl() {
    var ds = byId[pick.value], q = [];
    ds.fields.forEach(function (f) {
      var v = form.elements[f].value;
      if (f === "start" || f === "end") { v = zoned(v); }
      if (v) { q.push(encodeURIComponent(f === "rollup_period" ? "period" : f) + "=" + encodeURIComponent(v)); }
    });
    q.push("limit=1000");
    var path = ds.path.replace("{code}", encodeURIComponent(codeSel.value || ""));
    return cfg.api + path + "?" + q.join("&");
  }

  function cell(v) {
    if (v == null) { return ""; }
    if (Array.isArray(v)) { return v.join(", "); }
    if (typeof v === "object") { return JSON.stringify(v); }
    return String(v);
  }

  /** An item with its nested objects spread into columns: concentrations.PM2.5, … */
  function flat(item) {
    var out = {};
    Object.keys(item).forEach(function (k) {
      var v = item[k];
      if (v && typeof v === "object" && !Array.isArray(v)) {
        Object.keys(v).forEach(function (j) { out[k + "." + j] = v[j]; });
      } else { out[k] = v; }
    });
    return out;
  }

  function rowsOf(data) {
    if (data.type === "FeatureCollection") {
      return (data.features || []).map(function (f) {
        var p = Object.assign({}, f.properties);
        if (f.geometry) { p.longitude = f.geometry.coordinates[0]; p.latitude = f.geometry.coordinates[1]; }
        return flat(p);
      });
    }
    return (data.items || []).map(flat);
  }

  function table(rows, title) {
    if (!rows.length) { return "<p class='qs-muted' id='pp-od-empty'>" + qs.esc(L["pp.od.empty"]) + "</p>"; }
    var cols = [];
    rows.forEach(function (r) { Object.keys(r).forEach(function (k) { if (cols.indexOf(k) < 0) { cols.push(k); } }); });
    var head = cols.map(function (c) {
      var num = typeof rows[0][c] === "number";
      return "<th" + (num ? " class='num'" : "") + ">" + qs.esc(c) + "</th>";
    }).join("");
    var body = rows.map(function (r) {
      return "<tr>" + cols.map(function (c) { return "<td>" + qs.esc(cell(r[c])) + "</td>"; }).join("") + "</tr>";
    }).join("");
    // inside its own wrapper: table_export.js puts the CSV/Excel bar before it, in the result
    return "<div class='qs-table-wrap'><table class='qs-table qs-small pp-table' id='pp-od-table' data-export='" +
      qs.esc(title) + "'><thead><tr>" + head + "</tr></thead><tbody>" + body + "</tbody></table></div>";
  }

  function run(ev) {
    if (ev) { ev.preventDefault(); }
    var url = apiUrl(), ds = byId[pick.value];
    urlLink.textContent = location.origin + url; urlLink.href = url;
    errorEl.hidden = true; status.textContent = L["pp.od.loading"];
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, status: r.status, body: body }; });
    }).then(function (r) {
      if (!r.ok) {
        var d = r.body && r.body.detail;
        throw new Error("HTTP " + r.status + (d ? ": " + (typeof d === "string" ? d : JSON.stringify(d)) : ""));
      }
      var rows = rowsOf(r.body);
      var title = pick.options[pick.selectedIndex].text + (ds.code ? " " + codeSel.value : "");
      result.innerHTML = table(rows, title);
      status.textContent = L["pp.od.count"].replace("{shown}", rows.length).replace("{total}", r.body.total == null ? rows.length : r.body.total);
      document.body.setAttribute("data-od", "ready");
    }).catch(function (e) {
      errorEl.textContent = e.message; errorEl.hidden = false; status.textContent = "";
      result.innerHTML = "";
      document.body.setAttribute("data-od", "error");
    });
  }

  pick.addEventListener("change", show);
  form.addEventListener("submit", run);
  if (cfg.picked && byId[cfg.picked]) { pick.value = cfg.picked; }
  show();
  document.body.setAttribute("data-od", "idle");
})();
