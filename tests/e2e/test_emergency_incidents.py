"""突发环境事件 in Debian's Chromium (issue #22): the county officer reports an incident on the
form, advances it to verified and responding with the stage buttons, gives an order, marks it
done, walks it to closed and downloads the Word report; the timeline shows each step, the map
draws at 390 px wide, no console error."""

from __future__ import annotations

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

USER = ("xihu", "e2e-incidents-pass")


@pytest.fixture(scope="module")
def incidents_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("incidents")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, USER[0], USER[1], Role.COUNTY, "330106")
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def test_report_to_closure_and_report(browser, incidents_site):
    url = incidents_site
    page = new_page(browser, 390, 844, accept_downloads=True)
    try:
        login_as(page, url, USER)
        page.goto(f"{url}/emergency")
        assert page.locator("#qs-emi-empty").is_visible()
        page.click("#qs-emi-new")
        page.fill("input[name=title]", "印染厂废水泄漏入河")
        page.fill("input[name=occurred_at]", "2026-06-03T10:05")
        page.select_option("select[name=region_code]", "330106")
        page.fill("input[name=longitude]", "120.12")
        page.fill("input[name=latitude]", "30.25")
        page.fill("input[name=fact_evacuated]", "120")
        page.click("#qs-emi-submit")
        page.wait_for_selector("#qs-emi-done")
        assert page.get_attribute("#qs-emi-incident", "data-stage") == "reported"
        for stage in ("verified", "responding"):
            page.click(f"#qs-emi-to-{stage}")
            page.wait_for_selector(f"#qs-emi-incident[data-stage={stage}]")
        page.fill("#qs-emi-order-form input[name=to_whom]", "区应急监测站")
        page.fill("#qs-emi-order-form textarea[name=content]", "下游布点采样")
        page.click("#qs-emi-order-submit")
        page.wait_for_selector("li[data-kind=order]")
        page.click("li[data-kind=order] button")
        page.wait_for_selector("li[data-kind=done]")
        for stage in ("recovering", "closed"):
            page.click(f"#qs-emi-to-{stage}")
            page.wait_for_selector(f"#qs-emi-incident[data-stage={stage}]")
        kinds = page.locator(".qs-emi-timeline li").evaluate_all(
            "els => els.map(e => e.dataset.kind)"
        )
        assert kinds.count("stage") == 4 and "order" in kinds and "done" in kinds
        page.wait_for_function(
            "() => window.qsEmiMap && window.qsEmiMap.getOption().series.length === 3"
        )
        with page.expect_download() as info:
            page.click("#qs-emi-report")
        assert info.value.suggested_filename.endswith("-report.docx")
        assert page.qs_errors == []
    finally:
        page.context.close()
