"""应急资源 in Debian's Chromium (issue #22, area resources), at 390 px wide: a city officer opens
the resources page, the map draws the region's depots and teams, and the nearest query from a
typed point lists depots, teams and experts ranked by their straight-line distance; a click on
the map asks too. No console error, nothing wider than the screen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_emergency_resources import seed_demo_emergency_resources

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

USER = ("hz", "e2e-resources-pass")
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def resources_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("resources")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, USER[0], USER[1], Role.CITY, "330100")
    seed_demo_emergency_resources(engine, now=NOW)
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def test_map_draws_depots_and_the_nearest_query_ranks(browser, resources_site):
    url = resources_site
    page = new_page(browser, 390, 844)
    try:
        login_as(page, url, USER)
        page.goto(f"{url}/emergency/resources")
        page.wait_for_selector("#qs-emres-map[data-depots]")
        n = int(page.locator("#qs-emres-map").get_attribute("data-depots"))
        assert n == int(page.locator("#qs-emres-n-depots").inner_text()) and n >= 3
        drawn = page.evaluate("() => window.qsEmresMap.getOption().series[0].data.length")
        assert drawn == n

        page.fill("#qs-emres-lon", "120.16")
        page.fill("#qs-emres-lat", "30.27")
        page.click("#qs-emres-near-form button[type=submit]")
        page.wait_for_selector("#qs-emres-near[data-done]")
        km = [float(x) for x in page.locator("#qs-emres-near li[data-kind=depot]").evaluate_all(
            "els => els.map(e => e.dataset.km)")]  # fmt: skip
        assert len(km) == min(5, n) and km == sorted(km)  # k = 5 by default
        assert page.locator("#qs-emres-near li[data-kind=team]").count() > 0
        assert page.locator("#qs-emres-near li[data-kind=expert]").count() > 0
        assert "直线" in page.locator("#qs-emres-near").inner_text()

        # a click on the map (off the points) puts that point in the form and asks again
        page.evaluate("() => document.getElementById('qs-emres-near').removeAttribute('data-done')")
        box = page.locator("#qs-emres-map").bounding_box()
        page.mouse.click(box["x"] + 8, box["y"] + box["height"] - 8)
        page.wait_for_selector("#qs-emres-near[data-done]")
        assert page.locator("#qs-emres-lon").input_value() != "120.16"

        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 390, wide
        assert page.qs_errors == []
    finally:
        page.context.close()
