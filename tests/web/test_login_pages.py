"""Login, logout, the login-required redirect and the page legends, without a browser."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from qingshan.config import Settings
from qingshan.platform.app import create_app
from qingshan.web.auth import safe_next
from qingshan.web.legend import NO_DATA_COLOR, WATER_CLASS_COLORS, water_legend


@pytest.fixture
def client(tmp_path):
    return TestClient(create_app(Settings(data_dir=tmp_path, demo=True, scheduler=False)))


def test_devices_page_redirects_to_login(client):
    r = client.get("/devices?x=1", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?reason=required&next=%2Fdevices%3Fx%3D1"
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    assert "该页面需要登录后查看，请先登录。" in page.text
    assert 'id="qs-login"' in page.text and 'id="qs-user"' not in page.text


def test_a_forged_cookie_is_cleared_not_answered_with_401(client):
    client.cookies.set("qingshan_token", "forged")
    r = client.get("/water")
    assert r.status_code == 200
    assert 'qingshan_token=""' in r.headers["set-cookie"]
    client.cookies.set("qingshan_token", "forged")
    r = client.get("/devices", follow_redirects=False)
    assert r.status_code == 303 and "reason=expired" in r.headers["location"]


def test_logout_clears_the_cookie(client):
    r = client.get("/logout", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?reason=logged_out"
    assert 'qingshan_token=""' in r.headers["set-cookie"]
    assert client.post("/logout", follow_redirects=False).status_code == 303


def test_login_link_returns_to_the_page(client):
    html = client.get("/water?lang=en").text
    assert 'href="/login?next=%2Fwater"' in html  # without lang, which the cookie keeps


@pytest.mark.parametrize(
    ("target", "safe"),
    [("/devices?x=1", "/devices?x=1"), (None, "/"), ("", "/"), ("https://evil.example/", "/"),
     ("//evil.example/", "/"), ("/\\evil.example", "/"), ("devices", "/")],
)  # fmt: skip
def test_safe_next(target, safe):
    assert safe_next(target) == safe


def test_water_legend_is_one_table():
    legend = water_legend("zh")
    assert [e["name"] for e in legend] == ["I类", "II类", "III类", "IV类", "V类", "劣V类", "无数据"]
    assert [e["color"] for e in legend[:-1]] == list(WATER_CLASS_COLORS.values())
    assert legend[-1] == {"cls": None, "name": "无数据", "color": NO_DATA_COLOR}
    assert water_legend("en")[5]["name"] == "Worse than V"
    with pytest.raises(TypeError):
        WATER_CLASS_COLORS["I"] = "#000000"  # type: ignore[index]


def test_login_link_on_the_login_page_goes_home(client):
    assert 'href="/login?next=%2F"' in client.get("/login").text
