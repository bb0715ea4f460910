"""Issue 9 item 7: every page, signed out and signed in as the province, in Debian's Chromium
with the site's Content-Security-Policy, and no CSP violation reported."""

from __future__ import annotations

import pytest

from .helpers import login_as
from .seed import PROVINCE_USER

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = ["/", "/map", "/water", "/login", "/nonexistent", "/api/v1/docs", "/api/v1/redoc",
                "/spot-checks/public"]  # fmt: skip
SIGNED_IN_PAGES = PUBLIC_PAGES[:3] + [
    "/enterprises",
    "/devices",
    "/admin/jobs",
    "/qc/outlets/E2EWAT01",
    "/credit",
    "/spot-checks",
]

#: records every violation the browser reports (Playwright's init scripts run outside CSP)
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""


#: violations that are the policy working as meant: Redoc's sidebar always asks for its logo
#: from cdn.redoc.ly (hidden when it fails); CSP stops that request to a third party
EXPECTED = ("img-src https://cdn.redoc.ly/",)


def _violations(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    reported = page.evaluate("window.__csp")
    console = [e for e in page.qs_errors if "Content Security Policy" in e]
    return [v for v in reported + console if not _expected(v)]


def _expected(violation: str) -> bool:
    return violation.startswith(EXPECTED) or (
        "cdn.redoc.ly" in violation and "img-src" in violation
    )


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_csp_violation_signed_out(server_url, page, path):
    page.add_init_script(RECORD_VIOLATIONS)
    assert _violations(page, server_url + path) == []


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_no_csp_violation_signed_in(server_url, page, path):
    page.add_init_script(RECORD_VIOLATIONS)
    login_as(page, server_url, PROVINCE_USER)
    assert _violations(page, server_url + path) == []
