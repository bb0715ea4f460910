/* Shared by the two maps (air and water): the region shown (浙江省 › 市 › 区县) with its
 * breadcrumbs and its place in the URL (?region=330106), the boundaries drawn for it (the
 * province's cities, or a city's counties when the counties file has them — else the city on
 * the province's map; a city's counties are fetched when a view first needs them), and the time bar (live, hourly or daily replay of the stored history).
 * Region names come from cfg.regions, labels from cfg.labels: no word is written here. */
(function () {
  "use strict";

  function create(cfg, opts) {
    var L = cfg.labels, en = cfg.lang === "en", R = cfg.regions;
    var HOUR = 3600000, DAY = 86400000;
    var cities = null, range = null;
    var counties = {}, countiesWanted = {};  // city code → its counties (null: none), → its fetch
    var state = readURL();
    var playing = false, playTimer = null;

    // ------------------------------------------------------------------ regions
    function name(code) { var r = R[code]; return r ? (en ? r[1] : r[0]) : code; }
    function level(code) { return R[code] ? R[code][2] : null; }
    function parentOf(code) { return R[code] ? R[code][3] : null; }
    function prefix(code) {
      var lv = level(code);
      return lv === "province" ? code.slice(0, 2) : lv === "city" ? code.slice(0, 4) : code;
    }
    function within(code, region) { return !!code && code.indexOf(prefix(region)) === 0; }
    function inScope(code) { return !!R[code] && within(code, cfg.scope); }
    function cityOf(code) { return code.slice(0, 4) + "00"; }
    function chain(code) {
      var out = [];
      for (var c = code; c; c = parentOf(c)) { out.unshift(c); }
      return out;
    }

    // ------------------------------------------------------------------ URL
    function readURL() {
      var q = new URLSearchParams(location.search);
      var region = q.get("region");
      var s = { region: region && R[region] ? region : cfg.region, mode: "latest", at: null };
      if (q.get("hour") && opts.modes.indexOf("hour") >= 0) { s.mode = "hour"; s.at = q.get("hour"); }
      else if (q.get("day") && opts.modes.indexOf("day") >= 0) { s.mode = "day"; s.at = q.get("day"); }
      return s;
    }
    function writeURL(push) {
      var q = new URLSearchParams(location.search);
      ["region", "hour", "day", "lang"].forEach(function (k) { q.delete(k); });
      if (state.region !== cfg.scope) { q.set("region", state.region); }
      if (state.mode !== "latest" && state.at) { q.set(state.mode, state.at); }
      var url = location.pathname + (q.toString() ? "?" + q.toString() : "");
      if (url !== location.pathname + location.search) {
        (push ? history.pushState : history.replaceState).call(history, null, "", url);
      }
    }
    window.addEventListener("popstate", function () {
      var s = readURL();
      if (!inScope(s.region)) { return; }
      state.region = s.region;
      if (s.mode !== state.mode || s.at !== state.at) {
        state.mode = s.mode; state.at = s.at; syncBar();
      }
      changed();
    });

    // ------------------------------------------------------------------ boundaries
    function bboxOf(features) {
      var b = [Infinity, Infinity, -Infinity, -Infinity];
      function walk(c) {
        if (typeof c[0] === "number") {
          if (c[0] < b[0]) { b[0] = c[0]; } if (c[1] < b[1]) { b[1] = c[1]; }
          if (c[0] > b[2]) { b[2] = c[0]; } if (c[1] > b[3]) { b[3] = c[1]; }
          return;
        }
        c.forEach(walk);
      }
      features.forEach(function (f) { if (f.geometry) { walk(f.geometry.coordinates); } });
      return b[0] === Infinity ? null : b;
    }
    //: context points farther than this from the region's box do not widen the view [degrees]
    var NEAR = 0.3;
    function extend(b, points) {
      if (!b) { return b; }
      var out = b.slice();
      points.forEach(function (p) {
        if (p[0] == null || p[1] == null) { return; }
        if (p[0] < b[0] - NEAR || p[0] > b[2] + NEAR || p[1] < b[1] - NEAR || p[1] > b[3] + NEAR) { return; }
        out[0] = Math.min(out[0], p[0]); out[1] = Math.min(out[1], p[1]);
        out[2] = Math.max(out[2], p[0]); out[3] = Math.max(out[3], p[1]);
      });
      return out;
    }
    /** What to draw for the current region: the map's name (registered), its areas (name →
     * code), the area to highlight and the box to fit ([[lon, lat] top-left, bottom-right]). */
    function view(points) {
      var region = state.region, lv = level(region);
      var out = { map: "zhejiang", areas: {}, highlight: null, box: null, counties: false };
      cities.features.forEach(function (f) { out.areas[f.properties.name] = f.properties.code; });
      if (lv === "province") { return out; }
      var city = cityOf(region);
      var own = counties[city] ? counties[city].features.filter(function (f) { return f.properties.city_code === city; }) : [];
      var b;
      if (own.length) {
        out.map = "zj-" + city;
        out.counties = true;
        if (!echarts.getMap(out.map)) { echarts.registerMap(out.map, { type: "FeatureCollection", features: own }); }
        out.areas = {};
        own.forEach(function (f) { out.areas[f.properties.name] = f.properties.code; });
        var mine = lv === "county" ? own.filter(function (f) { return f.properties.code === region; }) : own;
        b = bboxOf(mine.length ? mine : own);
        out.highlight = lv === "county" && mine.length ? mine[0].properties.name : null;
      } else {  // no county boundaries: the city on the province's map
        var cf = cities.features.filter(function (f) { return f.properties.code === city; });
        b = bboxOf(cf);
        out.highlight = cf.length ? cf[0].properties.name : null;
      }
      b = extend(b, points || []);
      if (b) {
        var px = (b[2] - b[0]) * 0.08 + 0.01, py = (b[3] - b[1]) * 0.08 + 0.01;
        out.box = [[b[0] - px, b[3] + py], [b[2] + px, b[1] - py]];
      }
      return out;
    }

    // ------------------------------------------------------------------ breadcrumbs
    function renderCrumbs() {
      var box = document.getElementById("qs-crumbs");
      var codes = chain(state.region);
      box.hidden = codes.length < 2;  // the province alone: the title says it
      box.innerHTML = codes.map(function (c, i) {
        var last = i === codes.length - 1;
        if (last) { return '<span aria-current="page" data-code="' + c + '">' + qs.esc(name(c)) + "</span>"; }
        if (!inScope(c)) { return '<span class="qs-muted" data-code="' + c + '">' + qs.esc(name(c)) + "</span>"; }
        return '<a href="?region=' + c + '" data-code="' + c + '">' + qs.esc(name(c)) + "</a>";
      }).join('<span class="qs-crumb-sep" aria-hidden="true">›</span>');
      var title = document.querySelector(".qs-page-title");
      if (title && opts.title) { title.textContent = opts.title(name(state.region), state.mode); document.title = title.textContent; }
    }
    document.getElementById("qs-crumbs").addEventListener("click", function (ev) {
      var a = ev.target.closest("a[data-code]");
      if (!a) { return; }
      ev.preventDefault();
      go(a.dataset.code);
    });

    function go(code) {
      if (!inScope(code) || code === state.region) { return false; }
      state.region = code;
      writeURL(true);
      changed();
      return true;
    }

    // ------------------------------------------------------------------ time bar
    var bar = {
      mode: document.getElementById("qs-mode"),
      slider: document.getElementById("qs-slider"),
      label: document.getElementById("qs-time-label"),
      prev: document.getElementById("qs-prev"),
      next: document.getElementById("qs-next"),
      play: document.getElementById("qs-play")
    };
    function firstMs(mode) {
      return mode === "hour" ? Date.parse(range.first_date + "T00:00:00+08:00") : Date.parse(range.first_date + "T00:00:00Z");
    }
    function lastMs(mode) {
      if (mode === "hour") { return Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(range.last_time) ? range.last_time : range.last_time + "Z"); }
      return Date.parse(range.last_date + "T00:00:00Z");
    }
    function count(mode) {
      if (!range || !range.first_date || !range.last_date) { return 0; }
      return Math.max(0, Math.round((lastMs(mode) - firstMs(mode)) / (mode === "hour" ? HOUR : DAY)) + 1);
    }
    function atOf(mode, i) {
      var ms = firstMs(mode) + i * (mode === "hour" ? HOUR : DAY);
      return new Date(ms).toISOString().slice(0, mode === "hour" ? 16 : 10) + (mode === "hour" ? "Z" : "");
    }
    function indexOf(mode, at) {
      var ms = mode === "hour" ? Date.parse(at) : Date.parse(at + "T00:00:00Z");
      var i = Math.round((ms - firstMs(mode)) / (mode === "hour" ? HOUR : DAY));
      return isNaN(i) ? count(mode) - 1 : Math.min(Math.max(i, 0), count(mode) - 1);
    }
    function label() {
      if (state.mode === "latest") { return L["mapnav.mode.latest"]; }
      if (state.mode === "hour") { return qs.cst(state.at) + " " + L["layout.cst"]; }
      return state.at + " " + L["mapnav.daily"];
    }
    function syncBar() {
      bar.mode.value = state.mode;
      var live = state.mode === "latest", n = count(state.mode);
      [bar.slider, bar.prev, bar.next, bar.play].forEach(function (e) { e.disabled = live || n === 0; });
      bar.slider.hidden = live;
      if (!live && n > 0) {
        bar.slider.max = String(n - 1);
        if (!state.at) { state.at = atOf(state.mode, n - 1); }
        bar.slider.value = String(indexOf(state.mode, state.at));
        state.at = atOf(state.mode, Number(bar.slider.value));
      }
      bar.label.textContent = label();
      if (live) { stop(); }
    }
    function step(d) {
      var i = Number(bar.slider.value) + d;
      if (i < 0 || i > Number(bar.slider.max)) { stop(); return false; }
      bar.slider.value = String(i);
      state.at = atOf(state.mode, i);
      bar.label.textContent = label();
      writeURL(false);
      changed();
      return true;
    }
    function stop() {
      playing = false;
      window.clearTimeout(playTimer);
      bar.play.textContent = "▶";
      bar.play.title = L["mapnav.play"];
      bar.play.setAttribute("aria-label", L["mapnav.play"]);
    }
    bar.mode.addEventListener("change", function () {
      state.mode = bar.mode.value;
      state.at = null;
      syncBar();
      writeURL(false);
      changed();
    });
    bar.slider.addEventListener("input", function () {
      state.at = atOf(state.mode, Number(bar.slider.value));
      bar.label.textContent = label();
    });
    bar.slider.addEventListener("change", function () { writeURL(false); changed(); });
    bar.prev.addEventListener("click", function () { stop(); step(-1); });
    bar.next.addEventListener("click", function () { stop(); step(1); });
    bar.play.addEventListener("click", function () {
      if (playing) { stop(); return; }
      if (Number(bar.slider.value) >= Number(bar.slider.max)) {  // at the end: replay the last day or month
        bar.slider.value = String(Math.max(0, Number(bar.slider.max) - (state.mode === "hour" ? 24 : 30)));
        state.at = atOf(state.mode, Number(bar.slider.value));
        bar.label.textContent = label();
        writeURL(false);
      }
      playing = true;
      bar.play.textContent = "❚❚";
      bar.play.title = L["mapnav.pause"];
      bar.play.setAttribute("aria-label", L["mapnav.pause"]);
      changed();
    });

    // ------------------------------------------------------------------ layers
    var seq = 0;
    function layerUrl() {
      var q = new URLSearchParams();
      if (state.mode === "hour") { q.set("time", state.at); }
      if (state.mode === "day") { q.set("date", state.at); }
      q.set("region", state.region);
      return cfg.layersUrl + "/" + state.mode + "?" + q.toString();
    }
    /** The counties of the region's city, fetched once when a view below the province first
     * needs them (the province's view draws the cities only). */
    function countiesFor(code) {
      if (level(code) === "province" || !cfg.countiesUrl) { return Promise.resolve(null); }
      var city = cityOf(code);
      if (!countiesWanted[city]) {
        countiesWanted[city] = qs.getJSON(cfg.countiesUrl + "?city=" + city).then(function (fc) {
          counties[city] = fc && fc.features && fc.features.length ? fc : null;
        }, function () { counties[city] = null; });  // without them: the city on the province's map
      }
      return countiesWanted[city];
    }
    function changed() {
      var mine = ++seq;
      renderCrumbs();
      opts.onLoading();
      Promise.all([qs.getJSON(layerUrl()), countiesFor(state.region)]).then(function (r) {
        var layer = r[0];
        if (mine !== seq) { return; }
        opts.onLayer(layer);
        if (playing) { playTimer = window.setTimeout(function () { if (playing) { step(1); } }, 1200); }
      }, function (err) { if (mine === seq) { stop(); opts.onError(err); } });
    }

    function start() {
      return Promise.all([
        qs.getJSON(cfg.geojsonUrl),
        qs.getJSON(cfg.layersUrl + "/range").catch(function () { return null; })
      ]).then(function (r) {
        cities = r[0]; range = r[1];
        echarts.registerMap("zhejiang", cities);
        if (!inScope(state.region)) { state.region = cfg.region; }
        syncBar();
        writeURL(false);
        changed();
      });
    }

    return {
      start: start, go: go, reload: changed, view: view, name: name, level: level,
      within: within, inScope: inScope, cityOf: cityOf,
      state: function () { return { region: state.region, mode: state.mode, at: state.at }; },
      label: label, hasCounties: function () { return !!counties[cityOf(state.region)]; }
    };
  }

  /** The legend of a map: a column at the bottom left, or a compact row on a phone. */
  function legend(el, entries) {
    var data = entries.map(function (e) { return { name: e.name, icon: "roundRect" }; });
    var base = { data: data, backgroundColor: "rgba(255,255,255,.88)", borderRadius: 4, borderColor: "#c9d3ce", borderWidth: 1 };
    if (el.clientWidth < 600) {
      return Object.assign(base, { orient: "horizontal", left: 4, right: 4, bottom: 4, padding: 4, itemGap: 6,
        itemWidth: 10, itemHeight: 8, textStyle: { fontSize: 10 } });
    }
    return Object.assign(base, { orient: "vertical", left: 12, bottom: 12, padding: 8, itemWidth: 14, itemHeight: 10 });
  }

  window.qsMapNav = { create: create, legend: legend };
})();
