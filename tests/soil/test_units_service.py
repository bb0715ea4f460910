"""The key soil-supervised units on a migrated database (SQLite and PostgreSQL): a unit listed by
a city officer; the enterprise's samples judged on storing — soil cadmium against GB 36600-2018
second-category land (Table 1: screening 65, intervention 172 mg/kg, confirmed cells; equal to the
screening value is within), groundwater by GB/T 14848-2017 (the data's own class IV limit, µg/L
items converted); bad input refused with every row named and nothing stored (no depth, no unit,
pH 15, an unknown item, a check done before its year); the soil-units job opens one case per
overdue check, exceeding sample and missing report, and a second run opens none; the
soil.checks_overdue KPI and the scope of officers and enterprises."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry
from qingshan.cases.models import CaseRecord
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.errors import NotFound, PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.jobs.job import JobContext
from qingshan.platform.kpis import kpi_registry
from qingshan.soil.units import rules, service
from qingshan.soil.units.errors import SoilUnitError
from qingshan.soil.units.models import SoilUnitCheck, SoilUnitSample
from qingshan.standards.groundwater import INDICATORS
from qingshan.targets.kpi import KpiValue, Period

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
HANGZHOU = Scope("330100", Role.CITY, username="hangzhou")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
NINGBO = Scope("330200", Role.CITY, username="ningbo")


def _seed(engine) -> tuple[int, int]:
    """A 西湖 electroplating enterprise listed since 2024 with a planned 2025 check (not done)."""
    with session_scope(engine) as s:
        seed_regions(s)
        e = Enterprise(credit_code="91330106MA2SOIL01A", name="西湖电镀厂", industry=Industry.CHEMICAL,
                       industry_code="3360", region_code="330106", longitude=120.10,
                       latitude=30.25)  # fmt: skip
        s.add(e)
        s.flush()
        u = service.list_unit(s, HANGZHOU, e.id, year=2024, reason="电镀", actor="hangzhou",
                              now=NOW)  # fmt: skip
        service.record_check(s, XIHU, u.id, year=2025, actor="xihu", now=NOW)  # planned, not done
        return e.id, u.id


def _ent(eid: int) -> Scope:
    return Scope("330106", Role.ENTERPRISE, enterprise_id=eid, username="enterprise")


def _soil(point: str, cd: float, **kw) -> dict:
    return {"point": point, "medium": "soil", "sampled_on": "2026-06-01", "depth_m": 0.2,
            "unit": "mg/kg", "Cd": cd, **kw}  # fmt: skip


def test_samples_are_judged_by_gb36600_and_gbt14848_on_storing(engine):
    eid, uid = _seed(engine)
    iv = float(INDICATORS["NH3_N"].limits[3])  # the class IV limit of the data [mg/L]
    with session_scope(engine) as s:
        rows = service.add_samples(s, _ent(eid), uid, [
            _soil("S1", 65.0),  # equal to the screening value: within (GB 36600-2018 §4.2)
            _soil("S2", 65.5),
            _soil("S3", 173.0),  # over 172: over intervention
            {"point": "W1", "medium": "groundwater", "sampled_on": "2026-06-02", "depth_m": 6,
             "unit": "mg/L", "ph": 7.1, "氨氮": iv * 1.2},
            {"point": "W2", "medium": "groundwater", "sampled_on": "2026-06-02", "depth_m": 6,
             "unit": "mg/L", "NH3_N": iv},
        ], actor="enterprise", now=NOW)  # fmt: skip
        got = {r.point: (r.result, r.exceeding, tuple(r.deciding)) for r in rows}
    assert got["S1"] == ("within_screening", False, ())
    assert got["S2"] == ("over_screening", True, ("Cd",))
    assert got["S3"] == ("over_intervention", True, ("Cd",))
    assert got["W1"] == ("V", True, ("NH3_N",))
    assert got["W2"][:2] == ("IV", False)
    with session_scope(engine) as s:
        rows = service.unit_list(s, XIHU, today=TODAY)
        assert (
            len(rows) == 1 and rows[0].exceeding == 3 and rows[0].worst_soil == "over_intervention"
        )
        assert rows[0].worst_groundwater == "V"
        assert [r.unit.id for r in service.unit_list(s, XIHU, today=TODAY, flag="exceeding")] == [
            uid
        ]


def test_bad_samples_are_each_named_and_nothing_is_stored(engine):
    eid, uid = _seed(engine)
    with session_scope(engine) as s, pytest.raises(SoilUnitError) as err:
        service.add_samples(s, _ent(eid), uid, [
            _soil("S1", 1.0),  # good, but the batch is refused as a whole
            {**_soil("S2", 1.0), "depth_m": ""},
            {**_soil("S3", 1.0), "unit": None},
            {**_soil("S4", 1.0), "ph": 15},
            {**_soil("S5", 1.0), "Cdd": 2},
            {**_soil("S6", 1.0), "unit": "mg/L"},
        ], actor="enterprise", now=NOW)  # fmt: skip
    probs = err.value.problems
    assert probs[0] == "row 2: depth_m (采样深度, m) is missing: a sample needs its depth"
    assert probs[1].startswith("row 3: unit (单位) is missing")
    assert probs[2] == "row 4: pH 15 is outside 0–14"
    assert probs[3].startswith("row 5: ") and "Cdd" in probs[3] and "Cd" in probs[3][12:]
    assert probs[4] == "row 6: unit (单位) 'mg/L' is not mg/kg, the unit of GB 36600-2018"
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(SoilUnitSample)) == 0


def test_a_check_done_before_its_year_is_refused(engine):
    eid, uid = _seed(engine)
    with session_scope(engine) as s, pytest.raises(SoilUnitError,
                                                   match="done_on: 2024-11-30 is before the check's year 2025"):  # fmt: skip
        service.record_check(s, _ent(eid), uid, year=2025, done_on="2024-11-30", actor="e", now=NOW)
    with session_scope(engine) as s, pytest.raises(SoilUnitError, match="not on the list in 2023"):
        service.record_check(s, _ent(eid), uid, year=2023, done_on="2023-05-01", actor="e", now=NOW)
    with (
        session_scope(engine) as s,
        pytest.raises(SoilUnitError, match=r"items\[1\].deadline: missing"),
    ):
        service.record_check(s, _ent(eid), uid, year=2026, done_on="2026-05-01",
                             items=[{"item": "储罐区防渗层破损"}], actor="e", now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        c = s.scalars(select(SoilUnitCheck)).one()  # the planned 2025 check, untouched
        assert (c.year, c.done_on, c.items) == (2025, None, [])
        done = service.record_check(s, _ent(eid), uid, year=2026, done_on="2026-05-01",
                                    findings="储罐区防渗层破损",
                                    items=[{"item": "修复防渗层", "deadline": "2026-09-30"}],
                                    actor="e", now=NOW)  # fmt: skip
        assert rules.check_state(done.due_on, done.done_on, TODAY) == "done"
        assert len(rules.open_items_overdue(done.items, TODAY)) == 1  # deadline passed, open
    with session_scope(engine) as s, pytest.raises(SoilUnitError, match="already recorded as done"):
        service.record_check(s, _ent(eid), uid, year=2026, done_on="2026-06-01", actor="e", now=NOW)


def test_the_job_opens_one_case_each_and_a_rerun_none(engine):
    eid, uid = _seed(engine)
    with session_scope(engine) as s:
        service.add_samples(s, _ent(eid), uid, [_soil("S2", 80.0)], actor="e", now=NOW)
        service.submit_report(s, _ent(eid), uid, year=2024, substances=[
            {"substance": "镉", "amount_kg": 0.8, "medium": "water"}],
            submitted_on="2025-03-01", actor="e", now=NOW)  # fmt: skip
        assert service.overdue_checks(s, XIHU, TODAY) == 1
        assert service.overdue_checks(s, NINGBO, TODAY) == 0
        kpi = kpi_registry().get("soil.checks_overdue")
        assert kpi.value(s, "330100", Period(date(2026, 1, 1), TODAY)) == KpiValue(1.0, "项", "1")
    job = JobContext(settings=None, engine=engine)  # type: ignore[arg-type]
    # overdue 2025 check; the exceeding sample; the 2025 report (due 2026-03-31) missing
    assert service.run_soil_units(job, CASES_SINK, now=NOW) == (
        "1 overdue check(s), 1 exceeding sample(s), 1 missing report(s) reported as cases"
    )
    service.run_soil_units(job, CASES_SINK, now=NOW)
    with session_scope(engine) as s:
        cases = list(s.scalars(select(CaseRecord)))
        assert len(cases) == 3 and {c.source for c in cases} == {"soil"}
        assert {c.enterprise_id for c in cases} == {eid}
        d = service.unit_file(s, _ent(eid), uid, today=TODAY)
        assert len(d["cases"]) == 3 and d["reports_missing"] == (2025,)
        assert d["checks"][0][1] == "overdue" and d["checks"][0][0].case_id is not None


def test_scope_and_roles(engine):
    eid, uid = _seed(engine)
    with session_scope(engine) as s:
        with pytest.raises(NotFound):
            service.unit_file(s, NINGBO, uid, today=TODAY)
        with pytest.raises(NotFound):
            service.add_samples(s, _ent(eid + 1), uid, [_soil("S", 1.0)], actor="x", now=NOW)
        with pytest.raises(PermissionDenied):
            service.list_unit(s, XIHU, eid, year=2025, reason="x", actor="x", now=NOW)
        with pytest.raises(PermissionDenied):
            service.record_check(s, PROVINCE, uid, year=2026, actor="x", now=NOW)
        with pytest.raises(SoilUnitError, match="already listed since 2024"):
            service.list_unit(s, PROVINCE, eid, year=2026, reason="x", actor="x", now=NOW)
        assert [r.unit.id for r in service.unit_list(s, _ent(eid), today=TODAY)] == [uid]


def test_an_excel_import_names_every_bad_row_and_a_good_one_stores(engine, tmp_path):
    eid, uid = _seed(engine)
    wb = Workbook()
    ws = wb.active
    ws.append(["自行监测数据"])  # a title row above the header
    ws.append(["点位", "介质", "采样日期", "深度（m）", "单位", "pH", "镉", "苯"])
    ws.append(["T1", "土壤", "2026-05-10", 0.5, "mg/kg", 7.2, 12.5, 0.1])
    ws.append(["T2", "土壤", "2026-05-10", None, "mg/kg", None, 3, None])
    ws.append(["T3", "土壤", "2026/5/10", 1.0, "mg/kg", -1, 3, None])
    path = tmp_path / "m.xlsx"
    wb.save(path)
    with session_scope(engine) as s, pytest.raises(SoilUnitError) as err:
        service.import_samples(s, _ent(eid), uid, path.read_bytes(), max_bytes=10_000_000,
                               actor="e", now=NOW)  # fmt: skip
    assert err.value.problems == [
        "Sheet row 4, column D (depth_m): depth_m (采样深度, m) is missing: a sample needs its depth",
        "Sheet row 5, column F (ph): pH -1 is outside 0–14",
    ]
    ws.delete_rows(4, 2)
    wb.save(path)
    with session_scope(engine) as s:
        rows = service.import_samples(s, _ent(eid), uid, path.read_bytes(), max_bytes=10_000_000,
                                      actor="e", now=NOW)  # fmt: skip
        assert [(r.point, r.values, r.result) for r in rows] == [
            ("T1", {"Cd": 12.5, "benzene": 0.1}, "within_screening")
        ]
    csv = "点位,介质,采样日期,深度,单位,镉\nT9,土壤,2026-05-11,0.2,,5\n".encode("gb18030")
    with session_scope(engine) as s, pytest.raises(SoilUnitError, match="row 2, column E"):
        service.import_samples(s, _ent(eid), uid, csv, max_bytes=10_000_000, actor="e", now=NOW)
