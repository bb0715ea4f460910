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
