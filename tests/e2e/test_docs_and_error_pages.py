"""The API docs with no internet, and the error pages, in Debian's Chromium."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from .helpers import login_as
from .seed import PROVINCE_USER

pytestmark = pytest.mark.e2e

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture
def offline_page(page):
    """``page`` with every request to another host refused (a machine without internet);
    the refused URLs are in ``page.qs_blocked``."""
    blocked: list[str] = []

    def handle(route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.context.route("**/*", handle)
    page.qs_blocked = blocked
    return page


def test_swagger_ui_renders_offline(server_url, offline_page):
    page = offline_page
    page.goto(f"{server_url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() > 10
    assert page.locator(".opblock-summary-path", has_text="/api/v1/health").count() >= 1
    assert page.inner_text(".info .title").startswith("青山 Qingshan API")
    page.screenshot(path="/tmp/qingshan-api-docs.png")
    assert page.qs_blocked == []
    assert page.qs_errors == []


def test_redoc_renders_offline(server_url, offline_page):
    page = offline_page
    page.goto(f"{server_url}/api/v1/redoc")
    page.wait_for_selector('[data-section-id^="operation/"]', state="attached", timeout=30_000)
    assert page.locator('[data-section-id^="operation/"]').count() > 10
    assert "青山 Qingshan API" in page.inner_text("h1")
    page.screenshot(path="/tmp/qingshan-api-redoc.png")
    # the only thing Redoc would fetch from elsewhere is its own logo, hidden when it fails
    assert all("redoc.ly" in url for url in page.qs_blocked), page.qs_blocked


def test_missing_page_in_the_layout(server_url, page):
    response = page.goto(f"{server_url}/nonexistent")
    assert response.status == 404
    assert page.inner_text("#qs-errpage-title") == "页面不存在"
    assert "本站没有 /nonexistent 这个页面" in page.inner_text("#qs-errpage-explain")
    assert page.locator(".qs-nav a").count() >= 4  # the site's navigation
    page.screenshot(path="/tmp/qingshan-error-404.png")
    page.click("#qs-errpage-home")
    page.wait_for_url(f"{server_url}/")


def test_bad_query_names_the_parameter(server_url, page):
    login_as(page, server_url, PROVINCE_USER)
    page.goto(f"{server_url}/enterprises")
    # followed as a link from the enterprises page (the browser sends the referer)
    with page.expect_navigation() as navigation:
        page.evaluate("url => { location.href = url }", "/qc/outlets/E2EGAS01?days=90&lang=en")
    assert navigation.value.status == 422
    assert page.inner_text("#qs-errpage-title") == "Invalid parameter"
    row = page.locator('#qs-errpage-problems tr[data-param="days"]')
    assert row.locator("td").all_inner_texts() == [
        "days query", "90", "above the largest allowed value", "1 to 31",
    ]  # fmt: skip
    assert page.get_attribute("#qs-errpage-back", "href") == "/enterprises"
    page.screenshot(path="/tmp/qingshan-error-422.png")
    page.click("#qs-errpage-back")
    page.wait_for_url(f"{server_url}/enterprises")
    assert page.qs_errors == [] or all("422" in e for e in page.qs_errors), page.qs_errors
