/* 生态状况 /ecology (issue #25): the EI of a year by county as a choropleth on the county shapes
 * the other maps use (/api/v1/geo/zhejiang-counties.geojson), coloured by HJ 192-2015 grade, or
 * — with the switch — by the change class against the base year. Every figure, name and colour
 * comes from the server (qs-config); nothing is computed here but the drawing. Click a county to
 * open its page. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var el = document.getElementById("qs-eco-map");
  if (!el || typeof echarts === "undefined" || !cfg.countiesUrl) { return; }
  var L = cfg.labels || {};
  var en = cfg.lang === "en";
  var byCode = {};
  cfg.counties.forEach(function (c) { byCode[c.code] = c; });
  var gradeColour = {}, gradeName = {}, changeColour = {}, changeName = {};
  cfg.grades.forEach(function (g) { gradeColour[g.key] = g.colour; gradeName[g.key] = g.name; });
  cfg.changes.forEach(function (g) { changeColour[g.key] = g.colour; changeName[g.key] = g.name; });
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsEcology = { chart: chart, mode: "grade" };
  window.addEventListener("resize", function () { chart.resize(); });
  var names = {};

  function fmt(v) { return v == null ? "—" : Number(v).toFixed(2); }

  function data(mode) {
    return Object.keys(names).map(function (code) {
      var c = byCode[code];
      var key = c ? (mode === "grade" ? c.grade : c.change) : null;
      var colour = key ? (mode === "grade" ? gradeColour[key] : changeColour[key]) : null;
      return { name: code, value: c && c.ei != null ? c.ei : null, cls: key,
        itemStyle: colour ? { areaColor: colour } : { areaColor: "#eceff1" } };
    });
  }

  function draw(mode) {
    var inRegion = cfg.counties.length;
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) {
        var c = byCode[p.name];
        var head = qs.esc(names[p.name] || p.name);
        if (!c) { return head; }
        var s = head + "<br>EI " + (cfg.year || "") + L["eco.map.colon"] + fmt(c.ei) +
          (c.grade ? " · " + qs.esc(gradeName[c.grade]) : "");
        if (cfg.baseYear) {
          s += "<br>EI " + cfg.baseYear + L["eco.map.colon"] + fmt(c.baseEi);
          if (c.change) { s += "<br>ΔEI " + (c.delta > 0 ? "+" : "") + fmt(c.delta) + " · " + qs.esc(changeName[c.change]); }
        }
        return s;
      } },
      series: [{
        type: "map", map: "qs-eco", roam: false, top: 8, bottom: 8, left: 8, right: 8,
        selectedMode: false, data: data(mode),
        label: { show: false },
        emphasis: { label: { show: true, formatter: function (p) { return names[p.name] || ""; }, fontSize: 11 },
          itemStyle: { borderColor: "#0b3d2e", borderWidth: 1.5 } },
        itemStyle: { borderColor: "#ffffff", borderWidth: 0.6 }
      }]
    }, true);
    el.setAttribute("data-mode", mode);
    el.setAttribute("data-drawn", String(inRegion));
    window.qsEcology.mode = mode;
    document.querySelectorAll(".qs-eco-legend").forEach(function (lg) {
      lg.hidden = lg.getAttribute("data-legend") !== mode;
    });
    document.querySelectorAll(".qs-eco-switch button").forEach(function (b) {
      var on = b.getAttribute("data-mode") === mode;
      b.classList.toggle("active", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  var url = cfg.countiesUrl + (cfg.level === "province" ? "" : "?city=" + cfg.region.slice(0, 4) + "00");
  qs.getJSON(url).then(function (geo) {
    geo.features.forEach(function (f) {
      var p = f.properties;
      names[p.code] = (en ? p.name_en : p.name) || p.code;
      p.name = p.code;
    });
    echarts.registerMap("qs-eco", geo);
    draw("grade");
    chart.on("click", function (p) {
      if (byCode[p.name]) { window.location.href = "/ecology/counties/" + p.name; }
    });
  }).catch(function (e) { el.textContent = String(e.message || e); });

  document.querySelectorAll(".qs-eco-switch button").forEach(function (b) {
    b.addEventListener("click", function () { if (!b.disabled) { draw(b.getAttribute("data-mode")); } });
  });
  document.querySelectorAll("#qs-eco-years select").forEach(function (sel) {
    sel.addEventListener("change", function () {
      if (sel.name === "year") { var b = sel.form.querySelector("select[name=base_year]"); if (b) { b.disabled = true; } }
      sel.form.submit();
    });
  });
})();
