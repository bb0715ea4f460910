"""The EIA pages and API through the app (issue #23, area eia): the empty states; an officer
records an approval through the form (bad fields named, nothing stored; then a good one), imports
a register (a bad row named, nothing stored), records an application and sees its figures; the
warnings page lists the standing warnings and its button opens a case once; an enterprise
account lands on its own file and is refused another's; the API reads the file, 404 for another
region."""

from __future__ import annotations

from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app

PASSWORD = "eia-pages-password"
API = "/api/v1/portal/eia"


def _login(c: TestClient, name: str) -> None:
    c.cookies.clear()
    r = c.post("/api/v1/auth/login", data={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text


def _seed(engine) -> tuple[int, int]:
    with session_scope(engine) as s:
        seed_regions(s)
        ids = []
        for n, name in enumerate(["西湖印染", "西湖电镀"], 1):
            e = Enterprise(credit_code=f"91330106MA2EIAW{n}XA", name=name, industry=Industry.CHEMICAL,
                           industry_code="1713", region_code="330106", longitude=120.13,
                           latitude=30.26)  # fmt: skip
            s.add(e)
            s.flush()
            ids.append(e.id)
        for name, role, region in [("xihu", Role.COUNTY, "330106"), ("nb", Role.CITY, "330200")]:
            create_user(s, name, PASSWORD, role, region)
        create_user(s, "ent", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=ids[0])
        return ids[0], ids[1]


def test_eia_pages_forms_warnings_and_the_enterprise_file(engine, app_settings):
    eid, other = _seed(engine)
    with TestClient(create_app(app_settings)) as c:
        _login(c, "xihu")
        assert 'id="qs-eia-empty"' in c.get("/eia").text
        form = {"enterprise_id": str(eid), "project": "印染技改", "longitude": "116.4",
                "latitude": "39.9", "industry_code": "1713", "doc_type": "table",
                "approval_no": "杭环西评批〔2025〕9号", "authority": "西湖分局",
                "approved_on": "2025-05-06", "conditions": "废水纳管\n中水回用", "totals": "COD:8"}  # fmt: skip
        r = c.post("/eia/approvals", data=form)
        assert r.status_code == 422 and "location: (116.4, 39.9) is not in Zhejiang" in r.text
        assert 'id="qs-eia-empty"' in r.text  # nothing stored
        r = c.post("/eia/approvals", data={**form, "longitude": "120.13", "latitude": "30.26"})
        assert r.status_code == 200 and "已保存" in r.text
        page = c.get("/eia").text
        assert "杭环西评批〔2025〕9号" in page and "COD 8" in page
        csv = ("统一社会信用代码,项目名称,经度,纬度,行业代码,文件类型,批复文号,审批部门,批复日期\n"
               "91330106MA2EIAW2XA,电镀线,120.14,30.27,3360,报告书,杭环西评批〔2025〕10号,西湖分局,2025-02-30\n")  # fmt: skip
        r = c.post("/eia/approvals/import", files={"file": ("eia.csv", csv.encode(), "text/csv")})
        assert r.status_code == 422 and "row 2, column I (批复日期)" in r.text
        r = c.post("/eia/applications", data={"enterprise_id": str(eid), "kind": "change",
                                              "submitted_on": "2026-11-02", "decided_on": "2026-11-12",
                                              "decision": "granted", "trips": "1",
                                              "provided": ["application_form", "commitment"]})  # fmt: skip
        assert r.status_code == 200
        page = c.get("/eia/applications").text
        assert 'id="qs-eia-app-list"' in page and "变更事项说明" in page  # a missing material
        warn = c.get("/eia/warnings").text
        assert "西湖电镀" in warn and "无环评审批" in warn
        r = c.post("/eia/warnings/case", data={"key": f"no_eia:{other}"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/cases/")
        again = c.post(
            "/eia/warnings/case", data={"key": f"no_eia:{other}"}, follow_redirects=False
        )
        assert again.headers["location"] == r.headers["location"]
        api = c.get(f"{API}/enterprises/{eid}").json()
        assert [a["approval_no"] for a in api["approvals"]] == ["杭环西评批〔2025〕9号"]
        assert api["applications"][0]["days"] == 10
        stats = c.get(f"{API}/statistics", params={"since": "2026-01-01", "until": "2026-12-31",
                                                   "by": "all"}).json()  # fmt: skip
        assert stats == [{"key": [], "applications": 1, "decided": 1, "median_days": 10.0,
                          "p90_days": 10.0, "one_trip_share": 1.0, "within_limit": 1}]  # fmt: skip

        _login(c, "ent")
        r = c.get("/eia", follow_redirects=False)
        assert r.headers["location"] == f"/eia/enterprises/{eid}"
        own = c.get(f"/eia/enterprises/{eid}").text
        assert "杭环西评批〔2025〕9号" in own and "废水纳管" in own
        assert c.get(f"/eia/enterprises/{other}").status_code == 404
        assert c.get("/eia/warnings").status_code == 403
        assert c.get(f"{API}/enterprises/{other}").status_code == 404

        _login(c, "nb")
        assert c.get(f"{API}/enterprises/{eid}").status_code == 404
        assert 'id="qs-eia-warn-empty"' in c.get("/eia/warnings").text
