"""The statistics and the monthly notice in Debian's Chromium, as the city account 杭州
(hangzhou), on a province seeded with the demo's complaints and hand-overs
(:mod:`qingshan.sim.demo_complaints`, small): its counties' lines, the trend chart, a number
opening the case list it counts; last month's notice as issued, its tables and the Excel file."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.audit import acting_as
from qingshan.cases import service
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import CITY_CODES, children, seed_regions
from qingshan.sim.demo_complaints import seed_demo_complaints

from .conftest import running_server
from .helpers import login_as

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-reports-pass"


@pytest.fixture(scope="module")
def reports_url(tmp_path_factory):
    """A server on a province of officers, a department and a government signer per city, an
    enterprise per city and the demo's year of complaints up to now."""
    data_dir = tmp_path_factory.mktemp("case-reports")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "hangzhou", PASSWORD, Role.CITY, "330100")
        create_user(s, "province", PASSWORD, Role.PROVINCE, "330000")
        for k, city in enumerate(CITY_CODES):
            s.add(Enterprise(credit_code=f"9133{k:02d}00MA2REPT{k:02d}X", name=f"演示企业{k}",
                             industry=Industry.PAPER, region_code=children(city)[0].code,
                             longitude=120.0, latitude=29.5))  # fmt: skip
            service.add_unit(s, f"{city}生态环境局", "department", city, ["*"])
            for capacity in ("department", "government"):
                u = create_user(s, f"{city}-{capacity}", PASSWORD, Role.CITY, city)
                service.grant_signer(s, u, capacity, city, by="test")
    with acting_as("demo"):
        seed_demo_complaints(engine, now=datetime.now(UTC), scale="small")
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def _int(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def test_stats_and_notice_as_a_city(reports_url, page):
    login_as(page, reports_url, ("hangzhou", PASSWORD))
    page.goto(f"{reports_url}/cases/stats?lang=zh")
    page.wait_for_selector("#qs-trend[data-ready]", timeout=20_000)
    assert page.get_attribute("#qs-stats", "data-scope") == "330100"
    rows = page.locator("#qs-stats-regions tbody tr")
    assert rows.count() >= 13  # the 13 districts and counties of 杭州 (and 市本级 if any)
    assert rows.nth(0).get_attribute("data-code") == "330102"
    total = _int(page.inner_text('#qs-kpis [data-key="total"] .qs-kpi-n'))
    assert total > 0
    assert total == sum(_int(rows.nth(i).locator('[data-col="total"]').inner_text())
                        for i in range(rows.count()))  # fmt: skip
    months = page.evaluate("() => window.qsTrendChart.getOption().xAxis[0].data")
    assert len(months) == 12
    page.screenshot(path="/tmp/qingshan-case-stats.png", full_page=True)
    # a county's number opens the case list of that county, with as many cases
    busiest = max(range(rows.count()),
                  key=lambda i: _int(rows.nth(i).locator('[data-col="total"]').inner_text()))  # fmt: skip
    code = rows.nth(busiest).get_attribute("data-code")
    link = rows.nth(busiest).locator('[data-col="total"] a')
    n = _int(link.inner_text())
    link.click()
    page.wait_for_url(re.compile(rf"/cases\?region={code}$"))
    assert f"共 {n} 件" in page.inner_text("#qs-pager")

    page.goto(f"{reports_url}/cases/notice")
    title = page.inner_text("#qs-notice-title")
    assert title.startswith("杭州市生态环境问题整改月调度通报（") and title.endswith("月）")
    assert page.get_attribute("#qs-notice", "data-issued") == "1"  # issued as on the 1st
    lines = page.locator("#qs-notice-regions tbody tr")
    assert lines.count() >= 13
    new = sum(_int(lines.nth(i).locator('[data-col="new"]').inner_text())
              for i in range(lines.count()))  # fmt: skip
    assert new == _int(page.inner_text('#qs-notice-regions tfoot [data-col="new"]'))
    assert page.locator("#qs-issue").count() == 0  # only the province issues
    page.screenshot(path="/tmp/qingshan-case-notice.png", full_page=True)
    with page.expect_download() as dl:
        page.click("#qs-xlsx")
    assert dl.value.suggested_filename.startswith("杭州市生态环境问题整改月调度通报")
    assert page.qs_errors == []
