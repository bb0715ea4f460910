"""The open-data API (issue #14): paging with totals, GeoJSON sites, series and observations,
roll-ups with their coverage as fields, indices, scope and 422s."""

from __future__ import annotations

import pytest

from qingshan.opendata.service import coverage_of

from .conftest import DAY1, DAY2, OUTLET, SECTION, STATION, STATION_NB

OPEN = "/api/v1/open"
#: Zhejiang's extent (GB/T 2260 330000, the counties file's bbox, rounded outwards)
LON, LAT = (118.0, 123.3), (27.0, 31.2)


def test_sites_are_geojson_points_in_zhejiang(api):
    r = api("province", f"{OPEN}/sites")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/geo+json"
    body = r.json()
    assert body["type"] == "FeatureCollection" and body["total"] == 4
    for f in body["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert LON[0] < lon < LON[1] and LAT[0] < lat < LAT[1], f["id"]
    props = {f["id"]: f["properties"] for f in body["features"]}
    assert props[STATION]["county_name"] == "西湖区" and props[STATION]["city_name"] == "杭州市"
    assert props[STATION]["city_name_en"] == "Hangzhou"
    assert props[SECTION]["approximate"] is True and props[STATION]["approximate"] is False
    assert "attrs" not in props[OUTLET]  # no MN, no attributes at all


def test_paging_totals_are_the_filtered_count(api):
    r = api("province", f"{OPEN}/sites", kind="air_station", limit=1)
    body = r.json()
    assert body["total"] == 2 and len(body["features"]) == 1
    assert body["features"][0]["id"] == STATION  # ordered by code: 1224A < 1276A
    second = api("province", f"{OPEN}/sites", kind="air_station", limit=1, offset=1).json()
    assert [f["id"] for f in second["features"]] == [STATION_NB]
    past = api("province", f"{OPEN}/sites", kind="air_station", offset=10).json()
    assert past["total"] == 2 and past["features"] == [] and past["offset"] == 10
    assert (
        api("province", f"{OPEN}/sites", region="330200").json()["total"] == 2
    )  # 宁波: station, section
    assert api("province", f"{OPEN}/sites", region="330106").json()["total"] == 2  # 西湖区


def test_bounded_limits_and_clear_422s(api):
    r = api("province", f"{OPEN}/sites", limit=1001)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "limit"]
    r = api("province", f"{OPEN}/sites", offset=-1)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "offset"]
    r = api("province", f"{OPEN}/sites", region="110000")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "region"]
    r = api("province", f"{OPEN}/sites/{STATION}/rollups", parameter="a34004", period="hour")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "period"]


@pytest.mark.parametrize(
    ("role", "codes"),
    [
        ("anonymous", {STATION, STATION_NB, SECTION}),
        ("county", {STATION, OUTLET}),
        ("city", {STATION, OUTLET}),
    ],
)
def test_scope(api, role, codes):
    body = api(role, f"{OPEN}/sites").json()
    assert {f["id"] for f in body["features"]} == codes and body["total"] == len(codes)
    r = api(role, f"{OPEN}/sites/{OUTLET}/series")
    assert r.status_code == (200 if OUTLET in codes else 404)


def test_series_and_observations_paged(api):
    series = api("anonymous", f"{OPEN}/sites/{STATION}/series").json()
    assert series["total"] == 2
    assert [(s["parameter"], s["period"], s["unit"]) for s in series["items"]] == [
        ("a34004", "day", "µg/m³"), ("a34004", "hour", "µg/m³"),
    ]  # fmt: skip
    q = dict(parameter="a34004", start=DAY1.isoformat(), end=(DAY2 + (DAY2 - DAY1)).isoformat())
    page = api("anonymous", f"{OPEN}/sites/{STATION}/observations", limit=10, offset=20, **q).json()
    assert page["total"] == 24 + 15 and len(page["items"]) == 10
    first = page["items"][0]
    assert first["value"] == 30.0 and first["time"].startswith("2026-11-28T12:00")
    assert page["items"][-1]["time"].startswith("2026-11-28T21:00")  # DAY2 hour 5
    end = api("anonymous", f"{OPEN}/sites/{STATION}/observations", offset=39, **q).json()
    assert end["total"] == 39 and end["items"] == []
    assert api("anonymous", f"{OPEN}/sites/{OUTLET}/observations",
               parameter="a21026").status_code == 404  # fmt: skip


def test_rollup_coverage_as_fields(api):
    """The hand-made hours (conftest): DAY1 22 of 24 hours valid → a valid mean of the 22
    (GB 3095-2012 §8.2 Table 4: ≥ 20 hourly values a day); DAY2 15 of 24 → no valid mean."""
    r = api("anonymous", f"{OPEN}/sites/{STATION}/rollups", parameter="a34004", period="day",
            start="2026-11-27T00:00:00Z", end="2026-12-01T00:00:00Z")  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 2
    d1, d2 = body["items"]
    assert d1["time"].startswith("2026-11-27T16:00")  # the CST day 2026-11-28
    assert (d1["n_valid"], d1["n_expected"], d1["valid"]) == (22, 24, True)
    assert d1["coverage"] == pytest.approx(22 / 24, abs=1e-4)
    assert d1["value"] == pytest.approx((sum(range(10, 34)) - 15 - 16) / 22)  # 485/22
    assert d1["source_period"] == "hour"
    assert (d2["n_valid"], d2["n_expected"], d2["valid"]) == (15, 24, False)
    assert d2["coverage"] == 0.625 and d2["value"] is None and d2["mean_of_valid"] == 50.0
    second = api("anonymous", f"{OPEN}/sites/{STATION}/rollups", parameter="a34004", period="day",
                 start="2026-11-27T00:00:00Z", end="2026-12-01T00:00:00Z", offset=1).json()  # fmt: skip
    assert second["total"] == 2 and [i["n_valid"] for i in second["items"]] == [15]


def test_coverage_of_parses_the_source_once():
    assert coverage_of("rollup:hour:22/24") == ("hour", 22, 24, 0.9167)
    assert coverage_of("rollup:rtd:5/?") == ("rtd", 5, None, None)
    assert coverage_of("packet:123") == (None, None, None, None)
    assert coverage_of(None) == (None, None, None, None)


def test_daily_aqi_index(api):
    r = api("anonymous", f"{OPEN}/indices/air/stations/{STATION}/daily", **{"from": "2026-11-28",
            "to": "2026-11-29"})  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["code"] == STATION and body["total"] == 2
    assert [i["date"] for i in body["items"]] == ["2026-11-28", "2026-11-29"]
    day1, day2 = body["items"]
    # PM2.5 24-h mean of the 22 valid hours, 485/22 = 22.05 → 22.0 (GB 3095-2012 §8.2 Table 4:
    # ≥ 20 hours); 15 hours on the 29th are too few; no AQI without the other pollutants
    assert day1["concentrations"]["PM2.5"] == 22.0 and day1["aqi"] is None
    assert day2["concentrations"]["PM2.5"] is None
    paged = api("anonymous", f"{OPEN}/indices/air/stations/{STATION}/daily", limit=1, offset=1,
                **{"from": "2026-11-28", "to": "2026-11-29"}).json()  # fmt: skip
    assert paged["total"] == 2 and [i["date"] for i in paged["items"]] == ["2026-11-29"]
    assert api("county", f"{OPEN}/indices/air/stations/{STATION_NB}/daily").status_code == 404
    for bad in ("0", "3000-01-01"):  # a number is no day; the calendar ends in 2200
        r = api("anonymous", f"{OPEN}/indices/air/stations/{STATION}/daily", **{"from": bad})
        assert r.status_code == 422 and "ISO 8601" in r.text, r.text


def test_water_classes_index(api):
    r = api("anonymous", f"{OPEN}/indices/water/sections/{SECTION}/classes", scale="day")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["code"] == SECTION and body["total"] == 2
    d1, d2 = body["items"]
    # NH3-N: DAY1 mean of the 22 valid hours 485/22 × 0.01 = 0.22 mg/L, DAY2 0.50 mg/L: both
    # class II (GB 3838-2002 Table 1: I ≤ 0.15, II ≤ 0.5); DAY2 has 15 of 24 hours
    assert (d1["label"], d1["section_class"], d1["complete"]) == ("2026-11-28", "II", True)
    assert (d2["label"], d2["section_class"], d2["complete"]) == ("2026-11-29", "II", False)
    assert d2["coverage"] == 0.625
    one = api("anonymous", f"{OPEN}/indices/water/sections/{SECTION}/classes", scale="day",
              limit=1).json()  # fmt: skip
    assert one["total"] == 2 and [i["label"] for i in one["items"]] == ["2026-11-28"]
    assert api("county", f"{OPEN}/indices/water/sections/{SECTION}/classes").status_code == 404
