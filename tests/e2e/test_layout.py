"""The layout of every page in Debian's Chromium (issue #13, defect 3): on a phone (390×844) no
page is wider than the screen and the top bar folds into a menu that reaches every page, the
language switch and 退出; on a desktop in English the whole bar fits, 退出 included (at 1600 px
a province account's English bar was ~48 px too wide and cut off the account and Log out)."""

from __future__ import annotations

import pytest

from .helpers import login_as
from .seed import ENTERPRISE_USER, PROVINCE_USER, PROVINCE_USER_NAME

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="UTC")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.qs_errors = errors
    yield page
    context.close()


def _nav_paths(page, server_url: str) -> list[str]:
    page.goto(f"{server_url}/map")
    hrefs = page.locator(".qs-nav a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if h.startswith("/") and not h.startswith("/api/")]


def _inside(box: dict, width: int, height: int) -> bool:
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width
        and box["y"] + box["height"] <= height
    )


#: (account, its display name, pages its menu must hold): the province sees the most pages;
#: an enterprise account a menu of its own (环境应急 lands it on its 风险企业 page)
ROLE_MENUS = [
    (PROVINCE_USER, PROVINCE_USER_NAME, {"/map", "/water", "/enterprises", "/devices", "/admin/jobs",
                                         "/emergency/incidents"}),
    (ENTERPRISE_USER, "杭州青山热电", {"/map", "/waste", "/cases", "/emergency/risk", "/portal"}),
]  # fmt: skip


@pytest.mark.parametrize(("user", "user_name", "must"), ROLE_MENUS, ids=["province", "enterprise"])
def test_every_top_navigation_page_fits_a_phone(server_url, phone, user, user_name, must):
    login_as(phone, server_url, user)
    paths = _nav_paths(phone, server_url)
    assert must <= set(paths), paths
    for path in paths:
        phone.goto(f"{server_url}{path}")
        phone.wait_for_load_state("networkidle")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide"
        if path == "/screen":  # the big screen is full screen, without the top bar
            continue
        # the bar is one row: brand and the menu button; the navigation waits in the menu
        top = phone.locator(".qs-top").bounding_box()
        assert top["width"] <= PHONE["width"] and top["height"] <= 60, (path, top)
        assert phone.is_visible("#qs-menu-btn") and not phone.is_visible("#qs-logout")
        assert phone.get_attribute("#qs-menu-btn", "aria-expanded") == "false"
        phone.click("#qs-menu-btn")
        assert phone.get_attribute("#qs-menu-btn", "aria-expanded") == "true"
        for sel in ("#qs-logout", ".qs-lang", "#qs-user"):
            assert phone.is_visible(sel), (path, sel)
            assert _inside(phone.locator(sel).bounding_box(), **PHONE), (path, sel)
        links = phone.locator(".qs-nav a")
        assert links.count() == len(paths) + 1  # and the API docs
        for i in range(links.count()):
            assert _inside(links.nth(i).bounding_box(), **PHONE), (path, i)
        assert user_name in phone.inner_text("#qs-user")
        phone.keyboard.press("Escape")
        assert not phone.is_visible("#qs-logout")
    assert phone.qs_errors == []


def test_the_phone_menu_switches_language_and_logs_out(server_url, phone):
    login_as(phone, server_url, PROVINCE_USER)
    phone.goto(f"{server_url}/enterprises?industry=paper")
    phone.click("#qs-menu-btn")
    with phone.expect_navigation():
        phone.click(".qs-lang")
    assert phone.inner_text("#qs-menu-btn") == "Menu"
    assert "industry=paper" in phone.url  # the switch keeps the page's filters
    phone.click("#qs-menu-btn")
    assert phone.locator(".qs-nav a.active").inner_text() == "Pollution sources"
    # a click elsewhere closes the menu
    phone.mouse.click(30, 400)
    assert not phone.is_visible("#qs-logout")
    phone.click("#qs-menu-btn")
    with phone.expect_navigation():
        phone.click("#qs-logout")
    assert "/login" in phone.url


@pytest.mark.parametrize("width,height", [(1600, 1000), (1920, 1080)])
def test_the_english_top_bar_fits_a_desktop(server_url, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    try:
        login_as(page, server_url, PROVINCE_USER)
        for path in ("/map", "/enterprises", "/devices"):
            page.goto(f"{server_url}{path}?lang=en")
            assert page.is_visible("#qs-logout") and not page.is_visible("#qs-menu-btn")
            box = page.locator("#qs-logout").bounding_box()
            assert _inside(box, width, height), (path, box)
            assert _inside(page.locator("#qs-user").bounding_box(), width, height)
            # every navigation item is shown whole, none scrolled out of the bar
            nav = page.locator(".qs-nav")
            assert nav.evaluate("n => n.scrollWidth <= n.clientWidth"), path
            right = nav.bounding_box()["x"] + nav.bounding_box()["width"]
            for box in page.locator(".qs-nav a").evaluate_all(
                "as => as.map(a => a.getBoundingClientRect().right)"
            ):
                assert box <= right + 0.5
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_the_menus_of_the_bar_open_their_pages(server_url, browser):
    """The navigation is four menus: a head opens its pages below it and closes the other
    menu; Escape or a click elsewhere closes it; the menu of the page shown is marked."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    try:
        login_as(page, server_url, PROVINCE_USER)
        page.goto(f"{server_url}/enterprises")
        heads = page.locator(".qs-nav-head")
        assert heads.all_inner_texts() == ["环境质量", "污染源监管", "闭环督办", "运行维护"]
        sources = page.locator(".qs-nav-group").nth(1)
        assert "active" in sources.get_attribute("class")  # 污染源 is one of its pages
        assert not page.is_visible(".qs-nav a[href='/enterprises']")
        heads.nth(1).click()
        assert heads.nth(1).get_attribute("aria-expanded") == "true"
        assert page.is_visible(".qs-nav a[href='/enterprises']")
        assert page.is_visible(".qs-nav a[href='/carbon']")
        heads.nth(0).click()  # another menu: the first closes
        assert not page.is_visible(".qs-nav a[href='/enterprises']")
        assert page.is_visible(".qs-nav a[href='/water']")
        page.keyboard.press("Escape")
        assert not page.is_visible(".qs-nav a[href='/water']")
        assert heads.nth(0).get_attribute("aria-expanded") == "false"
        heads.nth(3).click()
        page.mouse.click(800, 600)  # a click elsewhere
        assert not page.is_visible(".qs-nav a[href='/devices']")
        heads.nth(0).click()
        with page.expect_navigation():
            page.click(".qs-nav a[href='/water']")
        assert "active" in page.locator(".qs-nav-group").nth(0).get_attribute("class")
    finally:
        context.close()
