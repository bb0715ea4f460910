"""生态状况 in Debian's Chromium (issue #25, done-when): a province officer opens /ecology, the EI
map draws every county coloured by its HJ 192-2015 grade, the switch recolours it by the change
class between 2015 and 2020 (the legend follows), and a click on a county opens its page. At
390 px the page does not scroll sideways. No console error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_ecology import seed_demo_ecology

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

USER = ("zj", "e2e-ecology-pass")
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
# the colours a county takes, by mode, read from the series' data
COLOURS = "() => window.qsEcology.chart.getOption().series[0].data.map(d => [d.name, d.cls, d.itemStyle.areaColor])"


@pytest.fixture(scope="module")
def ecology_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("ecology")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, USER[0], USER[1], Role.PROVINCE, "330000")
    seed_demo_ecology(engine, now=NOW)
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def test_ei_map_by_grade_then_change_then_a_county(browser, ecology_site):
    url = ecology_site
    page = new_page(browser, 1440, 900)
    try:
        login_as(page, url, USER)
        page.goto(f"{url}/ecology")
        page.wait_for_selector("#qs-eco-map[data-drawn='90']")
        config = page.evaluate("() => JSON.parse(document.getElementById('qs-config').textContent)")
        grade_colour = {g["key"]: g["colour"] for g in config["grades"]}
        change_colour = {g["key"]: g["colour"] for g in config["changes"]}
        by_code = {c["code"]: c for c in config["counties"]}

        drawn = page.evaluate(COLOURS)
        assert len(drawn) == 90
        for code, cls, colour in drawn:  # every county in its grade's colour
            assert cls == by_code[code]["grade"] and colour == grade_colour[cls], code
        assert len({cls for _, cls, _ in drawn}) >= 3  # 优, 良 and 一般 at least
        assert page.locator("#qs-eco-legend-grade").is_visible()
        assert not page.locator("#qs-eco-legend-change").is_visible()

        page.click("#qs-eco-mode-change")
        page.wait_for_selector("#qs-eco-map[data-mode='change']")
        drawn = page.evaluate(COLOURS)
        for code, cls, colour in drawn:  # now in its change class's colour
            assert cls == by_code[code]["change"] and colour == change_colour[cls], code
        assert len({cls for _, cls, _ in drawn}) >= 4
        assert page.locator("#qs-eco-legend-change").is_visible()
        assert "略微变好" in page.locator("#qs-eco-legend-change").inner_text()
        assert page.get_attribute("#qs-eco-mode-change", "aria-pressed") == "true"

        # a click on 庆元县 (its centre on the map) opens its page
        centre = page.evaluate("""async () => {
            const geo = await (await fetch('/api/v1/geo/zhejiang-counties.geojson')).json();
            const f = geo.features.find(f => f.properties.code === '331126');
            return window.qsEcology.chart.convertToPixel({seriesIndex: 0}, f.properties.center);
        }""")
        box = page.locator("#qs-eco-map").bounding_box()
        with page.expect_navigation():
            page.mouse.click(box["x"] + centre[0], box["y"] + centre[1])
        assert page.url.endswith("/ecology/counties/331126")
        assert "庆元县" in page.locator("h1").inner_text()
        assert page.locator(".qs-eco-year").count() == 2
        assert page.qs_errors == []

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{url}/ecology")
        page.wait_for_selector("#qs-eco-map[data-drawn='90']")
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 390, wide
        assert page.qs_errors == []
    finally:
        page.context.close()
