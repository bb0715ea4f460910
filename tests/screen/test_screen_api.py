"""GET /api/v1/screen/summary on the small demo province: every figure equals the answer of the
service the page would otherwise ask (layers, enterprises, case statistics, freshness, the
city air history), scoped to the account; bars by city for the province, by county within a
city; out of scope 403, a code outside Zhejiang 404, enterprise accounts refused by name."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from fastapi.testclient import TestClient

from qingshan.config import Settings
from qingshan.db.engine import dispose_engines
from qingshan.platform.app import create_app
from qingshan.screen.service import _areas, clear_cache


@pytest.fixture(scope="module")
def client(small_demo_dir, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("screen-demo")
    shutil.copytree(small_demo_dir, data_dir, dirs_exist_ok=True)
    clear_cache()
    app = create_app(Settings(data_dir=data_dir, demo=True, scheduler=False, hj212_listener=False))
    with TestClient(app) as c:
        yield c
    dispose_engines()


def _login(client, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": "qingshan-demo"})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _get(client, user: str, url: str, **params):
    r = client.get(url, params=params, headers=_login(client, user))
    assert r.status_code == 200, r.text
    return r.json()


def test_areas_count_sites_by_city_or_county():
    items = [("330106", "2", False), ("330106", "2", False), ("330102", "none", False),
             ("330110", "1", True)]  # fmt: skip
    keys = ("1", "2", "none")
    city = _areas(items, "330100", keys)
    assert [(a.code, a.context, a.counts) for a in city] == [
        ("330102", False, {"1": 0, "2": 0, "none": 1}),
        ("330106", False, {"1": 0, "2": 2, "none": 0}),
        ("330100", True, {"1": 1, "2": 0, "none": 0}),  # context: counted under its city
    ]
    province = _areas(items[:3], "330000", keys)
    assert len(province) == 11  # every city, with or without sites
    assert province[0].code == "330100" and province[0].counts == {"1": 0, "2": 2, "none": 1}
    assert all(sum(a.counts.values()) == 0 for a in province[1:])


@pytest.mark.parametrize("user,region", [("province", "330000"), ("hangzhou", "330100"),
                                         ("xihu", "330106")])  # fmt: skip
def test_summary_equals_the_services(client, user, region):
    s = _get(client, user, "/api/v1/screen/summary")
    assert s["region"] == region
    air = _get(client, user, "/api/v1/air/layers/latest")
    own = [st for st in air["stations"] if not st["context"]]
    assert s["stations"] == len(own) > 0
    assert sum(sum(a["counts"].values()) for a in s["air_by_area"]) == len(air["stations"])
    levels = [st["level"] for st in own if st["level"] is not None]
    assert s["good_share"] == round(100 * sum(lv <= 2 for lv in levels) / len(levels), 1)
    aqis = [st["aqi"] for st in own if st["aqi"] is not None]
    assert s["aqi_mean"] == round(sum(aqis) / len(aqis), 1)
    water = _get(client, user, "/api/v1/water/layers/latest")
    assert s["sections"] == water["summary"]["sections"]
    assert s["water_good_rate"] == water["summary"]["good_rate"]
    ents = _get(client, user, "/api/v1/archive/enterprises", limit=1)
    assert (s["outlets"], s["exceeding_outlets"]) == (
        ents["summary"]["outlets"], ents["summary"]["exceeding_outlets"])  # fmt: skip
    stats = _get(client, user, "/api/v1/cases/stats")
    assert s["cases"]["open"] == stats["total"]["open"]
    assert s["cases"]["overdue"] == stats["total"]["overdue"]
    assert sum(s["cases"]["by_state"].values()) == stats["total"]["open"]
    fresh = _get(client, user, "/api/v1/freshness")
    for kind, t in fresh["totals"].items():
        assert s["freshness"]["by_kind"][kind]["total"] == t["total"]
        assert s["freshness"]["by_kind"][kind]["missing"] == t["missing"]
    # scope: every bar inside the region (a city's bars are its counties)
    for a in s["air_by_area"] + s["water_by_area"]:
        assert a["code"].startswith(region.rstrip("0")[:4]) or region == "330000"
    if region == "330000":
        assert [a["code"][-2:] for a in s["air_by_area"]] == ["00"] * 11
    elif region == "330100":
        assert all(a["code"] != "330100" and a["code"].startswith("3301") for a in s["air_by_area"])
    else:
        assert {a["code"] for a in s["air_by_area"]} == {"330106"}  # 云栖, 卧龙桥, 西溪
        assert s["stations"] == 3


def test_city_trends_are_the_city_history(client):
    s = _get(client, "hangzhou", "/api/v1/screen/summary")
    days = s["good_days_30d"]
    assert len(days["time"]) == 30 and len(s["aqi_24h"]["time"]) == 24
    first = date.fromisoformat(days["time"][0][:10])  # 16:00 UTC = the CST day's start
    h = _get(client, "hangzhou", "/api/v1/air/cities/330100/history", **{
        "from": date.fromordinal(first.toordinal() + 1).isoformat(),
        "to": date.fromordinal(first.toordinal() + 30).isoformat()})  # fmt: skip
    aqi = [d["aqi"] for d in h["daily"]]
    # one city: a day is 100 % or 0 % good (AQI <= 100, HJ 633-2026 Table 1 levels 1-2)
    assert days["values"] == [None if a is None else (100.0 if a <= 100 else 0.0) for a in aqi]
    valid = [a for a in aqi if a is not None]
    assert s["good_rate_30d"] == round(100 * sum(a <= 100 for a in valid) / len(valid), 1)
    hourly = dict(zip(h["hourly_time"], h["hourly"]["aqi"], strict=True))
    got = [hourly.get(t) for t in s["aqi_24h"]["time"]]
    assert s["aqi_24h"]["values"] == got
    assert (
        sum(v is not None for v in got) >= 20 and sum(v is not None for v in days["values"]) >= 15
    )


def test_scope_and_refusals(client):
    r = client.get("/api/v1/screen/summary", params={"region": "330200"},
                   headers=_login(client, "hangzhou"))  # fmt: skip
    assert r.status_code == 403 and "outside" in r.json()["detail"]
    r = client.get("/api/v1/screen/summary", params={"region": "330108"},
                   headers=_login(client, "xihu"))  # fmt: skip
    assert r.status_code == 403
    r = client.get("/api/v1/screen/summary", params={"region": "110000"},
                   headers=_login(client, "province"))  # fmt: skip
    assert r.status_code == 404
    r = client.get("/api/v1/screen/summary", headers=_login(client, "enterprise"))
    assert r.status_code == 403
    assert "bureau accounts" in r.json()["detail"]
    client.cookies.clear()
    assert client.get("/api/v1/screen/summary").status_code == 401
    # the province may look at a city: the city's figures
    s = _get(client, "province", "/api/v1/screen/summary", region="330100")
    assert s["region"] == "330100" and s == {**_get(client, "hangzhou", "/api/v1/screen/summary")}
