/* 公众举报: the place picked on the map of Zhejiang's cities (a click marks it and fills the
 * longitude and latitude; typing them moves the mark), the county list narrowed to the city
 * of the mark, and the questions of the chosen category. The form works without this script:
 * the coordinates can be typed. Configuration from <script id="qs-config">. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var services = JSON.parse(document.getElementById("qs-services").textContent);
  var L = cfg.labels;
  var lon = document.getElementById("qs-lon");
  var lat = document.getElementById("qs-lat");
  var county = document.getElementById("qs-county");
  var picked = document.getElementById("qs-picked");
  var category = document.getElementById("qs-category");
  var hint = document.getElementById("qs-category-hint");

  function showAttributes() {
    var code = category.value;
    document.querySelectorAll(".qs-attr").forEach(function (fs) {
      var on = fs.getAttribute("data-category") === code;
      fs.hidden = !on;
      fs.querySelectorAll("input").forEach(function (i) { i.disabled = !on; });
    });
    var s = services.filter(function (x) { return x.code === code; })[0];
    if (hint) { hint.textContent = s ? s.description : ""; }
  }
  if (category) {
    category.addEventListener("change", showAttributes);
    showAttributes();
  }

  var geo = null;
  function inRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }
  function cityAt(x, y) {
    if (!geo) { return null; }
    for (var k = 0; k < geo.features.length; k++) {
      var f = geo.features[k], g = f.geometry;
      var polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
      for (var p = 0; p < polys.length; p++) {
        if (inRing(x, y, polys[p][0])) { return String(f.properties.code); }
      }
    }
    return null;
  }
  function narrowCounties(city) {
    county.querySelectorAll("optgroup").forEach(function (g) {
      var other = city && g.getAttribute("data-city") !== city;
      g.hidden = !!other;
      g.disabled = !!other;
    });
    var sel = county.selectedOptions[0];
    if (sel && sel.parentNode.disabled) { county.value = ""; }
  }

  var el = document.getElementById("qs-pick-map");
  var chart = null;
  function point() {
    var x = parseFloat(lon.value), y = parseFloat(lat.value);
    return isFinite(x) && isFinite(y) ? [x, y] : null;
  }
  function show() {
    var p = point();
    var city = p ? cityAt(p[0], p[1]) : null;
    narrowCounties(city);
    picked.textContent = p ? L["complaint.map_picked"] + " " + (city ? cfg.cityNames[city] + " " : "") +
      p[0].toFixed(5) + ", " + p[1].toFixed(5) : "";
    el.setAttribute("data-picked", p ? p[0].toFixed(5) + "," + p[1].toFixed(5) : "");
    if (chart) {
      chart.setOption({ series: [{ id: "pick", data: p ? [{ value: p }] : [] }] });
    }
  }
  function setPoint(x, y) {
    lon.value = x.toFixed(6);
    lat.value = y.toFixed(6);
    show();
  }
  lon.addEventListener("change", show);
  lat.addEventListener("change", show);

  var locate = document.getElementById("qs-locate");
  if (navigator.geolocation && window.isSecureContext) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        setPoint(pos.coords.longitude, pos.coords.latitude);
      });
    });
  }

  if (!el || typeof echarts === "undefined") { return; }
  chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsPickMap = chart;  // for the browser tests and the console
  window.addEventListener("resize", function () { chart.resize(); });
  fetch(cfg.geojsonUrl, { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) { throw new Error(cfg.geojsonUrl + ": HTTP " + r.status); }
    return r.json();
  }).then(function (fc) {
    geo = fc;
    echarts.registerMap("zhejiang", fc);
    chart.setOption({
      geo: {
        map: "zhejiang", roam: true, top: 8, bottom: 8, scaleLimit: { min: 1, max: 60 },
        label: { show: true, fontSize: 10, color: "#5d6b64" },
        itemStyle: { areaColor: "#eef3f0", borderColor: "#9fb5a8" },
        emphasis: { itemStyle: { areaColor: "#dfe9e3" }, label: { show: true } },
        nameMap: cfg.nameMap
      },
      series: [{
        id: "pick", type: "scatter", coordinateSystem: "geo", symbol: "pin", symbolSize: 30,
        itemStyle: { color: "#c0392b" }, data: [], silent: true, z: 10
      }]
    });
    chart.getZr().on("click", function (e) {
      var p = chart.convertFromPixel({ geoIndex: 0 }, [e.offsetX, e.offsetY]);
      if (p && isFinite(p[0]) && isFinite(p[1])) { setPoint(p[0], p[1]); }
    });
    show();
    el.setAttribute("data-ready", "1");
  }).catch(function (e) {
    el.textContent = String(e.message || e);
  });
})();
