"""The maps on the small demo province in Chromium, at a desk (1600×1000) and on a phone
(390×844): province → city by a click on the map or the ranking, breadcrumbs back up, a county
account opens on its county, the time slider replays an earlier hour, the tooltip shows the six
pollutants, the phone layout stacks the panels under a map that has a height and a width."""

from __future__ import annotations

import pytest

from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

PROVINCE = ("province", "qingshan-demo")
XIHU = ("xihu", "qingshan-demo")
SIZES = {"desk": (1600, 1000), "phone": (390, 844)}


@pytest.fixture(params=list(SIZES))
def sized(request, browser):
    """A page at each size (zh-CN, the browser clock in UTC), with its console errors."""
    w, h = SIZES[request.param]
    page = new_page(browser, w, h)
    page.qs_size = request.param
    yield page
    page.context.close()


def _settled(page, **attrs: str) -> None:
    """Wait until the map is drawn with the given data attributes and no layer is loading."""
    sel = "#qs-map[data-ready='1']" + "".join(f"[data-{k}='{v}']" for k, v in attrs.items())
    page.wait_for_selector(sel + ":not([data-loading])", timeout=30_000)


def _drawn(page, chart: str = "qsMapChart") -> dict:
    """Site code → [series name, AQI or class rank] of the points drawn."""
    return page.evaluate(
        f"""() => {{
        const out = {{}};
        window.{chart}.getOption().series.filter(s => s.type === 'scatter').forEach(s =>
          s.data.forEach(d => {{ const x = d.station || d.section; out[x.code] = [s.name, d.value[2]]; }}));
        return out;
    }}"""
    )


def _inside(point, ring) -> bool:
    """Whether ``point`` lies inside the polygon ``ring`` (ray casting)."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _open_spot(geometry, stations) -> tuple[float, float]:
    """A point inside a county's largest polygon, as far from every station and from its
    border as can be (a click there hits the county, not a station)."""
    polys = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    ring = max((p[0] for p in polys), key=len)
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    grid = [
        (min(xs) + (max(xs) - min(xs)) * i / 20, min(ys) + (max(ys) - min(ys)) * j / 20)
        for i in range(1, 20)
        for j in range(1, 20)
    ]
    spots = [p for p in grid if _inside(p, ring)]

    def room(p: tuple[float, float]) -> float:  # to the nearest station or border point
        return min((p[0] - a) ** 2 + (p[1] - b) ** 2 for a, b in [*stations, *ring])

    return max(spots, key=room)


def test_province_drills_into_a_city_and_back(demo_server_url, sized):
    page = sized
    login_as(page, demo_server_url, PROVINCE)
    page.goto(f"{demo_server_url}/map")
    _settled(page, region="330000")
    assert page.locator("#qs-rank tbody tr[data-city]").count() == 11
    if page.qs_size == "desk":  # click 杭州市 on the map itself
        x, y = page.evaluate(
            """() => window.qsMapChart.convertToPixel({geoIndex: 0}, [119.5, 29.9])"""
        )
        box = page.locator("#qs-map").bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
    else:  # on a phone, the ranking row
        page.locator("#qs-rank tbody tr[data-city='330100']").click()
    _settled(page, region="330100")
    assert "region=330100" in page.url
    assert page.inner_text("#qs-crumbs [aria-current]") == "杭州市"
    assert "杭州市空气质量实时地图" in page.inner_text("h1")
    # the ranking lists the city's stations, as the layer API gives them
    layer = page.request.get(f"{demo_server_url}/api/v1/air/layers/latest?region=330100").json()
    codes = sorted(s["code"] for s in layer["stations"])
    assert len(codes) >= 5 and all(s["city_code"] == "330100" for s in layer["stations"])
    ranked = page.locator("#qs-rank tbody tr[data-station]")
    assert sorted(ranked.evaluate_all("rs => rs.map(r => r.dataset.station)")) == codes
    assert sorted(_drawn(page)) == codes
    # a click on 西湖区 among the city's counties zooms to it; the breadcrumb backs up
    counties = page.request.get(f"{demo_server_url}/api/v1/geo/zhejiang-counties.geojson").json()
    [xihu] = [f for f in counties["features"] if f["properties"]["code"] == "330106"]
    lon, lat = _open_spot(
        xihu["geometry"], [(s["longitude"], s["latitude"]) for s in layer["stations"]]
    )
    page.locator("#qs-map").scroll_into_view_if_needed()
    x, y = page.evaluate("p => window.qsMapChart.convertToPixel({geoIndex: 0}, p)", [lon, lat])
    box = page.locator("#qs-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    _settled(page, region="330106")
    assert page.inner_text("#qs-crumbs [aria-current]") == "西湖区"
    page.locator("#qs-crumbs a[data-code='330100']").click()
    _settled(page, region="330100")
    # and up to the province
    page.locator("#qs-crumbs a[data-code='330000']").click()
    _settled(page, region="330000")
    assert page.locator("#qs-rank tbody tr[data-city]").count() == 11
    # a reload of the shared URL opens the same region; a station opens its page
    page.goto(f"{demo_server_url}/map?region=330100")
    _settled(page, region="330100")
    first = ranked.first.locator("a")
    href = first.get_attribute("href")
    with page.expect_navigation():
        first.click()
    assert page.url.endswith(href) and href.startswith("/air/stations/")
    assert page.qs_errors == []


def test_county_account_opens_on_its_county(demo_server_url, sized):
    page = sized
    login_as(page, demo_server_url, XIHU)
    page.goto(f"{demo_server_url}/map")
    _settled(page, region="330106")
    assert page.inner_text("#qs-crumbs [aria-current]") == "西湖区"
    geo = page.evaluate(
        """() => { const g = window.qsMapChart.getOption().geo[0];
                   return {map: g.map, regions: g.regions.filter(r => r.itemStyle && r.itemStyle.borderWidth > 2).map(r => r.name), box: g.boundingCoords}; }"""
    )
    # the county's boundary among its city's counties, highlighted and zoomed to
    assert geo["map"] == "zj-330100" and geo["regions"] == ["西湖区"]
    (left, top), (right, bottom) = geo["box"]
    assert 119.8 < left < 120.2 and 30.0 < bottom < 30.2 and right - left < 1.5
    layer = page.request.get(f"{demo_server_url}/api/v1/air/layers/latest").json()
    assert layer["region"] == "330106"
    assert sorted(_drawn(page)) == sorted(s["code"] for s in layer["stations"])
    context = page.locator("#qs-context")
    if layer["context_region"]:  # no national station of its own: 杭州市's, as context
        assert context.inner_text() == "本区无国控站点，显示杭州市国控站点（虚线，仅供参考）"
        assert all(s["context"] for s in layer["stations"] if s["control_level"] == "national")
    else:
        assert context.is_hidden()
    page.goto(f"{demo_server_url}/water")
    _settled(page, region="330106")
    assert page.inner_text("#qs-crumbs [aria-current]") == "西湖区"
    # another city is refused with a page saying so
    r = page.goto(f"{demo_server_url}/map?region=330200")
    assert r.status == 403 and "宁波市不在您的辖区（西湖区）内，无法查看。" in page.inner_text(
        "main"
    )
    assert [e for e in page.qs_errors if "403" not in e] == []


def test_slider_replays_an_earlier_hour(demo_server_url, sized):
    page = sized
    login_as(page, demo_server_url, PROVINCE)
    page.goto(f"{demo_server_url}/map?region=330100")
    _settled(page, region="330100", time="latest")
    page.select_option("#qs-mode", "hour")
    rng = page.request.get(f"{demo_server_url}/api/v1/air/layers/range").json()
    last = rng["last_time"].replace("+00:00", "Z")
    _settled(page, period="hour", time=last)
    newest = _drawn(page)
    # 24 hours back on the slider
    page.evaluate(
        """() => { const s = document.getElementById('qs-slider');
                   s.value = String(Number(s.value) - 24);
                   s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change')); }"""
    )
    earlier = page.get_attribute("#qs-map", "data-time")
    page.wait_for_function(
        "t => document.getElementById('qs-map').dataset.time !== t", arg=last, timeout=30_000
    )
    _settled(page, period="hour")
    earlier = page.get_attribute("#qs-map", "data-time")
    assert earlier < last
    label = page.inner_text("#qs-time-label")
    assert label.endswith("北京时间") and "hour=" in page.url
    layer = page.request.get(
        f"{demo_server_url}/api/v1/air/layers/hour?time={earlier}&region=330100"
    ).json()
    drawn = _drawn(page)
    assert {c: v[1] for c, v in drawn.items()} == {s["code"]: s["aqi"] for s in layer["stations"]}
    assert drawn != newest  # the layer changed
    # one step back with the button
    page.click("#qs-prev")
    page.wait_for_function(
        "t => document.getElementById('qs-map').dataset.time !== t", arg=earlier, timeout=30_000
    )
    _settled(page, period="hour")
    assert page.get_attribute("#qs-map", "data-time") < earlier
    # play steps forward on its own until paused
    at = page.get_attribute("#qs-map", "data-time")
    page.click("#qs-play")
    page.wait_for_function(
        "t => document.getElementById('qs-map').dataset.time > t", arg=at, timeout=30_000
    )
    page.click("#qs-play")  # pause
    assert page.get_attribute("#qs-play", "aria-label") == "播放"
    # every station's tooltip lists the six pollutants with their units
    tip = page.evaluate(
        """() => { const s = window.qsMapChart.getOption().series.find(s => s.type === 'scatter' && s.data.length);
                   return s.tooltip.formatter({data: s.data[0]}); }"""
    )
    for part in ["PM2.5 (1 h)", "PM10 (1 h)", "O3 (1 h)", "NO2 (1 h)", "SO2 (1 h)", "CO (1 h)"]:
        assert part in tip
    assert "µg/m³" in tip and "mg/m³" in tip
    # a station whose AQI HJ 633-2026 §5.3.1 withholds says so and keeps its values
    withheld = page.evaluate(
        """() => { const s = window.qsMapChart.getOption().series.find(s => s.type === 'scatter' && s.data.length);
                   const d = JSON.parse(JSON.stringify(s.data[0]));
                   Object.assign(d.station, {aqi: null, level: null, aqi_withheld: true, missing: ['O3_1h']});
                   d.station.concentrations.O3_1h = null;
                   return s.tooltip.formatter({data: d}); }"""
    )
    assert "AQI 不发布：缺少指标，且不超过 100" in withheld and "缺少：O3 (1 h)" in withheld
    assert "PM2.5 (1 h)" in withheld and "无数据" not in withheld
    assert page.qs_errors == []


def test_phone_layout_gives_both_maps_room(demo_server_url, sized):
    page = sized
    login_as(page, demo_server_url, PROVINCE)
    for path, title in (("/map", "浙江省空气质量实时地图"), ("/water", "浙江省地表水水质")):
        page.goto(f"{demo_server_url}{path}")
        _settled(page, region="330000")
        m = page.locator("#qs-map").bounding_box()
        assert m["width"] > 300 and m["height"] > 300, (path, m)
        h1 = page.locator("h1")
        assert h1.inner_text() == title
        assert h1.bounding_box()["height"] < 40  # one line, not one character per line
        side = page.locator("aside.qs-side").bounding_box()
        if page.qs_size == "phone":  # panels stacked under the map
            assert side["y"] >= m["y"] + m["height"] - 1
        else:  # beside it
            assert side["x"] >= m["x"] + m["width"] - 1
    page.screenshot(path=f"/tmp/qingshan-maps-{page.qs_size}.png")
    assert page.qs_errors == []
