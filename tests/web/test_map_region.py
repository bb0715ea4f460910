"""The maps' region (?region=): zoom to the viewer's region, breadcrumbs, refusal outside the
scope (pages only; the browser tests drive the maps)."""

from __future__ import annotations

import json
import re

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
        create_user(s, "xihu", "xihu-pass", Role.COUNTY, "330106")
        create_user(s, "hz", "hangzhou-pass", Role.CITY, "330100")
    with TestClient(create_app(app_settings)) as c:
        yield c


def _config(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="qs-config">(.*?)</script>', html, re.S)
    assert match is not None, html[:500]
    return json.loads(match.group(1))


def _login(client, user, password):
    r = client.post("/api/v1/auth/login", data={"username": user, "password": password})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("path", ["/map", "/water"])
def test_a_county_user_opens_on_the_county(client, path):
    _login(client, "xihu", "xihu-pass")
    r = client.get(path)
    assert r.status_code == 200
    config = _config(r.text)
    assert config["region"] == "330106" and config["scope"] == "330106"
    # 浙江省 › 杭州市 › 西湖区: only the county itself is within the scope
    assert config["crumbs"] == [
        {"code": "330000", "link": False},
        {"code": "330100", "link": False},
        {"code": "330106", "link": True},
    ]
    assert config["regions"]["330106"] == ["西湖区", "Xihu District", "county", "330100"]
    assert config["countiesUrl"] == "/api/v1/geo/zhejiang-counties.geojson"
    assert "西湖区" in r.text.split("<title>")[1].split("</title>")[0]


def test_a_city_user_drills_into_a_county_and_is_refused_another_city(client):
    _login(client, "hz", "hangzhou-pass")
    config = _config(client.get("/map", params={"region": "330106"}).text)
    assert config["region"] == "330106" and config["scope"] == "330100"
    assert [c["link"] for c in config["crumbs"]] == [False, True, True]
    r = client.get("/map", params={"region": "330200"})
    assert r.status_code == 403
    assert "宁波市不在您的辖区（杭州市）内，无法查看。" in r.text
    r = client.get("/water", params={"region": "330200", "lang": "en"})
    assert r.status_code == 403 and "Ningbo is outside your region (Hangzhou)." in r.text


def test_a_visitor_sees_the_province_and_any_region(client):
    config = _config(client.get("/map").text)
    assert config["region"] == "330000" and config["crumbs"] == [{"code": "330000", "link": True}]
    assert _config(client.get("/water", params={"region": "330203"}).text)["region"] == "330203"
    assert client.get("/map", params={"region": "339999"}).status_code == 404
    assert client.get("/map", params={"region": "33"}).status_code == 422
