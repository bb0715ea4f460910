"""电子围栏 in Debian's Chromium (issue #20): a county officer sees the section's and the source's
fences on the map and their alerts, acknowledges one (the row then names who and when, the
"unacknowledged" filter drops it), and the section's page shows its 电子围栏告警 panel.

Seed: section WS001 at (120.10, 30.25) with the default 1,000 m fence, source DW001 fenced by
its 一级 zone W1 [120.40, 120.45] × [30.20, 30.25]; outlet OUT1 300 m north of the section,
OUT2 inside W1 (which opens a case). The fences and alerts come from the service before the
server starts (the ``zones-fences`` job's own two steps)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from pyproj import Geod

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.platform.zones_fences_links import FENCE_EVENTS, FENCE_SITES
from qingshan.zones import fences_service, service
from qingshan.zones.layers import LayerKind

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-fences-pass"
SECTION = (120.10, 30.25)
NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # in the past: a case may not occur in the future
W1 = {"type": "Feature", "properties": {"code": "SY-DW001-1", "name": "DW001 一级保护区", "level": "一级",
                                        "site_code": "DW001"},
      "geometry": {"type": "Polygon", "coordinates": [[[120.40, 30.20], [120.45, 30.20], [120.45, 30.25],
                                                       [120.40, 30.25], [120.40, 30.20]]]}}  # fmt: skip


@pytest.fixture(scope="module")
def fences_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("fences")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    o1 = Geod(ellps="GRS80").fwd(*SECTION, 0, 300)[:2]
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "xihu", PASSWORD, Role.COUNTY, "330106")
        province = Scope("330000", Role.PROVINCE, username="province")
        meta = service.LayerMeta(LayerKind.WATER_SOURCE, "饮用水水源保护区", "2024", "330100",
                                 date(2024, 1, 1), synthetic=True)  # fmt: skip
        body = json.dumps({"type": "FeatureCollection", "features": [W1]}).encode()
        service.import_layer(s, province, meta, body, "dw.geojson", actor="province", now=NOW)
        s.add(Site(code="WS001", name="闸口断面", kind=SiteKind.WATER_SECTION,
                   control_level=ControlLevel.PROVINCIAL, region_code="330106",
                   longitude=SECTION[0], latitude=SECTION[1],
                   attrs={"water_body": "river", "target_class": "III"}))  # fmt: skip
        s.add(Site(code="DW001", name="西湖水源地", kind=SiteKind.DRINKING_WATER_SOURCE,
                   control_level=ControlLevel.PROVINCIAL, region_code="330106",
                   longitude=120.425, latitude=30.225, attrs={"water_body": "river"}))  # fmt: skip
        for n, (lon, lat) in enumerate((o1, (120.42, 30.22)), 1):
            e = Enterprise(credit_code=f"91330106MA2E2EF{n:02d}A", name=f"围栏企业{n}",
                           industry=Industry.CHEMICAL, region_code="330106")  # fmt: skip
            s.add(e)
            s.flush()
            s.add(Site(code=f"OUT{n}", name="废水总排口", kind=SiteKind.WATER_OUTLET,
                       control_level=ControlLevel.ENTERPRISE, region_code="330106",
                       enterprise_id=e.id, longitude=lon, latitude=lat, attrs={}))  # fmt: skip
        s.flush()
        fences_service.sync_fences(s, FENCE_SITES, actor="scheduler", now=NOW)
        run = fences_service.check_events(s, FENCE_EVENTS, now=NOW, sink=CASES_SINK)
        assert (run.new_alerts, run.cases) == (2, 1)
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def test_an_officer_sees_the_fences_and_acknowledges_an_alert(browser, fences_site):
    url = fences_site
    page = new_page(browser, 1400, 1000)
    login_as(page, url, ("xihu", PASSWORD))
    page.goto(f"{url}/zones/fences")
    assert page.locator(".qs-zn-nav a[href='/zones/fences']").inner_text() == "电子围栏"
    page.wait_for_selector("#qs-zf-map[data-ready='1']")
    assert page.locator("#qs-zf-map").get_attribute("data-fences") == "2"
    rows = page.locator("#qs-zf-alerts tbody tr")
    assert rows.count() == 2

    def kpi(key: str) -> str:
        return page.locator(f"#qs-zf-summary [data-key='{key}'] .qs-zf-kpi-n").inner_text()

    assert (kpi("fences"), kpi("alerts"), kpi("open")) == ("2", "2", "2")
    near = page.locator("#qs-zf-alerts tr", has_text="OUT1")
    assert "闸口断面" in near.inner_text() and "300" in near.inner_text()
    source = page.locator("#qs-zf-alerts tr", has_text="OUT2")
    assert (
        source.locator("a[href^='/cases/']").count() == 1
    )  # the outlet in the source opened a case

    with page.expect_navigation():
        near.locator("button.qs-zf-ack").click()
    near = page.locator("#qs-zf-alerts tr", has_text="OUT1")
    assert "xihu 已确认" in near.inner_text() and near.locator("button").count() == 0
    assert (kpi("alerts"), kpi("open")) == ("2", "1")  # the summary counts every alert
    page.locator("#qs-zf-filter input[name='unack']").check()
    with page.expect_navigation():
        page.locator("#qs-zf-filter button").click()
    assert page.locator("#qs-zf-alerts tbody tr").count() == 1
    assert "OUT2" in page.locator("#qs-zf-alerts tbody tr").inner_text()
    assert page.qs_errors == []

    page.goto(f"{url}/water/sections/WS001")
    page.wait_for_selector("#qs-zf-panel[data-count]")
    assert page.locator("#qs-zf-panel").get_attribute("data-count") == "1"
    assert "围栏企业1" in page.locator("#qs-zf-panel li").inner_text()
    page.context.close()
