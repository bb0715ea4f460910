"""Coastal waters and sea outfalls (issue #25) on a real database and observation store:

- a sea station lies offshore and takes the nearest coastal county; a survey is classed by GB
  3097-1997 (DIN 0.25 → class II, 0.55 → 劣四类); a sample with an unknown indicator or a
  negative value is refused naming it and nothing is stored;
- coastal quality by the stations' areas;
- an outfall without a responsible party is refused (nothing stored); a registered outfall has
  its monitoring point and traced sources; its stages go one way, 整治 opens one case however
  often reported; an exceeding sample opens a case;
- the river-mouth sections' 12 months against their targets, and the KPIs;
- the pages: overview (map config, quality, index), the register, an outfall's file with its
  traced sources linking the enterprise file, the river-mouth page; Ningbo sees none of
  Wenzhou's outfalls; an enterprise account gets no overview.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.marine.coastal import service as coastal
from qingshan.marine.coastal.errors import MarineError
from qingshan.marine.coastal.sea import marine_index, river_mouths
from qingshan.marine.outfalls import service as svc
from qingshan.marine.outfalls.models import OutfallSource, OutfallStage, SeaOutfall
from qingshan.marine.outfalls.register import OutfallInput
from qingshan.monitoring.models import Site, SiteKind
from qingshan.platform.app import create_app
from qingshan.platform.kpis import kpi_registry
from qingshan.qc.supervision import CaseReport
from qingshan.targets.kpi import Period as KpiPeriod
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

PASSWORD = "marine-password"
PROVINCE = Scope("330000", Role.PROVINCE, username="zj")
WENZHOU_COAST = (120.95, 27.85)  # offshore of 温州 (洞头 / 龙湾)


def _outfall(code: str, **kw) -> OutfallInput:
    base = {"code": code, "name": f"测试排污口{code}", "kind": "industrial", "lon": 120.76,
            "lat": 27.99, "sea_area": "温州近岸"}  # fmt: skip
    return OutfallInput(**{**base, **kw})


def test_marine_records_and_pages(engine, app_settings) -> None:
    now = utcnow()
    today = now.astimezone(CST).date()
    store = ObservationStore(app_settings.observations_dir)
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("zj", Role.PROVINCE, "330000"), ("nb", Role.CITY, "330200"),
                                   ("wz", Role.CITY, "330300")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        ent = Enterprise(credit_code="91330300MA2MAR0001", name="温州海滨化工有限公司",
                         industry=Industry.CHEMICAL, region_code="330303")  # fmt: skip
        ent2 = Enterprise(credit_code="91330300MA2MAR0002", name="温州纳管印染有限公司",
                          industry=Industry.DYEING, region_code="330303")  # fmt: skip
        s.add_all([ent, ent2])
        s.flush()
        ent_id, ent2_id = ent.id, ent2.id
        create_user(s, "ent", PASSWORD, Role.ENTERPRISE, "330303", enterprise_id=ent_id)

        # --- sea stations: offshore, nearest coastal county; GB 3097-1997 classes
        st = coastal.ensure_station(s, "SEA-T1", "温州近岸1号", *WENZHOU_COAST, area_km2=300.0,
                                    sea_area="温州近岸")  # fmt: skip
        assert st.region_code[:4] == "3303" and st.attrs["offshore"] is True
        st2 = coastal.ensure_station(
            s, "SEA-T2", "温州近岸2号", 121.0, 27.75, area_km2=100.0, sea_area="温州近岸"
        )
        coastal.write_samples(s, store, [(st, today - timedelta(days=3), {"DIN": 0.25, "PO4_P": 0.01, "pH": 8.1}),
                                         (st2, today - timedelta(days=3), {"DIN": 0.55})], source="t")  # fmt: skip
        views = {v.code: v for v in coastal.stations(s, PROVINCE)}
        assert views["SEA-T1"].klass == "II" and views["SEA-T1"].deciding == ("DIN",)
        assert views["SEA-T2"].klass == "劣IV"
        summary = coastal.coastal_summary(list(views.values()))
        assert summary.area_by_class["II"] == 300.0 and summary.quality.good_share == pytest.approx(
            75.0
        )

        # bad samples: refused naming the indicator, nothing stored
        with pytest.raises(
            MarineError, match=r"'DINN' is not a GB 3097-1997 indicator; did you mean DIN"
        ):
            coastal.add_sample(s, store, PROVINCE, "SEA-T1", {"DIN": 0.1, "DINN": 0.2}, today)
        with pytest.raises(MarineError, match=r"values.PO4_P: -0.01 is negative"):
            coastal.add_sample(s, store, PROVINCE, "SEA-T1", {"DIN": 0.1, "PO4_P": -0.01}, today)
        assert {v.code: v for v in coastal.stations(s, PROVINCE)}["SEA-T1"].values["DIN"] == 0.25
        assert len(coastal.station_samples(s, store, PROVINCE, "SEA-T1")[1]) == 1

        # --- outfalls: the responsible party is required; nothing half-stored
        n_sites = s.scalar(select(func.count()).select_from(Site))
        with pytest.raises(MarineError, match=r"responsible: an outfall needs a responsible party"):
            svc.register_outfall(s, PROVINCE, _outfall("RHPK-X"), actor="t", now=now)
        with pytest.raises(MarineError, match=r"responsible_enterprise_id: no enterprise 999999"):
            svc.register_outfall(s, PROVINCE, _outfall("RHPK-X", responsible_enterprise_id=999999),
                                 actor="t", now=now)  # fmt: skip
        assert s.scalar(select(func.count()).select_from(SeaOutfall)) == 0
        assert s.scalar(select(func.count()).select_from(Site)) == n_sites
        start = now - timedelta(days=40)
        o1 = svc.register_outfall(s, PROVINCE, _outfall("RHPK-1", responsible_enterprise_id=ent_id),
                                  actor="t", now=start)  # fmt: skip
        o2 = svc.register_outfall(s, PROVINCE, _outfall("RHPK-2", kind="sewage_plant", lon=120.80, lat=27.95,
                                                        responsible_plant="温州东片污水处理厂",
                                                        connected_enterprise_ids=(ent2_id,)),
                                  actor="t", now=start)  # fmt: skip
        site = s.get(Site, o1.site_id)
        assert site.kind is SiteKind.SEA_OUTFALL and o1.region_code[:4] == "3303"
        assert [(x.enterprise_id, x.relation) for x in s.scalars(select(OutfallSource).where(
            OutfallSource.outfall_id == o2.id))] == [(ent2_id, "connected")]  # fmt: skip

        # stages one way; 整治 opens one case, idempotent by the outfall
        d = today - timedelta(days=30)
        with pytest.raises(
            MarineError, match=r"cannot go from survey to tracing; next is monitoring"
        ):
            svc.advance_stage(
                s, PROVINCE, o1.id, "tracing", on=d, note="", actor="t", now=now, sink=CASES_SINK
            )
        for k, stage in enumerate(("monitoring", "tracing", "remediation")):
            svc.advance_stage(s, PROVINCE, o1.id, stage, on=d + timedelta(days=k), note="", actor="t",
                              now=now, sink=CASES_SINK)  # fmt: skip
        step = s.scalar(select(OutfallStage).where(OutfallStage.outfall_id == o1.id,
                                                   OutfallStage.stage == "remediation"))  # fmt: skip
        assert step.case_id is not None
        again = CASES_SINK.open_case(s, CaseReport(
            source="sea_outfall", source_key="sea_outfall:RHPK-1:remediation", region_code=o1.region_code,
            category="water_pollution", severity="general", title="again", occurred_at=now))  # fmt: skip
        assert again == step.case_id
        with pytest.raises(MarineError, match=r"on: .* is before the last step"):
            svc.advance_stage(
                s, PROVINCE, o1.id, "closed", on=d, note="", actor="t", now=now, sink=None
            )

        # monitoring: GB 8978-1996 一级 NH3-N 15 mg/L (no permit limit in the archive); over → a case
        with pytest.raises(MarineError, match=r"values.w21003: -1 must be a number ≥ 0"):
            svc.add_outfall_samples(
                s, store, [(o1, today, {"w21003": -1})], source="t", sink=CASES_SINK, now=now
            )
        svc.add_outfall_samples(s, store, [(o1, today - timedelta(days=1), {"w01018": 60.0, "w21003": 22.5}),
                                           (o2, today - timedelta(days=1), {"w21003": 5.0})],
                                source="t", sink=CASES_SINK, now=now)  # fmt: skip
        views_o = {v.row.code: v for v in svc.list_outfalls(s, PROVINCE)}
        assert [(e.parameter, e.limit) for e in views_o["RHPK-1"].exceedances] == [("w21003", 15.0)]
        assert not views_o["RHPK-2"].exceeding  # GB 18918-2002 一级A NH3-N 5: equal meets it
        assert svc.outfall_figures(s, PROVINCE)["by_stage"]["remediation"] == 1

        # river mouths: 12 months, one section above its TN target
        coastal.ensure_river_mouths(s, synthetic=True)
        months = coastal.trailing_months(today)
        rows = [(m.code, mo, m.tn_target * (1.3 if m.code == "RM330301" else 0.8), m.tp_target * 0.8)
                for m in river_mouths() for mo in months]  # fmt: skip
        coastal.write_river_months(s, store, rows, source="t")
        with pytest.raises(MarineError, match=r"tn: -1.0 at RM330301"):
            coastal.write_river_months(s, store, [("RM330301", months[0], -1.0, 0.1)], source="t")
        status = coastal.river_mouth_status(s, store, PROVINCE, until=today)
        assert coastal.river_mouth_figures(status) == {
            "sections": 20,
            "controlled": 20,
            "meeting": 19,
            "share": 95.0,
        }

    reg = kpi_registry(lambda: ObservationStore(app_settings.observations_dir))
    period = KpiPeriod(date(today.year, 1, 1), today)
    with session_scope(engine) as s:
        kv = reg.get("marine.outfalls_remediated").value(s, "330300", period)
        assert kv.value == 0.0 and kv.basis.startswith("0 / 2")
        kr = reg.get("marine.river_mouth_tn_tp").value(s, "330300", period)
        assert (
            kr.value == 3 and kr.basis.startswith("3 / 3") and "2 个均值达标" in kr.basis
        )  # Wenzhou's 3 sections, 2 meeting

    assert marine_index({"good_area_share": 80.0, "outfalls_remediated": 20.0}).value == pytest.approx(
        (80 * 0.4 + 20 * 0.2) / 0.6)  # fmt: skip

    with TestClient(create_app(app_settings)) as c:
        c.post("/api/v1/auth/login", data={"username": "wz", "password": PASSWORD})
        r = c.get("/marine")
        assert r.status_code == 200, r.text
        cfg = json.loads(re.search(r'id="qs-config">(.*?)</script>', r.text, re.S).group(1))
        assert {o["code"] for o in cfg["outfalls"]} == {"RHPK-1", "RHPK-2"}
        assert [o["exceeding"] for o in cfg["outfalls"]] == [True, False]
        assert len(cfg["rivers"]) == 3 and "自定义综合指数" in r.text
        r = c.get("/marine/outfalls?exceeding=1")
        assert r.status_code == 200 and "RHPK-1" in r.text and "RHPK-2" not in r.text
        r = c.get(f"/marine/outfalls/{o1.id}")
        assert (
            r.status_code == 200
            and f'href="/enterprises/{ent_id}"' in r.text
            and "温州海滨化工有限公司" in r.text
        )
        assert 'id="qs-mar-exceeding"' in r.text and "/cases/" in r.text
        bad = c.post(
            f"/marine/outfalls/{o1.id}/stage",
            data={"stage": "closed", "on": (today + timedelta(days=2)).isoformat()},
        )
        assert bad.status_code == 422 and "is in the future" in bad.text
        assert c.get("/marine/rivers").status_code == 200
        api = "/api/v1/marine"
        body = {"code": "RHPK-API", "name": "接口排污口", "kind": "industrial", "lon": 120.76, "lat": 27.99,
                "sea_area": "温州近岸"}  # fmt: skip
        r = c.post(f"{api}/outfalls", json=body)
        assert r.status_code == 422 and r.json()["context"]["field"] == "responsible_enterprise_id"
        r = c.post(
            f"{api}/stations/SEA-T1/samples",
            json={"sampled_on": today.isoformat(), "values": {"DIN": -0.2}},
        )
        assert r.status_code == 422 and "values.DIN: -0.2 is negative" in r.text
        r = c.post(
            f"{api}/outfalls",
            json={
                **body,
                "responsible_enterprise_id": ent_id,
                "connected_enterprise_ids": [ent2_id],
            },
        )
        assert r.status_code == 201, r.text
        assert [x["relation"] for x in r.json()["sources"]] == ["responsible", "connected"]
        f = c.get(f"{api}/outfalls/{o1.id}").json()
        assert f["sources"][0]["name"] == "温州海滨化工有限公司" and f["limits"]["w21003"] == 15.0
        assert [x["code"] for x in c.get(f"{api}/rivers").json()] == [
            "RM330301",
            "RM330302",
            "RM330303",
        ]
        assert c.get(f"{api}/quality").json()["grade"] is not None
        # a survey table: a bad row refuses the file; a good one is stored and classed
        bad = f"点位编码,采样日期,DIN\nSEA-T1,{today},0.1\nSEA-T1,{today},-1\n"
        r = c.post(f"{api}/stations/import", files={"file": ("s.csv", bad.encode(), "text/csv")})
        assert r.status_code == 422 and r.json()["context"]["problems"] == [
            "row 3, column C (DIN): values.DIN: -1 is negative (a concentration or pH is ≥ 0)"
        ]
        r = c.post(
            f"{api}/stations/import",
            files={
                "file": (
                    "s.csv",
                    f"点位编码,采样日期,无机氮\nSEA-T2,{today},0.18\n".encode(),
                    "text/csv",
                )
            },
        )
        assert r.status_code == 201 and r.json()["surveys"] == 1, r.text
        assert {x["code"]: x["klass"] for x in c.get(f"{api}/stations").json()}["SEA-T2"] == "I"
        # river-mouth months: Ningbo's section is not Wenzhou's; the good file lowers RM330301's mean
        rbad = "断面编码,月份,总氮,总磷\nRM330201,2026-01,1,0.1\n"
        r = c.post(f"{api}/rivers/import", files={"file": ("r.csv", rbad.encode(), "text/csv")})
        assert (
            r.status_code == 422
            and "not a river-mouth section of your region" in r.json()["context"]["problems"][0]
        )
        rgood = "断面编码,月份,总氮,总磷\n" + "".join(
            f"RM330301,{m:%Y-%m},2.0,0.1\n" for m in months
        )
        r = c.post(f"{api}/rivers/import", files={"file": ("r.csv", rgood.encode(), "text/csv")})
        assert r.status_code == 201 and r.json()["months"] == 12, r.text
        assert {x["code"]: x["meets"] for x in c.get(f"{api}/rivers").json()}["RM330301"] is True
        page = c.post(
            "/marine/stations/import", files={"file": ("s.csv", bad.encode(), "text/csv")}
        )
        assert (
            page.status_code == 422
            and 'id="qs-mar-import-problems"' in page.text
            and "row 3, column C" in page.text
        )
        # an outfall list: one bad row refuses the file, naming every bad row; then all rows
        head = "编码,名称,类型,经度,纬度,受纳海域,责任企业统一社会信用代码,污水处理厂,纳管企业统一社会信用代码\n"
        bad_csv = (head + "RHPK-F1,甲排口,工业排污口,120.77,27.98,温州近岸,91330300MA2MAR0001,,\n"
                   "RHPK-F2,乙排口,农业排口,120.78,27.97,温州近岸,,,\n"
                   "RHPK-F3,丙排口,工业排口,121.60,29.90,宁波近岸,91330300MA2MAR0009,,\n")  # fmt: skip
        r = c.post(
            f"{api}/outfalls/import", files={"file": ("o.csv", bad_csv.encode(), "text/csv")}
        )
        problems = r.json()["context"]["problems"]
        assert r.status_code == 422 and len(problems) == 2, r.text
        assert problems[0].startswith(
            "row 3, column G (责任企业统一社会信用代码): responsible: an outfall needs"
        )
        assert problems[1].startswith("row 4, column C (类型): unknown type '工业排口'")
        page = c.post(
            "/marine/outfalls/import", files={"file": ("o.csv", bad_csv.encode(), "text/csv")}
        )
        assert page.status_code == 422 and "qs-mar-import-problems" in page.text
        assert "RHPK-F1" not in c.get("/marine/outfalls").text  # nothing stored
        good = head + "RHPK-F1,甲排口,工业排污口,120.77,27.98,温州近岸,91330300MA2MAR0001,,\n"
        good += "RHPK-F2,乙排口,城镇污水处理厂排污口,120.78,27.97,温州近岸,,温州西片污水处理厂,91330300MA2MAR0002\n"
        r = c.post(f"{api}/outfalls/import", files={"file": ("o.csv", good.encode(), "text/csv")})
        assert r.status_code == 201 and r.json()["codes"] == ["RHPK-F1", "RHPK-F2"], r.text
        assert c.get(f"{api}/outfalls/import/template?format=csv").text.startswith(
            "\ufeff编码,名称,类型"
        )
        c.cookies.clear()
        c.post("/api/v1/auth/login", data={"username": "nb", "password": PASSWORD})
        assert c.get(f"/marine/outfalls/{o1.id}").status_code == 404
        assert "RHPK-1" not in c.get("/marine/outfalls").text
        c.cookies.clear()
        c.post("/api/v1/auth/login", data={"username": "ent", "password": PASSWORD})
        assert c.get("/marine").status_code == 403
        assert "RHPK-1" in c.get("/marine/outfalls").text
    store.close()
