"""目标考核 in Debian's Chromium on the demo's targets (:mod:`qingshan.sim.demo_targets`): the
province sees 20 targets, the 11 cities' matrix and reviews a report; 杭州 (hangzhou) files a
report with an evidence photo; 西湖 (xihu, a county) reads its city's rows, read-only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.audit import acting_as
from qingshan.cases.service import evidence_limits
from qingshan.config import Settings
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_targets import seed_demo_targets
from qingshan.sim.images import tiny_png
from qingshan.targets.models import Target, TargetReport

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-targets-pass"


@pytest.fixture(scope="module")
def targets_site(tmp_path_factory):
    """A server on the demo's targets; yields (url, target id by code, a submitted report's
    (target id, report id))."""
    data_dir = tmp_path_factory.mktemp("targets")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in (("province", Role.PROVINCE, "330000"),
                                   ("hangzhou", Role.CITY, "330100"),
                                   ("xihu", Role.COUNTY, "330106")):  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
    with acting_as("demo"):
        seeded = seed_demo_targets(engine, now=datetime.now(UTC),
                                   limits=evidence_limits(Settings(data_dir=data_dir)))  # fmt: skip
    assert seeded is not None and seeded.by_state.get("submitted")
    with session_scope(engine) as s:
        ids = dict(s.execute(select(Target.code, Target.id)).all())
        waiting = s.execute(select(TargetReport.target_id, TargetReport.id)
                            .where(TargetReport.state == "submitted")
                            .order_by(TargetReport.id)).first()  # fmt: skip
    engine.dispose()
    with running_server(data_dir) as url:
        yield url, ids, tuple(waiting)


def test_the_province_sees_every_target_and_reviews_a_report(browser, targets_site):
    url, ids, (target_id, report_id) = targets_site
    page = new_page(browser, 1600, 1000)
    login_as(page, url, ("province", PASSWORD))
    page.goto(f"{url}/targets")
    assert page.locator("#qs-tg-table tbody tr").count() == 20
    assert page.locator("#qs-tg-matrix tbody tr").count() == 11
    assert page.locator("nav >> text=目标考核").count() >= 1
    counts = [int(x) for x in page.locator("#qs-tg-counts b").all_inner_texts()]
    assert sum(counts) == 20
    computed = page.locator("#qs-tg-table tr[data-code='12.1'] [data-metric]")
    assert computed.inner_text() == "自动计算"
    assert page.locator("#qs-tg-table tr[data-code='4.1'] [data-metric]").inner_text() == "填报"
    # the matrix: 衢州 owes none of the 20 TN/TP sections (the file's shares)
    assert page.locator("tr[data-city='330800'] td[data-target='12.4']").inner_text() == "·"
    code = next(c for c, i in ids.items() if i == target_id)
    with page.expect_navigation():
        page.locator(f"#qs-tg-table tr[data-code='{code}'] a").click()
    report = page.locator(f"#qs-tg-report-{report_id}")
    assert report.get_attribute("data-state") == "submitted"
    with page.expect_navigation():
        report.locator("button[data-action='accept']").click()
    assert page.locator("#qs-tg-done").inner_text() == "已审核通过。"
    assert page.locator(f"#qs-tg-report-{report_id}").get_attribute("data-state") == "accepted"
    assert page.qs_errors == []
    page.context.close()


def test_a_city_files_a_report_with_evidence(browser, targets_site):
    url, ids, _ = targets_site
    page = new_page(browser, 1600, 1000)
    login_as(page, url, ("hangzhou", PASSWORD))
    page.goto(f"{url}/targets")
    assert page.locator("#qs-tg-matrix tbody tr").count() == 1  # 杭州 only
    assert page.locator("h2", has_text="杭州市目标进度").count() == 1
    page.goto(f"{url}/targets/{ids['13.2']}")
    before = page.locator("#qs-tg-reports article").count()
    form = page.locator("#qs-tg-report-form")
    form.locator("input[name=value]").fill("3")
    form.locator("textarea[name=note]").fill("大江东、钱塘三处黑臭水体销号")
    form.locator("input[name=file]").set_input_files(
        {"name": "验收照片.png", "mimeType": "image/png", "buffer": tiny_png(7)}
    )
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("#qs-tg-done").inner_text() == "已提交报送，待省厅审核。"
    assert page.locator("#qs-tg-reports article").count() == before + 1
    newest = page.locator("#qs-tg-reports article").first
    assert newest.get_attribute("data-state") == "submitted"
    assert "大江东、钱塘三处黑臭水体销号" in newest.inner_text()
    link = newest.locator("a.qs-tg-file")
    assert link.inner_text() == "验收照片.png"
    got = page.request.get(url + link.get_attribute("href"))
    assert got.ok and got.body() == tiny_png(7)
    assert page.qs_errors == []
    # figures the target refuses come back (409) with the field named
    form = page.locator("#qs-tg-report-form")
    form.locator("input[name=value]").fill("3")
    form.locator("input[name=as_of]").fill("2020-01-01")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    error = page.locator("#qs-tg-error").inner_text()
    assert "as_of: 2020-01-01 is before the target's period starts" in error
    assert [e for e in page.qs_errors if "409" not in e] == []
    page.context.close()


def test_a_county_reads_its_citys_rows_read_only(browser, targets_site):
    url, ids, _ = targets_site
    page = new_page(browser, 1600, 1000)
    login_as(page, url, ("xihu", PASSWORD))
    page.goto(f"{url}/targets?lang=en")
    assert "read-only" in page.locator("#qs-tg-readonly").inner_text()
    assert page.locator("#qs-tg-matrix tbody tr").get_attribute("data-city") == "330100"
    page.goto(f"{url}/targets/{ids['13.2']}")
    assert page.locator("#qs-tg-report-form").count() == 0
    assert page.locator("#qs-tg-reports button").count() == 0
    assert set(page.locator("#qs-tg-reports article").evaluate_all(
        "els => els.map(e => e.dataset.region)")) <= {"330100"}  # fmt: skip
    assert page.qs_errors == []
    page.context.close()
