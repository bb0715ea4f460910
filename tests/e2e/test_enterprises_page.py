"""The 污染源 page in Debian's Chromium: enterprises in scope, permit, outlets' newest values
against the permit limits (超标 highlighted), filters and search, the link to an outlet."""

from __future__ import annotations

import re

import pytest

from .helpers import login_as
from .seed import CITY_USER, ENTERPRISE_USER, PROVINCE_USER

pytestmark = pytest.mark.e2e

POWER, PAPER, DYE = "杭州青山热电有限公司", "杭州富春纸业有限公司", "宁波甬江印染有限公司"


def _open(page, url: str) -> None:
    page.goto(url)
    _ready(page)


def _ready(page) -> None:
    page.wait_for_selector('.qs-page[data-ready="1"], .qs-page[data-ready="error"]', timeout=20_000)
    assert page.get_attribute(".qs-page", "data-ready") == "1", page.inner_text("#qs-error")


def _names(page) -> list[str]:
    return page.locator("#qs-enterprises tbody .qs-ent-name b").all_inner_texts()


def _wait_names(page, names: list[str]) -> None:
    """Wait until the table lists ``names`` after a filter change (requests are debounced)."""
    page.wait_for_function(
        """(names) => document.querySelector('.qs-page').dataset.ready === '1' &&
             JSON.stringify([...document.querySelectorAll('#qs-enterprises tbody .qs-ent-name b')]
               .map(b => b.textContent)) === JSON.stringify(names)""",
        arg=names,
        timeout=10_000,
    )


def _stat(page, key: str) -> str:
    return page.inner_text(f'.qs-stat[data-key="{key}"] .qs-stat-n')


def test_city_sees_its_enterprises_with_values_against_limits(server_url, page):
    login_as(page, server_url, CITY_USER)
    _open(page, f"{server_url}/enterprises")
    page.screenshot(path="/tmp/qingshan-enterprises.png", full_page=True)
    assert _names(page) == [POWER, PAPER]  # not 宁波's
    assert page.inner_text(".qs-nav a.active") == "污染源"
    assert page.inner_text("h1") == "杭州市污染源企业与排口"
    assert (_stat(page, "enterprises"), _stat(page, "outlets")) == ("2", "2")
    assert (_stat(page, "exceeding_outlets"), _stat(page, "open_cases")) == ("1", "1")

    power = page.locator('#qs-enterprises tr[data-credit="91330100MA2E2E001A"]')
    text = power.inner_text()
    for word in [
        "火电",
        "杭州市",
        "拱墅区",
        "91330100MA2E2E001A001P",
        "2023-01-01 ~ 2028-01-01",
        "有效",
    ]:
        assert word in text, word
    # SO2 36 measured at O2 8 % → 41.5 converted, above the permit's 35: red, 折算, 超标
    so2 = power.locator('.qs-val[data-param="a21026"]')
    assert "qs-exceed" in so2.get_attribute("class")
    assert re.sub(r"\s+", " ", so2.inner_text()) == "二氧化硫 SO2 41.5 /35 mg/m³ 折算 超标"
    assert "实测 36.0 mg/m³" in so2.get_attribute("title")
    nox = power.locator('.qs-val[data-param="a21002"]')
    assert "qs-exceed" not in nox.get_attribute("class") and "氮氧化物 NOx" in nox.inner_text()
    assert power.locator('[data-key="open_cases"]').inner_text() == "1"
    assert power.locator('[data-key="events"]').inner_text() == "1"
    paper = page.locator('#qs-enterprises tr[data-credit="91330100MA2E2E002B"]')
    assert paper.locator(".qs-exceed").count() == 0
    assert "化学需氧量 COD" in paper.inner_text() and "造纸" in paper.inner_text()
    assert page.qs_errors == []


def test_search_and_filters(server_url, page):
    login_as(page, server_url, PROVINCE_USER)
    _open(page, f"{server_url}/enterprises")
    assert _names(page) == [POWER, PAPER, DYE]
    # the 宁波 dyeing works exceeds too (COD 95 over its daily limit 80, as an early warning)
    page.check("#qs-only-exceeding")
    _wait_names(page, [POWER, DYE])  # filtered on the server: wait for the new page
    page.uncheck("#qs-only-exceeding")
    _wait_names(page, [POWER, PAPER, DYE])

    page.fill("#qs-search", "甬江")
    _wait_names(page, [DYE])
    assert "q=%E7%94%AC%E6%B1%9F" in page.url
    page.fill("#qs-search", "e2ewat01")  # an outlet code, any case
    _wait_names(page, [PAPER])
    page.fill("#qs-search", "")
    _wait_names(page, [POWER, PAPER, DYE])
    page.select_option("#qs-industry", "thermal_power")
    _wait_names(page, [POWER])
    assert "industry=thermal_power" in page.url
    page.select_option("#qs-industry", "")
    page.select_option("#qs-region", "330200")
    _wait_names(page, [DYE])
    page.fill("#qs-search", "不存在的企业")
    page.wait_for_selector("#qs-empty:not([hidden])")
    assert page.inner_text("#qs-empty") == "没有符合条件的企业。"
    # a filtered list is a link
    _open(page, f"{server_url}/enterprises?industry=paper")
    assert _names(page) == [PAPER] and page.input_value("#qs-industry") == "paper"
    assert page.qs_errors == []


def test_enterprise_user_sees_only_its_own(server_url, page):
    login_as(page, server_url, ENTERPRISE_USER)
    _open(page, f"{server_url}/enterprises")
    assert _names(page) == [POWER]
    assert page.locator("#qs-region").count() == 0  # a county scope: nothing to choose


def test_outlet_link_opens_the_outlet_page(server_url, page):
    login_as(page, server_url, CITY_USER)
    _open(page, f"{server_url}/enterprises")
    page.click('a.qs-outlet-link:has-text("1号机组废气排放口")')
    page.wait_for_url(f"{server_url}/qc/outlets/E2EGAS01")
    page.wait_for_selector('#qs-qc[data-ready="1"]', timeout=20_000)
    assert page.inner_text(".qs-nav a.active") == "污染源"
    assert page.inner_text("#qs-outlet-name") == "杭州青山热电1号机组废气排放口"
    page.click("#qs-back")  # back to the list, searched for this enterprise
    _ready(page)
    assert _names(page) == [POWER]
    assert page.qs_errors == []


def test_login_required(server_url, page):
    page.goto(f"{server_url}/enterprises")
    assert "/login?reason=required&next=%2Fenterprises" in page.url
