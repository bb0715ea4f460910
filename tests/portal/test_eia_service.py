"""The EIA service on a migrated database (SQLite and PostgreSQL): records_for (the portal
contract) reads one enterprise's approvals and applications within scope only; the form refuses a
bad approval naming every field; an import names every bad row and stores nothing; the three
warnings (no approval, permit older than the latest approval, approved totals above the permit's
caps) and a case opened once; the "最多跑一次" statistics with their median and p90."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry, Permit, PermitCap
from qingshan.cases.models import CaseRecord
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.errors import NotFound, PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.registry import ensure_parameter
from qingshan.portal.eia import rules, service
from qingshan.portal.eia.errors import EiaError
from qingshan.portal.eia.models import EiaApproval

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
COD, NH3N = "w01018", "w21003"


def _seed(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        seed_regions(s)
        for code in (COD, NH3N):
            ensure_parameter(s, code)
        ids = {}
        for n, (name, county, status) in enumerate(
            [("西湖印染", "330106", "operating"), ("西湖电镀", "330106", "operating"),
             ("西湖停产厂", "330106", "closed"), ("宁波化工", "330203", "operating")], 1):  # fmt: skip
            e = Enterprise(credit_code=f"91330106MA2EIA{n:02d}XA", name=name,
                           industry=Industry.CHEMICAL, industry_code="1713", region_code=county,
                           longitude=120.13, latitude=30.26, status=status)  # fmt: skip
            s.add(e)
            s.flush()
            ids[name] = e.id
        p = Permit(enterprise_id=ids["西湖印染"], number="91330106MA2EIA01XA001P", version=1,
                   valid_from=date(2024, 3, 1), valid_to=date(2029, 2, 28), reason="首次申领")  # fmt: skip
        s.add(p)
        s.flush()
        s.add_all([PermitCap(permit_id=p.id, parameter_code=COD, tonnes_per_year=10.0),
                   PermitCap(permit_id=p.id, parameter_code=NH3N, tonnes_per_year=1.0)])  # fmt: skip
    return ids


def _approval(eid: int, no: str, on: date, **kw) -> service.ApprovalInput:
    base = dict(enterprise_id=eid, project="年产5000吨印染技改项目", longitude=120.13,
                latitude=30.26, industry_code="1713", doc_type="table", approval_no=no,
                authority="杭州市生态环境局西湖分局", approved_on=on,
                conditions=["废水经预处理后纳管"], totals={COD: 8.0, NH3N: 0.8})  # fmt: skip
    base.update(kw)
    return service.ApprovalInput(**base)  # type: ignore[arg-type]


def test_records_for_reads_one_enterprise_within_scope(engine):
    ids = _seed(engine)
    eid = ids["西湖印染"]
    with session_scope(engine) as s:
        a = service.record_approval(s, XIHU, _approval(eid, "杭环西评批〔2023〕12号", date(2023, 6, 1)),
                                    now=NOW)  # fmt: skip
        assert a.permit_id is not None and a.region_code == "330106"
        service.record_application(s, XIHU, service.ApplicationInput(
            eid, "apply", date(2024, 1, 10), provided=["application_form", "commitment"],
            accepted_on=date(2024, 1, 11), decided_on=date(2024, 1, 25), decision="granted",
            trips=1), now=NOW)  # fmt: skip
    own = Scope("330106", Role.ENTERPRISE, enterprise_id=eid, username="enterprise")
    with session_scope(engine) as s:
        rec = service.records_for(s, own, eid)
        assert rec.enterprise == "西湖印染"
        assert [x.approval_no for x in rec.approvals] == ["杭环西评批〔2023〕12号"]
        app = rec.applications[0]
        assert app.trips == 1 and rules.application_days(app.submitted_on, app.decided_on) == 15
        # the checklist holds every material a first application needs, marked as handed in
        assert [c["key"] for c in app.checklist if not c["provided"]] == [
            "self_monitoring_plan",
            "eia_approval",
            "rights_proof",
            "public_notice",
        ]
        assert rec.permit is not None and rec.permit.caps[COD] == 10.0
        assert rec.warnings == []  # approved 2023-06-01, permit from 2024-03-01, totals below
        with pytest.raises(NotFound):  # another enterprise, and another city
            service.records_for(s, own, ids["西湖电镀"])
        with pytest.raises(NotFound):
            service.records_for(s, NINGBO, eid)
        with pytest.raises(PermissionDenied):
            service.record_approval(
                s, own, _approval(eid, "杭环西评批〔2023〕13号", date(2023, 7, 1))
            )


def test_the_form_names_every_bad_field_and_stores_nothing(engine):
    ids = _seed(engine)
    bad = _approval(ids["西湖印染"], "杭环评字2023-12", date(2023, 6, 1), longitude=116.4,
                    latitude=39.9, industry_code="9999", doc_type="book")  # fmt: skip
    with session_scope(engine) as s, pytest.raises(EiaError) as err:
        service.record_approval(s, XIHU, bad)
    fields = [p.split(":")[0] for p in err.value.problems]
    assert fields == ["location", "industry_code", "doc_type"]
    with session_scope(engine) as s, pytest.raises(EiaError, match="year 2022"):
        service.record_approval(s, XIHU, _approval(ids["西湖印染"], "杭环西评批〔2022〕1号",
                                                   date(2023, 6, 1)))  # fmt: skip
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(EiaApproval)) == 0


CSV_HEAD = "统一社会信用代码,项目名称,经度,纬度,行业代码,文件类型,批复文号,审批部门,批复日期,批复要求,批复总量\n"


def test_an_import_names_every_bad_row_and_stores_nothing(engine):
    _seed(engine)
    good = (
        "91330106MA2EIA02XA,电镀线改造,120.14,30.27,3360,报告书,杭环西评批[2025]3号,"
        "杭州市生态环境局,2025-04-02,含镍废水单独处理；设置规范排污口,COD:2.5;NH3-N:0.3\n"
    )
    bad = (
        "91330106MA2EIA01XA,技改,120.13,30.26,1713,报告表,杭环西评批〔2025〕4号,西湖分局,"
        "2025/13/01,,COD12.5\n"  # row 3: a bad date and a total without its colon
        "91330203MA2EIA04XA,宁波项目,121.5,29.9,2614,报告表,甬环建〔2025〕1号,宁波市局,"
        "2025-01-02,,\n"
    )  # row 4: outside Xihu's scope
    with session_scope(engine) as s, pytest.raises(EiaError) as err:
        service.import_approvals(s, XIHU, (CSV_HEAD + good + bad).encode(), "eia.csv", now=NOW)
    probs = err.value.problems
    assert [p.split(":")[0] for p in probs] == [
        "row 3, column I (批复日期)", "row 3, column K (批复总量)",
        "row 4, column A (统一社会信用代码)"]  # fmt: skip
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(EiaApproval)) == 0
        rows = service.import_approvals(s, XIHU, (CSV_HEAD + good).encode("gb18030"), "eia.csv",
                                        now=NOW)  # fmt: skip
        assert [(r.approval_no, r.doc_type, r.totals) for r in rows] == [
            ("杭环西评批〔2025〕3号", "report", {COD: 2.5, NH3N: 0.3})
        ]
        assert rows[0].conditions == ["含镍废水单独处理", "设置规范排污口"]
    with session_scope(engine) as s, pytest.raises(EiaError, match="on file already"):
        service.import_approvals(s, XIHU, (CSV_HEAD + good).encode(), "eia.csv", now=NOW)


def test_an_excel_register_with_a_title_row(engine):
    _seed(engine)
    wb = Workbook()
    ws = wb.active
    ws.append(["西湖区建设项目环评审批台账（2025年）"])
    ws.append(CSV_HEAD.strip().split(","))
    ws.append(["91330106MA2EIA02XA", "电镀线改造", 120.14, 30.27, "3360", "环境影响报告表",
               "杭环西评批（2025）7号", "西湖分局", date(2025, 4, 2), "", "COD：2.5"])  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    with session_scope(engine) as s:
        (row,) = service.import_approvals(s, XIHU, buf.getvalue(), "台账.xlsx", now=NOW)
        assert (row.approval_no, row.doc_type, row.approved_on, row.totals) == (
            "杭环西评批〔2025〕7号",
            "table",
            date(2025, 4, 2),
            {COD: 2.5},
        )
        assert row.permit_id is None  # 西湖电镀 has no permit on file


def test_warnings_and_a_case_opened_once(engine):
    ids = _seed(engine)
    eid = ids["西湖印染"]
    with session_scope(engine) as s:
        # after the permit (2024-03-01), with COD above its 10 t/a cap
        service.record_approval(s, XIHU, _approval(eid, "杭环西评批〔2025〕9号", date(2025, 5, 6),
                                                   totals={COD: 12.5, NH3N: 0.8}), now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        rows = service.warnings(s, XIHU)
        got = sorted((r.warning.kind, r.enterprise) for r in rows)
        # 西湖电镀 operates without approval; the closed one is not warned; Ningbo out of scope
        assert got == [("no_eia", "西湖电镀"), ("permit_older", "西湖印染"),
                       ("totals_above", "西湖印染")]  # fmt: skip
        key = next(r.warning.key for r in rows if r.warning.kind == "totals_above")
        assert key == f"totals_above:{eid}:91330106MA2EIA01XA001P:{COD}"
        detail = next(r.warning.detail for r in rows if r.warning.key == key)
        assert detail == "COD: 环评批复 12.5 t/a > 许可 10 t/a"
        case_id = service.open_warning_case(s, XIHU, key, CASES_SINK, now=NOW)
    with session_scope(engine) as s:
        assert service.open_warning_case(s, XIHU, key, CASES_SINK, now=NOW) == case_id
        case = s.get(CaseRecord, case_id)
        assert case is not None and case.enterprise_id == eid
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 1
        assert next(r for r in service.warnings(s, XIHU) if r.warning.key == key).case_id == case_id
        with pytest.raises(NotFound):
            service.open_warning_case(s, XIHU, f"no_eia:{eid}", CASES_SINK, now=NOW)


def test_service_statistics_median_p90_and_one_trip_share(engine):
    ids = _seed(engine)
    days_trips = [(3, 0), (5, 1), (8, 1), (12, 2), (20, 1), (30, 3)]
    with session_scope(engine) as s:
        for d, t in days_trips:
            sub = date(2026, 3, 2)
            service.record_application(s, XIHU, service.ApplicationInput(
                ids["西湖电镀"], "change", sub, accepted_on=sub,
                decided_on=date.fromordinal(sub.toordinal() + d), decision="granted", trips=t),
                now=NOW)  # fmt: skip
        service.record_application(s, XIHU, service.ApplicationInput(
            ids["西湖电镀"], "renew", date(2026, 4, 1)), now=NOW)  # fmt: skip
        with pytest.raises(EiaError, match="before"):
            service.record_application(s, XIHU, service.ApplicationInput(
                ids["西湖电镀"], "renew", date(2026, 4, 1), decided_on=date(2026, 3, 1),
                decision="granted"))  # fmt: skip
    with session_scope(engine) as s:
        stats = service.service_statistics(s, PROVINCE, since=date(2026, 1, 1),
                                           until=date(2026, 12, 31))  # fmt: skip
        assert [st.key for st in stats] == [("330100", "2026-03"), ("330100", "2026-04")]
        march = stats[0]
        # days 3 5 8 12 20 30: median (8+12)/2 = 10; p90 at rank 4.5: 20 + 0.5·10 = 25
        assert (march.applications, march.decided) == (6, 6)
        assert (march.median_days, march.p90_days) == (10.0, 25.0)
        assert march.one_trip_share == pytest.approx(4 / 6)
        assert march.within_limit == 5  # ≤ 20 days (排污许可管理条例 第十五条)
        assert (stats[1].applications, stats[1].decided, stats[1].median_days) == (1, 0, None)
