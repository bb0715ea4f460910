"""The section page, the basin page and 数据时效 in Debian's Chromium, on the small demo
province (a year of hourly data, loggers feeding the listener), at 1600×1000 and 390×844."""

from __future__ import annotations

import httpx
import pytest

from .helpers import login_as

pytestmark = pytest.mark.e2e

HANGZHOU = ("hangzhou", "qingshan-demo")
SIZES = [(1600, 1000), (390, 844)]


def _api(url: str, path: str) -> object:
    login = httpx.post(
        f"{url}/api/v1/auth/login", data=dict(zip(("username", "password"), HANGZHOU, strict=True))
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    r = httpx.get(f"{url}{path}", headers=headers, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def _ready(page, selector: str) -> None:
    page.wait_for_selector(f"{selector}[data-ready]", timeout=60_000)
    assert page.get_attribute(selector, "data-ready") == "1", page.inner_text(".qs-error")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_section_page(demo_server_url, page, width, height):
    sections = _api(demo_server_url, "/api/v1/water/sections/latest")["sections"]
    code = next(s["code"] for s in sections if s["section_class"] and s["city_code"] == "330100")
    history = _api(demo_server_url, f"/api/v1/water/sections/{code}/history")
    page.set_viewport_size({"width": width, "height": height})
    login_as(page, demo_server_url, HANGZHOU)
    page.goto(f"{demo_server_url}/water/sections/{code}")
    _ready(page, "#qs-section")
    # the class chart and one chart per indicator with data, drawn
    n_ind = sum(
        1
        for i in history["indicators"]
        if any(d["indicators"].get(i["key"], {}).get("value") is not None for d in history["daily"])
    )
    assert int(page.get_attribute("#qs-section", "data-charts")) == 1 + n_ind
    assert page.locator(".qs-wh-ind").count() == n_ind >= 5
    drawn = page.evaluate("() => window.qsWhCharts[0].getOption().series[1].data.length")
    assert drawn == sum(1 for m in history["monthly"] if m["section_class"])
    rows = page.locator("#wh-months-table tbody tr")
    assert rows.count() == len(history["monthly"])
    newest = history["monthly"][-1]
    assert rows.first.get_attribute("data-month") == newest["label"]
    assert rows.first.get_attribute("data-class") == newest["section_class"]
    crumbs = page.locator(".qs-crumbs")
    assert "杭州市" in crumbs.inner_text()
    assert crumbs.locator("a[href='/water?region=330100']").count() >= 1
    page.screenshot(path=f"/tmp/qingshan-water-section-{width}.png")
    assert page.qs_errors == []


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_basin_page(demo_server_url, page, width, height):
    sections = _api(demo_server_url, "/api/v1/water/sections/latest")["sections"]
    basin = next(s["basin"] for s in sections if s["basin"])
    data = _api(demo_server_url, f"/api/v1/water/basins/{basin}")
    page.set_viewport_size({"width": width, "height": height})
    login_as(page, demo_server_url, HANGZHOU)
    page.goto(f"{demo_server_url}/water/basins/{basin}")
    _ready(page, "#qs-basin")
    assert page.get_attribute("#qs-basin", "data-charts") == "2"
    rows = page.locator("#wh-sections tbody tr")
    assert rows.count() == len(data["sections"]) > 0
    assert rows.first.locator("a").get_attribute("href").startswith("/water/sections/")
    assert page.locator("#wh-scope-note").is_visible()  # a city sees its own sections only
    bars = page.evaluate("() => window.qsWhCharts[1].getOption().series.length")
    assert bars == 7  # six classes stacked and the I–III share
    # a section row leads to its page
    with page.expect_navigation():
        rows.first.locator("a").click()
    _ready(page, "#qs-section")
    page.screenshot(path=f"/tmp/qingshan-water-basin-{width}.png")
    assert page.qs_errors == []


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_freshness_page(demo_server_url, page, width, height):
    report = _api(demo_server_url, "/api/v1/freshness")
    page.set_viewport_size({"width": width, "height": height})
    login_as(page, demo_server_url, HANGZHOU)
    page.goto(f"{demo_server_url}/freshness?lang=en")
    _ready(page, "#qs-freshness")
    assert page.locator("#fr-summary tbody tr").count() == len(report["summary"]) > 0
    page.uncheck("#fr-problems")  # every item, sorted by state (missing first)
    rows = page.locator("#fr-items tbody tr")
    assert rows.count() == len(report["items"])
    states = rows.evaluate_all("rs => rs.map(r => r.dataset.state)")
    assert states == sorted(states, key=["missing", "late", "ok"].index)
    page.click("#fr-items th[data-sort=code]")
    codes = rows.evaluate_all("rs => rs.map(r => r.dataset.code)")
    assert codes == sorted(codes)
    page.select_option("#fr-kind", "water_section")
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.kind)")) == {"water_section"}
    assert "kind=water_section" in page.get_attribute("#fr-export", "href")
    href = rows.first.locator("a").get_attribute("href")
    assert href.startswith("/water/sections/")
    page.screenshot(path=f"/tmp/qingshan-freshness-{width}.png")
    assert page.qs_errors == []
