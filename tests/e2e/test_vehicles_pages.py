"""机动车排气 in Debian's Chromium (issue #21): a city officer opens 机动车排气 from the top
menu, sees the overview of the city, goes to the station ranking, opens the most flagged
station (its flagged check open with the evidence), and from a recent test reaches the
vehicle's history with the limits of each measured item.

Seed: a synthetic fleet of 3,000 vehicles, 14 stations and a year of tests with the demo's
planted station-fraud patterns (qingshan.sim.demo_vehicles)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.cases.models import CaseSource
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_vehicles import seed_demo_rs_obd, seed_demo_vehicles
from qingshan.timeutil import utcnow
from qingshan.vehicles.jobs import run_screening
from qingshan.vehicles.store import VehicleStore

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-vehicles-pass"


@pytest.fixture(scope="module")
def vehicles_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("vehicles")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "hangzhou", PASSWORD, Role.CITY, "330100")
        create_user(s, "province", PASSWORD, Role.PROVINCE, "330000")
    store = VehicleStore.in_data_dir(data_dir)
    now = utcnow() - timedelta(days=1)
    seed_demo_vehicles(engine, store, now=now, n_vehicles=3000, n_stations=14, n_machines=5)
    seed_demo_rs_obd(store, now=now, scale="small")
    with session_scope(engine) as s:  # the daily screening: high emitters and OBD trucks → cases
        run_screening(s, CASES_SINK, store, now=utcnow())
        key, case_id = s.execute(
            select(CaseSource.group_key, CaseSource.case_id)
            .where(CaseSource.group_key.like("vehicles:rs:%")).order_by(CaseSource.case_id).limit(1)
        ).one()  # fmt: skip
    plate = key.split(":")[2]
    vin = str(
        store.query("SELECT vin FROM vehicles WHERE plate = ?", params=[plate])["vin"].iloc[0]
    )
    engine.dispose()
    with running_server(data_dir) as url:
        yield url, vin, case_id


def test_overview_station_vehicle(browser, vehicles_site):
    url = vehicles_site[0]
    page = new_page(browser, 1400, 1000)
    login_as(page, url, ("hangzhou", PASSWORD))
    page.goto(f"{url}/vehicles")
    assert page.locator("#qs-vh-fleet tbody tr").count() >= 1
    assert all(r.startswith("3301") for r in page.locator("#qs-vh-fleet tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.region)"))  # fmt: skip
    assert page.locator("#qs-vh-months tbody tr").count() == 12
    trend = page.evaluate("window.qsVhTrend.getOption().series[1].data.length")  # the chart drew
    assert trend == 12
    assert page.locator("#qs-vh-fail").inner_text().endswith("%")
    with page.expect_navigation():
        page.locator(".qs-vh-nav a[href='/vehicles/stations']").click()
    first = page.locator("#qs-vh-ranking tbody tr").first
    code, n_flagged = first.get_attribute("data-station"), int(first.get_attribute("data-flagged"))
    assert (
        code.startswith("IM3301") and n_flagged >= 1
    )  # the demo plants fraud at Hangzhou's stations
    with page.expect_navigation():
        first.locator("a").first.click()
    assert page.locator("#qs-vehicles-station").get_attribute("data-station") == code
    flagged = page.locator("details.qs-vh-check[data-flagged='true']")
    assert flagged.count() == n_flagged and flagged.first.locator("tbody tr").count() >= 1
    assert page.locator("#qs-vh-peers tbody tr").count() >= 1
    with page.expect_navigation():
        page.locator("#qs-vh-recent tbody tr a").first.click()
    assert page.locator("#qs-vh-identity").is_visible()
    test = page.locator("section.qs-vh-check").first
    assert test.locator("tbody tr").count() >= 1 and "GB " in test.inner_text()
    assert page.qs_errors == []
    page.context.close()


def test_station_map_and_a_vehicle_s_case(browser, vehicles_site):
    """The ranking's map draws the city's stations and a click on one opens its page; a high
    emitter the screening opened a case for lists it on its page, linking to the case."""
    url, vin, case_id = vehicles_site
    page = new_page(browser, 1400, 1000)
    login_as(page, url, ("hangzhou", PASSWORD))
    page.goto(f"{url}/vehicles/stations")
    n = page.locator("#qs-vh-ranking tbody tr").count()
    page.wait_for_selector(f"#qs-vh-station-map[data-stations='{n}'] canvas")
    drawn = page.evaluate("window.qsVhStationMap.getOption().series[0].data.length")
    assert drawn == n >= 1
    code, x, y = page.evaluate("""() => {
      const c = window.qsVhStationMap, d = c.getOption().series[0].data.at(-1);
      const [x, y] = c.convertToPixel({geoIndex: 0}, [d.value[0], d.value[1]]);
      return [d.station.station_code, x, y]; }""")
    box = page.locator("#qs-vh-station-map").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)
    assert page.locator("#qs-vehicles-station").get_attribute("data-station") == code
    login_as(page, url, ("province", PASSWORD))
    page.goto(f"{url}/vehicles/v/{vin}")
    row = page.locator(f"#qs-vh-cases tr[data-case='{case_id}']")
    assert row.count() == 1 and row.locator(".qs-state").inner_text() == "待交办"
    with page.expect_navigation():
        row.locator("a").first.click()
    assert page.url.endswith(f"/cases/{case_id}")
    assert page.qs_errors == []
    page.context.close()
