/* The air quality map: the province's cities (or a city's counties), air stations coloured by
 * AQI level, the cities' ranking of the public ranking service (/api/v1/ranking) at the province and
 * the stations by AQI below, drill-down by click and
 * breadcrumbs, and a time slider over the stored hours and days (map_nav.js). Labels, legend
 * colours and URLs come from the server in <script id="qs-config">; the data from the layer API
 * (/api/v1/air/layers/...). */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("qs-config").textContent);
  var L = cfg.labels;
  var en = cfg.lang === "en";
  var esc = qs.esc;
  var NO_DATA = cfg.legend[cfg.legend.length - 1];
  var COLON = L["punct.colon"];
  var SEP = en ? ", " : "，";
  //: the six pollutants in the order the bureau lists them, with their units
  var POLLUTANTS = [["PM2.5", "µg/m³"], ["PM10", "µg/m³"], ["O3", "µg/m³"], ["NO2", "µg/m³"],
    ["SO2", "µg/m³"], ["CO", "mg/m³"]];

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
  function fmt(v) { return v == null ? "—" : (Math.abs(v) >= 10 ? String(Math.round(v)) : String(Math.round(v * 10) / 10)); }
  function page(tpl, code) { return tpl.replace("{code}", encodeURIComponent(code)); }

  var el = document.getElementById("qs-map");
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.qsMapChart = chart;  // for the browser tests and the console
  window.addEventListener("resize", function () { chart.resize(); });
  chart.showLoading({ text: L["map.loading"] });

  var nav = qsMapNav.create(cfg, {
    modes: ["latest", "hour", "day"],
    title: function (region, mode) { return L[mode === "latest" ? "map.title" : "map.title_replay"].replace("{region}", region); },
    onLoading: function () { el.dataset.loading = "1"; },
    onLayer: render,
    onError: fail
  });
  window.qsNav = nav;  // for the browser tests
  var current = null;  // the layer drawn, and the view it was drawn in

  // ------------------------------------------------------------------ tooltip
  function concentrationKey(layer, pollutant) {
    if (layer.period === "day") { return pollutant === "O3" ? "O3_8h" : pollutant + "_24h"; }
    return pollutant + "_1h";
  }
  function stationTooltip(s, layer) {
    var lv = legendOf(s.level);
    var deciding = (s.primary_indicators && s.primary_indicators.length)
      ? s.primary_indicators.map(indicatorLabel) : s.primary_pollutants;
    var primary = (deciding && deciding.length) ? deciding.join("、") : L["station.none"];
    var aqi;
    if (s.aqi != null) {
      aqi = s.aqi + ' <span style="display:inline-block;width:10px;height:10px;border-radius:2px;background:' +
        lv.color + '"></span> ' + esc(lv.name);
    } else if (s.aqi_withheld) {
      aqi = '<span style="color:#7a5200">' + esc(L["station.withheld"]) + "</span>";
    } else {
      aqi = esc(L["aqi.no_data"]);
    }
    var when = s.time == null ? L["station.none"]
      : layer.period === "day" ? layer.date + " " + L["mapnav.daily"] : qs.cst(s.time) + " " + L["layout.cst"];
    var region = s.region_code !== s.city_code && cfg.regions[s.region_code]
      ? " · " + nav.name(s.region_code) : "";
    var html = "<b>" + esc(s.name) + "</b>" +
      (s.replayed ? ' <span style="color:#888">(' + esc(L["station.replayed"]) + ")</span>" : "") +
      (s.context ? ' <span style="color:#7a5200">[' + esc(L["mapnav.context_tag"]) + "]</span>" : "");
    var rows = [
      [L["station.code"], esc(s.code)],
      [L["station.city"], esc(cityLabel(s.city_name)) + esc(region)],
      [L["station.control"], esc(L["control." + s.control_level] || s.control_level)],
      [L["station.time"], esc(when)],
      [layer.period === "day" ? L["map.day_aqi"] : L["station.aqi"], aqi],
      [L["station.primary"], esc(primary)]
    ];
    rows.forEach(function (r) { html += "<br>" + esc(r[0]) + COLON + r[1]; });
    if (s.time != null) {
      html += '<table style="margin-top:4px;border-collapse:collapse;font-size:12px">';
      POLLUTANTS.forEach(function (p) {
        var key = concentrationKey(layer, p[0]);
        var v = s.concentrations[key];
        html += '<tr><td style="padding:0 8px 0 0">' + esc(indicatorLabel(key)) + '</td><td style="text-align:right">' +
          (v == null ? '<span style="color:#a12b1f">—</span>' : fmt(v)) + '</td><td style="padding-left:4px;color:#667">' + p[1] + "</td></tr>";
      });
      if (layer.period === "day" && s.concentrations.O3_1h != null) {
        html += '<tr><td style="padding:0 8px 0 0">' + esc(L["station.o3_1h_max"]) + '</td><td style="text-align:right">' +
          fmt(s.concentrations.O3_1h) + '</td><td style="padding-left:4px;color:#667">µg/m³</td></tr>';
      }
      html += "</table>";
      if (s.missing && s.missing.length) {
        html += '<span style="color:#a12b1f">' + esc(L["station.missing"]) + COLON + esc(s.missing.map(indicatorLabel).join("、")) + "</span><br>";
      }
    }
    if (s.approximate) { html += '<span style="color:#7a5200">' + esc(L["mapnav.approx"]) + "</span><br>"; }
    html += '<span style="color:#667">' + esc(L["mapnav.open_station"]) + "</span>";
    return html;
  }

  // ------------------------------------------------------------------ panels
  // the ranking of the areas drawn (cities at the province, a city's counties below) comes from
  // the public ranking service (/api/v1/ranking: comprehensive index of the newest complete
  // month); nothing is ranked here
  var rankings = {};
  function ranking(level) {
    if (!rankings[level]) {
      rankings[level] = qs.getJSON(cfg.rankingUrl + "?kind=air&period=month&level=" + level).then(function (r) {
        rankings[level].data = r;
        if (current) { render(current.layer); }
        return r;
      }, function () { return null; });
    }
    return rankings[level].data || null;
  }
  function areaStats(v) {
    var r = ranking(v.counties ? "county" : "city");
    var by = {};
    if (r) {
      r.rows.forEach(function (x) { by[x.region_code] = x; });
      r.lacking.forEach(function (x) {
        var text = L["rank.reason." + x.reason_code] || x.reason;
        ["statistic", "have", "need", "where", "section"].forEach(function (k) { text = text.replace("{" + k + "}", x[k] == null ? "" : x[k]); });
        by[x.region_code] = { region_code: x.region_code, lacking: text };
      });
    }
    return Object.keys(v.areas).map(function (n) {
      var x = by[v.areas[n]] || {};
      return { code: v.areas[n], name: n, rank: x.rank, index: x.value, primary: x.primary || [], lacking: x.lacking, month: r ? r.month : "" };
    });
  }
  function chip(aqi, title) {
    var lv = legendOfAqi(aqi);
    return '<span class="qs-chip" style="background:' + lv.color + ";color:" + qs.textColor(lv.color) +
      '" title="' + esc(title || lv.name) + '">' + (aqi == null ? esc(L["aqi.no_data"]) : aqi) + "</span>";
  }

  function renderRanking(layer, stats) {
    var region = nav.state().region, lv = nav.level(region);
    var thead = document.querySelector("#qs-rank thead tr");
    var tbody = document.querySelector("#qs-rank tbody");
    var link = document.getElementById("qs-city-link");
    var rank = 0;
    link.hidden = lv !== "city";
    if (lv === "city") {
      link.firstChild.href = page(cfg.cityPage, region);
      link.firstChild.textContent = L["mapnav.city_page"].replace("{city}", nav.name(region)) + " →";
    }
    if (lv === "province") {
      var month = stats.length ? stats[0].month : "";
      document.getElementById("qs-rank-title").textContent = L["map.ranking_index"].replace("{month}", month);
      document.getElementById("qs-rank-note").innerHTML = esc(L["map.ranking_index_note"]) +
        '<a href="' + esc(cfg.rankingPage) + '">' + esc(L["map.full_ranking"]) + " →</a>";
      thead.innerHTML = "<th>" + esc(L["map.rank"]) + "</th><th>" + esc(L["map.city"]) + '</th><th class="num">' +
        esc(L["map.index"]) + "</th><th>" + esc(L["map.primary"]) + "</th>";
      var rows = stats.filter(function (c) { return cfg.scopeCities.indexOf(c.code) >= 0; }).sort(function (x, y) {
        if (x.rank == null || y.rank == null) { return x.rank == null ? (y.rank == null ? (x.code < y.code ? -1 : 1) : 1) : -1; }
        return x.rank - y.rank || (x.code < y.code ? -1 : 1);
      });
      tbody.innerHTML = rows.map(function (c) {
        return '<tr data-city="' + c.code + '" class="qs-rank-link" tabindex="0"' + (c.lacking ? ' title="' + esc(c.lacking) + '"' : "") +
          "><td>" + (c.rank == null ? "—" : c.rank) + "</td><td>" + esc(cityLabel(c.name)) + '</td><td class="num">' +
          (c.index == null ? "—" : c.index.toFixed(2)) + "</td><td>" + esc(c.primary.join("、") || "—") + "</td></tr>";
      }).join("");
      return;
    }
    document.getElementById("qs-rank-title").textContent = L["map.ranking_region"].replace("{region}", nav.name(region));
    document.getElementById("qs-rank-note").textContent = L["map.ranking_note_stations"];
    thead.innerHTML = "<th>" + esc(L["map.rank"]) + "</th><th>" + esc(L["map.station"]) + "</th><th>" +
      esc(L["station.aqi"]) + "</th><th>" + esc(L["map.primary"]) + "</th>";
    var list = layer.stations.slice().sort(function (a, b) {
      if (a.context !== b.context) { return a.context ? 1 : -1; }
      if (a.aqi == null || b.aqi == null) { return a.aqi == null ? (b.aqi == null ? (a.code < b.code ? -1 : 1) : 1) : -1; }
      return a.aqi - b.aqi;  // the stations of the region at the hour shown, best first
    });
    tbody.innerHTML = list.map(function (s) {
      var title = s.aqi_withheld ? L["station.withheld"] : null;
      var cell = s.aqi == null && s.aqi_withheld
        ? '<span class="qs-chip qs-chip-withheld" title="' + esc(title) + '">' + esc(L["station.withheld_short"]) + "</span>"
        : chip(s.aqi);
      return '<tr data-station="' + esc(s.code) + '"' + (s.context ? ' class="qs-context-row"' : "") + "><td>" +
        (s.aqi == null || s.context ? "—" : ++rank) + '</td><td><a href="' + esc(page(cfg.stationPage, s.code)) + '">' +
        esc(s.name) + "</a>" + (s.context ? ' <span class="qs-tag">' + esc(L["mapnav.context_tag"]) + "</span>" : "") +
        ' <span class="qs-muted qs-small">' + esc(L["control." + s.control_level] || "") + "</span></td><td>" + cell +
        "</td><td>" + esc((s.primary_pollutants || []).join("、") || "—") + "</td></tr>";
    }).join("") || '<tr><td colspan="4" class="qs-muted">' + esc(L["mapnav.none"]) + "</td></tr>";
  }

  function renderNote(layer) {
    var own = layer.stations.filter(function (s) { return !s.context; });
    var latest = null, national = 0, provincial = 0, withData = 0, replayed = false;
    own.forEach(function (s) {
      if (s.control_level === "national") { national += 1; } else if (s.control_level === "provincial") { provincial += 1; }
      if (s.aqi != null || s.aqi_withheld) { withData += 1; }
      if (s.time && (latest == null || s.time > latest)) { latest = s.time; }
      if (s.replayed) { replayed = true; }
    });
    var when = layer.period === "latest" ? (latest ? qs.cst(latest) + " " + L["layout.cst"] : L["aqi.no_data"]) : nav.label();
    document.getElementById("qs-updated").textContent = when;
    document.getElementById("qs-counts").textContent = own.length === 0 ? L["map.no_stations"]
      : L["control.national"] + " " + national + SEP + L["control.provincial"] + " " + provincial +
        (en ? "; " : "；") + L["map.with_data"] + " " + withData + "/" + own.length;
    var ctx = document.getElementById("qs-context");
    ctx.hidden = !layer.context_region;
    if (layer.context_region) { ctx.textContent = L["mapnav.context"].replace("{city}", nav.name(layer.context_region)); }
    document.getElementById("qs-demo-note").hidden = !replayed;
  }

  // ------------------------------------------------------------------ map
  function render(layer) {
    var points = layer.stations.filter(function (s) { return s.context; }).map(function (s) { return [s.longitude, s.latitude]; });
    var v = nav.view(points);
    current = { layer: layer, view: v };
    var series = cfg.legend.map(function (entry) {
      return {
        name: entry.name,
        type: "scatter",
        coordinateSystem: "geo",
        geoIndex: 0,
        zlevel: 1,
        cursor: "pointer",
        itemStyle: { color: entry.color, borderColor: "#33403a", borderWidth: 0.8 },
        emphasis: { scale: 1.6 },
        tooltip: { formatter: function (p) { return stationTooltip(p.data.station, layer); } },
        data: layer.stations.filter(function (s) {
          return s.longitude != null && s.latitude != null && legendOf(s.level) === entry;
        }).map(function (s) {
          var d = {
            name: s.name,
            value: [s.longitude, s.latitude, s.aqi],
            symbol: s.control_level === "national" ? "circle" : "triangle",
            symbolSize: s.control_level === "national" ? 11 : 9,
            station: s
          };
          if (s.approximate) {  // hollow, dashed: the position is approximate
            d.itemStyle = { color: "rgba(255,255,255,0.6)", borderColor: entry.color === "#FFFFFF" ? "#33403a" : entry.color, borderWidth: 2, borderType: "dashed" };
          } else if (s.context) {  // the city's national stations shown as context
            d.itemStyle = { opacity: 0.75, borderColor: "#1d2521", borderWidth: 1.2, borderType: "dashed" };
          }
          return d;
        })
      };
    });
    var stats = areaStats(v);
    series.push({
      name: "cities",
      type: "map",
      geoIndex: 0,
      tooltip: {
        formatter: function (p) {
          var d = p.data || {};
          return "<b>" + esc(v.counties ? nav.name(v.areas[p.name]) : cityLabel(p.name)) + "</b><br>" + esc(L["map.index"]) +
            (d.month ? " " + esc(d.month) : "") + COLON + (d.index == null ? esc(L["aqi.no_data"]) : d.index.toFixed(2)) +
            (d.rank == null ? "" : "<br>" + esc(L["map.rank"]) + COLON + d.rank) +
            (nav.inScope(d.code) && d.code !== nav.state().region ? '<br><span style="color:#667">' + esc(L["mapnav.drill"]) + "</span>" : "");
        }
      },
      data: stats.map(function (c) { return { name: c.name, code: c.code, index: c.index, rank: c.rank, month: c.month, value: c.index }; })
    });
    var regions = [];
    if (v.highlight) {
      regions.push({ name: v.highlight, itemStyle: { areaColor: "#c4ddcc", borderColor: "#1f6f43", borderWidth: 2.5 } });
    } else if (nav.level(nav.state().region) === "province" && cfg.scopeCities.length < 11) {
      // a city or county user's own city stands out
      cfg.scopeCities.forEach(function (code) {
        var name = Object.keys(v.areas).filter(function (n) { return v.areas[n] === code; })[0];
        if (name) { regions.push({ name: name, itemStyle: { areaColor: "#c4ddcc", borderColor: "#1f6f43", borderWidth: 2 } }); }
      });
    }
    chart.hideLoading();
    var geo = {
      map: v.map,
      roam: true,
      layoutCenter: ["50%", "54%"],
      layoutSize: "90%",
      label: {
        show: true, color: "#3d4a43", fontSize: v.counties ? 11 : 12,
        formatter: function (p) { return v.counties ? nav.name(v.areas[p.name]) : cityLabel(p.name); }
      },
      itemStyle: { areaColor: "#e4efe8", borderColor: "#7a9a88", borderWidth: 1 },
      emphasis: { itemStyle: { areaColor: "#cfe3d6" }, label: { color: "#14502f" } },
      select: { disabled: true },
      regions: regions
    };
    if (v.box) { geo.boundingCoords = v.box; delete geo.layoutCenter; delete geo.layoutSize; geo.top = 96; geo.bottom = 20; geo.left = 20; geo.right = 20; }
    chart.setOption({
      tooltip: { trigger: "item", confine: true, enterable: false },
      legend: qsMapNav.legend(el, cfg.legend),
      geo: geo,
      series: series
    }, true);
    el.dataset.region = nav.state().region;
    el.dataset.period = layer.period;
    el.dataset.time = layer.time || "latest";
    delete el.dataset.loading;
    if (!el.dataset.ready) {
      chart.on("finished", function once() {  // drawn and animated: the page is ready
        chart.off("finished", once);
        el.dataset.ready = "1";
      });
    }
    document.getElementById("qs-error").hidden = true;
    renderRanking(layer, stats);
    renderNote(layer);
  }

  var tapped = null;
  chart.on("click", function (p) {
    if (p.seriesType === "scatter" && p.data && p.data.station) {
      // on a phone the first tap shows the tooltip, a second tap on the same point opens its page
      var code = p.data.station.code;
      if (el.clientWidth < 600 && tapped !== code) { tapped = code; return; }
      location.assign(page(cfg.stationPage, p.data.station.code));
      return;
    }
    if (p.seriesType === "map" || p.componentType === "geo") {
      var code = current && current.view.areas[p.name];
      if (code) { nav.go(code); }
    }
  });
  document.querySelector("#qs-rank tbody").addEventListener("click", function (ev) {
    var tr = ev.target.closest("tr[data-city]");
    if (tr && nav.go(tr.dataset.city) && el.getBoundingClientRect().top < 0) {
      el.scrollIntoView({ block: "start" });  // on a phone the map is above the ranking
    }
  });
  document.querySelector("#qs-rank tbody").addEventListener("keydown", function (ev) {
    var tr = ev.target.closest("tr[data-city]");
    if (tr && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); nav.go(tr.dataset.city); }
  });

  function fail(err) {
    chart.hideLoading();
    var box = document.getElementById("qs-error");
    box.hidden = false;
    box.textContent = L["map.load_failed"] + COLON + err.message;
    el.dataset.ready = "error";
    delete el.dataset.loading;
  }

  nav.start().then(function () {
    // new hourly values arrive through the day: the live layer is fetched again now and then
    window.setInterval(function () { if (nav.state().mode === "latest") { nav.reload(); } }, cfg.refreshSeconds * 1000);
  }, fail);
})();
