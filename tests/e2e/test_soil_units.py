"""Key soil-supervised units in Debian's Chromium (issue #24, area units): the enterprise account
opens its unit from the nav at 390 px, records this year's hidden-danger check through the form
and sees it on its file as done; the county officer sees the unit of the overdue check flagged on
the list. No console error, nothing wider than the screen."""

from __future__ import annotations

from datetime import date

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.soil.units import service
from qingshan.timeutil import as_cst, utcnow

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

ENT = ("su-ent", "e2e-soil-units-pass")
XIHU = ("su-xihu", "e2e-soil-units-pass")


@pytest.fixture(scope="module")
def units_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("soil-units")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    this = as_cst(utcnow()).date().year
    with session_scope(engine) as s:
        seed_regions(s)
        ids = []
        for n, name in enumerate(("西湖电镀厂", "西湖印染厂"), 1):
            e = Enterprise(credit_code=f"91330106MA2SUE2E{n}A", name=name, industry=Industry.CHEMICAL,
                           industry_code="3360", region_code="330106", longitude=120.1,
                           latitude=30.25)  # fmt: skip
            s.add(e)
            s.flush()
            ids.append(e.id)
        create_user(s, XIHU[0], XIHU[1], Role.COUNTY, "330106")
        create_user(s, ENT[0], ENT[1], Role.ENTERPRISE, "330106", enterprise_id=ids[0])
        city = Scope("330100", Role.CITY, username="hz")
        mine = service.list_unit(s, city, ids[0], year=this - 1, reason="电镀", actor="hz")
        other = service.list_unit(s, city, ids[1], year=this - 1, reason="印染", actor="hz")
        # the other unit's check of last year, never done: overdue since 31 December
        service.record_check(s, city, other.id, year=this - 1, due_on=date(this - 1, 12, 31),
                             actor="hz")  # fmt: skip
        unit_id = mine.id
    engine.dispose()
    with running_server(data_dir) as url:
        yield url, unit_id


def test_enterprise_records_a_check_and_officer_sees_overdue(browser, units_site):
    url, unit_id = units_site
    today = as_cst(utcnow()).date()
    page = new_page(browser, 390, 844)
    try:
        login_as(page, url, ENT)
        page.goto(f"{url}/soil/units")
        page.locator(f"#qs-soilu-list a[href='/soil/units/{unit_id}']").click()
        page.wait_for_selector("#qs-soilu-unit")
        page.locator("#check-form summary").click()
        form = page.locator("#check-form form")
        form.locator("select[name=year]").select_option(str(today.year))
        form.locator("input[name=done_on]").fill(today.isoformat())
        form.locator("textarea[name=findings]").fill("储罐区防渗层局部破损")
        form.locator("input[name=item_0]").fill("修复防渗层")
        form.locator("input[name=deadline_0]").fill(today.isoformat())
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#qs-soilu-saved")
        done = page.locator(f"#qs-soilu-checks li[data-year='{today.year}']")
        assert done.get_attribute("data-state") == "done"
        assert "储罐区防渗层局部破损" in done.inner_text()
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 390, wide
        assert page.qs_errors == []
    finally:
        page.context.close()
    page = new_page(browser, 1280, 800)
    try:
        login_as(page, url, XIHU)
        page.goto(f"{url}/soil/units?flag=overdue")
        rows = page.locator("#qs-soilu-list tbody tr")
        assert rows.count() == 1 and rows.first.get_attribute("data-overdue") == "1"
        assert "西湖印染厂" in rows.first.inner_text()
        assert page.locator("#qs-soilu-overdue-count").inner_text() == "1"
        assert page.qs_errors == []
    finally:
        page.context.close()
