"""/api/v1/air/{stations,cities}/{code}/history: values, scope and ranges."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series, update_latest
from qingshan.platform.app import create_app
from qingshan.timeseries.store import ObservationStore

#: code, county, PM2.5 [µg/m³] of every hour
STATIONS = [("T01A", "330106", 40.0), ("T02A", "330108", 80.0), ("T03A", "330203", 20.0)]
OTHER = {"a34002": 50.0, "a21026": 10.0, "a21004": 40.0, "a05024": 100.0, "a21005": 1.0}


@pytest.fixture
def client(engine, tmp_path, app_settings):
    store = ObservationStore(tmp_path / "observations")
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "xh", "xihu-pass-1", Role.COUNTY, "330106")
        create_user(s, "nb", "ningbo-pass-1", Role.CITY, "330200")
        rows = []
        for code, county, pm25 in STATIONS:
            site = Site(code=code, name=code, kind=SiteKind.AIR_STATION,
                        control_level=ControlLevel.NATIONAL, region_code=county)  # fmt: skip
            s.add(site)
            s.flush()
            for param, v in {"a34004": pm25, **OTHER}.items():
                unit = "mg/m³" if param == "a21005" else "µg/m³"
                sid = get_or_create_series(s, site, param, Period.HOUR, unit).id
                # 2026-01-10 and -11 CST: 48 hours from 2026-01-09 16:00 UTC
                for h in range(48):
                    t = pd.Timestamp("2026-01-09 16:00", tz="UTC") + pd.Timedelta(hours=h)
                    rows.append(dict(series_id=sid, time=t, period="hour", value=v, raw_value=v,
                                     source="test"))  # fmt: skip
        frame = pd.DataFrame(rows)
        store.append(frame, "air")
        update_latest(s, frame)
    with TestClient(create_app(app_settings)) as c:
        yield c


def _as(client, user: str, password: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", data={"username": user, "password": password})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_station_history_defaults_to_the_last_7_stored_days(client):
    r = client.get("/api/v1/air/stations/T02A/history")
    assert r.status_code == 200, r.text
    h = r.json()
    assert (h["start"], h["end"]) == ("2026-01-05", "2026-01-11")
    assert [c["name"] for c in h["breadcrumbs"]] == ["浙江省", "杭州市", "T02A"]
    assert h["map_url"] == "/map?region=330100"
    # PM2.5 80 all day: HJ 633-2012 daily (75–115 → 100–150): 50/40·5+100 = 106.25 → 107
    days = {d["date"]: d for d in h["daily"]}
    assert days["2026-01-10"]["aqi"] == 107 and days["2026-01-10"]["primary"] == ["PM2.5"]
    assert days["2026-01-05"]["aqi"] is None
    assert h["summary"]["valid_days"] == 2 and h["summary"]["compliance_rate"] == 0.0
    # hourly: 1-h PM2.5 80 on the 24-h table → 107 too (CNEMC real-time publication)
    assert len(h["hourly_time"]) == 7 * 24 and h["hourly"]["aqi"][-1] == 107
    assert h["month"]["yoy"] is None and h["month"]["last_year"]["summary"] is None


def test_city_history_is_the_mean_of_its_national_stations(client):
    h = client.get(
        "/api/v1/air/cities/330100/history", params={"from": "2026-01-10", "to": "2026-01-11"}
    ).json()
    # PM2.5 (40 + 80)/2 = 60: 25/40·50+50 = 81.25 → 82
    assert [d["aqi"] for d in h["daily"]] == [82, 82]
    assert h["daily"][0]["concentrations"]["PM2.5"] == 60.0
    assert [s["code"] for s in h["stations"]] == ["T01A", "T02A"]
    assert h["summary"]["compliance_rate"] == 100.0 and h["context_only"] is False


def test_scope(client):
    xh = _as(client, "xh", "xihu-pass-1")
    assert client.get("/api/v1/air/stations/T01A/history", headers=xh).status_code == 200
    r = client.get("/api/v1/air/stations/T02A/history", headers=xh)
    assert r.status_code == 404 and r.json()["detail"] == "no site 'T02A' in your scope"
    # a county sees its city as context: its own station linkable, the others not
    h = client.get("/api/v1/air/cities/330100/history", headers=xh).json()
    assert h["context_only"] is True
    assert {s["code"]: s["in_scope"] for s in h["stations"]} == {"T01A": True, "T02A": False}
    r = client.get("/api/v1/air/cities/330200/history", headers=xh)
    assert r.status_code == 404 and r.json()["detail"] == "no city '330200' in your scope"
    nb = _as(client, "nb", "ningbo-pass-1")
    assert client.get("/api/v1/air/cities/330100/history", headers=nb).status_code == 404
    assert client.get("/api/v1/air/stations/T01A/history", headers=nb).status_code == 404
    assert (
        client.get("/api/v1/air/cities/330200/history", headers=nb).json()["stations"][0]["code"]
        == "T03A"
    )
    r = client.get("/api/v1/air/cities/339900/history")
    assert r.status_code == 404 and "no city '339900'; cities: 330100" in r.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2026-01-12", "to": "2026-01-11"}, "from", "from: 2026-01-12 is after to 2026-01-11"),
        ({"from": "2025-01-01", "to": "2026-01-11"}, "to", "to: the range 2025-01-01…2026-01-11 has 376 days; at most 366 per request"),
    ],
)  # fmt: skip
def test_bad_ranges_are_422_naming_the_field(client, params, field, message):
    r = client.get("/api/v1/air/cities/330100/history", params=params)
    assert r.status_code == 422
    assert r.json()["detail"] == message and r.json()["context"]["field"] == field


def test_a_malformed_date_is_422_naming_the_field(client):
    r = client.get("/api/v1/air/stations/T01A/history", params={"from": "2026-13-01"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "from"]
    r = client.get("/api/v1/air/stations/T01A/history", params={"to": "1066-10-14"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "to"]
