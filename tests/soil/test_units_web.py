"""The key-unit pages and API through the app (issue #24, area units): the empty state; a city
officer lists a unit through the API; the enterprise account sees its unit under its nav item,
records a check through the form (one done before its year refused with the reason, nothing
stored), adds a sample whose depth is missing (refused, named) and then a good one, judged on the
file page; the API reads the file and refuses a bad sample 422 naming the row; another region's
officer gets 404; the list flags the overdue check for the county officer."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.timeutil import as_cst, utcnow

PASSWORD = "soil-units-password"
API = "/api/v1/soil/units"


def _login(c: TestClient, name: str) -> None:
    c.cookies.clear()
    r = c.post("/api/v1/auth/login", data={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text


def _seed(engine) -> int:
    with session_scope(engine) as s:
        seed_regions(s)
        e = Enterprise(credit_code="91330106MA2SUWEB1A", name="西湖化工厂", industry=Industry.CHEMICAL,
                       industry_code="2614", region_code="330106", longitude=120.1, latitude=30.25)  # fmt: skip
        s.add(e)
        s.flush()
        for name, role, region in [("xihu", Role.COUNTY, "330106"), ("hz", Role.CITY, "330100"),
                                   ("nb", Role.CITY, "330200")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        create_user(s, "ent", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=e.id)
        return e.id


def test_unit_pages_forms_and_api(engine, app_settings):
    eid = _seed(engine)
    this = as_cst(utcnow()).date().year
    with TestClient(create_app(app_settings)) as c:
        _login(c, "xihu")
        assert 'id="qs-soilu-empty"' in c.get("/soil/units").text
        _login(c, "hz")
        r = c.post(API, json={"enterprise_id": eid, "year": this - 2, "reason": "化工"})
        assert r.status_code == 201, r.text
        uid = r.json()["id"]

        _login(c, "ent")
        page = c.get("/soil/units").text
        assert 'href="/soil/units"' in page and f'href="/soil/units/{uid}"' in page
        r = c.post(f"/soil/units/{uid}/checks",
                   data={"year": str(this - 1), "done_on": f"{this - 2}-12-01"})  # fmt: skip
        assert r.status_code == 422
        assert f"done_on: {this - 2}-12-01 is before the check&#39;s year {this - 1}" in r.text
        assert API and c.get(f"{API}/{uid}").json()["checks"] == []
        r = c.post(f"/soil/units/{uid}/samples",
                   data={"point": "T1", "medium": "soil", "sampled_on": f"{this - 1}-06-01",
                         "depth_m": "", "unit": "mg/kg", "sitem_0": "镉", "svalue_0": "70"})  # fmt: skip
        assert r.status_code == 422 and "depth_m (采样深度, m) is missing" in r.text
        r = c.post(f"/soil/units/{uid}/samples",
                   data={"point": "T1", "medium": "soil", "sampled_on": f"{this - 1}-06-01",
                         "depth_m": "0.2", "unit": "mg/kg", "sitem_0": "镉", "svalue_0": "70"},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        page = c.get(f"/soil/units/{uid}").text
        assert "超筛选值" in page and 'data-exceeding="1"' in page
        r = c.post(f"{API}/{uid}/samples", json={"samples": [
            {"point": "W1", "medium": "groundwater", "sampled_on": f"{this - 1}-06-02",
             "depth_m": 5.0, "unit": "mg/L", "ph": 14.5, "values": {"NH3_N": 0.2}}]})  # fmt: skip
        assert r.status_code == 422
        assert r.json()["detail"] == "1 problem(s) in 1 row(s): row 1: pH 14.5 is outside 0–14"
        body = c.get(f"{API}/{uid}").json()
        assert [(s["point"], s["result"], s["exceeding"]) for s in body["samples"]] == [
            ("T1", "over_screening", True)
        ]

        _login(c, "nb")
        assert c.get(f"{API}/{uid}").status_code == 404
        assert c.get(f"/soil/units/{uid}").status_code == 404

        _login(c, "xihu")  # the check of last year was never done: overdue after 31 December
        rows = c.get(API).json()
        if date(this - 1, 12, 31) < as_cst(utcnow()).date():
            r = c.post(f"{API}/{uid}/checks", json={"year": this - 1})  # planned, not done
            assert r.status_code == 201 and r.json()["state"] == "overdue"
            rows = c.get(API, params={"flag": "overdue"}).json()
            assert [u["id"] for u in rows] == [uid] and rows[0]["checks_overdue"] == 1
            assert 'data-overdue="1"' in c.get("/soil/units").text
