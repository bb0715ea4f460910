"""污水零直排区 in Debian's Chromium (issue #20): one park walked through its acceptance by the
three accounts — 西湖 (county) reports the last task at 100 % with a photo and self-checks, 杭州
(city) reviews, the province accepts — the timeline and state after each step, the list page's
map and its count of parks accepted this year."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.zones import parks_service as svc
from qingshan.zones.parks_service import ParkDraft, TaskDraft

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-parks-pass"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BOUNDARY = {"type": "Polygon", "coordinates": [[[120.05, 30.25], [120.09, 30.25], [120.09, 30.28],
                                                [120.05, 30.28], [120.05, 30.25]]]}  # fmt: skip


@pytest.fixture(scope="module")
def parks_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("parks")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        s.add(Enterprise(credit_code="91330106MA2E2EP01A", name="西湖印染有限公司",
                         industry=Industry.DYEING, region_code="330106", longitude=120.07,
                         latitude=30.26))  # fmt: skip
        for name, role, region in (("province", Role.PROVINCE, "330000"),
                                   ("hangzhou", Role.CITY, "330100"),
                                   ("xihu", Role.COUNTY, "330106")):  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        park = svc.create_park(s, Scope("330106", Role.COUNTY, username="xihu"), ParkDraft(
            code="ZJ-E2E-1", name="西湖印染集聚区", region_code="330106", park_type="cluster",
            level="county", batch_year=2026, boundary=BOUNDARY,
            tasks=[TaskDraft("rain_sewage_separation"), TaskDraft("online_monitoring")]),
            actor="xihu", now=datetime(2026, 1, 5, tzinfo=UTC))  # fmt: skip
        first = svc.park_detail(s, Scope("330106", Role.COUNTY, username="xihu"), park.id).tasks[0]
        first.task.percent = 100.0  # the first task finished before the test
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def _as(browser, url: str, user: str):
    page = new_page(browser, 1440, 900)
    login_as(page, url, (user, PASSWORD))
    return page


def _step(page, event: str, reviewer: str) -> None:
    form = page.locator("#qs-zp-step-form")
    form.locator("select[name='event']").select_option(event)
    form.locator("select[name='result']").select_option("pass")
    form.locator("input[name='reviewer']").fill(reviewer)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    page.wait_for_selector("#qs-zp-done, #qs-zp-error")
    assert page.locator("#qs-zp-error").count() == 0, page.locator("#qs-zp-error").inner_text()


def test_a_park_through_self_check_review_and_acceptance(browser, parks_site, tmp_path):
    url = parks_site
    page = _as(browser, url, "xihu")
    page.goto(f"{url}/zones/parks")
    page.wait_for_selector("#qs-zp-map[data-ready='1']")
    assert page.locator("#qs-zp-map").get_attribute("data-parks") == "1"
    assert page.locator(".qs-zn-nav a[href='/zones/parks']").inner_text() == "零直排区"
    with page.expect_navigation():
        page.locator("#qs-zp-list a", has_text="西湖印染集聚区").click()
    assert "西湖印染有限公司" in page.locator("#qs-zp-enterprises").inner_text()
    photo = tmp_path / "在线监控.png"
    photo.write_bytes(PNG)
    form = page.locator("#qs-zp-progress-form")
    form.locator("select[name='task_id']").select_option(index=1)
    form.locator("input[name='percent']").fill("100")
    form.locator("input[name='note']").fill("雨排口在线监控联网")
    form.locator("input[name='file']").set_input_files(str(photo))
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    assert page.locator("#qs-zp-done").inner_text() == "进度已报送。"
    assert "在线监控.png" in page.locator("#qs-zp-tasks").inner_text()
    _step(page, "self_check", "西湖区治水办")
    assert page.locator("#qs-zp-state").get_attribute("data-state") == "self_checked"
    assert page.locator("#qs-zp-step-form").count() == 0  # the county waits for the city
    assert page.qs_errors == []
    page.context.close()

    page = _as(browser, url, "hangzhou")
    page.goto(f"{url}/zones/parks")
    pid = page.locator("#qs-zp-list tr[data-park]").get_attribute("data-park")
    page.goto(f"{url}/zones/parks/{pid}")
    assert page.locator("#qs-zp-progress-form").count() == 1
    _step(page, "city_review", "杭州市生态环境局")
    assert page.locator("#qs-zp-state").get_attribute("data-state") == "city_passed"
    page.context.close()

    page = _as(browser, url, "province")
    page.goto(f"{url}/zones/parks/{pid}")
    assert page.locator("#qs-zp-progress-form").count() == 0  # the province accepts, not reports
    _step(page, "provincial_acceptance", "省治水办验收组")
    assert page.locator("#qs-zp-state").get_attribute("data-state") == "accepted"
    steps = page.locator("#qs-zp-timeline li[data-event]")
    assert [steps.nth(i).get_attribute("data-event") for i in range(steps.count())] == [
        "self_check", "city_review", "provincial_acceptance"]  # fmt: skip
    page.goto(f"{url}/zones/parks")
    assert page.locator("#qs-zp-accepted-year").inner_text() == "1"
    assert (
        page.locator("#qs-zp-status tr[data-city='330100'] td[data-state='accepted']").inner_text()
        == "1"
    )
    assert page.qs_errors == []
    page.context.close()
