"""The big screen (/screen) on the small demo province in Chromium at 1920×1080 and 3840×2160,
as province, hangzhou and xihu: drawn (data-ready), no scrollbars, the KPI numbers the summary
API's, no console error; a refresh without a navigation; a failed refresh keeps the figures and
shows the stale marker; an enterprise account is refused in words."""

from __future__ import annotations

import pytest

from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

SIZES = {"wall": (1920, 1080), "wall4k": (3840, 2160)}
USERS = {"province": "330000", "hangzhou": "330100", "xihu": "330106"}


@pytest.fixture(params=list(SIZES))
def wall(request, browser):
    w, h = SIZES[request.param]
    page = new_page(browser, w, h)
    page.qs_size = (w, h)
    yield page
    page.context.close()


def _open(page, url: str, user: str, query: str = "") -> dict:
    login_as(page, url, (user, "qingshan-demo"))
    page.goto(f"{url}/screen{query}")
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    r = page.request.get(f"{url}/api/v1/screen/summary")
    assert r.ok, r.text()
    return r.json()


def _kpi(page, name: str) -> float | None:
    """The number a KPI tile shows (its data-value), None for a dash."""
    v = page.get_attribute(f"#kpi-{name}", "data-value")
    return None if v == "" else float(v)


@pytest.mark.parametrize("user", list(USERS))
def test_the_screen_fits_and_shows_the_api_figures(wall, demo_server_url, user):
    s = _open(wall, demo_server_url, user)
    assert s["region"] == USERS[user]
    w, h = wall.qs_size
    dims = wall.evaluate(
        """() => ({sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight,
                  iw: innerWidth, ih: innerHeight,
                  kpi: parseFloat(getComputedStyle(document.querySelector('#kpi-cases')).fontSize)})"""
    )
    assert dims["sw"] <= dims["iw"] == w and dims["sh"] <= dims["ih"] == h
    assert dims["kpi"] >= 48 * w / 1920  # readable from three metres: >= 48 px at 1920
    assert _kpi(wall, "aqi") == s["aqi_mean"]
    assert _kpi(wall, "good") == s["good_share"]
    assert _kpi(wall, "water") == s["water_good_rate"]
    assert _kpi(wall, "exceeding") == s["exceeding_outlets"]
    assert _kpi(wall, "cases") == s["cases"]["open"]
    assert _kpi(wall, "overdue") == s["cases"]["overdue"]
    assert _kpi(wall, "fresh") == s["freshness"]["late"] + s["freshness"]["missing"]
    # the bars: one per city for the province, the region's counties otherwise
    names = wall.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('sc-air-bars'))"
        ".getOption().yAxis[0].data"
    )
    assert len(names) == len(s["air_by_area"])
    if user == "province":
        assert len(names) == 11 and names[0] == "杭州市"
    if user == "xihu":
        assert names == ["西湖区"]
    # every panel has room: no chart collapsed to nothing
    for el in ("sc-map", "sc-air-bars", "sc-water-bars", "sc-spark-aqi", "sc-spark-good"):
        box = wall.locator(f"#{el}").bounding_box()
        assert box["height"] > h * 0.1 and box["width"] > w * 0.15, el
    assert wall.qs_errors == []


def test_refresh_without_reload_and_stale_marker(page, demo_server_url):
    page.set_viewport_size({"width": 1920, "height": 1080})
    s = _open(page, demo_server_url, "hangzhou", "?refresh=10&lang=en")
    page.evaluate("() => { window.__sameDocument = true; }")
    page.wait_for_selector("body[data-refreshed='2']", timeout=30_000)  # the timer's refresh
    assert page.evaluate("() => window.__sameDocument") is True  # no navigation happened
    assert int(page.get_attribute("body", "data-fetches")) >= 2
    assert page.is_hidden("#sc-stale")
    # the API fails: the figures stay, the marker tells the data's age
    page.route("**/api/v1/screen/summary**", lambda route: route.abort())
    page.evaluate("() => window.qsScreen.refresh()")
    page.wait_for_selector("#sc-stale:not([hidden])", timeout=10_000)
    assert page.text_content("#sc-stale").startswith("Refresh failed; data ")
    assert _kpi(page, "cases") == s["cases"]["open"]
    assert page.get_attribute("body", "data-refreshed") == "2"
    page.unroute("**/api/v1/screen/summary**")
    page.evaluate("() => window.qsScreen.refresh()")
    page.wait_for_selector("body[data-refreshed='3']", timeout=10_000)
    assert page.is_hidden("#sc-stale")
    assert page.evaluate("() => window.__sameDocument") is True
    errors = [e for e in page.qs_errors if "net::ERR_FAILED" not in e]
    assert errors == []


def test_enterprise_is_refused_in_words(page, demo_server_url):
    login_as(page, demo_server_url, ("enterprise", "qingshan-demo"))
    r = page.goto(f"{demo_server_url}/screen")
    assert r.status == 403
    assert "供省、市、区县生态环境部门账号使用" in page.text_content("body")
    page.goto(f"{demo_server_url}/map")
    assert page.locator(".qs-nav a[href='/screen']").count() == 0
