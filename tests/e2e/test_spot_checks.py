"""Double-random spot checks and credit in Debian's Chromium on the small demo province
(issue #12): 杭州 (hangzhou) creates a plan, draws it with the button, sees the published seed,
hash and verification, records a result; a visitor reads the public listing and the inputs
file hashes to the published SHA-256; the credit list opens an enterprise's reasons."""

from __future__ import annotations

import hashlib
import re

import pytest

from qingshan.timeutil import as_cst, utcnow

from .helpers import login_as

pytestmark = pytest.mark.e2e

HANGZHOU = ("hangzhou", "qingshan-demo")


def test_draw_a_plan_and_read_it_published(demo_server_url, page):
    today = as_cst(utcnow()).date()
    half = f"{today.year}H{1 if today.month <= 6 else 2}"
    login_as(page, demo_server_url, HANGZHOU)
    page.goto(f"{demo_server_url}/spot-checks?lang=zh")
    assert page.locator("#qs-item-list tr[data-item]").count() == 3
    assert page.locator("#qs-plan-list tr[data-plan]").count() >= 2  # the demo's quarters
    form = page.locator("#qs-new-plan")
    form.locator("select[name=item_code]").select_option("ZJ-SJ-03")
    form.locator("select[name=region_code]").select_option("330100")
    form.locator("input[name=period]").fill(half)
    with page.expect_navigation(url=re.compile(r"/spot-checks/plans/\d+$"), timeout=60_000) as nav:
        form.locator("button[type=submit]").click()
    # the new plan's page offers the draw; if not, say what the page said (a CI run once timed
    # out here with no clue: an error page, a plan already drawn, or no right to act)
    response = nav.value
    assert response is not None and response.status == 200, (
        response and response.status,
        page.inner_text("main") if page.locator("main").count() else page.content()[:2000],
    )
    assert page.locator("#qs-draw-button").count() == 1, page.inner_text("#qs-draw")
    assert page.get_attribute("#qs-spot-plan", "data-drawn") == "no"
    page.click("#qs-draw-button")
    page.wait_for_selector("#qs-spot-plan[data-drawn=yes]")
    assert "复核通过" in page.inner_text("#qs-verification")
    seed = page.inner_text("#qs-draw .qs-seed").strip()
    digest = page.inner_text("#qs-draw .qs-hash").strip()
    assert seed.isdigit() and len(digest) == 64
    rows = page.locator("#qs-task-list tr[data-task]")
    assert rows.count() >= 1
    first = rows.first
    assert len(first.locator("td").nth(2).inner_text().split("、")) == 2  # two inspectors
    task = first.get_attribute("data-task")
    first.locator("select[name=outcome]").select_option("compliant")
    first.locator("button[type=submit]").click()
    page.wait_for_selector(f"tr[data-task='{task}'][data-outcome=compliant]")
    page.screenshot(path="/tmp/qingshan-spot-plan.png", full_page=True)
    assert page.qs_errors == []

    # a visitor: the public listing and the inputs file
    page.context.clear_cookies()
    page.goto(f"{demo_server_url}/spot-checks/public?lang=zh")
    plan = page.locator(".qs-public-plan", has_text=digest)
    assert plan.count() == 1
    assert plan.locator(f"tr[data-task='{task}']").inner_text().count("未发现问题") == 1
    href = plan.locator("a[download]").get_attribute("href")
    data = page.request.get(f"{demo_server_url}{href}").body()
    assert hashlib.sha256(data).hexdigest() == digest
    assert page.qs_errors == []


def test_credit_list_opens_the_reasons(demo_server_url, page):
    login_as(page, demo_server_url, HANGZHOU)
    page.goto(f"{demo_server_url}/credit?lang=zh")
    assert "官方指标权重" in page.inner_text("#qs-unconfirmed")
    counts = page.locator("#qs-grade-counts a[data-grade]")
    assert counts.count() == 5  # all + 4 grades
    total = int(page.get_attribute("#qs-credit", "data-total"))
    assert total >= 1 and page.locator("#qs-credit-list tr[data-enterprise]").count() == total
    page.locator("#qs-credit-list tr[data-enterprise] a").first.click()
    page.wait_for_selector("#qs-credit-detail")
    assert page.locator("#qs-history tbody tr").count() >= 1
    assert page.locator("#qs-reasons").is_visible()
    assert page.qs_errors == []
