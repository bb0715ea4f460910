"""机动车排气 pages and API through the app (SQLite and PostgreSQL) on a small synthetic fleet
(3,000 vehicles, 14 stations, a year of tests): each account sees its own region's numbers, the
ranking's scores are fraud.py's over the same tests, a station or vehicle outside the region is
404, a malformed VIN is 422 naming the position, and the exports open in openpyxl."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest

from qingshan.sim.demo_vehicles import seed_demo_rs_obd
from qingshan.timeutil import utcnow
from qingshan.vehicles import fraud
from qingshan.vehicles.identity import vin_check_digit

from .conftest import fleet_client, login_as


@pytest.fixture
def client(engine, app_settings):
    with fleet_client(engine, app_settings, now=utcnow() - timedelta(days=1), n_vehicles=3000) as c:
        yield c


def test_overview_is_the_region_s_own(client):
    store = client.store
    vehicles, tests = store.read_vehicles(), store.read_tests()
    hz_stations = sorted({s for s in tests["station_code"] if s.startswith("IM3301")})
    login_as(client, "hz")
    ov = client.get("/api/v1/vehicles/overview").json()
    assert ov["vehicles"] == int(vehicles["region_code"].str.startswith("3301").sum())
    assert ov["region_code"] == "330100" and len(ov["months"]) == 12
    mine = tests[tests["station_code"].isin(hz_stations) & tests["started_at"].dt.tz_convert("Asia/Shanghai")
                 .dt.strftime("%Y-%m").isin(ov["months"])]  # fmt: skip
    ini = mine[mine["kind"] == "initial"]
    assert ov["initial"] == len(ini) and ov["initial_failed"] == int((~ini["passed"]).sum())
    assert ov["fail_rate"] == round(ov["initial_failed"] / ov["initial"], 4)
    assert {r["station_code"] for r in ov["top_stations"]} <= set(hz_stations)
    login_as(client, "zj")
    prov = client.get("/api/v1/vehicles/overview").json()
    assert prov["vehicles"] == 3000 and len(prov["fleet"]) == 11  # the eleven cities
    assert sum(r["total"] for r in prov["fleet"]) == 3000
    page = client.get("/vehicles?lang=en")
    assert (
        page.status_code == 200
        and "Initial-test failure rate" in page.text
        and 'id="qs-vh-fleet"' in page.text
    )
    assert client.get("/api/v1/vehicles/overview?period=2026-13").status_code == 422


def test_ranking_scores_are_the_checks_and_the_station_page(client):
    store = client.store
    login_as(client, "zj")
    body = client.get("/api/v1/vehicles/stations?sort=station_code").json()
    tests = store.read_tests(body["months"])
    want = fraud.run_checks(tests, store.read_vehicles()[["vin", "fuel"]])
    assert [s["station_code"] for s in body["stations"]] == sorted(tests["station_code"].unique())
    for name, res in want.items():
        got = {s["station_code"]: s["checks"][name] for s in body["stations"]}
        for row in res.scores.itertuples(index=False):
            assert got[row.station_code]["score"] == pytest.approx(row.score, abs=1e-4)
            assert got[row.station_code]["flagged"] == bool(row.flagged)
    flagged = next(s for s in client.get("/api/v1/vehicles/stations").json()["stations"])
    assert flagged["flagged"] >= 1  # the demo plants fraud at two stations per kind
    code = flagged["station_code"]
    st = client.get(f"/api/v1/vehicles/stations/{code}").json()
    assert st["lines"] and st["lines"][0]["equipment"] and st["peers"]
    hit = next(c for c in st["checks"] if c["flagged"])
    assert hit["evidence"] and hit["evidence_total"] >= hit["hits"] > 0
    page = client.get(f"/vehicles/stations/{code}")
    assert page.status_code == 200 and f'data-station="{code}"' in page.text and "⚑" in page.text
    ranking = client.get("/vehicles/stations?sort=too_short")
    assert ranking.status_code == 200 and 'aria-sort="descending"' in ranking.text
    assert client.get("/vehicles/stations?period=20x").status_code == 422
    # the city sees its own stations only; another city's station is 404
    login_as(client, "hz")
    codes = [s["station_code"] for s in client.get("/api/v1/vehicles/stations").json()["stations"]]
    assert codes and all(c.startswith("IM3301") for c in codes)
    other = next(c for c in tests["station_code"].unique() if c.startswith("IM3302"))
    assert client.get(f"/api/v1/vehicles/stations/{other}").status_code == 404
    assert client.get(f"/vehicles/stations/{other}").status_code == 404


def test_vehicle_history_scope_and_bad_vin(client):
    store = client.store
    tests, vehicles = store.read_tests(), store.read_vehicles()
    login_as(client, "hz")
    hz = tests[tests["station_code"].str.startswith("IM3301")]
    vin = hz["vin"].iloc[0]
    body = client.get(f"/api/v1/vehicles/v/{vin}").json()
    assert body["vin"] == vin and len(body["tests"]) == int((tests["vin"] == vin).sum())
    t0 = body["tests"][0]
    stored = tests[tests["test_id"] == t0["test_id"]].iloc[0]
    assert t0["passed"] == bool(stored["passed"]) and t0["limit_ref"] == stored["limit_ref"]
    assert all(
        i["within"] == (i["max"] is None or i["value"] <= i["max"])
        for i in t0["items"]
        if i["min"] is None
    )
    page = client.get(f"/vehicles/v/{vin}")
    assert page.status_code == 200 and f'data-vin="{vin}"' in page.text
    # the search box: a plate goes to its vehicle; a malformed plate is named
    plate = vehicles.loc[vehicles["vin"] == vin, "plate"].iloc[0]
    r = client.get("/vehicles", params={"q": plate}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/vehicles/v/{vin}"
    r = client.get("/vehicles", params={"q": "浙AI2345"})
    assert r.status_code == 422 and "position 3" in r.text
    # a Ningbo vehicle never tested in Hangzhou is out of reach
    nb = set(vehicles.loc[vehicles["region_code"].str.startswith("3302"), "vin"]) - set(hz["vin"])
    assert client.get(f"/api/v1/vehicles/v/{sorted(nb)[0]}").status_code == 404
    # a wrong check digit, a letter VINs never use: 422 naming the position
    bad = vin[:8] + ("0" if vin_check_digit(vin) != "0" else "1") + vin[9:]
    r = client.get(f"/api/v1/vehicles/v/{bad}")
    assert r.status_code == 422 and "position 9" in r.text
    r = client.get(f"/api/v1/vehicles/v/{vin[:4]}I{vin[5:]}")
    assert r.status_code == 422 and "position 5" in r.text
    assert client.get(f"/vehicles/v/{vin[:16]}").status_code == 422


def test_vehicle_page_shows_its_remote_sensing_and_obd(client):
    store = client.store
    seed_demo_rs_obd(store, now=utcnow() - timedelta(days=1), scale="small")
    login_as(client, "zj")
    rs = store.read_rs()
    plate = rs["plate"].value_counts().index[0]
    vin = store.query("SELECT vin FROM vehicles WHERE plate = ?", params=[plate])["vin"].iloc[0]
    body = client.get(f"/api/v1/vehicles/v/{vin}").json()
    mine = rs[rs["plate"] == plate]
    assert body["rs_total"] == len(mine) and len(body["rs"]) == min(50, len(mine))
    assert body["rs"][0]["reading_id"] == mine.sort_values("at")["reading_id"].iloc[-1]
    obd = store.read_obd()
    truck = obd["vin"].iloc[0]
    got = client.get(f"/api/v1/vehicles/v/{truck}").json()["obd"]
    assert got["samples"] == int((obd["vin"] == truck).sum())
    page = client.get(f"/vehicles/v/{truck}")
    assert page.status_code == 200 and 'id="qs-vh-obd"' in page.text


def test_exports_and_access(client):
    store = client.store
    login_as(client, "hz")
    r = client.get("/api/v1/vehicles/stations?format=xlsx")
    assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "检验机构编号 station" and all(
        str(x[0]).startswith("IM3301") for x in rows[1:]
    )
    month = client.get("/api/v1/vehicles/overview").json()["months"][-1]
    r = client.get("/api/v1/vehicles/tests", params={"month": month})
    assert r.status_code == 200
    data = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    tests = store.read_tests([month])
    assert len(data) - 1 == int(tests["station_code"].str.startswith("IM3301").sum())
    assert client.get("/api/v1/vehicles/tests", params={"month": "2026-1"}).status_code == 422
    client.cookies.clear()
    assert client.get("/api/v1/vehicles/overview").status_code == 401
    assert client.get("/vehicles", follow_redirects=False).status_code in (302, 303, 401)
