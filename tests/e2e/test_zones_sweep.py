"""企业空间排查 in Debian's Chromium (issue #20): a county officer opens the tab from the zones
bar and sees the enterprises of the county inside a red line (one on its edge) and a 一级 zone,
each with its feature, layer and clause, the synthetic note, and the link to the cases; a city
officer of another city sees none of them.

Seed: the hand-drawn red line R1 and 一级 zone W1 of tests/zones/cases.py (layers marked
synthetic), four enterprises of 西湖 — in R1, on R1's west edge, in W1, one outside both."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.zones import service
from qingshan.zones.layers import LayerKind

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-sweep-pass"


def _square(x0: float, y0: float, x1: float, y1: float, **props) -> dict:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": props,
    }


def fc(features: list[dict]) -> bytes:
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode()


#: as tests/zones/cases.py: red line R1 and 一级 zone W1 of source DW001
R1 = _square(120.20, 30.20, 120.30, 30.30, code="HX-330106-01", name="西湖群山水源涵养生态保护红线")
W1 = _square(120.40, 30.20, 120.45, 30.25, code="SY-DW001-1", name="DW001 一级保护区", level="一级",
             site_code="DW001")  # fmt: skip
NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
PLACES = {"红线内化工厂": (120.25, 30.25), "红线边界厂": (120.20, 30.22), "一级区内厂": (120.42, 30.22),
          "区外厂": (120.60, 30.30)}  # fmt: skip


@pytest.fixture(scope="module")
def sweep_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("sweep")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "xihu", PASSWORD, Role.COUNTY, "330106")
        create_user(s, "ningbo", PASSWORD, Role.CITY, "330200")
        s.add(Site(code="DW001", name="西湖水源地", kind=SiteKind.DRINKING_WATER_SOURCE,
                   control_level=ControlLevel.PROVINCIAL, region_code="330106",
                   longitude=120.425, latitude=30.225))  # fmt: skip
        province = Scope("330000", Role.PROVINCE, username="province")
        for kind, name, f in ((LayerKind.RED_LINE, "生态保护红线（演示）", R1),
                              (LayerKind.WATER_SOURCE, "饮用水水源保护区（演示）", W1)):  # fmt: skip
            meta = service.LayerMeta(kind, name, "2024", "330000", date(2024, 1, 1), synthetic=True)
            service.import_layer(s, province, meta, fc([f]), "l.geojson", actor="province", now=NOW)
        for n, (name, (lon, lat)) in enumerate(PLACES.items(), 1):
            s.add(Enterprise(credit_code=f"91330106MA2E2ES{n:02d}A", name=name, industry=Industry.CHEMICAL,
                             industry_code="2614", region_code="330106", longitude=lon, latitude=lat))  # fmt: skip
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def test_an_officer_sees_the_enterprises_inside_protected_areas(browser, sweep_site):
    url = sweep_site
    page = new_page(browser, 1400, 1000)
    login_as(page, url, ("xihu", PASSWORD))
    page.goto(f"{url}/zones/layers")
    tab = page.locator(".qs-zn-nav a[href='/zones/sweep']")
    assert tab.inner_text() == "企业排查"
    with page.expect_navigation():
        tab.click()
    assert page.locator(".qs-zn-nav a[href='/zones/sweep']").get_attribute("aria-current") == "page"
    rows = page.locator("#qs-zs-hits tbody tr")
    assert [rows.nth(i).get_attribute("data-feature") for i in range(rows.count())] == [
        "HX-330106-01", "HX-330106-01", "SY-DW001-1"]  # fmt: skip
    first = rows.nth(0).inner_text()
    assert "红线内化工厂" in first and "生态保护红线" in first and "二(一)" in first
    assert "一级区内厂" in rows.nth(2).inner_text() and "第六十五条" in rows.nth(2).inner_text()
    assert "区外厂" not in page.locator("#qs-zs-hits").inner_text()
    assert (
        page.locator("#qs-zs-summary")
        .inner_text()
        .endswith("3 家企业位于红线或一级保护区内（3 处）。")
    )
    assert page.locator("#qs-zs-synthetic").count() == 1
    assert page.locator("#qs-zs-cases a").get_attribute("href") == "/cases?source=big_data"
    assert page.qs_errors == []
    page.context.close()

    page = new_page(browser, 1200, 900)
    login_as(page, url, ("ningbo", PASSWORD))
    page.goto(f"{url}/zones/sweep")
    assert page.locator("#qs-zs-none").is_visible() and page.locator("#qs-zs-hits").count() == 0
    page.context.close()
