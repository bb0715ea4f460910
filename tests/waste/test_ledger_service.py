"""The ledger service on both backends with worked numbers: plans and their HJ 1259-2022 tier,
declarations and their bad input, storage alerts (Art. 81 limit, 30 days ahead), the monthly
balance check opening cases through the cases' sink (one case per enterprise), the KPIs by
province, city and county, and a producer's ledger."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from qingshan.accounts.errors import OutOfScope
from qingshan.cases.models import CaseRecord
from qingshan.cases.service import CASES_SINK
from qingshan.config import get_settings
from qingshan.db.engine import session_scope
from qingshan.geo.regions import children
from qingshan.jobs.job import JobContext
from qingshan.platform.jobs import JOBS
from qingshan.platform.kpis import kpi_registry
from qingshan.targets.kpi import KpiValue, Period
from qingshan.targets.plan_file import DEFAULT_PLAN, read_plan_file
from qingshan.timeutil import CST, utcnow
from qingshan.waste import ledger_service as ls
from qingshan.waste.errors import LedgerInvalid, LedgerNotFound
from qingshan.waste.jobs import month_to_check
from qingshan.waste.ledger_service import DeclarationIn
from qingshan.waste.models import WasteCollectionMember, WasteCollectionPoint

from .ledger_world import HANGZHOU, NINGBO, OIL, PROVINCE, World, transfers_of
from .ledger_world import world_fixture as world_fixture  # noqa: F401  (the fixture)

SOLVENT = "900-041-49"


def _seed(s, w: World) -> None:
    """2025: p1 10 t/month (all shipped), p2 0.5 t/month disposed on site, p3 20 t/month
    Jan–Mar and nothing out, the facility disposing of 9.8 t/month; storage lots; the collection
    point of 西湖区 serving p2."""
    decl = []
    for m in range(1, 13):
        month = date(2025, m, 1)
        decl.append(DeclarationIn(w.p1, month, OIL, 10.0))
        decl.append(DeclarationIn(w.p2, month, SOLVENT, 0.5, self_disposed_t=0.5))
        decl.append(DeclarationIn(w.fac, month, OIL, 0.0, self_disposed_t=9.8))
        if m <= 3:
            decl.append(DeclarationIn(w.p3, month, OIL, 20.0))
    assert ls.declare_many(s, PROVINCE, decl, actor="test", source="sim") == 39
    lot = ls.add_storage_lot(s, PROVINCE, w.p1, OIL, date(2024, 11, 1), 8.0)
    ls.take_out_lot(s, PROVINCE, lot, date(2025, 2, 10))  # prior-year stock shipped in 2025
    ls.add_storage_lot(s, PROVINCE, w.p3, OIL, date(2024, 1, 15), 2.0)  # never taken out
    ls.add_collection_point(s, PROVINCE, region_code="330106", operator_id=w.op,
                            name="西湖区小微收运点", started_on=date(2021, 5, 1),
                            longitude=120.13, latitude=30.26, members=[w.p2])  # fmt: skip


def test_plan_tier_follows_the_years_total(engine, world):
    with session_scope(engine) as s:
        lines = ls.file_plan(s, PROVINCE, world.p1, 2026, {OIL: 60.0}, actor="p1")
        assert [(x.waste_code, x.tier) for x in lines] == [(OIL, "simplified")]
        lines = ls.file_plan(s, PROVINCE, world.p1, 2026, {"90004149": 45.0}, actor="p1")
        # 60 + 45 = 105 t ≥ 100 t: 重点监管 on both lines (HJ 1259-2022)
        assert [(x.waste_code, x.planned_t, x.tier) for x in lines] == [
            ("900-041-49", 45.0, "key"), (OIL, 60.0, "key")]  # fmt: skip
        with pytest.raises(LedgerInvalid, match="planned_t must be a finite number ≥ 0 t"):
            ls.file_plan(s, PROVINCE, world.p1, 2026, {OIL: -1}, actor="p1")


def test_declarations_refuse_bad_input_and_replace_the_same_month(engine, world):
    today = date(2026, 12, 6)
    with session_scope(engine) as s:
        d = ls.declare(s, world.owner(world.p1), DeclarationIn(world.p1, date(2026, 3, 1),
                       "90024908", 12.5), actor="ent", today=today)  # fmt: skip
        assert d.waste_code == OIL
        ls.declare(s, PROVINCE, DeclarationIn(world.p1, date(2026, 3, 1), OIL, 13.0, 1.0),
                   actor="province", source="form", today=today)  # fmt: skip
        led = ls.producer_ledger(s, PROVINCE, world.p1, 2026, today=today,
                                 transfers=transfers_of(world))  # fmt: skip
        march = led.months[2]
        assert (march.generated_t, march.self_utilised_t) == (13.0, 1.0)
        cases = [
            (DeclarationIn(world.p1, date(2026, 3, 2), OIL, 1.0), "first day of a month"),
            (DeclarationIn(world.p1, date(2027, 1, 1), OIL, 1.0), "2027-01 is in the future"),
            (DeclarationIn(world.p1, date(2026, 3, 1), OIL, -2.0), "generated_t must be a finite"),
            (DeclarationIn(world.p1, date(2026, 3, 1), "999-249-08", 1.0), "not in the National"),
        ]
        for bad, message in cases:
            with pytest.raises(LedgerInvalid, match=message):
                ls.declare(s, PROVINCE, bad, actor="x", today=today)
        # out of scope: the archive's 404, the same as a missing enterprise
        with pytest.raises(LedgerNotFound, match=f"no enterprise {world.p1} in your scope"):
            ls.declare(s, NINGBO, DeclarationIn(world.p1, date(2026, 3, 1), OIL, 1.0),
                       actor="ningbo", today=today)  # fmt: skip
        with pytest.raises(LedgerNotFound):
            ls.declare(s, world.owner(world.p2), DeclarationIn(world.p1, date(2026, 3, 1), OIL,
                       1.0), actor="p2", today=today)  # fmt: skip


def test_storage_alerts_30_days_before_and_past_the_limit(engine, world):
    today = date(2026, 12, 6)
    with session_scope(engine) as s:
        due = ls.add_storage_lot(s, PROVINCE, world.p1, OIL, date(2026, 1, 1), 3.0)  # 339 d
        half = ls.add_storage_lot(s, PROVINCE, world.p1, OIL, date(2026, 6, 1), 3.0)  # 188 d
        late = ls.add_storage_lot(s, PROVINCE, world.p3, OIL, date(2025, 10, 1), 1.5)  # 431 d
        ls.add_storage_lot(s, PROVINCE, world.p3, OIL, date(2025, 10, 1), 1.0, limit_days=730)
        gone = ls.add_storage_lot(s, PROVINCE, world.p1, OIL, date(2025, 1, 1), 2.0)
        ls.take_out_lot(s, PROVINCE, gone, date(2025, 6, 1))
        fac = ls.add_storage_lot(s, PROVINCE, world.fac, OIL, date(2025, 12, 1), 4.0)  # 370 d
        alerts = ls.storage_alerts(s, PROVINCE, today)
        got = [(a.lot_id, a.days_stored, a.limit_days, a.days_left, a.operator, a.status)
               for a in alerts]  # fmt: skip
        assert got == [
            (late, 431, 365, -66, False, "overdue"),
            (fac, 370, 365, -5, True, "overdue"),
            (due, 339, 365, 26, False, "due"),
        ]
        assert [a.lot_id for a in ls.storage_alerts(s, HANGZHOU, today)] == [fac, due]
        # a province holding producers to 180 days (the setting): the 188-day lot is past it,
        # the operator's lot keeps the law's 365 days
        short = ls.storage_alerts(s, HANGZHOU, today, producer_limit_days=180)
        assert [(a.lot_id, a.limit_days, a.days_left) for a in short] == [
            (due, 180, -159), (half, 180, -8), (fac, 365, -5)]  # fmt: skip
        assert [a.lot_id for a in ls.storage_alerts(s, world.owner(world.p3), today)] == [late]
        with pytest.raises(LedgerInvalid, match="was taken out on 2025-06-01"):
            ls.take_out_lot(s, PROVINCE, gone, date(2025, 7, 1))
        with pytest.raises(LedgerInvalid, match="before stored_on"):
            ls.take_out_lot(s, PROVINCE, due, date(2025, 12, 1))


def test_balance_check_finds_the_dumping_pattern_as_one_case(engine, world):
    with session_scope(engine) as s:
        _seed(s, world)
        run = ls.run_balance_checks(s, CASES_SINK, date(2025, 3, 1), transfers=transfers_of(world))
        # March: p1 (10 t shipped), p2 (disposed on site) close; p3 20 t with nothing out does
        # not, and Jan–Mar is the dumping run; p3's 2 t lot is 441 days old on 31 March
        assert (run.producers, run.facilities, run.unclosed, run.dumping,
                run.overdue_storage, run.cases) == (3, 1, 1, 1, 1, 1)  # fmt: skip
    with session_scope(engine) as s:
        again = ls.run_balance_checks(s, CASES_SINK, date(2025, 3, 1),
                                      transfers=transfers_of(world))  # fmt: skip
        assert again.cases == 1
        rows = s.execute(select(CaseRecord.enterprise_id, CaseRecord.category)).all()
        assert rows == [(world.p3, "solid_waste")]
    with session_scope(engine) as s:  # February: p1 shipped its 8 t of old stock too: closes
        pb, fb = ls.monthly_balances(s, [date(2025, 2, 1)], transfers=transfers_of(world))
        p1 = pb[pb["enterprise_id"] == world.p1].iloc[0]
        assert (p1["delta_stock_t"], p1["transferred_t"], p1["gap_t"]) == (-8.0, 10.0, 8.0)
        assert not p1["closes"]  # 10 generated but 10 shipped and 8 left the store: 8 t short
        assert fb.iloc[0]["gap_t"] == pytest.approx(0.0)  # 9.8 received, 9.8 disposed
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 1


def test_kpis_by_province_city_and_county(engine, world):
    with session_scope(engine) as s:
        _seed(s, world)
        t = transfers_of(world)
        k = ls.waste_kpis(s, "330000", 2025, transfers=t)
        # generated 120 + 6 + 60 = 186 t; utilised/disposed 117.6 received + 6 on site;
        # prior stock 8 t shipped in 2025: 123.6 / 194 = 63.71 %
        assert k["generated_t"] == pytest.approx(186.0)
        assert k["received_t"] == pytest.approx(117.6)
        assert k["prior_stock_t"] == 8.0
        assert k["utilisation_rate"] == pytest.approx(123.6 / 194 * 100)
        n = sum(len(children(c.code)) for c in children("330000"))
        assert (k["counties"], k["counties_with_point"]) == (n, 1)
        assert k["county_coverage"] == pytest.approx(100 / n)
        assert (k["small_producers"], k["small_covered"], k["small_producer_coverage"]) == (
            1,
            1,
            100.0,
        )
        assert (k["capacity_t"], k["capacity_new_t"]) == (50000.0, 50000.0)
        assert k["capacity_ratio"] == pytest.approx(50000 / 186)
        nb = ls.waste_kpis(s, "330200", 2025, transfers=t)
        assert (nb["generated_t"], nb["utilisation_rate"], nb["capacity_t"]) == (60.0, 0.0, 0)
        xs = ls.waste_kpis(s, "330109", 2025, transfers=t)  # 萧山: the facility, no producer
        assert xs["utilisation_rate"] is None and xs["capacity_ratio"] is None
        assert (xs["counties"], xs["county_coverage"], xs["small_producer_coverage"]) == (
            1,
            0.0,
            None,
        )
        assert ls.waste_kpis(s, "330000", 2026, transfers=t)["utilisation_rate"] is None


def test_producer_ledger_of_a_year(engine, world):
    with session_scope(engine) as s:
        _seed(s, world)
        ls.file_plan(s, PROVINCE, world.p2, 2025, {SOLVENT: 6.0}, actor="p2")
        led = ls.producer_ledger(s, world.owner(world.p2), world.p2, 2025,
                                 today=date(2026, 12, 6), transfers=transfers_of(world))  # fmt: skip
        assert (led.name, led.tier, led.generated_t, led.small_producer) == (
            "西湖小微汽修", "registered", 6.0, True)  # fmt: skip
        assert led.collection_point == "西湖区小微收运点"
        assert len(led.months) == 12 and led.unclosed_months == 0
        p3 = ls.producer_ledger(s, PROVINCE, world.p3, 2025, today=date(2026, 12, 6),
                                transfers=transfers_of(world))  # fmt: skip
        assert [m.closes for m in p3.months[:4]] == [False, False, False, None]
        assert p3.stock_t == 2.0 and p3.unclosed_months == 3
        assert [a.status for a in p3.alerts] == ["overdue"]
        with pytest.raises(LedgerNotFound):
            ls.producer_ledger(s, world.owner(world.p1), world.p3, 2025)


def test_the_job_checks_last_month_through_the_manifests_frame(engine, world):
    assert month_to_check(date(2026, 12, 2)) == date(2026, 11, 1)
    assert month_to_check(date(2026, 1, 2)) == date(2025, 12, 1)
    last = month_to_check(utcnow().astimezone(CST).date())
    months = [(pd.Timestamp(last) - pd.offsets.MonthBegin(k)).date() for k in (2, 1, 0)]
    with session_scope(engine) as s:  # p3: three months generated, no manifest, no stock
        ls.declare_many(s, PROVINCE, [DeclarationIn(world.p3, m, OIL, 20.0) for m in months],
                        actor="test", source="sim")  # fmt: skip
    ctx = JobContext(settings=get_settings(), engine=engine)
    message = JOBS.get_job("waste-balance").func(ctx)  # the registry's job, the real manifests
    assert message == (f"{last:%Y-%m}: 1 producer(s), 0 facility(ies) balanced; 1 unclosed, "
                       "1 dumping pattern(s), 0 lot(s) past the storage limit → 1 case(s)")  # fmt: skip
    with session_scope(engine) as s:
        assert s.execute(select(CaseRecord.enterprise_id, CaseRecord.category)).all() == [
            (world.p3, "solid_waste")]  # fmt: skip


def test_the_kpi_providers_of_the_plans_waste_targets(engine, world):
    registry = kpi_registry()
    plan = {t.code: t for t in read_plan_file(DEFAULT_PLAN).targets}
    year = Period(date(2025, 1, 1), date(2025, 12, 31))
    with session_scope(engine) as s:
        _seed(s, world)  # no manifest: the real transfers frame is empty
        got = {}
        for code in ("main.2", "14.1", "14.2", "14.3"):
            assert plan[code].metric == "computed"
            got[code] = registry.get(plan[code].kpi).value(s, "330000", year)
        # (0 received + 6 t disposed on site) / (186 t generated + 8 t prior stock)
        assert got["main.2"] == KpiValue(round(6 / 194 * 100, 1), "%", "2025: 6 / 194")
        n = sum(len(children(c.code)) for c in children("330000"))
        assert got["14.1"] == KpiValue(round(100 / n, 1), "%", f"2025: 1 / {n}")
        assert got["14.2"] == KpiValue(100.0, "%", "2025: 1 / 1")
        assert got["14.3"] == KpiValue(5.0, "万吨/年", "2025: 50000 / 50000")
        hz = registry.get("waste.collection_county_coverage").value(s, "330100", year)
        assert hz == KpiValue(round(100 / len(children("330100")), 1), "%",
                              f"2025: 1 / {len(children('330100'))}")  # fmt: skip
        assert registry.get("waste.utilisation_rate").value(s, "330109", year) is None


def test_a_collection_point_belongs_to_a_county_in_scope(engine, world):
    with session_scope(engine) as s:
        with pytest.raises(LedgerInvalid, match="330100 is not a county"):
            ls.add_collection_point(s, PROVINCE, region_code="330100", operator_id=world.op,
                                    name="市级点", started_on=date(2025, 1, 1))  # fmt: skip
        with pytest.raises(OutOfScope, match="region 330106 is outside the scope 330200"):
            ls.add_collection_point(s, NINGBO, region_code="330106", operator_id=world.op,
                                    name="西湖点", started_on=date(2025, 1, 1))  # fmt: skip
        with pytest.raises(LedgerNotFound, match=f"no enterprise {world.p1} in your scope"):
            ls.add_collection_point(s, NINGBO, region_code="330206", operator_id=world.p3,
                                    name="北仑点", started_on=date(2025, 1, 1),
                                    members=[world.p1])  # fmt: skip
        pid = ls.add_collection_point(s, HANGZHOU, region_code="330106", operator_id=world.op,
                                      name="西湖点", started_on=date(2025, 1, 1),
                                      members=[world.p2, world.p2])  # fmt: skip
        assert s.scalar(select(func.count()).select_from(WasteCollectionMember)
                        .where(WasteCollectionMember.point_id == pid)) == 1  # fmt: skip
        # the refused point left nothing behind
        assert s.scalars(select(WasteCollectionPoint.name)).all() == ["西湖点"]
