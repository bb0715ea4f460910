"""The map page in Debian's Chromium: 11 cities drawn, stations coloured by AQI level."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

SCREENSHOT = "/tmp/qingshan-map.png"


def _open_map(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#qs-map[data-ready]", timeout=20_000)
    assert page.get_attribute("#qs-map", "data-ready") == "1", page.inner_text("#qs-error")


def test_map_draws_cities_and_stations(server_url, page):
    _open_map(page, f"{server_url}/")
    page.screenshot(path=SCREENSHOT, full_page=True)

    info = page.evaluate(
        """() => {
        const chart = window.qsMapChart;
        const opt = chart.getOption();
        const geo = chart.getModel().getComponent('geo', 0).coordinateSystem;
        return {
          mapFeatures: echarts.getMap('zhejiang').geoJSON.features.length,
          regions: geo.regions.map(r => r.name),
          cities: opt.series.find(s => s.type === 'map').data.length,
          scatter: opt.series.filter(s => s.type === 'scatter').map(s => ({
            name: s.name, color: s.itemStyle.color, n: s.data.length,
            codes: s.data.map(d => d.station.code)})),
        };
    }"""
    )
    assert info["mapFeatures"] == 11
    assert sorted(info["regions"]) == sorted(
        ["杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市",
         "金华市", "衢州市", "舟山市", "台州市", "丽水市"]
    )  # fmt: skip
    assert info["cities"] == 11
    by_level = {s["name"]: s for s in info["scatter"]}
    assert list(by_level) == ["优", "良", "轻度污染", "中度污染", "重度污染", "严重污染", "无数据"]
    assert by_level["优"]["color"] == "#00E400"
    assert by_level["严重污染"]["color"] == "#7E0023"
    assert sum(s["n"] for s in info["scatter"]) == 12
    # PM2.5 1-h 300 µg/m³ → IAQI 350 → 严重污染; the station without values → 无数据
    assert by_level["严重污染"]["codes"] == ["E2E06A"]
    assert by_level["无数据"]["codes"] == ["E2E09A"]
    assert by_level["良"]["n"] >= 1 and by_level["轻度污染"]["n"] >= 1

    # the note explains the page; the ranking lists all 11 cities. It is the ranking service's
    # (tests/e2e/test_ranking_page.py): this server stores no ranking roll-ups, so every city
    # is listed unranked ("—"), by code
    assert "国控 9" in page.inner_text("#qs-counts")
    assert "省控 3" in page.inner_text("#qs-counts")
    assert page.inner_text("#qs-updated").startswith("2026-02-04 14:00")  # 06:00 UTC in CST
    rows = page.locator("#qs-rank tbody tr")
    assert rows.count() == 11
    assert rows.nth(0).get_attribute("data-city") == "330100"
    assert rows.nth(0).locator("td").first.inner_text() == "—"
    assert rows.nth(10).get_attribute("data-city") == "331100"
    assert "青山" in page.inner_text(".qs-top")
    assert page.qs_errors == []


def test_station_tooltip(server_url, page):
    _open_map(page, f"{server_url}/map")
    page.evaluate(
        """() => window.qsMapChart.dispatchAction({type: 'showTip',
             seriesIndex: 5, dataIndex: 0})"""
    )
    tip = page.locator("#qs-map div").filter(has_text="E2E06A").last
    tip.wait_for(timeout=5_000)
    text = tip.inner_text()
    # the deciding indicator is named: PM2.5 1-h value (on the 24-h table, realtime report)
    for part in ["城西", "E2E06A", "湖州市", "省控", "2026-02-04 14:00", "严重污染", "PM2.5 (1 h)"]:
        assert part in text
    page.screenshot(path="/tmp/qingshan-map-tooltip.png")
    assert page.qs_errors == []


def test_english_switch(server_url, page):
    _open_map(page, f"{server_url}/map?lang=en")
    assert "Zhejiang real-time air quality" in page.inner_text("h1")
    names = page.evaluate(
        "() => window.qsMapChart.getOption().series.filter(s => s.type === 'scatter')"
        ".map(s => s.name)"
    )
    assert names[0] == "Excellent" and names[-1] == "No data"
    # the cookie keeps the choice; ?lang=zh switches back
    _open_map(page, f"{server_url}/map")
    assert "Zhejiang" in page.inner_text("h1")
    page.screenshot(path="/tmp/qingshan-map-en.png")
    _open_map(page, f"{server_url}/map?lang=zh")
    assert "浙江省空气质量实时地图" in page.inner_text("h1")
    assert page.qs_errors == []


def test_failed_data_is_reported_on_the_page(server_url, page):
    page.route(
        "**/api/v1/air/layers/latest*",
        lambda route: route.fulfill(status=503, body='{"detail": "down"}'),
    )
    page.goto(f"{server_url}/map")
    page.wait_for_selector("#qs-map[data-ready]", timeout=20_000)
    assert page.get_attribute("#qs-map", "data-ready") == "error"
    assert "数据加载失败" in page.inner_text("#qs-error")
    assert "HTTP 503" in page.inner_text("#qs-error")


def test_city_user_sees_their_city(server_url, page):
    from .seed import CITY_USER

    username, password = CITY_USER
    login = page.request.post(
        f"{server_url}/api/v1/auth/login", form={"username": username, "password": password}
    )
    assert login.ok, login.text()
    _open_map(page, f"{server_url}/map")
    assert "辖区：杭州市" in page.inner_text(".qs-top")
    codes = page.evaluate(
        "() => window.qsMapChart.getOption().series.filter(s => s.type === 'scatter')"
        ".flatMap(s => s.data.map(d => d.station.code))"
    )
    assert sorted(codes) == ["E2E01A", "E2E02A"]
    # the map opens on the city: its stations ranked, best first (PM2.5 20 before 60)
    rows = page.locator("#qs-rank tbody tr")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.station)") == ["E2E01A", "E2E02A"]
    assert page.inner_text("#qs-crumbs [aria-current]") == "杭州市"
    page.screenshot(path="/tmp/qingshan-map-hangzhou.png")
    assert page.qs_errors == []
