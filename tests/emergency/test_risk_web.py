"""The risk pages and API through the app (issue #22, area risk): the empty states; an enterprise
account declares through the form (a bad row named, nothing stored; then a good declaration); a
county officer approves and the enterprise's page shows the grade with its Q/M/E basis; the API
lists and reads the grade, 404 for another region; a plan without a review date is refused on the
plans page, one with it filed and listed; the city of another region sees none of it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app

PASSWORD = "risk-pages-password"
API = "/api/v1/emergency/risk"


def _login(c: TestClient, name: str) -> None:
    c.cookies.clear()
    r = c.post("/api/v1/auth/login", data={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text


def _seed(engine) -> int:
    with session_scope(engine) as s:
        seed_regions(s)
        e = Enterprise(credit_code="91330106MA2RWEB01A", name="西湖精细化工", industry=Industry.CHEMICAL,
                       industry_code="2614", region_code="330106", longitude=119.9, latitude=30.1)  # fmt: skip
        s.add(e)
        s.flush()
        for name, role, region in [("xihu", Role.COUNTY, "330106"), ("nb", Role.CITY, "330200"),
                                   ("zj", Role.PROVINCE, "330000")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        create_user(s, "ent", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=e.id)
        return e.id


def test_declare_review_grade_pages_and_plans(engine, app_settings):
    eid = _seed(engine)
    with TestClient(create_app(app_settings)) as c:
        _login(c, "xihu")
        assert 'id="qs-emr-empty"' in c.get("/emergency/risk").text
        assert 'id="qs-emp-empty"' in c.get("/emergency/plans").text

        _login(c, "ent")
        form = {"enterprise_id": str(eid), "substance_0": "液氯x", "max_stock_t_0": "5",
                "substance_1": "甲醇", "max_stock_t_1": "-3"}  # fmt: skip
        r = c.post("/emergency/risk/declare", data=form)
        assert r.status_code == 422
        assert (
            "row 1: substance: &#39;液氯x&#39;" in r.text
            and "row 2: max_stock_t: -3 t is negative" in r.text
        )
        form = {"enterprise_id": str(eid), "substance_0": "氯", "max_stock_t_0": "15",
                "place_0": "液氯库", "substance_1": "甲醇", "max_stock_t_1": "30",
                "process_hazardous_process": "1", "control_gas_leak_monitoring": "yes",
                "control_protection_distance": "no", "control_air_events_3y": "none",
                "pop_5km": "8000", "pop_500m": "200"}  # fmt: skip
        r = c.post("/emergency/risk/declare", data=form, follow_redirects=False)
        assert r.status_code == 303, r.text

        _login(c, "xihu")
        page = c.get("/emergency/risk").text
        assert 'id="qs-emr-decl-1"' in page and "液氯库" in page
        r = c.post("/emergency/risk/declarations/1/review", data={"decision": "approve"},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303 and r.headers["location"] == f"/emergency/risk/{eid}"
        detail = c.get(f"/emergency/risk/{eid}").text
        assert 'id="qs-emr-level"' in detail and 'data-factor="q"' in detail
        assert 'data-factor="m"' in detail and 'data-factor="e"' in detail

        grade = c.get(f"{API}/enterprises/{eid}").json()
        assert grade["notation"].startswith(grade["level"] + "[")
        assert grade["result"]["air"]["m_band"] == "M2" and grade["result"]["air"]["e"] == "E3"
        assert [r["enterprise_id"] for r in c.get(f"{API}/enterprises").json()] == [eid]

        r = c.post("/emergency/plans/file", data={"enterprise_id": str(eid), "title": "综合预案",
                                                  "signed_on": "2026-03-02", "review_due": ""})  # fmt: skip
        assert r.status_code == 422 and "review_due: missing" in r.text
        r = c.post("/emergency/plans/file",
                   data={"enterprise_id": str(eid), "title": "综合预案", "signed_on": "2026-03-02",
                         "filed_on": "2026-03-20", "review_due": "2029-03-01",
                         "filing_bureau": "杭州市生态环境局西湖分局"},
                   files={"files": ("plan.pdf", b"%PDF-1.4 plan", "application/pdf")},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303, r.text
        plans = c.get(f"{API}/plans").json()
        assert [(p["status"], p["filed_late"]) for p in plans] == [("current", False)]
        assert "plan.pdf" in c.get("/emergency/plans").text

        _login(c, "nb")
        assert c.get(f"{API}/enterprises").json() == []
        assert c.get(f"{API}/enterprises/{eid}").status_code == 404
        assert c.get(f"/emergency/risk/{eid}").status_code == 404
