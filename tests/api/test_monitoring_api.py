"""Sites and observations through the API, scoped, as JSON and CSV."""

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


@pytest.fixture
def client(engine, tmp_path, app_settings):
    store = ObservationStore(tmp_path / "observations")
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "nb", "ningbo-pass", Role.CITY, "330200")
        hz = Site(
            code="1223A",
            name="滨江",
            kind=SiteKind.AIR_STATION,
            control_level=ControlLevel.NATIONAL,
            region_code="330100",
            longitude=120.211,
            latitude=30.21,
        )
        s.add(hz)
        s.flush()
        # three hours at 滨江 (1223A)
        values = {
            "a34004": 35,
            "a34002": 50,
            "a21026": 5,
            "a21004": 40,
            "a05024": 60,
            "a21005": 0.6,
        }
        rows = []
        for code, v in values.items():
            unit = "mg/m³" if code == "a21005" else "µg/m³"
            sid = get_or_create_series(s, hz, code, Period.HOUR, unit).id
            for h in range(3):
                rows.append(
                    dict(
                        series_id=sid,
                        time=pd.Timestamp("2026-11-29 00:00", tz="UTC") + pd.Timedelta(hours=h),
                        period="hour",
                        value=float(v + h),
                        raw_value=float(v + h),
                        source="test",
                    )
                )
        frame = pd.DataFrame(rows)
        store.append(frame, "air")
        update_latest(s, frame)
    with TestClient(create_app(app_settings)) as c:
        yield c


def test_air_station_latest_carries_the_realtime_aqi(client):
    [station] = client.get("/api/v1/air/stations/latest").json()
    assert station["code"] == "1223A" and station["city_name"] == "杭州市"
    assert station["time"].startswith("2026-11-29T02:00")
    # 2026-11-29 is under HJ 633-2026 (from 2026-03-01): PM2.5 37 µg/m³ on its Table 3 24 h
    # row (35 → 50, 60 → 100): IAQI = ceil(50 + 50·(37−35)/(60−35)) = 54; the others are lower
    assert (
        station["aqi"] == 54
        and station["level"] == 2
        and station["primary_pollutants"] == ["PM2.5"]
        and station["primary_indicators"] == ["PM2.5_1h"]  # the indicator that decided
    )


def test_observations_json_csv_and_errors(client):
    r = client.get(
        "/api/v1/sites/1223A/observations",
        params={
            "parameter": "PM2.5",
            "start": "2026-11-29T00:00:00Z",
            "end": "2026-11-29T03:00:00Z",
        },
    )
    assert r.status_code == 200
    assert [p["value"] for p in r.json()] == [35.0, 36.0, 37.0]
    csv = client.get(
        "/api/v1/sites/1223A/observations",
        params={
            "parameter": "a34004",
            "start": "2026-11-29T00:00:00Z",
            "end": "2026-11-29T03:00:00Z",
            "format": "csv",
        },
    ).text
    assert "time_cst" in csv.splitlines()[0] and "2026-11-29 08:00" in csv
    r = client.get("/api/v1/sites/1223A/observations", params={"parameter": "a21002"})
    assert r.status_code == 404 and "site 1223A has no hour series of a21002" in r.json()["detail"]


def test_city_user_does_not_see_another_citys_site(client):
    tok = client.post(
        "/api/v1/auth/login", data={"username": "nb", "password": "ningbo-pass"}
    ).json()["access_token"]
    h = {"Authorization": f"Bearer {tok}"}
    assert client.get("/api/v1/air/stations/latest", headers=h).json() == []
    r = client.get("/api/v1/sites/1223A", headers=h)
    assert r.status_code == 404 and r.json()["detail"] == "no site '1223A' in your scope"
