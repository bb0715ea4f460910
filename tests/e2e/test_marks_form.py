"""自行标记 in Debian's Chromium (issue #13): the enterprise marks its own outlet's data from the
outlet page — a bad period is refused in words beside the field, a good one is saved through
the marks API and listed; a period overlapping it is refused by the server, in words; the bureau
(a city account) sees the mark on the same page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from .helpers import login_as
from .seed import CITY_USER, ENTERPRISE_USER

pytestmark = pytest.mark.e2e

URL = "/qc/outlets/E2EGAS01"
CST = timedelta(hours=8)


def _local(t: datetime) -> str:
    """A datetime-local input's value in China Standard Time."""
    return (t + CST).strftime("%Y-%m-%dT%H:%M")


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('#qs-qc[data-ready="1"], #qs-qc[data-ready="error"]', timeout=20_000)
    assert page.get_attribute("#qs-qc", "data-ready") == "1", page.inner_text("#qs-error")


def test_the_enterprise_marks_its_outlet(server_url, page):
    # ten days back: outside the seeded 48 hours, so no verdict of the other tests changes
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=10)
    login_as(page, server_url, ENTERPRISE_USER)
    _open(page, f"{server_url}{URL}")
    assert page.is_visible("#qc-mark-form")
    kinds = page.locator("#qc-mark-kind option").evaluate_all("os => os.map(o => o.value)")
    assert kinds == ["停运", "启炉", "停炉", "故障", "维护", "校准", "并网", "解列"]
    params = page.locator("#qc-mark-param option").all_inner_texts()
    assert params[0] == "整个排口" and "烟尘" in params
    before = page.locator("#qc-marks tbody tr").count()

    # end before start: refused in the browser, in words, beside the end
    page.select_option("#qc-mark-kind", "维护")
    page.select_option("#qc-mark-param", "a34013")
    page.fill("#qc-mark-start", _local(start + timedelta(hours=3)))
    page.fill("#qc-mark-end", _local(start))
    page.click("#qc-mark-submit")
    assert page.inner_text("#qc-mark-end-error") == "结束时间须晚于开始时间。"
    assert page.get_attribute("#qc-mark-end", "aria-invalid") == "true"
    assert page.locator("#qc-marks tbody tr").count() == before  # nothing was sent

    # a good period: saved and listed, newest first after the seeded calibration
    page.fill("#qc-mark-end", _local(start + timedelta(hours=5)))
    page.fill("#qc-mark-reason", "除尘器滤袋更换")
    page.click("#qc-mark-submit")
    page.wait_for_selector("#qc-mark-msg[data-state=ok]", timeout=20_000)
    page.wait_for_selector('#qs-qc[data-ready="1"]', timeout=20_000)
    assert page.is_hidden("#qc-mark-end-error")
    saved = page.inner_text("#qc-mark-msg")
    assert (
        saved.startswith("已提交标记：维护，") and _local(start + timedelta(hours=3))[-5:] in saved
    )
    rows = page.locator("#qc-marks tbody tr")
    assert rows.count() == before + 1
    mine = [r for r in rows.all() if "除尘器滤袋更换" in r.inner_text()]
    assert len(mine) == 1
    cells = mine[0].locator("td").all_inner_texts()
    assert cells[:2] == ["维护", "烟尘"] and cells[5] == ENTERPRISE_USER[0]

    # the same period again: the server refuses the overlap, said beside the start
    page.fill("#qc-mark-reason", "重复填报")
    page.click("#qc-mark-submit")
    page.wait_for_selector("#qc-mark-start-error:not([hidden])", timeout=20_000)
    assert page.inner_text("#qc-mark-start-error").startswith("与已有标记时段重叠（#")
    assert page.locator("#qc-marks tbody tr").count() == before + 1
    assert page.qs_errors in ([], [e for e in page.qs_errors if "422" in e])

    # the bureau sees it on the outlet page
    page.context.clear_cookies()
    login_as(page, server_url, CITY_USER)
    _open(page, f"{server_url}{URL}")
    assert "除尘器滤袋更换" in page.inner_text("#qc-marks")


def test_english_form_and_error(server_url, page):
    login_as(page, server_url, ENTERPRISE_USER)
    _open(page, f"{server_url}{URL}?lang=en")
    assert page.inner_text(".qs-mark-form-title") == "Mark this outlet's data"
    assert page.locator("#qc-mark-kind option").nth(4).inner_text() == "维护 (maintenance)"
    page.fill("#qc-mark-start", "2026-01-10T10:00")
    page.fill("#qc-mark-end", "2026-01-10T09:00")
    page.click("#qc-mark-submit")
    assert page.inner_text("#qc-mark-end-error") == "The end must be later than the start."
