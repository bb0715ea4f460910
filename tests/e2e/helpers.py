"""Helpers of the browser tests."""

from __future__ import annotations


def login_as(page, server_url: str, user: tuple[str, str]) -> None:
    """Log ``page``'s browser context in through the API (the answer sets the cookie)."""
    username, password = user
    r = page.request.post(
        f"{server_url}/api/v1/auth/login", form={"username": username, "password": password}
    )
    assert r.ok, r.text()


def new_page(browser, width: int, height: int, **options):
    """A page in a fresh browser context (zh-CN; the browser clock in UTC so that CST is shown
    on purpose, not by accident of the machine's zone) whose console errors and uncaught
    exceptions are recorded in ``page.qs_errors``. Close it with ``page.context.close()``."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", timezone_id="UTC", **options
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.qs_errors = errors
    return page
