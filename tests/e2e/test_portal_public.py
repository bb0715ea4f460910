"""The public portal on a phone (390×844) in Debian's Chromium, without login (issue #23):
every section present, nothing wider than the screen, the open-data page's query shows its
API URL and downloads CSV, and the page answers 429 once the address is over its rate."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from .conftest import _prepare_data, running_server
from .helpers import new_page
from .seed import STATIONS

pytestmark = pytest.mark.e2e

RATE = 8  # requests of /public… per minute and address on this server


@pytest.fixture(scope="module")
def public_url(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("qingshan-public")
    _prepare_data(data_dir)
    with running_server(data_dir, QINGSHAN_PUBLIC_RATE_PER_ADDRESS=f"{RATE}/minute") as url:
        yield url


def _no_horizontal_scroll(page, box: str) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert page.evaluate(f"() => document.querySelector('{box}').scrollWidth") <= 390


def test_public_portal_on_a_phone(public_url, browser):  # noqa: F811
    page = new_page(browser, 390, 844)
    try:
        page.goto(f"{public_url}/public")  # 1
        for section in ("pp-air", "pp-water", "pp-ranking", "pp-opendata", "pp-complaint",
                        "pp-spot", "pp-notices"):  # fmt: skip
            assert page.locator(f"#{section} h2").count() == 1, section
        assert page.locator("#pp-air-cities tbody tr").count() == 11
        _no_horizontal_scroll(page, "#pp-home")
        assert page.get_attribute("#pp-complaint a[href='/complaints/new']", "href")

        page.click("#pp-opendata a[href='/public/open-data']")  # 2
        page.wait_for_selector("body[data-od=idle]")
        page.select_option("#pp-od-dataset", "sites")
        page.select_option("select[name=kind]", "air_station")
        page.click("#pp-od-form button[type=submit]")
        page.wait_for_selector("body[data-od=ready]", timeout=15_000)
        url = page.inner_text("#pp-od-url")
        assert url.endswith("/api/v1/open/sites?kind=air_station&limit=1000")
        assert page.locator("#pp-od-table tbody tr").count() == len(STATIONS)
        _no_horizontal_scroll(page, "#pp-open-data")
        with page.expect_download(timeout=15_000) as info:
            page.locator("#pp-od-result button", has_text="CSV").first.click()
        rows = list(csv.reader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
        codes = {r[rows[0].index("code")] for r in rows[1:]}
        assert codes == {s[0] for s in STATIONS}
        assert page.qs_errors == []
    finally:
        page.context.close()
    # over the rate: 429 with Retry-After (the browser used 2 of the minute's RATE)
    answers = [httpx.get(f"{public_url}/public") for _ in range(RATE - 1)]
    assert [r.status_code for r in answers] == [200] * (RATE - 2) + [429]
    assert int(answers[-1].headers["retry-after"]) >= 1
