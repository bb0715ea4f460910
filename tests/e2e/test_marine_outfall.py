"""近岸海域 in Debian's Chromium (issue #25, done-when): at 390 px wide the Wenzhou officer
opens /marine, sees the sea station coloured by its GB 3097-1997 class and the outfalls on the
map, clicks the exceeding outfall on the map and lands on its file, which shows the sources
traced through the archive — the responsible enterprise and the one connected to it, each
linking its enterprise file; no console error, nothing wider than the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.marine.coastal import service as coastal
from qingshan.marine.outfalls import service as svc
from qingshan.marine.outfalls.register import OutfallInput
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

USER = ("wz-marine", "e2e-marine-pass")
OUTFALL = (120.76, 27.99)


@pytest.fixture(scope="module")
def marine_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("marine")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    wz = Scope("330300", Role.CITY, username="wz-marine")
    now = utcnow()
    today = now.astimezone(CST).date()
    store = ObservationStore(data_dir / "observations")
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, USER[0], USER[1], Role.CITY, "330300")
        a = Enterprise(credit_code="91330300MA2E2EM001", name="温州滨海化工有限公司",
                       industry=Industry.CHEMICAL, region_code="330303")  # fmt: skip
        b = Enterprise(credit_code="91330300MA2E2EM002", name="温州纳管印染有限公司",
                       industry=Industry.DYEING, region_code="330303")  # fmt: skip
        s.add_all([a, b])
        s.flush()
        st = coastal.ensure_station(
            s, "SEA-E2E", "温州近岸E2E", 121.05, 27.70, area_km2=200.0, sea_area="温州近岸"
        )
        coastal.write_samples(
            s, store, [(st, today - timedelta(days=2), {"DIN": 0.55, "PO4_P": 0.02})], source="e2e"
        )
        o = svc.register_outfall(s, wz, OutfallInput("RHPK-E2E", "龙湾工业排污口", "industrial", *OUTFALL, "温州近岸",
                                                      responsible_enterprise_id=a.id,
                                                      connected_enterprise_ids=(b.id,)),
                                 actor="e2e", now=now)  # fmt: skip
        svc.add_outfall_samples(s, store, [(o, today - timedelta(days=1), {"w21003": 25.0})], source="e2e",
                                sink=CASES_SINK, now=now)  # fmt: skip
        ids = (o.id, a.id, b.id)
    store.close()
    engine.dispose()
    with running_server(data_dir) as url:
        yield url, ids


def test_outfall_file_from_the_map(browser, marine_site):
    url, (outfall_id, ent_a, ent_b) = marine_site
    page = new_page(browser, 390, 844)
    try:
        login_as(page, url, USER)
        page.goto(f"{url}/marine")
        page.wait_for_selector("#qs-mar-map[data-ready='1']")
        assert page.locator("#qs-mar-map").get_attribute("data-outfalls") == "1"
        assert (
            page.locator("#qs-mar-stations tr[data-code='SEA-E2E']").get_attribute("data-class")
            == "劣IV"
        )
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        # the outfall's triangle (the exceeding series) where the map draws it
        x, y = page.evaluate(
            "([lon, lat]) => window.qsMarMap.convertToPixel({seriesId: 'exceeding'}, [lon, lat])",
            list(OUTFALL),
        )
        box = page.locator("#qs-mar-map").bounding_box()
        with page.expect_navigation():
            page.mouse.click(box["x"] + x, box["y"] + y)
        assert page.url.endswith(f"/marine/outfalls/{outfall_id}")
        rows = page.locator("#qs-mar-sources tbody tr")
        assert rows.count() == 2
        assert (
            page.locator(
                f"#qs-mar-sources tr[data-relation='responsible'] a[href='/enterprises/{ent_a}']"
            ).inner_text()
            == "温州滨海化工有限公司"
        )
        assert (
            page.locator(
                f"#qs-mar-sources tr[data-relation='connected'] a[href='/enterprises/{ent_b}']"
            ).count()
            == 1
        )
        assert page.locator("#qs-mar-exceeding").count() == 1
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        assert page.qs_errors == []
    finally:
        page.context.close()
