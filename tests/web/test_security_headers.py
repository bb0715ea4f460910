"""Issue 9 item 7: security headers on pages, API answers and static files."""

import pytest
from fastapi.testclient import TestClient

from qingshan.platform.app import create_app
from qingshan.web.security import CSP, csp_with_hashes


@pytest.fixture
def client(app_settings):
    with TestClient(create_app(app_settings)) as c:
        yield c


@pytest.mark.parametrize(
    "path", ["/login", "/api/v1/health", "/static/js/login.js", "/api/v1/no-such-thing"]
)
def test_every_response_has_the_security_headers(client, path):
    r = client.get(path)
    assert r.headers["content-security-policy"] == CSP
    assert "frame-ancestors 'none'" in CSP and "script-src 'self';" in CSP
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_hsts_behind_https_only(client, app_settings):
    assert "strict-transport-security" not in client.get("/login").headers  # cookie_secure off
    https = app_settings.model_copy(update={"cookie_secure": True})
    with TestClient(create_app(https)) as c:
        assert c.get("/login").headers["strict-transport-security"] == "max-age=31536000"
    off = app_settings.model_copy(update={"cookie_secure": True, "hsts_seconds": 0})
    with TestClient(create_app(off)) as c:
        assert "strict-transport-security" not in c.get("/login").headers


def test_the_swagger_page_admits_its_own_inline_script_only(client):
    r = client.get("/api/v1/docs")
    policy = r.headers["content-security-policy"]
    assert "'sha256-" in policy and policy != CSP
    assert r.headers["content-length"] == str(len(r.content))
    # other pages never get hashes, whatever they contain
    assert client.get("/login").headers["content-security-policy"] == CSP


def test_json_config_blocks_are_not_hashed():
    html = b'<script type="application/json" id="c">{}</script><script src="/x.js"></script>'
    assert csp_with_hashes(html) == CSP
