"""Farmland pages and API on a real app: the page (categories with plots and area, counts by
county, the safe-use rate, the list), an upload refused naming every bad row and storing
nothing, a plot's file with its history and a measure form, the API's plots, summary, samples
(a pH outside 0–14, no depth, no unit: 422, nothing stored), measures and the rate; scope
(Ningbo sees none of 西湖's plots; an enterprise has no access)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.timeutil import CST, utcnow

PASSWORD = "farmland-password"
BASE = "/api/v1/soil/farmland"


def _login(c: TestClient, user: str) -> None:
    c.cookies.clear()
    r = c.post("/api/v1/auth/login", data={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_farmland_pages_and_api(engine, app_settings) -> None:
    today = utcnow().astimezone(CST).date()
    day = today - timedelta(days=30)
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("xihu", Role.COUNTY, "330106"), ("nb", Role.CITY, "330200")]:
            create_user(s, name, PASSWORD, role, region)
    with TestClient(create_app(app_settings)) as c:
        _login(c, "xihu")
        r = c.post(f"{BASE}/plots", json={"code": "FP-1", "name": "转塘水田", "region_code": "330106",
                                          "land_use": "paddy", "lon": 120.10, "lat": 30.18,
                                          "area_mu": 30})  # fmt: skip
        assert r.status_code == 201 and r.json()["area_m2"] == 20000.0
        pid = r.json()["id"]
        bad = c.post(f"{BASE}/samples", json={"samples": [
            {"plot_code": "FP-1", "sampled_on": str(day), "depth_top_cm": 0, "depth_bottom_cm": 20,
             "unit": "mg/kg", "ph": 14.2, "values": {"Cd": 0.6}},
            {"plot_code": "FP-1", "sampled_on": str(day), "unit": "mg/kg", "ph": 6.0,
             "values": {"Cd": 0.6}},
            {"plot_code": "FP-1", "sampled_on": str(day), "depth_top_cm": 0, "depth_bottom_cm": 20,
             "ph": 6.0, "values": {"Cd": 0.6}},
        ]})  # fmt: skip
        assert bad.status_code == 422
        detail = bad.json()["detail"]
        assert "sample 1 (FP-1): pH: 14.2 is outside 0–14" in detail
        assert "sample 2 (FP-1): depth: a sample needs its depth" in detail
        assert "sample 3 (FP-1): unit: a sample needs the unit" in detail
        assert c.get(f"{BASE}/plots/{pid}").json()["samples"] == []
        ok = c.post(f"{BASE}/samples", json={"samples": [
            {"plot_code": "FP-1", "sampled_on": str(day), "depth_top_cm": 0, "depth_bottom_cm": 20,
             "unit": "mg/kg", "ph": 6.0, "values": {"Cd": 0.6, "Pb": 40}}]})  # fmt: skip
        assert ok.status_code == 201
        f = c.get(f"{BASE}/plots/{pid}").json()
        assert f["plot"]["category"] == "safe_use" and f["samples"][0]["deciding"] == ["Cd"]
        m = c.post(f"{BASE}/plots/{pid}/measures", json={"kind": "lime", "year": today.year,
                                                         "started_on": str(day), "effective": True})  # fmt: skip
        assert m.status_code == 201 and m.json()["area_m2"] == 20000.0
        wrong = c.post(f"{BASE}/plots/{pid}/measures", json={"kind": "fallow", "year": today.year,
                                                             "started_on": str(day)})  # fmt: skip
        assert wrong.status_code == 422 and "fallow" in wrong.json()["detail"]
        rate = c.get(f"{BASE}/safe-use-rate", params={"year": today.year}).json()
        assert rate["rate"] == 100.0 and rate["e_m2"] == 20000.0
        assert c.get(f"{BASE}/summary").json()["total"]["safe_use"] == {"plots": 1, "area_mu": 30.0}
        page = c.get("/soil/farmland")
        assert page.status_code == 200 and "FP-1" in page.text and 'id="qs-soilf-map"' in page.text
        assert "100.0 %" in page.text
        up = c.post("/soil/farmland/samples", files={"file": ("s.csv", (
            b"plot_code,sampled_on,depth,unit,pH,Cd\nFP-1,2024-01-01,0-20,mg/kg,,0.2\n"),
            "text/csv")})  # fmt: skip
        assert up.status_code == 422 and "pH: required" in up.text
        pp = c.get(f"/soil/farmland/{pid}")
        assert (
            pp.status_code == 200 and 'id="qs-soilf-history"' in pp.text and "撒施石灰" in pp.text
        )
        form = c.post(f"/soil/farmland/{pid}/measures", data={"kind": "water_management",
                                                              "started_on": str(day), "effective": "yes"},
                      follow_redirects=False)  # fmt: skip
        assert form.status_code == 303
        _login(c, "nb")
        assert c.get(f"{BASE}/plots").json() == []
        assert c.get(f"{BASE}/plots/{pid}").status_code == 404
