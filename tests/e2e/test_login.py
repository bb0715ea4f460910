"""Login, logout and the login-required redirect in Debian's Chromium."""

from __future__ import annotations

import re

import pytest

from .seed import CITY_USER, CITY_USER_NAME, PROVINCE_USER

pytestmark = pytest.mark.e2e


def test_login_flow_with_wrong_password_then_right(server_url, page):
    # a page that needs a login sends the visitor to /login with a note, and back afterwards
    page.goto(f"{server_url}/devices")
    page.wait_for_url(re.compile(r"/login\?"))
    assert "next=%2Fdevices" in page.url
    assert page.inner_text("#qs-login-reason") == "该页面需要登录后查看，请先登录。"
    assert page.locator("#qs-login").inner_text() == "登录"
    page.screenshot(path="/tmp/qingshan-login.png")

    username, password = CITY_USER
    page.fill("#qs-username", username)
    page.fill("#qs-password", "not-the-password")
    page.click("#qs-login-submit")
    page.wait_for_selector("#qs-login-error:not([hidden])")
    assert page.inner_text("#qs-login-error") == "用户名或密码错误。"
    assert "/login" in page.url
    page.screenshot(path="/tmp/qingshan-login-wrong.png")

    page.fill("#qs-password", password)
    page.click("#qs-login-submit")
    page.wait_for_url(f"{server_url}/devices")
    user = page.locator("#qs-user")
    assert user.get_attribute("data-username") == username
    assert CITY_USER_NAME in user.inner_text()
    assert "市级 · 杭州市" in user.inner_text()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["qingshan_token"]["httpOnly"] is True

    # logout clears the cookie; the device page asks for a login again
    page.click("#qs-logout")
    page.wait_for_url(re.compile(r"/login\?reason=logged_out"))
    assert page.inner_text("#qs-login-reason") == "您已安全退出。"
    assert "qingshan_token" not in {c["name"] for c in page.context.cookies()}
    page.goto(f"{server_url}/devices")
    page.wait_for_url(re.compile(r"/login\?"))
    # the only console error is the browser's note on the 401 of the wrong password
    assert all("401" in e for e in page.qs_errors), page.qs_errors


def test_empty_form_is_refused_in_the_page(server_url, page):
    page.goto(f"{server_url}/login")
    page.click("#qs-login-submit")
    assert page.inner_text("#qs-login-error") == "请输入用户名和密码。"
    assert page.qs_errors == []


def test_login_in_english_and_no_open_redirect(server_url, page):
    page.goto(f"{server_url}/login?lang=en&next=https://evil.example/")
    assert page.inner_text("h1") == "Log in"
    username, password = PROVINCE_USER
    page.fill("#qs-username", username)
    page.fill("#qs-password", password)
    page.click("#qs-login-submit")
    page.wait_for_url(f"{server_url}/")
    assert "Province · Zhejiang" in page.inner_text("#qs-user")
    assert page.locator("#qs-logout").inner_text() == "Log out"
    page.goto(f"{server_url}/?lang=zh")
    assert page.qs_errors == []


def test_a_stale_cookie_counts_as_logged_out(server_url, page):
    page.context.add_cookies([{"name": "qingshan_token", "value": "forged", "url": server_url}])
    page.goto(f"{server_url}/devices")
    page.wait_for_url(re.compile(r"/login\?reason=expired"))
    assert page.inner_text("#qs-login-reason") == "登录已过期，请重新登录。"
    assert "qingshan_token" not in {c["name"] for c in page.context.cookies()}
