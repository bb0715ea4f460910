"""The risk service on a migrated database (SQLite and PostgreSQL): an enterprise declares (bad rows
each named, nothing stored), a county officer approves and the grade is computed from the
declaration, the archive's location against a real 一级 water-source zone (water E1) and the
archive's penalty (raised one level); plans refused without a review date, superseded by a
revision, listed by status; the emergency-plans job opens one case per expired plan of a 较大/重大
enterprise, once; the KPI share."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from zones.cases import W1, fc

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry, Penalty
from qingshan.cases.models import CaseRecord
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.emergency.risk import grading, service
from qingshan.emergency.risk.errors import RiskError
from qingshan.emergency.risk.models import RiskDeclaration
from qingshan.errors import NotFound, PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.jobs.job import JobContext
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.platform.kpis import kpi_registry
from qingshan.platform.zones_links import DRINKING_WATER_SOURCES
from qingshan.targets.kpi import KpiValue, Period
from qingshan.zones import service as zones
from qingshan.zones.layers import LayerKind
from qingshan.zones.service import LayerMeta

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
NINGBO = Scope("330200", Role.CITY, username="ningbo")

M_ITEMS = {"process": {"hazardous_process": 1},
           "controls": {"gas_leak_monitoring": "yes", "protection_distance": "no",
                        "air_events_3y": "none", "interception": "yes",
                        "accident_collection": "yes", "clean_water_system": "yes",
                        "rainwater_system": "yes", "wastewater_treatment": "yes",
                        "discharge_permit": "yes", "water_events_3y": "none"}}  # fmt: skip


def _seed(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        seed_regions(s)
        s.add(Site(code="DW001", name="水源DW001", kind=SiteKind.DRINKING_WATER_SOURCE,
                   control_level=ControlLevel.PROVINCIAL, region_code="330106",
                   longitude=120.425, latitude=30.225))  # fmt: skip
        s.flush()
        zones.import_layer(s, PROVINCE, LayerMeta(LayerKind.WATER_SOURCE, "杭州市饮用水水源保护区",
                                                  "2024", "330000", date(2024, 1, 1)),
                           fc([W1]), "w.geojson", actor="province", now=NOW,
                           sources=DRINKING_WATER_SOURCES)  # fmt: skip
        ids = {}
        # 2 km east of W1 (120.45 E): water E1; far from everything; a Ningbo one
        for n, (name, county, lon, lat) in enumerate(
            [
                ("近水源化工", "330106", 120.47, 30.22),
                ("远郊电镀", "330106", 119.80, 29.90),
                ("宁波制药", "330203", 121.55, 29.87),
            ],
            1,
        ):
            e = Enterprise(credit_code=f"91330106MA2RISK{n:02d}A", name=name,
                           industry=Industry.CHEMICAL, industry_code="2614", region_code=county,
                           longitude=lon, latitude=lat)  # fmt: skip
            s.add(e)
            s.flush()
            ids[name] = e.id
        s.add(Penalty(enterprise_id=ids["远郊电镀"], decision_no="杭环罚〔2025〕1号",
                      legal_basis="水污染防治法第八十三条", kind="fine", amount_yuan=200000,
                      decided_on=date(2025, 5, 1), created_by="xihu", created_at=NOW))  # fmt: skip
    return ids


def _enterprise(eid: int) -> Scope:
    return Scope("330106", Role.ENTERPRISE, enterprise_id=eid, username="enterprise")


def test_declare_review_and_the_grade_is_computed_from_the_inputs(engine):
    ids = _seed(engine)
    eid = ids["近水源化工"]
    cl2 = grading.find_substance("氯").critical_t
    with session_scope(engine) as s:
        # 12 Q of chlorine (air and water); 40 t sulfuric acid (water only)
        d = service.declare(s, _enterprise(eid), eid,
                            [{"substance": "氯", "max_stock_t": 12 * cl2, "place": "液氯库"},
                             {"substance": "7664-93-9", "max_stock_t": "40", "place": "酸罐"}],
                            M_ITEMS, pop_5km=8000, pop_500m=200, actor="enterprise", now=NOW)  # fmt: skip
        did = d.id
    with session_scope(engine) as s, pytest.raises(PermissionDenied):
        service.review(s, _enterprise(eid), did, approve=True, actor="enterprise", now=NOW)
    with session_scope(engine) as s:
        g = service.review(s, XIHU, did, approve=True, actor="xihu", now=NOW)
        assert g is not None
        r = g.result
        assert r["air"]["q_band"] == "Q2" and r["air"]["m_band"] == "M2" and r["air"]["e"] == "E3"
        assert r["air"]["level"] == "较大"  # the checked cell
        # water: the enterprise is 2 km (straight line) from the 一级 zone W1 → E1
        assert r["water"]["e"] == "E1" and "km" not in r["water"]["e_basis"]
        assert 1500 < g.inputs["water_source"]["distance_m"] < 2500
        assert g.notation.startswith(f"{g.level}[较大-大气(Q2-M2-E3) + ")
        assert g.grading_version == grading.version()
    with session_scope(engine) as s:
        rows = service.risk_list(s, NINGBO, today=TODAY)
        assert rows == []  # Ningbo's officer does not see a 西湖 enterprise
        rows = service.risk_list(s, PROVINCE, today=TODAY)
        assert [r.enterprise_id for r in rows] == [eid]


def test_bad_rows_are_each_named_and_nothing_is_stored(engine):
    ids = _seed(engine)
    eid = ids["近水源化工"]
    with session_scope(engine) as s, pytest.raises(RiskError) as err:
        service.declare(s, _enterprise(eid), eid,
                        [{"substance": "液氯x", "max_stock_t": 1},
                         {"substance": "甲醇", "max_stock_t": -2},
                         {"substance": "苯", "max_stock_t": "abc"}],
                        M_ITEMS, actor="enterprise", now=NOW)  # fmt: skip
    probs = err.value.problems
    assert probs[0].startswith("row 1: substance: '液氯x'") and "did you mean" in probs[0]
    assert probs[1] == "row 2: max_stock_t: -2 t is negative"
    assert probs[2] == "row 3: max_stock_t: 'abc' is not a number"
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(RiskDeclaration)) == 0
    with session_scope(engine) as s, pytest.raises(NotFound):  # not its enterprise
        service.declare(s, _enterprise(ids["远郊电镀"] + 100), ids["远郊电镀"], [], {}, actor="x")


def test_csv_and_excel_declarations_parse(tmp_path):
    csv = "物质名称,最大存在量,存放位置\n氨,3.5,罐区\n甲醇,20,仓库\n".encode("gb18030")
    assert service.parse_chemicals(csv, "a.csv") == [
        {"substance": "氨", "max_stock_t": "3.5", "place": "罐区"},
        {"substance": "甲醇", "max_stock_t": "20", "place": "仓库"}]  # fmt: skip
    import pandas as pd

    path = tmp_path / "a.xlsx"
    pd.DataFrame({"substance": ["氯"], "max_stock_t": [1.0]}).to_excel(path, index=False)
    assert service.parse_chemicals(path.read_bytes(), "a.xlsx")[0]["substance"] == "氯"
    with pytest.raises(RiskError, match="column.*max_stock_t missing"):
        service.parse_chemicals("substance,qty\n氨,1\n".encode(), "b.csv")


def test_penalised_enterprise_is_raised_one_level(engine):
    ids = _seed(engine)
    eid = ids["远郊电镀"]
    with session_scope(engine) as s:
        d = service.declare(s, XIHU, eid, [{"substance": "硫酸", "max_stock_t": 1}], M_ITEMS,
                            actor="xihu", now=NOW)  # fmt: skip
        g = service.review(s, XIHU, d.id, approve=True, actor="xihu", now=NOW)
        assert g is not None
        assert g.result["air"]["level"] == g.result["water"]["level"] == "一般"
        assert g.result["adjusted"] and g.level == "较大"
        assert "杭环罚〔2025〕1号" in g.result["adjustment_basis"]


def test_plans_refuse_missing_review_date_supersede_and_the_job_opens_one_case(engine, tmp_path):
    ids = _seed(engine)
    eid = ids["近水源化工"]
    with session_scope(engine) as s:
        d = service.declare(s, XIHU, eid, [{"substance": "氯", "max_stock_t": 100}], M_ITEMS,
                            pop_5km=8000, pop_500m=200, actor="xihu", now=NOW)  # fmt: skip
        service.review(s, XIHU, d.id, approve=True, actor="xihu", now=NOW)
    with session_scope(engine) as s, pytest.raises(RiskError, match="review_due: missing"):
        service.file_plan(s, XIHU, eid, title="预案", signed_on="2024-01-02", review_due="",
                          actor="xihu", now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        p1 = service.file_plan(s, XIHU, eid, title="综合预案 2022", signed_on=date(2022, 11, 1),
                               filed_on=date(2022, 12, 20), review_due=date(2025, 11, 1),
                               filing_bureau="杭州市生态环境局西湖分局", actor="xihu", now=NOW)  # fmt: skip
        rows = service.plans(s, PROVINCE, today=TODAY)
        assert [(r.status, r.filed_late) for r in rows] == [("expired", True)]
        assert service.filing_due(date(2022, 11, 1)) < date(2022, 12, 20)
        p1_id = p1.id
    job = JobContext(settings=None, engine=engine)  # type: ignore[arg-type]
    out = service.run_emergency_plans(job, CASES_SINK, now=NOW)
    assert "1 expired; 1 case(s) opened" in out
    assert "0 case(s) opened" in service.run_emergency_plans(job, CASES_SINK, now=NOW)
    with session_scope(engine) as s:
        case = s.scalars(select(CaseRecord)).one()
        assert case.source == "emergency" and case.enterprise_id == eid
        assert service.plans_current_share(s, PROVINCE, TODAY) == (0, 1)
        p2 = service.file_plan(s, XIHU, eid, title="综合预案 2026", signed_on=date(2026, 11, 2),
                               review_due=date(2027, 1, 15), actor="xihu", now=NOW)  # fmt: skip
        assert p2.revision == 2 and p2.supersedes_id == p1_id
        assert [r.status for r in service.plans(s, PROVINCE, today=TODAY)] == ["expiring"]
        assert service.plans_current_share(s, PROVINCE, TODAY) == (1, 1)
        kpi = kpi_registry().get("emergency.plans_current")
        year = Period(date(2026, 1, 1), TODAY)
        assert kpi.value(s, "330100", year) == KpiValue(100.0, "%", "1 / 1")
        assert kpi.value(s, "330200", year) is None  # none graded in Ningbo: no data
        with pytest.raises(RiskError, match="more than 3 years"):
            service.file_plan(s, XIHU, eid, title="x", signed_on=date(2026, 1, 1),
                              review_due=date(2030, 1, 1), actor="xihu", now=NOW)  # fmt: skip
        dr = service.record_drill(s, XIHU, eid, held_on="2026-10-10", scenario="液氯泄漏",
                                  participants=30, findings="围堰阀门未常闭", plan_id=p2.id,
                                  actor="xihu", now=NOW)  # fmt: skip
        assert dr.region_code == "330106"
        with pytest.raises(RiskError, match="participants: 0"):
            service.record_drill(s, XIHU, eid, held_on="2026-10-10", scenario="x",
                                 participants=0, actor="xihu", now=NOW)  # fmt: skip
