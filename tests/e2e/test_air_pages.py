"""The air station page and the city air page in Debian's Chromium on the small demo province:
charts drawn with data at desktop and phone sizes, no console error; a bad range is said."""

from __future__ import annotations

import pytest

from .conftest import running_server
from .helpers import new_page

pytestmark = pytest.mark.e2e

SIZES = [(1600, 1000), (390, 844)]


@pytest.fixture(scope="module")
def air_url(small_demo_dir):
    with running_server(small_demo_dir, QINGSHAN_HJ212_LISTENER="0") as url:
        yield url


def _open(browser, url: str, size: tuple[int, int]):
    page = new_page(browser, *size)
    page.goto(url)
    page.wait_for_selector("#qs-air[data-ready]", timeout=30_000)
    return page.context, page, page.qs_errors


def _drawn(page) -> dict:
    return page.evaluate(
        """() => {
        const c = window.qsAirCharts, n = id => c[id].getOption().series
            .reduce((a, s) => a + s.data.filter(v => v != null && (!Array.isArray(v) || v[1] != null)).length, 0);
        return {aqi: n('airh-aqi-chart'), pol: n('airh-pol-chart'), cal: n('airh-cal-chart'),
                height: document.getElementById('airh-cal-chart').clientHeight};
    }"""
    )


@pytest.mark.parametrize("size", SIZES, ids=["desk", "phone"])
@pytest.mark.parametrize(
    ("path", "crumbs"),
    [("/air/stations/1223A", "浙江省 › 杭州市 › 滨江"), ("/air/cities/330100", "浙江省 › 杭州市")],
    ids=["station", "city"],
)
def test_page_draws_its_charts(browser, air_url, path, crumbs, size):
    context, page, errors = _open(browser, air_url + path, size)
    try:
        root = page.locator("#qs-air")
        assert root.get_attribute("data-ready") == "1", page.inner_text("#qs-error")
        hours, days = int(root.get_attribute("data-hours")), int(root.get_attribute("data-days"))
        # the default: the last 7 stored days (the newest may have begun an hour ago; a day
        # with an indicator missing and AQI ≤ 100 has no published AQI, HJ 633-2026 5.3.1)
        assert hours > 100 and days >= 3
        drawn = _drawn(page)
        assert drawn["aqi"] == hours and drawn["pol"] > 5 * hours and drawn["cal"] == days
        assert drawn["height"] > 60  # one week on a phone: 7 cells of 36 px
        assert page.inner_text("#airh-crumbs").replace("\n", "") == crumbs
        assert page.get_attribute("#airh-map", "href") == "/map?region=330100"
        assert page.inner_text("#airh-rate").endswith("%")
        assert "无同期数据" in page.inner_text("#airh-month")  # the demo holds one year
        if "cities" in path:
            assert page.locator("#airh-stations a").count() >= 10
        # nothing wider than the window (phones)
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
        assert errors == []
    finally:
        context.close()


def test_a_bad_range_is_said_and_the_form_reloads(browser, air_url):
    context, page, errors = _open(
        browser, air_url + "/air/stations/1223A?from=2026-06-01&to=2024-01-01", SIZES[0]
    )
    try:
        assert page.get_attribute("#qs-air", "data-ready") == "0"
        assert "from: 2026-06-01 is after to 2024-01-01" in page.inner_text("#qs-error")
        ready = "() => document.getElementById('qs-air').getAttribute('data-ready') !== null"
        page.click(".airh-quick a[data-days='7']")  # 7 days ending 2024-01-01: nothing stored
        page.wait_for_function(ready, timeout=30_000)
        assert page.get_attribute("#qs-air", "data-ready") == "0"
        assert page.inner_text("#qs-error") == "所选时段无监测数据。"
        page.fill("#airh-from", "")
        page.fill("#airh-to", "")
        page.click("#airh-range button[type=submit]")  # the default range
        page.wait_for_function(ready, timeout=30_000)
        assert page.get_attribute("#qs-air", "data-ready") == "1", page.inner_text("#qs-error")
        assert page.is_hidden("#qs-error")
        assert [e for e in errors if "422" not in e] == []
    finally:
        context.close()
