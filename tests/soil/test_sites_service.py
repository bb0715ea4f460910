"""The sites service, API and pages on a migrated database: a site registered with its boundary
measured and its county found; a planned use mapped to its land category; stage moves (skips and
unexplained moves back refused naming both stages, nothing stored); samples judged by GB
36600-2018 (a row without depth or unit, an unknown item: every bad row named, nothing stored);
a CSV import; the safe-use rate from the stage history; the KPI computing plan target main.1;
the pages and the API with region scoping."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.errors import NotFound, PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.platform.kpis import kpi_registry
from qingshan.soil.sites import service as svc
from qingshan.soil.sites.errors import SiteError
from qingshan.soil.sites.models import SiteSample, SiteStage, SoilSite
from qingshan.standards import soil_construction as sc
from qingshan.targets.kpi import Period

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
HANGZHOU = Scope("330100", Role.CITY, username="hangzhou")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
PASSWORD = "soil-sites-password"


def _box(lon: float, lat: float, d: float = 0.002) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d],
                                                [lon, lat + d], [lon, lat]]]}  # fmt: skip


def _site(code: str, use: str = "residential", lon: float = 120.10, lat: float = 30.25,
          **kw) -> dict:  # fmt: skip
    return {"code": code, "name": f"{code} 原化工厂地块", "boundary": _box(lon, lat),
            "planned_use": use, "party_name": "杭州某化工有限公司",
            "party_uscc": "91330106MA2CT0L01X", "former_use": "化学原料制造",
            "pollutants": ["Pb", "苯"], "listed_on": "2023-03-01", **kw}  # fmt: skip


def _sample(point: str = "S1", **kw) -> dict:
    row = {"point": point, "depth_m": 0.5, "unit": "mg/kg", "sampled_on": "2023-04-01",
           "values": {"Pb": 120.0}}  # fmt: skip
    row.update(kw)
    return row


def test_register_move_sample_and_the_safe_use_rate(engine):
    with session_scope(engine) as s:
        seed_regions(s)
    with session_scope(engine) as s:
        site = svc.create_site(s, XIHU, _site("ZJ-XH-001"), actor="xihu", now=NOW)
        assert site.region_code == "330106" and site.land_category == 1
        assert site.pollutants == ["Pb", "benzene"] and 40_000 < site.area_m2 < 45_000
        assert site.stage == "investigation"
        sid = site.id
    # bad input: a county officer registering in another county, a duplicate code, the
    # boundary's county contradicting the region given, an unknown planned use
    with session_scope(engine) as s:
        with pytest.raises(PermissionDenied, match="county 330203 is outside your region"):
            svc.create_site(s, XIHU, _site("ZJ-NB-1", lon=121.55, lat=29.87), actor="xihu")
        with pytest.raises(SiteError, match="'ZJ-XH-001' is already on the register"):
            svc.create_site(s, XIHU, _site("ZJ-XH-001"), actor="xihu")
        with pytest.raises(SiteError, match="the boundary lies in county 330106, not 330110"):
            svc.create_site(s, HANGZHOU, _site("X2", region_code="330110"), actor="hangzhou")
        with pytest.raises(SiteError, match="'farm' is not a planned use"):
            svc.create_site(s, XIHU, _site("X3", use="farm"), actor="xihu")
        with pytest.raises(NotFound):
            svc.get_site(s, NINGBO, sid)
    # the responsible party from the archive (its name and credit code), one of another region
    # refused
    with session_scope(engine) as s:
        ents = {}
        for code, county in (("91330106MA2CT0L02X", "330106"), ("91330203MA2CT0L03X", "330203")):
            e = Enterprise(credit_code=code, name=f"{county}化工", industry=Industry.CHEMICAL,
                           industry_code="2614", region_code=county)  # fmt: skip
            s.add(e)
            s.flush()
            ents[county] = e.id
        linked = svc.create_site(s, XIHU, _site("ZJ-XH-009", lon=120.11, lat=30.255,
                                                enterprise_id=ents["330106"]), actor="xihu")  # fmt: skip
        assert (linked.party_name, linked.party_uscc) == ("330106化工", "91330106MA2CT0L02X")
        with pytest.raises(SiteError, match=f"enterprise_id: {ents['330203']} is not an "
                                            "enterprise of your region"):  # fmt: skip
            svc.create_site(s, XIHU, _site("ZJ-XH-010", lon=120.11, lat=30.255,
                                           enterprise_id=ents["330203"]), actor="xihu")  # fmt: skip
    # stages: skipping refused; backwards without a reason refused naming both; nothing stored
    with session_scope(engine) as s:
        with pytest.raises(SiteError, match="'investigation' → 'control' skips a stage"):
            svc.move_stage(s, XIHU, sid, "control", on="2023-05-01", actor="xihu")
        for stage, on in [("risk_assessment", "2023-05-01"), ("remediation", "2023-09-01"),
                          ("effect_evaluation", "2024-03-01")]:  # fmt: skip
            svc.move_stage(s, XIHU, sid, stage, on=on, actor="xihu", now=NOW)
    with session_scope(engine) as s:
        with pytest.raises(SiteError, match="moving back from 'effect_evaluation' to "
                                            "'remediation' needs a reason"):  # fmt: skip
            svc.move_stage(s, XIHU, sid, "remediation", on="2024-04-01", actor="xihu")
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).where(SiteStage.site_id == sid)) == 4
        assert s.get(SoilSite, sid).stage == "effect_evaluation"
    # samples: judged for the first category from the table's own values
    pb = sc.ITEMS["Pb"]
    with session_scope(engine) as s:
        out = svc.add_samples(s, XIHU, sid, [
            _sample("S1", values={"Pb": pb.screening[0]}),
            _sample("S2", values={"Pb": pb.screening[0] + 50}),
            _sample("S3", depth_m=3.0, values={"Pb": pb.intervention[0] + 1, "benzene": 0.2}),
        ], actor="xihu", now=NOW)  # fmt: skip
        assert [x.level for x in out] == ["within_screening", "over_screening",
                                          "over_intervention"]  # fmt: skip
    # bad samples: nothing of the batch is stored
    with session_scope(engine) as s:
        with pytest.raises(SiteError) as err:
            svc.add_samples(s, XIHU, sid, [_sample("S4"), _sample("S5", depth_m=None),
                                           _sample("S6", unit=None),
                                           _sample("S7", values={"硼砂": 1})],
                            actor="xihu")  # fmt: skip
        assert err.value.problems[0] == ("sample 2: depth_m: missing (the sampling depth in m "
                                         "is required)")  # fmt: skip
        assert err.value.problems[1] == "sample 3: unit: missing (mg/kg is required)"
        assert err.value.problems[2].startswith("sample 4: item '硼砂': unknown indicator")
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(SiteSample)) == 3
    # a CSV import (one bad row refuses the file, naming it)
    csv_bad = "点位,深度,单位,采样日期,铅\nS8,1.0,mg/kg,2024-02-01,90\nS9,,mg/kg,2024-02-01,95\n"
    with session_scope(engine) as s, pytest.raises(SiteError, match="row 3: depth_m: missing"):
        svc.import_samples(s, XIHU, sid, csv_bad.encode(), "s.csv", max_bytes=10**6,
                           actor="xihu")  # fmt: skip
    # a title above the header and a blank line: the refusal names the row as the sheet numbers it
    titled = "西湖地块采样结果,,,,\n" + csv_bad.replace("\nS9", "\n,,,,\nS9")
    with session_scope(engine) as s, pytest.raises(SiteError, match="row 5: depth_m: missing"):
        svc.import_samples(s, XIHU, sid, titled.encode(), "s.csv", max_bytes=10**6,
                           actor="xihu")  # fmt: skip
    csv_ok = csv_bad.replace("S9,,", "S9,2.0,")
    with session_scope(engine) as s:
        assert len(svc.import_samples(s, XIHU, sid, csv_ok.encode(), "s.csv", max_bytes=10**6,
                                      actor="xihu")) == 2  # fmt: skip
    # the safe-use rate: removed 2024-06-01, re-used 2024-09-01 → safe; a second site re-used
    # before its targets were met → unsafe; a second-category site → not counted
    with session_scope(engine) as s:
        svc.move_stage(s, XIHU, sid, "removed", on="2024-06-01", actor="xihu", now=NOW)
        svc.update_site(s, XIHU, sid, {"reused_on": "2024-09-01"}, actor="xihu", now=NOW)
        b = svc.create_site(s, XIHU, _site("ZJ-XH-002", lon=120.12, lat=30.26,
                                           reused_on="2025-01-01"), actor="xihu", now=NOW)  # fmt: skip
        svc.create_site(s, XIHU, _site("ZJ-XH-003", use="industrial", lon=120.13, lat=30.27,
                                       reused_on="2025-01-01"), actor="xihu", now=NOW)  # fmt: skip
        r = svc.safe_use(s, "330100", date(2026, 12, 7))
        assert (r.safe, r.reused, r.rate, r.unsafe) == (1, 2, 50.0, ("ZJ-XH-002",))
        assert svc.safe_use(s, "330200", date(2026, 12, 7)).rate is None
        # an update with a bad field leaves the site as it was
        with pytest.raises(SiteError, match="not a valid polygon"):
            bow = {"type": "Polygon", "coordinates": [[[120.1, 30.25], [120.102, 30.252],
                   [120.102, 30.25], [120.1, 30.252], [120.1, 30.25]]]}  # fmt: skip
            svc.update_site(s, XIHU, b.id, {"name": "改名", "boundary": bow}, actor="xihu")
        assert s.get(SoilSite, b.id).name == "ZJ-XH-002 原化工厂地块"
        kpi = kpi_registry().get("soil.safe_use_rate")
        v = kpi.value(s, "330000", Period(date(2026, 1, 1), date(2026, 12, 31)))
        assert v is not None and v.value == 50.0 and v.basis.startswith("1 / 2")


def test_pages_and_api_by_region(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("xihu", Role.COUNTY, "330106"), ("nb", Role.CITY, "330200"),
                                   ("hz", Role.CITY, "330100")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
    with TestClient(create_app(app_settings)) as c:
        c.post("/api/v1/auth/login", data={"username": "hz", "password": PASSWORD})
        assert 'id="qs-soils-empty"' in c.get("/soil").text
        r = c.post("/api/v1/soil/sites", json=_site("ZJ-HZ-9"))
        assert r.status_code == 201, r.text
        sid = r.json()["id"]
        r = c.post(f"/api/v1/soil/sites/{sid}/samples",
                   json={"samples": [_sample("S1", depth_m=None)]})  # fmt: skip
        assert r.status_code == 422 and "depth_m: missing" in r.text
        r = c.post(f"/api/v1/soil/sites/{sid}/samples",
                   json={"samples": [_sample("S1", lon=120.101, lat=30.251,
                                             values={"Pb": 900})]})  # fmt: skip
        assert r.status_code == 201 and r.json()[0]["level"] == "over_intervention"
        r = c.post(f"/api/v1/soil/sites/{sid}/stage", json={"stage": "removed"})
        assert r.status_code == 422 and "skips a stage" in r.text
        r = c.post(f"/api/v1/soil/sites/{sid}/plan",
                   json={"measure": "开展详细调查", "responsible_unit": "西湖区生态环境分局",
                         "deadline": "2027-03-31"})  # fmt: skip
        assert r.status_code == 201
        assert [x["code"] for x in c.get("/api/v1/soil/sites?stage=investigation").json()] == [
            "ZJ-HZ-9"]  # fmt: skip
        page = c.get("/soil").text
        assert 'id="qs-soils-map"' in page and '"ZJ-HZ-9"' in page
        page = c.get(f"/soil/sites/{sid}").text
        assert 'data-level="over_intervention"' in page and "开展详细调查" in page
        r = c.post(f"/soil/sites/{sid}/stage", data={"stage": "control", "on": "2026-12-01"})
        assert r.status_code == 422 and "skips a stage" in r.text
        assert "ZJ-HZ-9" in c.get("/soil/sites?category=1").text
        # the register form: a self-intersecting boundary is refused naming it, nothing stored
        form = {"code": "ZJ-HZ-10", "name": "拱墅原印染厂地块", "planned_use": "school",
                "party_name": "杭州某印染有限公司", "listed_on": "2026-11-01",
                "boundary": '{"type": "Polygon", "coordinates": [[[120.14, 30.3], '
                            '[120.142, 30.302], [120.142, 30.3], [120.14, 30.302], '
                            '[120.14, 30.3]]]}'}  # fmt: skip
        r = c.post("/soil/sites/new", data=form)
        assert r.status_code == 422 and "not a valid polygon (Self-intersection" in r.text
        assert len(c.get("/api/v1/soil/sites").json()) == 1
        form["boundary"] = (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
            '"geometry": {"type": "Polygon", "coordinates": [[[120.14, 30.3], [120.142, 30.3], '
            "[120.142, 30.302], [120.14, 30.302], [120.14, 30.3]]]}}]}"
        )
        r = c.post("/soil/sites/new", data=form, follow_redirects=False)
        assert r.status_code == 303, r.text
        new = c.get(r.headers["location"]).text
        assert "拱墅原印染厂地块" in new and "第一类用地" in new
        # a plan item marked done from the page
        item = c.get(f"/api/v1/soil/sites/{sid}").json()["plan"][0]["id"]
        r = c.post(f"/soil/sites/{sid}/plan/{item}", data={"status": "done"},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        assert c.get(f"/api/v1/soil/sites/{sid}").json()["plan"][0]["status"] == "done"
        assert "Over intervention value" in c.get(f"/soil/sites/{sid}?lang=en").text
        c.cookies.clear()
        c.post("/api/v1/auth/login", data={"username": "nb", "password": PASSWORD})
        assert c.get(f"/api/v1/soil/sites/{sid}").status_code == 404
        assert c.get("/api/v1/soil/sites").json() == []
