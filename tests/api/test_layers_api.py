"""The maps' layers (/air/layers/…, /water/layers/…): one hour or day of stored history, the
AQI or why it is withheld, the county's context, scope."""

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.layers import CACHE
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series, update_latest
from qingshan.platform.app import create_app
from qingshan.timeseries.store import ObservationStore

#: the CST day 2026-11-29 runs from 2026-11-28 16:00 UTC (HJ 633-2026 is in force)
DAY0 = pd.Timestamp("2026-11-28 16:00", tz="UTC")
AIR = {"a34004": 37, "a34002": 50, "a21026": 5, "a21004": 40, "a05024": 60, "a21005": 0.6}


def _site(s, code, name, level, region, kind=SiteKind.AIR_STATION, **attrs):
    site = Site(code=code, name=name, kind=kind, control_level=level, region_code=region,
                longitude=120.1, latitude=30.2, attrs=attrs)  # fmt: skip
    s.add(site)
    s.flush()
    return site


def _rows(s, site, values, hours, stream_rows):
    for code, v in values.items():
        unit = "mg/m³" if code in ("a21005",) else ("mg/L" if code.startswith("w") else "µg/m³")
        sid = get_or_create_series(s, site, code, Period.HOUR, unit).id
        for h in hours:
            stream_rows.append(dict(series_id=sid, time=DAY0 + pd.Timedelta(hours=h),
                                    period="hour", value=float(v), raw_value=float(v),
                                    source="test"))  # fmt: skip


@pytest.fixture
def client(engine, tmp_path, app_settings):
    CACHE.clear()
    store = ObservationStore(tmp_path / "observations")
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "xihu", "xihu-pass", Role.COUNTY, "330106")
        create_user(s, "nb", "ningbo-pass", Role.CITY, "330200")
        air: list[dict] = []
        # a national station in 上城区 with all 24 hours of the day
        _rows(s, _site(s, "N1", "上城国控", ControlLevel.NATIONAL, "330102"), AIR, range(24), air)
        # a provincial station in 西湖区 without O3 and low values: the AQI is withheld
        low = {k: v for k, v in AIR.items() if k != "a05024"} | {"a34004": 20}
        _rows(s, _site(s, "P1", "西湖省控", ControlLevel.PROVINCIAL, "330106",
                       placement="approximate"), low, range(24), air)  # fmt: skip
        # a provincial station in 海曙区 with only 19 hours: no valid 24-h mean
        _rows(s, _site(s, "P2", "海曙省控", ControlLevel.PROVINCIAL, "330203"), AIR, range(19), air)
        frame = pd.DataFrame(air)
        store.append(frame, "air")
        update_latest(s, frame)
        water: list[dict] = []
        sec = _site(s, "W1", "闸口", ControlLevel.NATIONAL, "330102", SiteKind.WATER_SECTION,
                    water_body="river", target_class="II")  # fmt: skip
        # NH3-N 0.4 the first 12 hours, 0.6 the next 12: mean 0.5 mg/L, class II (≤ 0.5)
        _rows(s, sec, {"w01009": 7.0, "w21011": 0.05, "w21003": 0.4}, range(12), water)
        _rows(s, sec, {"w01009": 7.0, "w21011": 0.05, "w21003": 0.6}, range(12, 24), water)
        wframe = pd.DataFrame(water)
        store.append(wframe, "water")
        update_latest(s, wframe)
    with TestClient(create_app(app_settings)) as c:
        yield c


def _login(client, user, password):
    tok = client.post("/api/v1/auth/login", data={"username": user, "password": password})
    return {"Authorization": f"Bearer {tok.json()['access_token']}"}


def test_hour_layer_realtime_aqi_and_withheld_aqi(client):
    r = client.get("/api/v1/air/layers/hour", params={"time": "2026-11-29T10:00:00+08:00"})
    assert r.status_code == 200, r.text
    layer = r.json()
    assert layer["period"] == "hour" and layer["time"].startswith("2026-11-29T02:00")
    by = {s["code"]: s for s in layer["stations"]}
    # PM2.5 37 µg/m³ on the 24-h row of HJ 633-2026 Table 3 (35 → 50, 60 → 100):
    # IAQI = ceil(50 + 50·(37 − 35)/(60 − 35)) = 54; the others are lower
    n1 = by["N1"]
    assert (n1["aqi"], n1["level"], n1["primary_pollutants"]) == (54, 2, ["PM2.5"])
    assert n1["concentrations"]["CO_1h"] == 0.6 and n1["aqi_withheld"] is False
    # O3 missing and the rest ≤ 100 (PM2.5 20 → IAQI 29): HJ 633-2026 §5.3.1 withholds the AQI
    p1 = by["P1"]
    assert p1["aqi"] is None and p1["aqi_withheld"] is True and p1["missing"] == ["O3_1h"]
    assert p1["concentrations"]["PM2.5_1h"] == 20.0 and p1["approximate"] is True
    # an hour without any value: no data at all, not "withheld"
    later = client.get("/api/v1/air/layers/hour", params={"time": "2026-11-30T03:00"}).json()
    p2 = {s["code"]: s for s in later["stations"]}["P2"]
    assert p2["time"] is None and p2["aqi"] is None and p2["aqi_withheld"] is False


def test_day_layer_daily_report(client):
    layer = client.get("/api/v1/air/layers/day", params={"date": "2026-11-29"}).json()
    assert layer["date"] == "2026-11-29" and layer["time"].startswith("2026-11-28T16:00")
    by = {s["code"]: s for s in layer["stations"]}
    n1 = by["N1"]
    # 24-h means equal the constant hours; O3 MDA8 60 (HJ 663-2013 6.1.2); daily AQI 54 (PM2.5)
    assert n1["concentrations"]["PM2.5_24h"] == 37.0 and n1["concentrations"]["O3_8h"] == 60.0
    assert n1["aqi"] == 54 and n1["primary_indicators"] == ["PM2.5_24h"]
    # 19 hours are fewer than the 20 a daily mean needs (GB 3095-2012 §8.2 Table 4)
    p2 = by["P2"]
    assert p2["concentrations"]["PM2.5_24h"] is None and "PM2.5_24h" in p2["missing"]


def test_county_sees_its_own_and_the_citys_national_stations_as_context(client):
    h = _login(client, "xihu", "xihu-pass")
    layer = client.get("/api/v1/air/layers/latest", headers=h).json()
    assert layer["region"] == "330106" and layer["context_region"] == "330100"
    assert [(s["code"], s["context"]) for s in layer["stations"]] == [("P1", False), ("N1", True)]
    water = client.get("/api/v1/water/layers/day", params={"date": "2026-11-29"}, headers=h).json()
    assert [(s["code"], s["context"]) for s in water["sections"]] == [("W1", True)]
    assert water["summary"]["sections"] == 0  # the counts are the county's own
    # a visitor (the public scope, the province) drilled down to 上城区, which has a national
    # station: no context
    client.cookies.clear()
    own = client.get("/api/v1/air/layers/latest", params={"region": "330102"}).json()
    assert own["context_region"] is None and [s["code"] for s in own["stations"]] == ["N1"]


def test_region_outside_the_scope_is_refused(client):
    h = _login(client, "nb", "ningbo-pass")
    r = client.get("/api/v1/air/layers/latest", params={"region": "330100"}, headers=h)
    assert r.status_code == 403 and "outside the scope 330200" in r.json()["detail"]
    r = client.get("/api/v1/air/layers/latest", params={"region": "330299"})
    assert r.status_code == 404
    r = client.get("/api/v1/air/layers/hour", params={"time": "yesterday"})
    assert r.status_code == 422 and "time" in r.text
    # a number is not read as seconds or days since 1970 (schemathesis: time=0.5 gave 1970)
    for param, value in (("time", "0.5"), ("time", "1700000000"), ("date", "20000")):
        path = "/api/v1/air/layers/" + ("hour" if param == "time" else "day")
        r = client.get(path, params={param: value})
        assert r.status_code == 422 and "ISO 8601" in r.text, (param, value, r.text)
    r = client.get("/api/v1/air/layers/day", params={"date": "3000-01-01"})
    assert r.status_code == 422 and "a year 1900–2200" in r.text


def test_water_day_layer_classes_the_days_mean(client):
    layer = client.get("/api/v1/water/layers/day", params={"date": "2026-11-29"}).json()
    [w1] = layer["sections"]
    # NH3-N mean 0.5 mg/L: class II (GB 3838-2002 Table 1, ≤ 0.5); TP 0.05 river: class II
    assert w1["concentrations"]["NH3_N"] == pytest.approx(0.5)
    assert w1["section_class"] == "II" and w1["meets_target"] is True
    assert layer["summary"]["assessed"] == 1


def test_range_and_cache(client):
    rng = client.get("/api/v1/air/layers/range").json()
    assert rng["last_time"].startswith("2026-11-29T15:00") and rng["last_date"] == "2026-11-29"
    hits = CACHE.hits
    client.get("/api/v1/air/layers/day", params={"date": "2026-11-29"})
    client.get("/api/v1/air/layers/day", params={"date": "2026-11-29", "region": "330100"})
    assert CACHE.hits == hits + 1  # the province's layer computed once, then picked by region
