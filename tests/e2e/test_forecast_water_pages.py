"""The water forecast pages in Debian's Chromium on the small demo province (its past water
forecasts are issued by the demo build): the section list sorts and scopes, a section's page
draws its indicators with class bands and the miss probability, the warning list links to its
cases; English through ?lang=en. One desktop size."""

from __future__ import annotations

import httpx
import pytest

from .helpers import login_as

pytestmark = pytest.mark.e2e

HANGZHOU = ("hangzhou", "qingshan-demo")


def _api(url: str, path: str) -> dict:
    login = httpx.post(
        f"{url}/api/v1/auth/login", data=dict(zip(("username", "password"), HANGZHOU, strict=True))
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    r = httpx.get(f"{url}{path}", headers=headers, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def _ready(page, selector: str) -> None:
    page.wait_for_selector(f"{selector}[data-ready]", timeout=60_000)
    assert page.get_attribute(selector, "data-ready") == "1", page.inner_text("#fw-error")


def test_section_list_sorts_and_leads_to_a_section(demo_server_url, page):
    data = _api(demo_server_url, "/api/v1/forecast/water/sections")
    assert data["issued_at"] is not None
    assert data["sections"] and all(s["region_code"].startswith("3301") for s in data["sections"])
    page.set_viewport_size({"width": 1600, "height": 1000})
    login_as(page, demo_server_url, HANGZHOU)
    page.goto(f"{demo_server_url}/forecast/water")
    _ready(page, "#qs-fw-list")
    rows = page.locator("#fw-sections tbody tr")
    assert rows.count() == len(data["sections"])
    # sorted by the highest miss probability, highest first
    top = max(data["sections"], key=lambda s: s["p_miss_max"] or -1)
    assert rows.first.get_attribute("data-code") == top["code"] or (
        top["p_miss_max"] == data["sections"][0]["p_miss_max"]
    )
    page.click("#fw-sections th[data-sort='name'] button")
    assert page.get_attribute("#fw-sections th[data-sort='name']", "aria-sort") == "ascending"
    names = [n for n in page.locator("#fw-sections tbody tr td:first-child a").all_inner_texts()]
    assert names == sorted(names)
    assert "明日预测类别" in page.inner_text("#fw-sections thead")
    code = rows.first.get_attribute("data-code")
    with page.expect_navigation():
        rows.first.locator("a").first.click()
    assert page.url.endswith(f"/forecast/water/{code}")
    assert page.qs_errors == []


def test_section_page_draws_bands_intervals_and_miss_probability(demo_server_url, page):
    sections = _api(demo_server_url, "/api/v1/forecast/water/sections")["sections"]
    code = sections[0]["code"]
    detail = _api(demo_server_url, f"/api/v1/forecast/water/sections/{code}")
    assert len(detail["daily"]["CODMn"]) == 7 and len(detail["miss"]) == 7
    page.set_viewport_size({"width": 1600, "height": 1000})
    login_as(page, demo_server_url, HANGZHOU)
    page.goto(f"{demo_server_url}/forecast/water/{code}")
    _ready(page, "#qs-fw-section")
    assert page.locator("#fw-daily .qs-fw-chart").count() == 4
    assert page.locator("#fw-hourly .qs-fw-chart").count() == 4
    assert page.locator("#fw-past .qs-fw-chart").count() == 4
    n_charts = page.evaluate("() => window.qsFwCharts.length")
    assert n_charts == 1 + sum(
        1
        for part in ("daily", "hourly", "past")
        for k in ("DO", "CODMn", "NH3_N", "TP")
        if detail[part][k]
    )
    # the miss chart's bars are the API's probabilities; the first daily chart has its class bands
    bars = page.evaluate("() => window.qsFwCharts[0].getOption().series[0].data.map(d => d.value)")
    assert bars == [m["p"] for m in detail["miss"]]
    # the GB 3838-2002 class bands: six stacked areas under the median and its interval
    bands = page.evaluate(
        "() => window.qsFwCharts[1].getOption().series.filter(s => s.stack === 'classes').length"
    )
    assert bands == 6
    assert page.inner_text("#fw-target").strip() != ""
    assert page.qs_errors == []


def test_warning_list_links_to_cases_and_speaks_english(demo_server_url, page):
    data = _api(demo_server_url, "/api/v1/forecast/warnings")
    page.set_viewport_size({"width": 1600, "height": 1000})
    login_as(page, demo_server_url, HANGZHOU)
    page.goto(f"{demo_server_url}/forecast/warnings?lang=en")
    _ready(page, "#qs-fw-warnings")
    assert page.inner_text("h1") == "Water-quality warnings"
    rows = page.locator("#fw-warnings tbody tr[data-id]")
    assert rows.count() == len(data["items"])
    if data["items"]:
        first = data["items"][0]
        link = rows.first.locator("a.qs-fw-case")
        assert link.get_attribute("href") == f"/cases/{first['case_id']}"
        with page.expect_navigation():
            link.click()
        assert page.url.endswith(f"/cases/{first['case_id']}")
    assert page.qs_errors == []
