"""The small demo through the API: a county account sees its own stations, and the site JSON
says which positions are approximate (issue #13, defects 2 and 7)."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from qingshan.config import Settings
from qingshan.db.engine import dispose_engines
from qingshan.platform.app import create_app


@pytest.fixture(scope="module")
def client(small_demo_dir, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("geo-demo")
    shutil.copytree(small_demo_dir, data_dir, dirs_exist_ok=True)
    app = create_app(Settings(data_dir=data_dir, demo=True, scheduler=False, hj212_listener=False))
    with TestClient(app) as c:
        yield c
    dispose_engines()


def _login(client, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": "qingshan-demo"})
    assert r.status_code == 200, r.text
    client.cookies.clear()  # the bearer token speaks; no session cookie lingers for the next test
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_county_account_sees_its_own_air_stations(client):
    rows = client.get("/api/v1/air/stations/latest", headers=_login(client, "xihu")).json()
    assert sorted(r["name"] for r in rows) == ["云栖", "卧龙桥", "西溪"]  # 西湖区's national
    assert {r["region_code"] for r in rows} == {"330106"}
    assert not any(r["approximate"] for r in rows)


def test_sites_json_marks_approximate_positions(client):
    client.cookies.clear()  # anonymous: the public sites
    sites = client.get("/api/v1/sites", params={"kind": "water_section"}).json()
    national = [s for s in sites if s["control_level"] == "national"]
    assert len(national) == 47 and all(s["approximate"] for s in national)
    assert all(s["attrs"]["placement"] == "approximate" for s in national)
    provincial = [s for s in sites if s["control_level"] == "provincial"]
    assert provincial and not any(s["approximate"] for s in provincial)
    air = client.get("/api/v1/sites", params={"kind": "air_station"}).json()
    assert sum(s["approximate"] for s in air) == 2  # no coordinates in the CNEMC list


def test_water_latest_marks_approximate_positions(client):
    body = client.get("/api/v1/water/sections/latest", headers=_login(client, "hangzhou")).json()
    by_name = {s["name"]: s for s in body["sections"]}
    jiekou = by_name["街口(鸠坑口)"]
    assert jiekou["approximate"] is True
    assert jiekou["region_code"] == "330127" and jiekou["longitude"] < 118.8
    assert {s["region_code"][:4] for s in body["sections"]} == {"3301"}
