"""The groundwater wells page in Debian's Chromium (issue #24): a city officer (杭州) opens
/soil/groundwater, sees the wells counted by GB/T 14848-2017 class and drawn on the map with the
prevention zones, opens a well's file from the list, and its series chart draws the samples;
at 390 px wide, with no console error and nothing wider than the screen. The data are the
demo's wells (seeded, synthetic)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_soil_groundwater import seed_demo_soil_groundwater
from qingshan.timeseries.store import ObservationStore

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

USER = ("hangzhou", "e2e-groundwater-pass")
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def wells_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("groundwater")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, USER[0], USER[1], Role.CITY, "330100")
    seed_demo_soil_groundwater(engine, ObservationStore(data_dir / "observations"), now=NOW)
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def test_wells_by_class_and_a_well_file_with_its_chart(browser, wells_server):
    url, width = wells_server, 390
    page = new_page(browser, width, 844)
    try:
        login_as(page, url, USER)
        page.goto(f"{url}/soil/groundwater")
        page.wait_for_selector("#qs-soilg-map[data-ready='1']")
        counts = {a.get_attribute("data-class"): int(a.locator("b").inner_text())
                  for a in page.locator("#qs-soilg-counts a").all()}  # fmt: skip
        rows = page.locator("#qs-soilg-list tbody tr")
        assert sum(counts.values()) == rows.count() >= 9  # 杭州's wells, every one counted once
        assert sum(n for k, n in counts.items() if k in ("III", "IV", "V")) >= 5
        assert int(page.get_attribute("#qs-soilg-map", "data-wells")) == rows.count()
        assert int(page.get_attribute("#qs-soilg-map", "data-zones")) >= 2  # 西湖, 千岛湖
        first = rows.first
        klass = first.get_attribute("data-class")
        first.locator("a").click()
        page.wait_for_url("**/soil/groundwater/wells/*")
        page.wait_for_selector("#qs-soilg-chart[data-points]")
        assert int(page.get_attribute("#qs-soilg-chart", "data-points")) == 8  # 8 quarters
        assert page.locator("#qs-soilg-history tbody tr").count() == 8
        assert page.locator("#qs-soilg-latest").inner_text().startswith(klass)
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= width, wide
        assert page.qs_errors == []
    finally:
        page.context.close()
