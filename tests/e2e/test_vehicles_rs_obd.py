"""机动车遥感监测 and 重型柴油车远程排放监控 in Debian's Chromium (issue #21): a city officer goes
from the vehicles tabs to the remote-sensing page (the city's two sites drawn on the map, the site
table, a high emitter's plate leading to its vehicle page) and to the OBD page (the NOx histogram
drawn, the planted SCR-failure trucks listed).

Seed: a synthetic fleet of 6,000 vehicles and the demo's remote sensing and OBD at small scale
(qingshan.sim.demo_vehicles)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_vehicles import seed_demo_rs_obd, seed_demo_vehicles
from qingshan.timeutil import utcnow
from qingshan.vehicles.store import VehicleStore

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-vehicles-pass"


@pytest.fixture(scope="module")
def rs_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("vehicles_rs")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "province", PASSWORD, Role.PROVINCE, "330000")
    store = VehicleStore.in_data_dir(data_dir)
    now = utcnow() - timedelta(hours=2)
    seed_demo_vehicles(engine, store, now=now, n_vehicles=6000, n_stations=14, n_machines=5)
    seed_demo_rs_obd(store, now=now, scale="small")
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def test_rs_and_obd_pages(browser, rs_site):
    url = rs_site
    page = new_page(browser, 1400, 1000)
    login_as(page, url, ("province", PASSWORD))
    page.goto(f"{url}/vehicles")
    with page.expect_navigation():
        page.locator(".qs-vh-nav a[href='/vehicles/rs']").click()
    page.wait_for_selector("#qs-rs-map[data-sites='10'] canvas")
    assert page.locator("#qs-rs-sites tbody tr").count() == 10
    assert page.locator("#qs-rs-rate").inner_text().endswith("%")
    link = page.locator("#qs-rs-emitters tbody tr a").first
    plate = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert "/vehicles/v/" in page.url and plate in page.content()
    page.goto(f"{url}/vehicles/obd")
    page.wait_for_selector("#qs-obd-hist[data-bins] canvas")
    assert page.locator("#qs-obd-scr tbody tr[data-vin]").count() >= 3
    assert page.locator("#qs-obd-gaps tbody tr[data-vin]").count() >= 3
