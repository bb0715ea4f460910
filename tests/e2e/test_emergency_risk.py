"""风险企业 in Debian's Chromium (issue #22, area risk), at 390 px wide: the county officer opens
the risk list, follows an enterprise to its grading and sees the level, the notation and the
basis of Q, M and E for air and water; no console error, nothing wider than the screen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.emergency.risk import service
from qingshan.geo.regions import seed_regions

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

USER = ("xihu", "e2e-risk-pass")
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def risk_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("risk")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    xihu = Scope("330106", Role.COUNTY, username="xihu")
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, USER[0], USER[1], Role.COUNTY, "330106")
        e = Enterprise(credit_code="91330106MA2RE2E01A", name="西湖氯碱化工", industry=Industry.CHEMICAL,
                       industry_code="2612", region_code="330106", longitude=120.05, latitude=30.2)  # fmt: skip
        s.add(e)
        s.flush()
        d = service.declare(s, xihu, e.id, [{"substance": "氯", "max_stock_t": 15, "place": "液氯库"},
                                            {"substance": "硫酸", "max_stock_t": 30}],
                            {"process": {"hazardous_process": 1},
                             "controls": {"gas_leak_monitoring": "yes", "protection_distance": "no"}},
                            pop_5km=8000, pop_500m=100, actor="xihu", now=NOW)  # fmt: skip
        service.review(s, xihu, d.id, approve=True, actor="xihu", now=NOW)
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def test_risk_list_to_an_enterprise_grading_with_its_basis(browser, risk_site):
    url = risk_site
    page = new_page(browser, 390, 844)
    try:
        login_as(page, url, USER)
        page.goto(f"{url}/emergency/risk")
        row = page.locator("#qs-emr-list tbody tr").first
        assert row.get_attribute("data-level") in ("一般", "较大", "重大")
        row.locator("a").click()
        page.wait_for_selector("#qs-emr-level")
        assert (
            page.locator("#qs-emr-notation")
            .inner_text()
            .startswith(page.locator("#qs-emr-level").inner_text())
        )
        air = page.locator("#qs-emr-air")
        assert "氯" in air.locator("[data-factor=q]").inner_text()
        assert (
            air.locator("[data-factor=m]").is_visible()
            and air.locator("[data-factor=e]").is_visible()
        )
        assert "液氯库" not in page.locator("#qs-emr-water [data-factor=e]").inner_text()
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 390, wide
        assert page.qs_errors == []
    finally:
        page.context.close()
