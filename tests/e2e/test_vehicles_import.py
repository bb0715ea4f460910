"""机动车数据导入 in Debian's Chromium (issue #21): a city officer opens the 数据导入 tab, uploads a
vehicles CSV with one wrong VIN (the page answers with the problem table naming the row and the
field, nothing stored), then the corrected file as .xlsx (the summary says what was stored) and
opens the new vehicle's page by its plate in the overview's search box.

Seed: a synthetic fleet of 1,000 vehicles (qingshan.sim.demo_vehicles)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_vehicles import seed_demo_vehicles
from qingshan.tablefile import write_csv, write_workbook
from qingshan.timeutil import utcnow
from qingshan.vehicles.identity import vin_check_digit
from qingshan.vehicles.store import VehicleStore

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-vehicles-import"
HEAD = [
    "车辆识别代号",
    "号牌号码",
    "号牌种类",
    "燃料种类",
    "车辆类别",
    "注册登记日期",
    "行政区划代码",
    "所有人类型",
]


def _vin(serial: int) -> str:
    base = f"LZZ1AB2C0RK{serial:06d}"
    return base[:8] + vin_check_digit(base) + base[9:]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("vehicles_import")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "hz", PASSWORD, Role.CITY, "330100")
    store = VehicleStore.in_data_dir(data_dir)
    seed_demo_vehicles(engine, store, now=utcnow() - timedelta(hours=2), n_vehicles=1000,
                       n_stations=14, n_machines=5)  # fmt: skip
    engine.dispose()
    with running_server(data_dir) as url:
        yield url, store


def test_import_a_file_fix_it_and_find_the_vehicle(browser, site, tmp_path):
    url, store = site
    n = len(store.read_vehicles())
    good = [_vin(94001), "浙A94001", "小型汽车", "汽油", "轻型载客", "2022-01-10", "330106", "个人"]
    wrong = [good[0][:8] + ("1" if good[0][8] == "0" else "0") + good[0][9:], *good[1:]]
    bad_file, good_file = tmp_path / "车辆.csv", tmp_path / "车辆.xlsx"
    bad_file.write_bytes(write_csv(HEAD, [wrong]))
    good_file.write_bytes(write_workbook({"车辆": (HEAD, [good])}))
    page = new_page(browser, 1300, 900)
    login_as(page, url, ("hz", PASSWORD))
    page.goto(f"{url}/vehicles")
    with page.expect_navigation():
        page.locator(".qs-vh-nav a[href='/vehicles/import']").click()
    page.locator("#qs-vh-import-form-vehicles input[type=file]").set_input_files(str(bad_file))
    with page.expect_navigation():
        page.locator("#qs-vh-import-form-vehicles button[type=submit]").click()
    row = page.locator("#qs-vh-import-problems tbody tr")
    assert row.count() == 1 and row.get_attribute("data-row") == "2"
    assert "车辆识别代号" in row.inner_text() and "position 9" in row.inner_text()
    assert len(store.read_vehicles()) == n
    page.locator("#qs-vh-import-form-vehicles input[type=file]").set_input_files(str(good_file))
    with page.expect_navigation():
        page.locator("#qs-vh-import-form-vehicles button[type=submit]").click()
    assert page.locator("#qs-vh-import-result").get_attribute("data-rows") == "1"
    assert len(store.read_vehicles()) == n + 1
    page.goto(f"{url}/vehicles?q=浙A94001")
    assert f"/vehicles/v/{good[0]}" in page.url and "浙A94001" in page.content()
