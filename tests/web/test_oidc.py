"""Single sign-on end to end: the app (TestClient) against a real OpenID Connect provider
served by uvicorn in a thread (:mod:`.oidc_provider`), Authlib unmocked, on each database."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from qingshan.accounts.errors import AuthenticationFailed
from qingshan.accounts.models import Role, User
from qingshan.accounts.oidc import Identity, link_account, link_marker
from qingshan.accounts.service import authenticate, create_user
from qingshan.audit.models import AuditLog
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider, serve_provider

ALICE = {"sub": "alice", "name": "王丽", "qingshan_role": "city", "region_code": "330100"}


@pytest.fixture(scope="module")
def provider():
    with serve_provider() as p:
        yield p


@pytest.fixture
def idp(provider) -> LocalProvider:
    provider.reset(**ALICE)
    return provider


@pytest.fixture
def seeded(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "nb", "ningbo-pass", Role.CITY, "330200")
    return engine


def _settings(app_settings, idp, **extra):
    return app_settings.model_copy(
        update={
            "oidc_issuer": idp.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": SecretStr(CLIENT_SECRET),
            **extra,
        }
    )


@pytest.fixture
def client(seeded, app_settings, idp):
    with TestClient(create_app(_settings(app_settings, idp))) as c:
        yield c


def sign_in(client: TestClient, next: str = "/devices") -> httpx.Response:
    """Click 使用…登录: the app sends the browser to the provider, which approves and sends it
    back to the callback; the callback's answer is returned (not followed)."""
    start = client.get(f"/login/oidc?next={quote(next, safe='')}", follow_redirects=False)
    assert start.status_code == 302, start.text
    assert "qingshan_oidc=" in start.headers["set-cookie"]  # the pending sign-in
    approve = httpx.get(start.headers["location"], follow_redirects=False, trust_env=False)
    assert approve.status_code == 302, approve.text
    back = approve.headers["location"]
    assert back.startswith("http://testserver/login/oidc/callback?")
    return client.get(back, follow_redirects=False)


def _user(engine, username) -> User | None:
    with session_scope(engine) as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is not None:
            s.expunge(user)
        return user


def _audit(engine, action) -> list[AuditLog]:
    with session_scope(engine) as s:
        rows = list(
            s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))
        )
        for row in rows:
            s.expunge(row)
        return rows


def _refused(response: httpx.Response, status: int, message: str) -> None:
    assert response.status_code == status, response.text
    assert "qingshan_token=" not in response.headers.get("set-cookie", "")
    assert 'qingshan_oidc=""' in response.headers["set-cookie"]  # the pending sign-in is gone
    assert "统一身份认证登录失败" in response.text
    assert message in response.text, response.text[-3000:]


def test_sign_in_creates_the_account_and_a_working_session(client, seeded, idp):
    start = client.get("/login/oidc?next=%2Fdevices", follow_redirects=False)
    cookie = start.headers["set-cookie"]
    assert "qingshan_oidc=" in cookie and "Path=/login/oidc" in cookie and "HttpOnly" in cookie
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["client_id"] == [CLIENT_ID]
    assert {"state", "nonce", "code_challenge"} <= set(query)

    r = sign_in(client)
    assert r.status_code == 303 and r.headers["location"] == "/devices"
    assert "qingshan_token=" in r.headers["set-cookie"]
    user = _user(seeded, "oidc:alice")
    assert user is not None
    assert (user.role, user.region_code, user.display_name) == (Role.CITY, "330100", "王丽")
    assert user.password_hash == link_marker(idp.issuer)

    page = client.get("/devices")
    assert page.status_code == 200
    assert 'data-username="oidc:alice"' in page.text
    me = client.get("/api/v1/users/me").json()
    assert (me["username"], me["role"], me["region_code"]) == ("oidc:alice", "city", "330100")
    # the scope is the claims' region: Hangzhou sees its own users, not Ningbo's
    assert [u["username"] for u in client.get("/api/v1/users").json()] == ["oidc:alice"]

    [login] = _audit(seeded, "login")
    assert login.actor == "oidc:alice" and login.entity_id == str(user.id)
    assert login.after["method"] == "oidc" and login.after["subject"] == "alice"
    [created] = [
        a for a in _audit(seeded, "create") if a.entity == "app_user" and a.actor == "oidc"
    ]
    assert created.after["username"] == "oidc:alice" and "password_hash" not in created.after

    # logout revokes the token as for a local login
    client.get("/logout", follow_redirects=False)
    assert client.get("/devices", follow_redirects=False).status_code == 303


def test_a_second_login_refreshes_role_and_region_from_the_claims(client, seeded, idp):
    assert sign_in(client).status_code == 303
    idp.reset(**(ALICE | {"qingshan_role": "county", "region_code": "330106", "name": "王丽丽"}))
    assert sign_in(client).status_code == 303
    user = _user(seeded, "oidc:alice")
    assert (user.role, user.region_code, user.display_name) == (Role.COUNTY, "330106", "王丽丽")
    [update] = [a for a in _audit(seeded, "update") if a.entity == "app_user"]
    assert update.actor == "oidc" and update.entity_id == str(user.id)
    assert update.before == {"role": "city", "region_code": "330100", "display_name": "王丽"}
    assert update.after == {"role": "county", "region_code": "330106", "display_name": "王丽丽"}
    assert client.get("/api/v1/users/me").json()["region_code"] == "330106"
    assert len(_audit(seeded, "login")) == 2


def test_next_stays_on_this_site(client):
    r = client.get("/login/oidc?next=https%3A%2F%2Fevil.example%2F", follow_redirects=False)
    approve = httpx.get(r.headers["location"], follow_redirects=False, trust_env=False)
    done = client.get(approve.headers["location"], follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"state": "forged-state"}, "the state returned by the identity provider is not this browser"),
        ({"nonce": "another-nonce"}, "the ID token was refused: invalid_claim"),
        ({"sign_with_other_key": True}, "the ID token was refused: bad_signature"),
        ({"expires_in": -3600}, "the ID token was refused: expired_token"),
    ],
)  # fmt: skip
def test_an_answer_that_does_not_hold_is_refused(client, seeded, idp, fault, message):
    for name, value in fault.items():
        setattr(idp, name, value)
    r = sign_in(client)
    _refused(r, 401, message)
    assert _user(seeded, "oidc:alice") is None
    [failed] = _audit(seeded, "login_failed")
    assert failed.after["method"] == "oidc" and failed.after["reason"] == "SingleSignOnFailed"
    assert message in failed.after["message"]
    assert _audit(seeded, "login") == []
    assert client.get("/api/v1/users/me").status_code == 401


def test_a_callback_without_a_started_sign_in_is_refused(client, seeded, idp):
    start = client.get("/login/oidc", follow_redirects=False)
    approve = httpx.get(start.headers["location"], follow_redirects=False, trust_env=False)
    client.cookies.clear()  # another browser
    r = client.get(approve.headers["location"], follow_redirects=False)
    _refused(r, 401, "no sign-in was started in this browser")
    assert idp.token_requests == 0  # the code was never redeemed
    assert len(_audit(seeded, "login_failed")) == 1


def test_a_provider_error_is_refused(client, seeded):
    client.get("/login/oidc", follow_redirects=False)
    r = client.get("/login/oidc/callback?error=access_denied&error_description=user+cancelled")
    _refused(r, 401, "the identity provider refused the sign-in: access_denied (user cancelled)")


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"qingshan_role": "city", "region_code": "330106"},
         "role city needs a city-level region code, got 330106 (county)"),
        ({"qingshan_role": "enterprise", "region_code": "330100"},
         "claim &#39;qingshan_role&#39; is &#39;enterprise&#39;: not a role that signs in"),
        ({"qingshan_role": "admin"}, "valid: province, city, county, public"),
        ({"qingshan_role": "county", "region_code": "110101"}, "is outside Zhejiang"),
        ({"qingshan_role": "county", "region_code": None}, "a GB/T 2260 region code is needed"),
    ],
)  # fmt: skip
def test_claims_that_give_no_account_are_refused_and_audited(client, seeded, idp, claims, message):
    idp.reset(**(ALICE | claims))
    r = sign_in(client)
    _refused(r, 403, message)
    assert _user(seeded, "oidc:alice") is None
    [failed] = _audit(seeded, "login_failed")
    assert failed.actor == "oidc:alice" and failed.entity_id == "oidc:alice"
    assert failed.after["reason"] == "SingleSignOnRefused"
    assert failed.after["method"] == "oidc"
    assert client.get("/api/v1/users/me").status_code == 401


def test_claims_in_english(client, idp):
    idp.reset(**(ALICE | {"region_code": "330106"}))
    client.get("/login?lang=en")
    r = sign_in(client)
    assert r.status_code == 403
    assert "Single sign-on failed: claims &#39;qingshan_role&#39;/&#39;region_code&#39;" in r.text


def test_a_local_account_is_never_taken_over(client, seeded, idp):
    with session_scope(seeded) as s:
        create_user(s, "OIDC:alice", "alice-local-pass", Role.COUNTY, "330106")
    r = sign_in(client)
    _refused(r, 403, "is a local account")
    local = _user(seeded, "OIDC:alice")
    assert (local.role, local.region_code) == (Role.COUNTY, "330106")  # untouched
    assert len(_audit(seeded, "login_failed")) == 1
    with session_scope(seeded) as s:
        assert authenticate(s, "OIDC:alice", "alice-local-pass").region_code == "330106"


def test_a_linked_account_has_no_password(client, seeded):
    assert sign_in(client).status_code == 303
    with session_scope(seeded) as s:
        with pytest.raises(AuthenticationFailed, match="wrong username or password"):
            authenticate(s, "oidc:alice", link_marker("x"))
    r = client.post("/api/v1/auth/login", data={"username": "oidc:alice", "password": "!oidc:"})
    assert r.status_code == 401


def test_an_account_linked_to_another_provider_is_not_taken_over(client, seeded, idp):
    with session_scope(seeded) as s:
        identity = Identity("alice", Role.PROVINCE, "330000", "Alice")
        link_account(s, identity, issuer="https://other-idp.example")
    _refused(sign_in(client), 403, "linked to another identity provider")
    assert _user(seeded, "oidc:alice").role is Role.PROVINCE


def test_a_disabled_account_cannot_sign_in(client, seeded):
    assert sign_in(client).status_code == 303
    with session_scope(seeded) as s:
        s.scalar(select(User).where(User.username == "oidc:alice")).active = False
    client.cookies.clear()
    _refused(sign_in(client), 403, "is disabled")


def test_without_provisioning_only_linked_accounts_sign_in(seeded, app_settings, idp):
    settings = _settings(app_settings, idp, oidc_provision_users=False)
    with TestClient(create_app(settings)) as client:
        _refused(sign_in(client), 403, "no account is linked to subject &#39;alice&#39;")
        assert _user(seeded, "oidc:alice") is None
        with session_scope(seeded) as s:
            link_account(s, Identity("alice", Role.CITY, "330100", "王丽"), issuer=idp.issuer)
        assert sign_in(client).status_code == 303
        assert client.get("/api/v1/users/me").json()["username"] == "oidc:alice"


def test_a_discovery_document_of_another_issuer_is_refused(client, idp):
    idp.discovery_issuer = "http://127.0.0.1:1/other"
    r = client.get("/login/oidc", follow_redirects=False)
    assert r.status_code == 502
    assert "names issuer &#39;http://127.0.0.1:1/other&#39;, not the one configured" in r.text


def test_an_unreachable_provider_is_a_clear_error(seeded, app_settings, idp):
    settings = _settings(app_settings, idp, oidc_issuer="http://127.0.0.1:9")
    with TestClient(create_app(settings)) as client:
        r = client.get("/login/oidc", follow_redirects=False)
    assert r.status_code == 502
    assert "the identity provider http://127.0.0.1:9 could not be reached" in r.text


def test_the_login_page_offers_the_provider(client):
    zh = client.get("/login?next=%2Fdevices").text
    assert 'id="qs-login-oidc" href="/login/oidc?next=/devices"' in zh
    assert "使用政务服务网统一身份认证登录" in zh
    assert "Log in with 政务服务网统一身份认证" in client.get("/login?lang=en").text


def test_not_configured_means_no_button_and_no_routes(seeded, app_settings):
    assert not app_settings.oidc_enabled
    with TestClient(create_app(app_settings)) as client:
        assert 'id="qs-login-oidc"' not in client.get("/login").text
        assert client.get("/login/oidc", follow_redirects=False).status_code == 404
        assert client.get("/login/oidc/callback?code=x&state=y").status_code == 404


def test_an_operator_links_an_account_from_the_command_line(
    seeded, app_settings, idp, monkeypatch, capsys
):
    """``qingshan users link-oidc``: the account exists before the first sign-in, so that
    with provisioning off the subject can sign in; bad claims are refused as at sign-in."""
    from qingshan.cli import main

    monkeypatch.setenv("QINGSHAN_DATABASE_URL", app_settings.db_url)
    monkeypatch.setenv("QINGSHAN_OIDC_ISSUER", idp.issuer)
    monkeypatch.setenv("QINGSHAN_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("QINGSHAN_OIDC_CLIENT_SECRET", CLIENT_SECRET)

    def link(*args: str) -> tuple[int, str]:
        with pytest.raises(SystemExit) as exit_info:
            main(["users", "link-oidc", *args])
            raise SystemExit(0)
        captured = capsys.readouterr()
        return exit_info.value.code, captured.out + captured.err

    code, output = link("alice", "--role", "city", "--region", "330102")
    assert code == 1 and "city-level region code, got 330102 (county)" in output
    code, output = link("alice", "--role", "city", "--region", "330100", "--name", "王丽")
    assert code == 0, output
    assert f"linked oidc:alice (city, 330100) to {idp.issuer}" in output
    code, output = link("alice", "--role", "city", "--region", "330100")
    assert code == 1 and "an account named 'oidc:alice' exists already" in output

    settings = _settings(app_settings, idp, oidc_provision_users=False)
    with TestClient(create_app(settings)) as client:
        assert sign_in(client).status_code == 303
        assert client.get("/api/v1/users/me").json()["username"] == "oidc:alice"
