"""GET /api/v1/water/sections/{code}/history, /water/basins/{basin} and /freshness: scope, bad
input (422 naming the field), the loggers through the registry's LoggerStates, CSV, pages.

Classes from GB 3838-2002 Table 1: CODMn 3.0 is class II (2 < 3 ≤ 4), 5.0 class III (4 < 5 ≤ 6).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.hj212 import registry
from qingshan.hj212.models import DeviceStatus
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.platform.app import create_app
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow

JAN = datetime(2025, 12, 31, 16, tzinfo=UTC)  # 2026-01-01 00:00 CST
CODES = {"w01001": 7.0, "w01009": 8.0, "w21003": 0.1, "w21011": 0.01}  # pH DO NH3-N TP


@pytest.fixture
def client(engine, app_settings):
    store = ObservationStore(app_settings.observations_dir)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "hz", "hangzhou-pass-123", Role.CITY, "330100")
        create_user(s, "nb", "ningbo-pass-123", Role.CITY, "330200")
        rows = []
        for code, region, codmn in (("S-HZ", "330100", (3.0, 5.0)), ("S-NB", "330200", (3.0, 3.0))):
            site = Site(code=code, name=f"断面{code}", kind=SiteKind.WATER_SECTION,
                        control_level=ControlLevel.NATIONAL, region_code=region,
                        attrs={"water_body": "river", "target_class": "II", "basin": "钱塘江流域"})  # fmt: skip
            s.add(site)
            s.flush()
            for pcode, value in {**CODES, "w01019": None}.items():
                series = get_or_create_series(s, site, pcode, Period.HOUR, "mg/L")
                for month, start in enumerate((JAN, JAN + timedelta(days=31))):
                    v = codmn[month] if value is None else value
                    times = pd.date_range(start, periods=28 * 24, freq="h")
                    rows.append(pd.DataFrame({"series_id": series.id, "time": times,
                                              "period": "hour", "value": v}))  # fmt: skip
                # the latest value: an hour ago (fresh), so the history ends at the data's end
                s.add(LatestValue(series_id=series.id, time=JAN + timedelta(days=58, hours=23),
                                  value=1.0, qc_flag=0))  # fmt: skip
        store.append(pd.concat(rows), "water")
        air = Site(code="AIR-1", name="空气站", kind=SiteKind.AIR_STATION, region_code="330100",
                   control_level=ControlLevel.NATIONAL, attrs={})  # fmt: skip
        s.add(air)
        s.flush()
        so2 = get_or_create_series(s, air, "a21026", Period.HOUR, "ug/m3")
        s.add(LatestValue(series_id=so2.id, time=now - timedelta(hours=5), value=8.0, qc_flag=0))
        # a logger bound to the air station, its last data 40 min ago, sending minute data
        registry.add_device(s, "MN-AIR-1", "123456", site="AIR-1", name="数采仪1")
        s.add(DeviceStatus(mn="MN-AIR-1", last_seen=utcnow(), packets=10, rejected=0,
                           last_data_time=utcnow() - timedelta(minutes=40),
                           packets_by_cn={"2051": 10}, errors={}))  # fmt: skip
    store.close()
    with TestClient(create_app(app_settings)) as c:
        yield c


def _auth(client, user: str, password: str) -> dict:
    r = client.post("/api/v1/auth/login", data={"username": user, "password": password})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_section_history(client):
    r = client.get("/api/v1/water/sections/S-HZ/history", params={"months": 2})
    assert r.status_code == 200, r.text
    h = r.json()
    assert [(m["label"], m["section_class"], m["meets_target"]) for m in h["monthly"]] == [
        ("2026-01", "II", True), ("2026-02", "III", False),
    ]  # fmt: skip
    assert h["monthly"][1]["indicators"]["CODMn"]["worse_than_target"] is True
    assert h["section"]["place"]["city_name"] == "杭州市"
    assert [i["key"] for i in h["indicators"]] == ["pH", "DO", "CODMn", "NH3_N", "TP", "TN"]


def test_scope_out_of_region_is_404_like_a_missing_one(client):
    nb = _auth(client, "nb", "ningbo-pass-123")
    out = client.get("/api/v1/water/sections/S-HZ/history", headers=nb)
    missing = client.get("/api/v1/water/sections/NOPE/history", headers=nb)
    assert out.status_code == missing.status_code == 404
    assert out.json()["detail"] == "no site 'S-HZ' in your scope"
    assert client.get("/api/v1/water/sections/S-NB/history", headers=nb).status_code == 200
    basin = client.get("/api/v1/water/basins/钱塘江", headers=nb).json()
    assert [s["code"] for s in basin["sections"]] == ["S-NB"] and basin["scope_limited"]
    assert client.get("/api/v1/water/basins/太湖", headers=nb).status_code == 404
    # an air station is no water section
    assert client.get("/api/v1/water/sections/AIR-1/history").status_code == 404


@pytest.mark.parametrize(
    ("url", "loc"),
    [
        ("/api/v1/water/sections/S-HZ/history?months=0", ["query", "months"]),
        ("/api/v1/water/sections/S-HZ/history?months=25", ["query", "months"]),
        ("/api/v1/water/sections/S-HZ/history?months=x", ["query", "months"]),
        ("/api/v1/water/sections/bad%20code/history", ["path", "code"]),
        ("/api/v1/water/basins/钱塘江?months=-1", ["query", "months"]),
        ("/api/v1/freshness?kind=river", ["query", "kind", 0]),
        ("/api/v1/freshness?state=late&state=gone", ["query", "state", 1]),
        ("/api/v1/freshness?format=xlsx", ["query", "format"]),
    ],
)
def test_bad_input_is_422_naming_the_field(client, url, loc):
    headers = _auth(client, "hz", "hangzhou-pass-123")
    r = client.get(url, headers=headers)
    assert r.status_code == 422, r.text
    assert [d["loc"] for d in r.json()["detail"]] == [loc]


def test_freshness_needs_a_login_and_gives_loggers(client):
    assert client.get("/api/v1/freshness").status_code == 401
    hz = _auth(client, "hz", "hangzhou-pass-123")
    r = client.get("/api/v1/freshness", headers=hz).json()
    by = {i["code"]: i for i in r["items"]}
    assert set(by) == {"S-HZ", "AIR-1", "MN-AIR-1"}  # not 宁波's section
    assert by["AIR-1"]["state"] == "late" and by["AIR-1"]["age_hours"] >= 4.0
    # minute data (10 min): late after 3 intervals = 30 min; its last data 40 min ago
    assert by["MN-AIR-1"]["state"] == "late" and by["MN-AIR-1"]["late_after_hours"] == 0.5
    assert by["MN-AIR-1"]["place"]["city_name"] == "杭州市"
    assert by["S-HZ"]["state"] == "missing"  # its newest hour is in February 2026
    csv = client.get("/api/v1/freshness", params={"format": "csv", "kind": "logger"}, headers=hz)
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert len(lines) == 2 and lines[1].startswith("late,logger,MN-AIR-1,数采仪1,杭州市")


def test_pages(client):
    r = client.get("/water/sections/S-HZ")
    assert r.status_code == 200 and "断面S-HZ" in r.text and "/water?region=330100" in r.text
    assert client.get("/water/sections/NOPE").status_code == 404
    assert client.get("/water/basins/钱塘江流域?lang=en").status_code == 200
    assert client.get("/freshness", follow_redirects=False).status_code == 303  # login first


def test_freshness_drills_down_to_a_county_of_the_region(client):
    hz = _auth(client, "hz", "hangzhou-pass-123")
    r = client.get("/api/v1/freshness", params={"region": "330102"}, headers=hz)
    assert r.status_code == 200 and r.json()["items"] == []  # nothing in 上城区
    whole = client.get("/api/v1/freshness", headers=hz).json()
    assert [c["region_code"] for c in whole["summary"]] == ["330100"]  # placed in the city only
    assert whole["summary"][0]["city_level"] is True
    other = client.get("/api/v1/freshness", params={"region": "330200"}, headers=hz)
    assert other.status_code == 403
    assert other.json()["detail"] == "region 330200 is outside your region 330100"
    bad = client.get("/api/v1/freshness", params={"region": "33010"}, headers=hz)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "region"]
    page = client.get("/freshness?region=330102")  # the login's cookie
    assert page.status_code == 200
    assert (
        '<a href="/freshness?region=330100">杭州市</a> › <span aria-current="page">上城区'
        in page.text
    )
    assert "上城区数据时效" in page.text
