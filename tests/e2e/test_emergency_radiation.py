"""辐射安全 in Debian's Chromium (issue #22, area radiation), at 390 px wide: the county officer
opens the overview and sees the mobile source's fence alert (in the alerts table with its case,
and pulsing on the map beside the fence), then the register with the activity decayed to today
(an Ir-192 source a half-life after its reference date shows about half of it); no console
error, nothing wider than the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.emergency.radiation import service as svc
from qingshan.emergency.radiation.nuclides import nuclide
from qingshan.emergency.radiation.register import SourceInput
from qingshan.geo.regions import seed_regions
from qingshan.timeutil import CST, utcnow

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

USER = ("xihu", "e2e-radiation-pass")
FENCE = {"type": "Polygon", "coordinates": [[[120.10, 30.25], [120.14, 30.25], [120.14, 30.29],
                                             [120.10, 30.29], [120.10, 30.25]]]}  # fmt: skip


@pytest.fixture(scope="module")
def radiation_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("radiation")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    xihu = Scope("330106", Role.COUNTY, username="xihu")
    now = utcnow()
    today = now.astimezone(CST).date()
    half = round(nuclide("Ir-192").half_life_d)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, USER[0], USER[1], Role.COUNTY, "330106")
        svc.register_source(s, xihu, SourceInput("IR-E2E", "Ir-192", 3.0e12, today - timedelta(days=half), "330106",
                                                 status="mobile", lon=120.12, lat=30.27), actor="t", now=now, fence=FENCE)  # fmt: skip
        t0 = now - timedelta(minutes=30)
        rows = [{"source": "IR-E2E", "time": t0 + timedelta(minutes=5 * i), "lon": lon, "lat": 30.27, "dose_usv_h": 1.0}
                for i, lon in enumerate([120.12, 120.13, 120.17, 120.18])]  # fmt: skip
        svc.add_positions(s, xihu, rows, origin="api", now=now)
        svc.check_positions(s, CASES_SINK, now=now)
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def test_overview_alert_and_register_decay(browser, radiation_site):
    url = radiation_site
    page = new_page(browser, 390, 844)
    try:
        login_as(page, url, USER)
        page.goto(f"{url}/emergency/radiation")
        row = page.locator("#qs-emrad-alerts tbody tr[data-source='IR-E2E']")
        assert row.get_attribute("data-kind") == "fence"
        assert row.locator("a[href^='/cases/']").count() == 1
        assert page.locator("#qs-emrad-open-alerts").inner_text() == "1"
        page.wait_for_selector("#qs-emrad-map[data-alerts='1']")
        assert page.locator("#qs-emrad-map").get_attribute("data-fences") == "1"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.goto(f"{url}/emergency/radiation/sources")
        tr = page.locator("#qs-emrad-register tbody tr[data-code='IR-E2E']")
        share = float(tr.get_attribute("data-activity")) / 3.0e12
        assert 0.49 < share < 0.51, share  # one half-life after its reference date
        assert "TBq" in tr.locator(".qs-emrad-decayed").inner_text()
        assert page.qs_errors == []
    finally:
        page.context.close()
