"""The HJ 212 device API behind the 设备状态 page is scoped by the region of the bound site."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.hj212 import registry
from qingshan.hj212.models import DeviceStatus
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.platform.app import create_app

PASSWORD = "scope-test-password"


@pytest.fixture
def client(engine, app_settings):
    now = datetime.now(UTC)
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("zj", Role.PROVINCE, "330000"), ("hz", Role.CITY, "330100"),
                                   ("xh", Role.COUNTY, "330106"), ("nb", Role.CITY, "330200")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region, display_name=name.upper())
        for code, region in [("HZ01", "330106"), ("HZ02", "330108"), ("NB01", "330203")]:
            s.add(Site(code=code, name=f"站点{code}", kind=SiteKind.GAS_OUTLET,
                       control_level=ControlLevel.ENTERPRISE, region_code=region, attrs={}))  # fmt: skip
        s.flush()
        for mn, site in [
            ("MN-HZ01", "HZ01"),
            ("MN-HZ02", "HZ02"),
            ("MN-NB01", "NB01"),
            ("MN-FREE", None),
        ]:
            registry.add_device(s, mn, "123456", site=site, name=mn)
        s.add(DeviceStatus(mn="MN-HZ01", last_seen=now - timedelta(seconds=20),
                           last_data_time=now - timedelta(seconds=80), packets=3, rejected=1,
                           packets_by_cn={"2011": 2, "2061": 1}, errors={"bad_crc": 1}))  # fmt: skip
        registry.write_rejects(s, [
            {"received_at": now, "mn": mn, "peer": "p", "reason": "auth", "message": m, "frame": None}
            for mn, m in [("MN-HZ01", "wrong PW for MN=MN-HZ01"), ("MN-NB01", "wrong PW for MN=MN-NB01"),
                          ("GHOST", "unknown device MN=GHOST")]
        ])  # fmt: skip
    with TestClient(create_app(app_settings)) as c:
        yield c


def _login(client, username: str) -> dict:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.cookies.clear()  # the bearer header alone, so users do not mix
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _mns(client, url: str, headers: dict) -> list[str]:
    r = client.get(url, headers=headers)
    assert r.status_code == 200, r.text
    return sorted(x["mn"] for x in r.json())


def test_status_is_scoped_by_the_site_region(client):
    province, city, county, ningbo = (_login(client, u) for u in ("zj", "hz", "xh", "nb"))
    assert _mns(client, "/api/v1/hj212/status", province) == [
        "MN-FREE",
        "MN-HZ01",
        "MN-HZ02",
        "MN-NB01",
    ]
    assert _mns(client, "/api/v1/hj212/status", city) == ["MN-HZ01", "MN-HZ02"]
    assert _mns(client, "/api/v1/hj212/status", county) == ["MN-HZ01"]
    assert _mns(client, "/api/v1/hj212/status", ningbo) == ["MN-NB01"]
    assert _mns(client, "/api/v1/hj212/devices", city) == ["MN-HZ01", "MN-HZ02"]

    [hz01] = [
        d for d in client.get("/api/v1/hj212/status", headers=city).json() if d["mn"] == "MN-HZ01"
    ]
    assert hz01["site_code"] == "HZ01" and hz01["site_name"] == "站点HZ01"
    assert hz01["region_code"] == "330106" and hz01["online"] is True
    assert hz01["packets_by_cn"] == {"2011": 2, "2061": 1} and hz01["errors"] == {"bad_crc": 1}
    assert 79 <= hz01["lag_seconds"] < 120


def test_rejects_are_scoped_and_unknown_devices_are_for_the_province(client):
    province, city, ningbo = (_login(client, u) for u in ("zj", "hz", "nb"))
    assert _mns(client, "/api/v1/hj212/rejects", province) == ["GHOST", "MN-HZ01", "MN-NB01"]
    assert _mns(client, "/api/v1/hj212/rejects", city) == ["MN-HZ01"]
    assert _mns(client, "/api/v1/hj212/rejects", ningbo) == ["MN-NB01"]


def test_a_device_out_of_scope_is_reported_as_missing(client):
    city = _login(client, "hz")
    for method, url in [("GET", "/api/v1/hj212/devices/MN-NB01"),
                        ("GET", "/api/v1/hj212/devices/MN-NB01/status"),
                        ("PATCH", "/api/v1/hj212/devices/MN-NB01"),
                        ("DELETE", "/api/v1/hj212/devices/MN-NB01"),
                        ("GET", "/api/v1/hj212/devices/MN-FREE")]:  # fmt: skip
        r = client.request(
            method, url, headers=city, json={"name": "x"} if method == "PATCH" else None
        )
        assert r.status_code == 404, (method, url, r.text)
        assert r.json()["detail"] == f"no device with MN={url.split('/')[5]}"
    assert client.get("/api/v1/hj212/devices/MN-HZ02", headers=city).status_code == 200
    # a city may not bind a device to another city's site
    r = client.patch("/api/v1/hj212/devices/MN-HZ02", headers=city, json={"site": "NB01"})
    assert r.status_code == 404 and "no site 'NB01' in your scope" in r.json()["detail"]
    r = client.post("/api/v1/hj212/devices", headers=city,
                    json={"mn": "MN-NEW", "password": "123456", "site": "NB01"})  # fmt: skip
    assert r.status_code == 404
    r = client.post("/api/v1/hj212/devices", headers=city,
                    json={"mn": "MN-NEW", "password": "123456", "site": "HZ02"})  # fmt: skip
    assert r.status_code == 201


def test_status_needs_a_login(client):
    r = client.get("/api/v1/hj212/status")
    assert r.status_code == 401
