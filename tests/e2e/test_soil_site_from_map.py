"""A contaminated site's file opened from the soil overview map, in Debian's Chromium (issue #24,
done-when): a city officer (杭州) opens /soil, clicks a site's point on the county map, and the
site's file opens with its samples and their GB 36600-2018 levels (the table and the sample
points on the site's own map); at 390 px and at 1600 px wide, with no console error and
nothing wider than the screen. The data are the demo's sites (seeded, synthetic)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_soil_sites import seed_demo_soil_sites

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

USER = ("hangzhou", "e2e-soil-pass")
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def soil_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("soil")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, USER[0], USER[1], Role.CITY, "330100")
    seed_demo_soil_sites(engine, now=NOW)
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def _loneliest(sites: list[dict]) -> dict:
    """The site farthest from every other (its point is not hidden under another's)."""

    def gap(a: dict) -> float:
        return min(math.hypot(a["lon"] - b["lon"], a["lat"] - b["lat"])
                   for b in sites if b is not a)  # fmt: skip

    return max(sites, key=gap)


@pytest.mark.parametrize("width,height", [(390, 844), (1600, 1000)])
def test_a_site_file_opens_from_the_overview_map(browser, soil_site, width, height):
    url = soil_site
    page = new_page(browser, width, height)
    try:
        login_as(page, url, USER)
        page.goto(f"{url}/soil")
        page.wait_for_selector("#qs-soils-map[data-ready='1']")
        sites = page.evaluate(
            "() => JSON.parse(document.getElementById('qs-config').textContent).sites"
        )
        assert len(sites) >= 5 and all(s["code"].startswith("ZJ3301") for s in sites)
        assert page.inner_text("#qs-soils-rate").strip() != "—"
        target = _loneliest(sites)
        page.locator("#qs-soils-map").scroll_into_view_if_needed()
        x, y = page.evaluate("p => window.qsSoilsMap.convertToPixel({geoIndex: 0}, p)",
                             [target["lon"], target["lat"]])  # fmt: skip
        box = page.locator("#qs-soils-map").bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_url(f"**/soil/sites/{target['id']}")
        assert target["name"] in page.inner_text("h1")
        rows = page.locator("#qs-soils-samples tbody tr")
        assert rows.count() >= 4
        levels = {rows.nth(i).get_attribute("data-level") for i in range(rows.count())}
        assert levels <= {"within_screening", "over_screening", "over_intervention"}
        assert page.locator("#qs-soils-samples .qs-soils-level").first.inner_text() in (
            "不超筛选值", "超筛选值", "超管制值")  # fmt: skip
        page.wait_for_selector("#qs-soils-sitemap[data-ready='1']")
        assert page.get_attribute("#qs-soils-sitemap", "data-samples") == str(rows.count())
        assert page.locator("#qs-soils-timeline li").count() >= 1
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= width, wide
        assert page.qs_errors == []
    finally:
        page.context.close()
