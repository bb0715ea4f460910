"""The API end to end on a real database: login, tokens, scoping, error shape."""

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "prov", "province-pass", Role.PROVINCE, "330000")
        create_user(s, "hz", "hangzhou-pass", Role.CITY, "330100")
        create_user(s, "nb", "ningbo-pass", Role.CITY, "330200")
    with TestClient(create_app(app_settings)) as c:
        yield c


def _token(client, username, password):
    r = client.post("/api/v1/auth/login", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_health(client):
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["database"]["up_to_date"] is True


def test_wrong_password_is_401_with_a_clear_message(client):
    r = client.post("/api/v1/auth/login", data={"username": "hz", "password": "nope-nope"})
    assert r.status_code == 401
    assert r.json() == {
        "error": "AuthenticationFailed",
        "detail": "wrong username or password",
        "context": {},
    }


def test_me_and_scoped_user_list(client):
    hz = _token(client, "hz", "hangzhou-pass")
    assert client.get("/api/v1/users/me", headers=hz).json()["region_code"] == "330100"
    names = [u["username"] for u in client.get("/api/v1/users", headers=hz).json()]
    assert names == ["hz"]
    prov = _token(client, "prov", "province-pass")
    assert [u["username"] for u in client.get("/api/v1/users", headers=prov).json()] == [
        "prov",
        "hz",
        "nb",
    ]


def test_city_admin_cannot_create_users_in_another_city(client):
    hz = _token(client, "hz", "hangzhou-pass")
    r = client.post(
        "/api/v1/users",
        headers=hz,
        json={
            "username": "nb2",
            "password": "long-enough",
            "role": "city",
            "region_code": "330200",
        },
    )
    assert r.status_code == 403
    assert r.json()["detail"] == "region 330200 is outside the scope 330100 of hz"
    r = client.post(
        "/api/v1/users",
        headers=hz,
        json={
            "username": "xihu",
            "password": "long-enough",
            "role": "county",
            "region_code": "330106",
        },
    )
    assert r.status_code == 201 and r.json()["region_code"] == "330106"


def test_anonymous_cannot_list_users(client):
    r = client.get("/api/v1/users")
    assert r.status_code == 401
    assert "not logged in" in r.json()["detail"]


# --- issue 9 items 5, 6, 7: logins, sessions, the cookie ----------------------------------------


def _login(client, username, password):
    return client.post("/api/v1/auth/login", data={"username": username, "password": password})


def test_logout_revokes_the_token(client):
    hz = _token(client, "hz", "hangzhou-pass")
    assert client.get("/api/v1/users/me", headers=hz).status_code == 200
    client.cookies.clear()
    assert client.post("/api/v1/auth/logout", headers=hz).status_code == 204
    r = client.get("/api/v1/users/me", headers=hz)
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_the_web_logout_revokes_the_cookie_token(client):
    token = _login(client, "hz", "hangzhou-pass").json()["access_token"]
    client.cookies.set("qingshan_token", token)  # Secure: the test client's http drops it
    client.get("/logout", follow_redirects=False)
    r = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_repeated_failures_lock_the_account_then_the_right_password_is_refused(client):
    for _ in range(5):
        assert _login(client, "hz", "wrong-password").status_code == 401
    r = _login(client, "hz", "hangzhou-pass")
    assert r.status_code == 429
    assert r.json()["error"] == "TooManyAttempts" and r.json()["context"]["retry_after"] >= 1
    assert _login(client, "nb", "ningbo-pass").status_code == 200  # others unaffected


def test_unknown_users_are_locked_like_known_ones(client):
    for _ in range(5):
        assert _login(client, "nobody", "wrong-password").status_code == 401
    assert _login(client, "nobody", "wrong-password").status_code == 429


def test_logins_are_rate_limited_per_address(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
    settings = app_settings.model_copy(update={"login_rate_per_address": "3/minute"})
    with TestClient(create_app(settings)) as c:
        for name in ("a1", "a2", "a3"):
            assert _login(c, name, "wrong-password").status_code == 401
        r = _login(c, "a4", "wrong-password")
        assert r.status_code == 429 and "from this address" in r.json()["detail"]


def test_every_login_success_and_failure_is_audited(client, engine):
    from sqlalchemy import select

    from qingshan.audit.models import AuditLog

    _login(client, "hz", "hangzhou-pass")
    _login(client, "hz", "wrong-password")
    _login(client, "nobody", "wrong-password")
    with session_scope(engine) as s:
        rows = s.execute(
            select(AuditLog.action, AuditLog.actor, AuditLog.after)
            .where(AuditLog.action.in_(["login", "login_failed"]))
            .order_by(AuditLog.id)
        ).all()
    assert [(a, who) for a, who, _ in rows] == [
        ("login", "hz"),
        ("login_failed", "hz"),
        ("login_failed", "nobody"),
    ]
    assert rows[1][2] == {"address": "testclient", "reason": "AuthenticationFailed"}


def test_the_login_cookie_is_secure_unless_demo(client, engine, app_settings):
    default = app_settings.model_copy(update={"cookie_secure": None})  # the shipped default
    with TestClient(create_app(default)) as c:
        cookie = _login(c, "hz", "hangzhou-pass").headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie
    demo = default.model_copy(update={"demo": True})
    with TestClient(create_app(demo)) as c:
        assert "Secure" not in _login(c, "hz", "hangzhou-pass").headers["set-cookie"]
    insecure = default.model_copy(update={"cookie_secure": False})
    with TestClient(create_app(insecure)) as c:
        assert "Secure" not in _login(c, "hz", "hangzhou-pass").headers["set-cookie"]
