"""Groundwater pages and API on a real app: the wells page (counts by class, the list, the
zones, an upload refused naming every bad row and storing nothing), a well's file with its
series for the chart, the API's wells, counts, a well's file, samples (an unknown indicator or a
pH outside 0–14: 422, nothing stored), zones in and out; scope (Ningbo sees none of 西湖's
wells; the public gets no page, an enterprise no write)."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.soil.groundwater import service as svc
from qingshan.soil.groundwater.wells import WellInput
from qingshan.standards.groundwater import INDICATORS, classify_groundwater
from qingshan.timeutil import CST, utcnow

PASSWORD = "groundwater-password"
PROVINCE = Scope("330000", Role.PROVINCE, username="zj")
BASE = "/api/v1/soil/groundwater"
ZONE = {"type": "Polygon", "coordinates": [[[120.10, 30.25], [120.14, 30.25], [120.14, 30.29],
                                            [120.10, 30.29], [120.10, 30.25]]]}  # fmt: skip


def _login(c: TestClient, user: str) -> None:
    c.cookies.clear()
    r = c.post("/api/v1/auth/login", data={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_groundwater_pages_and_api(engine, app_settings) -> None:
    today = utcnow().astimezone(CST).date()
    day1, day2 = today - timedelta(days=200), today - timedelta(days=20)
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("zj", Role.PROVINCE, "330000"), ("xihu", Role.COUNTY, "330106"),
                                   ("nb", Role.CITY, "330200")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        svc.register_well(s, PROVINCE, WellInput("GW-XH-01", "西湖区1号井", "330106", 120.12,
                                                 30.26, "national", "phreatic", 18.0))  # fmt: skip
    with TestClient(create_app(app_settings)) as c:
        assert c.get("/soil/groundwater", follow_redirects=False).status_code in (302, 303, 401)
        _login(c, "xihu")
        # bad samples: 422 naming each, nothing stored
        bad = c.post(f"{BASE}/samples", json={"samples": [
            {"well_code": "GW-XH-01", "sampled_on": str(day1), "values": {"pH": 15, "Mn": 0.5}},
            {"well_code": "GW-XH-01", "sampled_on": str(day2), "values": {"Radon": 1.0}},
        ]})  # fmt: skip
        assert bad.status_code == 422
        detail = bad.json()["detail"]
        assert "sample 1 (GW-XH-01): pH: 15.0 is outside 0–14" in detail
        assert "sample 2 (GW-XH-01): indicator 'Radon': not a GB/T 14848-2017 indicator" in detail
        assert c.get(f"{BASE}/wells/by-class").json() == {
            "I": 0,
            "II": 0,
            "III": 0,
            "IV": 0,
            "V": 0,
        }
        ok = c.post(f"{BASE}/samples", json={"samples": [
            {"well_code": "GW-XH-01", "sampled_on": str(day1), "values": {"pH": 7.1, "Mn": 0.5}},
        ]})  # fmt: skip
        assert ok.status_code == 201 and ok.json() == {"stored": 1}
        csv = f"well_code,sampled_on,pH,Mn,NH3_N\nGW-XH-01,{day2},7.0,0.08,0.2\n"
        r = c.post(
            f"{BASE}/samples/file", content=csv.encode(), headers={"content-type": "text/csv"}
        )
        assert r.status_code == 201, r.text
        # the classes as GB/T 14848-2017's data give them (Table 1: Mn III ≤ 0.10, IV ≤ 1.50)
        first = classify_groundwater({"pH": 7.1, "Mn": 0.5}).klass
        newest = classify_groundwater({"pH": 7.0, "Mn": 0.08, "NH3_N": 0.2}).klass
        assert c.get(f"{BASE}/wells/by-class").json()[newest] == 1
        yearly = c.get(f"{BASE}/wells/by-class", params={"year": day2.year}).json()
        assert sum(yearly.values()) == 1  # the one well, by its worst sample of the year
        [well] = c.get(f"{BASE}/wells").json()
        assert well["latest_class"] == newest and well["samples"] == 2
        f = c.get(f"{BASE}/wells/{well['id']}").json()
        assert [x["klass"] for x in f["samples"]] == [first, newest]
        assert f["series"]["Mn"] == [[str(day1), 0.5], [str(day2), 0.08]]
        # zones: a valid one stored, a bowtie refused naming why
        z = c.post(f"{BASE}/zones", json={"code": "Z1", "name": "西湖保护区", "kind": "protection",
                                          "region_code": "330106", "geometry": ZONE})  # fmt: skip
        assert z.status_code == 201 and 16.9 < z.json()["area_km2"] < 17.3
        bowtie = {"type": "Polygon", "coordinates": [[[120.1, 30.2], [120.2, 30.3], [120.2, 30.2],
                                                      [120.1, 30.3], [120.1, 30.2]]]}  # fmt: skip
        r = c.post(f"{BASE}/zones", json={"code": "Z2", "name": "x", "kind": "prevention",
                                          "region_code": "330106", "geometry": bowtie})  # fmt: skip
        assert r.status_code == 422 and "Self-intersection" in r.json()["detail"]
        assert [f["properties"]["code"] for f in c.get(f"{BASE}/zones").json()["features"]] == [
            "Z1"
        ]
        # the page: counts, list, zones; the upload form refuses a bad file naming its rows
        page = c.get("/soil/groundwater")
        assert page.status_code == 200
        assert (
            f'data-class="{newest}"' in page.text
            and "GW-XH-01" in page.text
            and "西湖保护区" in page.text
        )
        up = c.post("/soil/groundwater/samples", files={"file": ("s.csv", (
            b"well_code,sampled_on,pH,Radon\nGW-XH-01,2020-01-01,7,1\n"), "text/csv")})  # fmt: skip
        assert up.status_code == 422 and "column D (Radon): unknown indicator" in up.text
        wp = c.get(f"/soil/groundwater/wells/{well['id']}")
        assert wp.status_code == 200 and 'id="qs-soilg-chart"' in wp.text
        cfg = json.loads(wp.text.split('id="qs-config">', 1)[1].split("</script>", 1)[0])
        assert cfg["shown"] == "Mn" and cfg["limits"]["Mn"][2] == float(INDICATORS["Mn"].limits[2])
        # scope: Ningbo sees no well of 西湖, nor its file
        _login(c, "nb")
        assert c.get(f"{BASE}/wells").json() == []
        assert c.get(f"{BASE}/wells/{well['id']}").status_code == 404
        assert c.get(f"/soil/groundwater/wells/{well['id']}").status_code == 404
    with session_scope(engine) as s:
        want = classify_groundwater({"pH": 7.0, "Mn": 0.08, "NH3_N": 0.2}).deciding
        assert svc.list_wells(s, PROVINCE)[0].deciding == tuple(want)
