"""Radiation pages and API on a real app: the overview (stations, classes, the fence alert with
its case, spent-source progress), the register with activity decayed to today, a source page
and its disused/collection forms, a station page; the API's register (refused without a
reference date or with an unknown nuclide, 422 naming the field), positions (JSON and CSV, all
or nothing), alerts, tracks and a station's flagged series; scope (Ningbo sees nothing of
西湖's, the public gets no page)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.emergency.radiation import service as svc
from qingshan.emergency.radiation.nuclides import category_of
from qingshan.emergency.radiation.register import SourceInput
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

PASSWORD = "radiation-password"
XIHU = Scope("330106", Role.COUNTY, username="xihu")
FENCE = {"type": "Polygon", "coordinates": [[[120.10, 30.25], [120.14, 30.25], [120.14, 30.29],
                                             [120.10, 30.29], [120.10, 30.25]]]}  # fmt: skip


def _login(c: TestClient, user: str) -> None:
    c.cookies.clear()
    r = c.post("/api/v1/auth/login", data={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_radiation_pages_and_api(engine, app_settings) -> None:
    now = utcnow()
    today = now.astimezone(CST).date()
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("zj", Role.PROVINCE, "330000"), ("xihu", Role.COUNTY, "330106"),
                                   ("nb", Role.CITY, "330200")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        svc.register_source(s, XIHU, SourceInput("IR-9", "Ir-192", 3.0e12, today - timedelta(days=74), "330106",
                                                 status="mobile", lon=120.12, lat=30.27), actor="t", now=now, fence=FENCE)  # fmt: skip
        svc.register_source(
            s,
            XIHU,
            SourceInput("CS-1", "Cs-137", 5e9, date(2015, 1, 1), "330106"),
            actor="t",
            now=now,
        )
        _, ids = svc.ensure_station(
            s, "RAD330106", "西湖站", "330106", 120.13, 30.26, reports_rain=False
        )
        hour = now.replace(minute=0, second=0, microsecond=0)
        hours = pd.date_range(hour - timedelta(days=10), hour, freq="h", inclusive="left")
        store = ObservationStore(app_settings.observations_dir)
        svc.write_station_hours(s, store, {ids[svc.DOSE_RATE]: pd.DataFrame(
            {"time": hours, "value": np.full(len(hours), 82.5)})}, source="t")  # fmt: skip
    with TestClient(create_app(app_settings)) as c:
        assert c.get("/emergency/radiation", follow_redirects=False).status_code in (302, 303, 401)
        _login(c, "xihu")
        base = "/api/v1/emergency/radiation"
        t0 = now.replace(microsecond=0) - timedelta(minutes=20)
        pos = [{"source": "IR-9", "time": (t0 + timedelta(minutes=5 * i)).isoformat(), "lon": lon, "lat": 30.27,
                "dose_usv_h": 1.0} for i, lon in enumerate([120.12, 120.20, 120.21])]  # fmt: skip
        bad = c.post(f"{base}/positions", json=[pos[0], {**pos[1], "source": "NOPE"}])
        assert (
            bad.status_code == 422
            and "row 2: source: unknown source 'NOPE'" in bad.json()["context"]["problems"][0]
        )
        assert c.post(f"{base}/positions", json=pos[:2]).json() == {"added": 2, "duplicates": 0}
        csv = "source,time,lon,lat,dose_usv_h\nIR-9," + pos[2]["time"] + ",120.21,30.27,1.1\n"
        r = c.post(f"{base}/positions/import", files={"file": ("p.csv", csv.encode(), "text/csv")})
        assert r.status_code == 201 and r.json()["added"] == 1
        with session_scope(engine) as s:
            assert svc.check_positions(s, CASES_SINK, now=now)["cases"] == 1
        [alert] = c.get(f"{base}/alerts").json()
        assert (
            alert["source"] == "IR-9"
            and alert["kind"] == "fence"
            and alert["reports"] == 2
            and alert["case_ref"]
        )
        page = c.get("/emergency/radiation")
        assert page.status_code == 200
        assert 'id="qs-emrad-alerts"' in page.text and 'data-source="IR-9"' in page.text
        assert "西湖站" in page.text and "82.5" in page.text
        # the register: Ir-192 after ~one half-life, class II → III
        reg = c.get(f"{base}/sources").json()
        ir = next(x for x in reg if x["code"] == "IR-9")
        assert 0.45 < ir["activity_bq"] / ir["a0_bq"] < 0.55 and ir["category_at_reference"] == "II"
        html = c.get("/emergency/radiation/sources").text
        assert 'data-code="IR-9"' in html and "qs-emrad-decayed" in html
        assert c.get("/emergency/radiation/sources/IR-9").status_code == 200
        r = c.post(
            f"{base}/sources",
            json={"code": "X1", "nuclide": "Cs-137", "a0_bq": 1e9, "region_code": "330106"},
        )
        assert r.status_code == 422 and "reference_date" in r.json()["detail"]
        r = c.post(f"{base}/sources", json={"code": "X2", "nuclide": "Xe-133", "a0_bq": 1e9,
                                            "reference_date": "2026-01-01", "region_code": "330106"})  # fmt: skip
        assert r.status_code == 422 and "unknown nuclide 'Xe-133'" in r.json()["detail"]
        r = c.post(f"{base}/sources", json={"code": "CO-1", "nuclide": "Co-60", "a0_bq": 3e10,
                                            "reference_date": str(today), "region_code": "330106"})  # fmt: skip
        assert r.status_code == 201 and r.json()["category"] == "III"
        # the register page's form: no reference date → 422 naming it, nothing stored
        form = {"code": "AM-1", "nuclide": "Am-241", "a0_bq": "3.7e7", "reference_date": "", "region_code": "330106",
                "status": "in_use"}  # fmt: skip
        r = c.post("/emergency/radiation/sources/new", data=form)
        assert r.status_code == 422 and "reference_date: an activity needs" in r.text
        assert c.get(f"{base}/sources/AM-1").status_code == 404
        r = c.post("/emergency/radiation/sources/new", data={**form, "reference_date": "2020-01-01"},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303 and r.headers["location"] == "/emergency/radiation/sources/AM-1"
        am = c.get(f"{base}/sources/AM-1").json()
        assert (
            am["category"] == category_of("Am-241", am["activity_bq"])
            and am["reference_date"] == "2020-01-01"
        )
        # disused and collected through the page's forms
        r = c.post(
            "/emergency/radiation/sources/CS-1/disused",
            data={"disused_on": str(today)},
            follow_redirects=False,
        )
        assert r.status_code == 303
        r = c.post("/emergency/radiation/sources/CS-1/collection", data={"collected_on": "2001-01-01",
                   "facility_kind": "provincial_storage", "facility_name": "省库"})  # fmt: skip
        assert r.status_code == 422 and "collected_on" in r.text
        r = c.post("/emergency/radiation/sources/CS-1/collection", data={"collected_on": str(today),
                   "facility_kind": "provincial_storage", "facility_name": "省库"}, follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        assert 'id="qs-emrad-spent-rate">100.0 %' in c.get("/emergency/radiation").text
        series = c.get(f"{base}/stations/RAD330106/series", params={"days": 2}).json()
        assert len(series["points"]) == 48
        assert [p["dose_ngy_h"] for p in series["points"] if p["dose_ngy_h"] is not None][
            -1
        ] == 82.5
        assert c.get("/emergency/radiation/stations/RAD330106").status_code == 200
        assert c.get(f"{base}/tracks").json()[0]["fence"] == FENCE
        _login(c, "nb")
        assert c.get(f"{base}/sources").json() == [] and c.get(f"{base}/alerts").json() == []
        assert c.get("/emergency/radiation/sources/IR-9").status_code == 404
