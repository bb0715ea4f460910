"""Single sign-on in Debian's Chromium: 使用…登录 on the login page, through a local OpenID
Connect provider (a real server), back signed in, with the site's CSP and no violation."""

from __future__ import annotations

import re

import pytest

# the provider of the web tests (tests/ is on sys.path: its packages import as web, e2e, …)
from web.oidc_provider import CLIENT_ID, CLIENT_SECRET, serve_provider

from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade

from .conftest import running_server
from .seed import seed_air_stations

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture(scope="module")
def sso(tmp_path_factory):
    """(the site's URL, the provider) — a server configured for single sign-on."""
    data_dir = tmp_path_factory.mktemp("qingshan-oidc-e2e")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_air_stations(session)  # and the regions
    engine.dispose()
    with serve_provider() as provider:
        provider.reset(sub="zhang.wei", name="张伟", qingshan_role="city", region_code="330100")
        env = {
            "QINGSHAN_OIDC_ISSUER": provider.issuer,
            "QINGSHAN_OIDC_CLIENT_ID": CLIENT_ID,
            "QINGSHAN_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        }
        with running_server(data_dir, **env) as url:
            yield url, provider


def test_sign_in_through_the_identity_provider(sso, page):
    url, _ = sso
    page.add_init_script(RECORD_VIOLATIONS)
    failed = []
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    page.goto(f"{url}/devices")
    page.wait_for_url(re.compile(r"/login\?"))
    button = page.locator("#qs-login-oidc")
    assert button.inner_text() == "使用政务服务网统一身份认证登录"
    page.screenshot(path="/tmp/qingshan-login-oidc.png")
    button.click()
    page.wait_for_url(f"{url}/devices")
    user = page.locator("#qs-user")
    assert user.get_attribute("data-username") == "oidc:zhang.wei"
    assert "张伟" in user.inner_text() and "市级 · 杭州市" in user.inner_text()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["qingshan_token"]["httpOnly"] is True
    assert "qingshan_oidc" not in cookies  # the pending sign-in is spent
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__csp") == []
    assert page.qs_errors == [], failed


def test_a_refused_sign_in_is_a_clear_page(sso, page):
    url, provider = sso
    provider.reset(sub="li.na", name="李娜", qingshan_role="city", region_code="330106")
    try:
        page.goto(f"{url}/login")
        page.click("#qs-login-oidc")
        page.wait_for_selector("#qs-errpage")
        assert page.locator("#qs-errpage").get_attribute("data-status") == "403"
        detail = page.inner_text("#qs-errpage-detail")
        assert "统一身份认证登录失败" in detail
        assert "role city needs a city-level region code, got 330106 (county)" in detail
        assert "qingshan_token" not in {c["name"] for c in page.context.cookies()}
    finally:
        provider.reset(sub="zhang.wei", name="张伟", qingshan_role="city", region_code="330100")
    # the browser's only console error is its note on the 403 status
    assert all("403" in e for e in page.qs_errors), page.qs_errors
