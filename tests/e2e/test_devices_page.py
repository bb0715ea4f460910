"""The 设备状态 page in Debian's Chromium: devices in scope, online badges, rejects, sorting."""

from __future__ import annotations

import pytest

from .helpers import login_as
from .seed import CITY_USER, DEVICES, PROVINCE_USER

pytestmark = pytest.mark.e2e


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#qs-devices[data-ready]", timeout=20_000)
    assert page.get_attribute("#qs-devices", "data-ready") == "1", page.inner_text("#qs-error")


def _stat(page, key: str) -> str:
    return page.inner_text(f'.qs-stat[data-key="{key}"] .qs-stat-n')


def test_province_sees_every_device(server_url, page):
    login_as(page, server_url, PROVINCE_USER)
    _open(page, f"{server_url}/devices")
    page.screenshot(path="/tmp/qingshan-devices.png", full_page=True)
    rows = page.locator("#qs-devices tbody tr")
    assert rows.count() == len(DEVICES) == 4
    assert [rows.nth(i).get_attribute("data-mn") for i in range(4)] == [d[0] for d in DEVICES]
    assert (_stat(page, "total"), _stat(page, "online"), _stat(page, "offline")) == ("4", "2", "2")
    assert _stat(page, "with_errors") == "2" and _stat(page, "rejects") == "3"

    first = page.locator('tr[data-mn="E2EMN0001"]')
    assert first.locator(".qs-online").inner_text() == "在线"
    assert "西溪" in first.inner_text() and "E2E01A" in first.inner_text()
    assert first.locator('td[data-cn="2011"]').inner_text() == "120"
    assert first.locator('td[data-cn="2051"]').inner_text() == "60"
    offline = page.locator('tr[data-mn="E2EMN0002"]')
    assert offline.locator(".qs-offline").inner_text() == "离线"
    assert "CRC 校验错误 3" in offline.inner_text()
    assert "2.0 小时" in offline.inner_text()  # lag: last data 2 h 1 min ago
    never = page.locator('tr[data-mn="E2EMN0004"]')
    assert "从未上线" in never.inner_text() and "未绑定" in never.inner_text()
    # headings name the CN codes; the note explains online and lag
    head = page.inner_text("#qs-devices thead")
    for word in ["实时", "2011", "分钟", "2051", "小时", "2061", "日", "2031"]:
        assert word in head
    assert "10 分钟内有报文即为在线" in page.inner_text("#qs-explain")

    # the rejects with their reasons, newest first
    reasons = page.locator("#qs-rejects .qs-reason").all_inner_texts()
    assert reasons == ["未知设备", "密码错误", "CRC 校验错误"]
    assert page.qs_errors == []


def test_sort_and_filter(server_url, page):
    login_as(page, server_url, PROVINCE_USER)
    _open(page, f"{server_url}/devices")

    def mns():
        return page.locator("#qs-devices tbody tr").evaluate_all("rs => rs.map(r => r.dataset.mn)")

    page.click('th[data-sort="cn2011"]')
    assert mns()[-1] == "E2EMN0001"  # ascending: 120 real-time packets last
    page.click('th[data-sort="cn2011"]')
    assert mns()[0] == "E2EMN0001"
    page.select_option("#qs-filter-state", "online")
    assert sorted(mns()) == ["E2EMN0001", "E2EMN0003"]
    assert page.inner_text("#qs-shown") == "显示 2 / 4 台"
    page.select_option("#qs-filter-state", "all")
    page.check("#qs-filter-errors")
    assert sorted(mns()) == ["E2EMN0002", "E2EMN0003"]
    page.uncheck("#qs-filter-errors")
    page.fill("#qs-search", "宁波")
    assert mns() == ["E2EMN0003"]
    assert page.qs_errors == []


def test_city_user_sees_only_their_city(server_url, page):
    login_as(page, server_url, CITY_USER)
    _open(page, f"{server_url}/devices")
    page.screenshot(path="/tmp/qingshan-devices-hangzhou.png", full_page=True)
    assert "杭州市数采仪设备状态" in page.inner_text("h1")
    rows = page.locator("#qs-devices tbody tr")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.mn)") == ["E2EMN0001", "E2EMN0002"]
    assert _stat(page, "total") == "2" and _stat(page, "online") == "1"
    # rejects of other cities' devices and of unknown devices are not shown
    assert page.locator("#qs-rejects .qs-reason").all_inner_texts() == ["CRC 校验错误"]
    assert page.qs_errors == []


def test_english(server_url, page):
    login_as(page, server_url, PROVINCE_USER)
    _open(page, f"{server_url}/devices?lang=en")
    assert "data logger status" in page.inner_text("h1")
    assert page.locator('tr[data-mn="E2EMN0001"] .qs-online').inner_text() == "Online"
    page.screenshot(path="/tmp/qingshan-devices-en.png", full_page=True)
    # the top bar stays on one line in English too: no menu label wraps
    heights = page.locator(".qs-nav-head").evaluate_all("as => as.map(a => a.offsetHeight)")
    assert max(heights) < 40, heights
    _open(page, f"{server_url}/devices?lang=zh")
    assert page.qs_errors == []


def test_send_and_cancel_a_command(server_url, page):
    """下发命令: a back-fill to a logger from its row, its state in the list, then withdrawn."""
    login_as(page, server_url, PROVINCE_USER)
    _open(page, f"{server_url}/devices")
    page.wait_for_selector("#qs-commands[data-ready]", timeout=20_000)
    assert page.is_hidden("#qs-cmd-backfill")
    page.click('tr[data-mn="E2EMN0002"] [data-cmd-mn]')
    assert page.input_value("#qs-cmd-mn") == "E2EMN0002"
    page.select_option("#qs-cmd-kind", "backfill")
    assert page.is_visible("#qs-cmd-backfill")
    page.select_option("#qs-cmd-cn", "2061")
    page.fill("#qs-cmd-from", "2026-03-01T08:00")
    page.fill("#qs-cmd-to", "2026-03-01T10:00")
    page.click("#qs-cmd-send")
    page.wait_for_selector('#qs-cmd-msg[data-state="ok"]')
    assert page.inner_text("#qs-cmd-msg").startswith("已创建命令")
    row = page.locator('#qs-commands tbody tr[data-state="queued"]').first
    text = row.inner_text()
    for word in [
        "E2EMN0002",
        "补传历史数据",
        "2061",
        "待发送",
        "2026-03-01 08:00 — 2026-03-01 10:00",
    ]:
        assert word in text, text
    page.screenshot(path="/tmp/qingshan-devices-commands.png", full_page=True)
    # a back-fill longer than a request may span: the API's reason is shown
    page.select_option("#qs-cmd-cn", "2051")
    page.fill("#qs-cmd-to", "2026-03-03T10:00")
    page.click("#qs-cmd-send")
    page.wait_for_selector('#qs-cmd-msg[data-state="error"]')
    assert "spans at most 1 day" in page.inner_text("#qs-cmd-msg")
    row.locator("[data-cancel]").click()
    page.wait_for_selector('#qs-commands tbody tr[data-state="cancelled"]')
    assert (
        "已取消" in page.locator('#qs-commands tbody tr[data-state="cancelled"]').first.inner_text()
    )
    assert all("422" in e for e in page.qs_errors), page.qs_errors  # the refused request only


def test_commands_only_for_province_and_city(server_url, page):
    from .seed import ENTERPRISE_USER

    login_as(page, server_url, ENTERPRISE_USER)
    page.goto(f"{server_url}/devices")
    page.wait_for_selector("#qs-devices[data-ready]", timeout=20_000)
    assert page.locator("#qs-cmd").count() == 0 and page.locator("[data-cmd-mn]").count() == 0
    assert page.qs_errors == []
