/* The map of Zhejiang: 11 cities (ECharts registerMap), air stations coloured by AQI level,
 * a ranking of cities by mean station AQI. Configuration (labels, legend colours, URLs) comes
 * from the server in <script id="qs-config">; data from the JSON API. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var en = cfg.lang === "en";
  var NO_DATA = cfg.legend[cfg.legend.length - 1];
  var COLON = L["punct.colon"];

  var fmtTime = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hour12: false
  });
  function cst(iso) {
    if (!iso) { return L["station.none"]; }
    // the API speaks UTC; a time without an offset is UTC too (never the browser's zone)
    if (!/(Z|[+-]\d\d:?\d\d)$/i.test(iso)) { iso += "Z"; }
    var parts = {};
    fmtTime.formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function legendOf(level) {
    for (var i = 0; i < cfg.legend.length; i++) {
      if (cfg.legend[i].level === level) { return cfg.legend[i]; }
    }
    return NO_DATA;
  }
  function legendOfAqi(aqi) {
    if (aqi == null) { return NO_DATA; }
    for (var i = 0; i < cfg.legend.length; i++) {
      var e = cfg.legend[i];
      if (e.level != null && aqi <= e.aqi_high) { return e; }
    }
    return cfg.legend[cfg.legend.length - 2];
  }
  // an HJ 633 indicator key as shown: "PM2.5_1h" → "PM2.5 (1 h)", "O3_8h" → "O3 (8 h)"
  function indicatorLabel(key) {
    var m = /^(.+)_(\d+)h$/.exec(key);
    return m ? m[1] + " (" + m[2] + " h)" : key;
  }
  function cityLabel(name) { return en ? (cfg.cityNamesEn[name] || name) : name; }
  function textColor(bg) {
    var r = parseInt(bg.substr(1, 2), 16), g = parseInt(bg.substr(3, 2), 16), b = parseInt(bg.substr(5, 2), 16);
    return (0.299 * r + 0.587 * g + 0.114 * b) > 150 ? "#1d2521" : "#ffffff";
  }

  var el = document.getElementById("qs-map");
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsMapChart = chart;  // for the browser tests and the console
  window.addEventListener("resize", function () { chart.resize(); });
  chart.showLoading({ text: L["map.loading"] });

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
      return r.json();
    });
  }

  function stationTooltip(s) {
    var lv = legendOf(s.level);
    // the indicators that decided (HJ 633 keys, e.g. SO2_24h when 2012 note (2) applied),
    // else the pollutants
    var deciding = (s.primary_indicators && s.primary_indicators.length)
      ? s.primary_indicators.map(indicatorLabel) : s.primary_pollutants;
    var primary = (deciding && deciding.length) ? deciding.join("、") : L["station.none"];
    var aqi = s.aqi == null ? L["aqi.no_data"] : s.aqi;
    var rows = [
      [L["station.code"], s.code],
      [L["station.city"], cityLabel(s.city_name)],
      [L["station.control"], L["control." + s.control_level] || s.control_level],
      [L["station.time"], cst(s.time) + " " + L["layout.cst"]],
      [L["station.aqi"], aqi + ' <span style="display:inline-block;width:10px;height:10px;border-radius:2px;background:' +
        lv.color + '"></span> ' + esc(lv.name)],
      [L["station.primary"], primary]
    ];
    var html = "<b>" + esc(s.name) + "</b>" + (s.replayed ? ' <span style="color:#888">(' + esc(L["station.replayed"]) + ")</span>" : "");
    rows.forEach(function (r) { html += "<br>" + esc(r[0]) + COLON + (r[0] === L["station.aqi"] ? r[1] : esc(r[1])); });
    return html;
  }

  function cityStats(stations, features) {
    var by = {};
    features.forEach(function (f) {
      if (cfg.scopeCities.indexOf(f.properties.code) < 0) { return; }
      by[f.properties.code] = { code: f.properties.code, name: f.properties.name, sum: 0, n: 0, total: 0 };
    });
    stations.forEach(function (s) {
      var c = by[s.city_code];
      if (!c) { return; }
      c.total += 1;
      if (s.aqi != null) { c.sum += s.aqi; c.n += 1; }
    });
    var rows = Object.keys(by).map(function (k) {
      var c = by[k];
      c.mean = c.n ? c.sum / c.n : null;
      return c;
    });
    rows.sort(function (a, b) {
      if (a.mean == null && b.mean == null) { return a.code < b.code ? -1 : 1; }
      if (a.mean == null) { return 1; }
      if (b.mean == null) { return -1; }
      return a.mean - b.mean;
    });
    return rows;
  }

  function renderRanking(rows) {
    var tbody = document.querySelector("#qs-rank tbody");
    tbody.innerHTML = "";
    var rank = 0;
    rows.forEach(function (c) {
      var lv = legendOfAqi(c.mean == null ? null : Math.round(c.mean));
      var tr = document.createElement("tr");
      tr.dataset.city = c.code;
      var meanText = c.mean == null ? esc(L["aqi.no_data"]) : String(Math.round(c.mean));
      tr.innerHTML = "<td>" + (c.mean == null ? "—" : ++rank) + "</td><td>" + esc(cityLabel(c.name)) +
        '</td><td><span class="qs-chip" style="background:' + lv.color + ";color:" + textColor(lv.color) +
        '" title="' + esc(lv.name) + '">' + meanText + '</span></td><td class="num">' + c.n + "/" + c.total + "</td>";
      tbody.appendChild(tr);
    });
  }

  function renderNote(stations) {
    var latest = null, national = 0, provincial = 0, withData = 0, replayed = false;
    stations.forEach(function (s) {
      if (s.control_level === "national") { national += 1; } else if (s.control_level === "provincial") { provincial += 1; }
      if (s.aqi != null) { withData += 1; }
      if (s.time && (latest == null || s.time > latest)) { latest = s.time; }
      if (s.replayed) { replayed = true; }
    });
    document.getElementById("qs-updated").textContent = latest ? cst(latest) + " " + L["layout.cst"] : L["aqi.no_data"];
    document.getElementById("qs-counts").textContent = stations.length === 0 ? L["map.no_stations"]
      : L["control.national"] + " " + national + (en ? ", " : "，") + L["control.provincial"] + " " + provincial +
        (en ? "; " : "；") + L["map.with_data"] + " " + withData + "/" + stations.length;
    document.getElementById("qs-demo-note").hidden = !replayed;
  }

  function render(geo, stations) {
    var series = cfg.legend.map(function (entry) {
      return {
        name: entry.name,
        type: "scatter",
        coordinateSystem: "geo",
        geoIndex: 0,
        zlevel: 1,
        itemStyle: { color: entry.color, borderColor: "#33403a", borderWidth: 0.8 },
        emphasis: { scale: 1.6 },
        tooltip: { formatter: function (p) { return stationTooltip(p.data.station); } },
        data: stations.filter(function (s) {
          return s.longitude != null && s.latitude != null && legendOf(s.level) === entry;
        }).map(function (s) {
          return {
            name: s.name,
            value: [s.longitude, s.latitude, s.aqi],
            symbol: s.control_level === "national" ? "circle" : "triangle",
            symbolSize: s.control_level === "national" ? 11 : 9,
            station: s
          };
        })
      };
    });
    var stats = cityStats(stations, geo.features);
    series.push({
      name: "cities",
      type: "map",
      geoIndex: 0,
      tooltip: {
        formatter: function (p) {
          var d = p.data || {};
          return "<b>" + esc(cityLabel(p.name)) + "</b><br>" + esc(L["map.mean_aqi"]) + COLON +
            (d.mean == null ? esc(L["aqi.no_data"]) : Math.round(d.mean)) + "<br>" + esc(L["map.stations"]) + COLON + (d.total || 0);
        }
      },
      data: stats.map(function (c) { return { name: c.name, code: c.code, mean: c.mean, total: c.total, value: c.mean }; })
    });
    chart.hideLoading();
    chart.on("finished", function once() {  // drawn and animated: the page is ready
      chart.off("finished", once);
      el.dataset.ready = "1";
    });
    chart.setOption({
      tooltip: { trigger: "item", confine: true },
      legend: {
        orient: "vertical", left: 16, bottom: 16, itemWidth: 14, itemHeight: 10,
        data: cfg.legend.map(function (e) { return { name: e.name, icon: "roundRect" }; }),
        backgroundColor: "rgba(255,255,255,.85)", padding: 8, borderRadius: 4
      },
      geo: {
        map: "zhejiang",
        roam: true,
        layoutCenter: ["50%", "52%"],
        layoutSize: "92%",
        label: { show: true, color: "#3d4a43", fontSize: 12, formatter: function (p) { return cityLabel(p.name); } },
        itemStyle: { areaColor: "#e4efe8", borderColor: "#7a9a88", borderWidth: 1 },
        emphasis: { itemStyle: { areaColor: "#cfe3d6" }, label: { color: "#14502f" } },
        select: { disabled: true },
        // a city or county user's own city stands out
        regions: cfg.scopeCities.length === geo.features.length ? [] : cfg.scopeCities.map(function (code) {
          var f = geo.features.filter(function (g) { return g.properties.code === code; })[0];
          return { name: f.properties.name, itemStyle: { areaColor: "#c4ddcc", borderColor: "#1f6f43", borderWidth: 2 } };
        })
      },
      series: series
    });
    renderRanking(stats);
    renderNote(stations);
  }

  function fail(err) {
    chart.hideLoading();
    var box = document.getElementById("qs-error");
    box.hidden = false;
    box.textContent = L["map.load_failed"] + COLON + err.message;
    el.dataset.ready = "error";
  }

  Promise.all([getJSON(cfg.geojsonUrl), getJSON(cfg.stationsUrl)])
    .then(function (r) {
      var geo = r[0];
      echarts.registerMap("zhejiang", geo);
      render(geo, r[1]);
      // new hourly values arrive through the day: fetch the stations again now and then
      window.setInterval(function () {
        getJSON(cfg.stationsUrl).then(function (stations) {
          document.getElementById("qs-error").hidden = true;
          render(geo, stations);
        }, fail);
      }, cfg.refreshSeconds * 1000);
    }, fail);
})();
