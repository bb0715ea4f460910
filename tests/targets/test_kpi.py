"""KPI providers: a computed KPI from cases seeded through the cases service, the registry, and
a computed target's progress from its provider."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.cases import service as cases
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.kpis import kpi_registry, province_air
from qingshan.targets import service
from qingshan.targets.board import progress_board
from qingshan.targets.errors import UnknownKpi
from qingshan.targets.kpi import KpiProvider, KpiRegistry, KpiValue, Period
from qingshan.targets.plan_file import DEFAULT_PLAN, read_plan_file
from qingshan.targets.ranking_models import RankingAirDay
from qingshan.targets.status import Status

from .conftest import HANGZHOU, PROVINCE

PROVINCE_CODE = "330000"


def T(month: int, day: int) -> datetime:
    return datetime(2021, month, day, 2, tzinfo=UTC)  # 10:00 CST


def _draft(title: str, at: datetime) -> cases.CaseDraft:
    return cases.CaseDraft(source="inspection", category="air_pollution", severity="general",
                           title=title, region_code="330106", occurred_at=at,
                           longitude=120.10, latitude=30.25, place="西湖区转塘街道")  # fmt: skip


def _closed(s, officer, dept, gov, title, registered, due, closed) -> int:
    cid = cases.register_case(s, _draft(title, registered), actor="xihu", now=registered).case.id
    cases.assign_case(s, officer, cid, due_at=due, now=registered)
    cases.start_rectification(s, officer, cid, now=registered)
    cases.submit_for_acceptance(s, officer, cid, reason="已整改", now=closed)
    cases.sign_acceptance(s, dept, cid, "department", now=closed)
    cases.sign_acceptance(s, gov, cid, "government", now=closed)
    cases.close_case(s, officer, cid, now=closed)
    return cid


@pytest.fixture
def four_cases(engine):
    """西湖 (杭州): one case closed on time, one closed late, one open, one cancelled."""
    with session_scope(engine) as s:
        seed_regions(s)
        officer = create_user(s, "xihu", "kpi-test-pass", Role.COUNTY, "330106")
        dept = create_user(s, "dept", "kpi-test-pass", Role.COUNTY, "330106")
        gov = create_user(s, "gov", "kpi-test-pass", Role.COUNTY, "330106")
        cases.grant_signer(s, dept, "department", "330106", by="test")
        cases.grant_signer(s, gov, "government", "330106", by="test")
        cases.add_unit(s, "西湖区生态环境分局", "department", "330106", ["*"])
        _closed(s, officer, dept, gov, "按期", T(3, 1), T(3, 20), T(3, 15))
        _closed(s, officer, dept, gov, "逾期", T(3, 1), T(3, 10), T(3, 25))
        open_id = cases.register_case(s, _draft("在办", T(4, 1)), actor="xihu", now=T(4, 1)).case.id
        cases.assign_case(s, officer, open_id, due_at=T(4, 30), now=T(4, 1))
        void = cases.register_case(s, _draft("重复", T(4, 2)), actor="xihu", now=T(4, 2)).case.id
        cases.cancel_case(s, officer, void, reason="重复登记", now=T(4, 3))
        service.load_plan(s, read_plan_file(DEFAULT_PLAN))


def test_case_kpis_from_seeded_cases(engine, four_cases):
    registry = kpi_registry()
    half = Period(date(2021, 1, 1), date(2021, 6, 30))
    with session_scope(engine) as s:
        on_time = registry.get("cases.closed_on_time")
        # closed in the half year: 2, of them by the deadline: 1 (03-15 ≤ 03-20; 03-25 > 03-10)
        assert on_time.value(s, "330100", half) == KpiValue(50.0, "%", "1 / 2")
        assert on_time.value(s, "330106", half) == KpiValue(50.0, "%", "1 / 2")
        assert on_time.value(s, "330000", half) == KpiValue(50.0, "%", "1 / 2")
        assert on_time.value(s, "330100", Period(date(2021, 3, 16), date(2021, 6, 30))) == (
            KpiValue(0.0, "%", "0 / 1"))  # only the late one closed after 03-16  # fmt: skip
        assert on_time.value(s, "330200", half) is None  # 宁波: no case closed
        closure = registry.get("cases.closure_rate")
        # 2 closed of 3 live cases (the cancelled one does not count): 66.7 %
        assert closure.value(s, "330100", half) == KpiValue(66.7, "%", "2 / 3")
        board = progress_board(s, HANGZHOU, registry=registry, as_of=date(2021, 7, 2))
        kpis = {name: (value, basis) for name, _, _, value, basis in board.kpis}
        assert kpis["cases.closed_on_time"] == (50.0, "1 / 2")
        assert kpis["cases.closure_rate"] == (66.7, "2 / 3")


def test_a_computed_target_takes_its_providers_value(engine, four_cases):
    class Sections:
        name, unit, label = "water.national_sections_analysed", "个断面", "tg.kpi.x"

        def value(self, session, region_code, period):
            return KpiValue({"330000": 79.0, "330100": 15.0}.get(region_code, 7.0), self.unit)

    registry = KpiRegistry([Sections()])
    assert isinstance(Sections(), KpiProvider)
    with session_scope(engine) as s:
        board = progress_board(s, PROVINCE, registry=registry, as_of=date(2021, 7, 2))
        row = next(r for r in board.rows if r.target.code == "12.1")  # 158 sections
        assert (row.province.value, row.province.progress) == (79.0, 0.5)
        assert row.province.status is Status.ON_TRACK  # 0.5 against 0.5 elapsed
        assert (row.cities["330100"].value, row.cities["330100"].status) == (15.0, Status.MET)
        assert row.cities["330200"].progress == 7 / 15  # 宁波 owes 15 (158 = 4 × 15 + 7 × 14)
        # without its provider a computed target has no value
        bare = progress_board(s, PROVINCE, registry=KpiRegistry(), as_of=date(2021, 7, 2))
        assert next(r for r in bare.rows if r.target.code == "12.1").province.status is (
            Status.NO_DATA)  # fmt: skip


def test_the_registry_names_what_it_has():
    registry = kpi_registry()
    assert "cases.closed_on_time" in registry and "air.good_day_rate" in registry
    with pytest.raises(UnknownKpi, match="no KPI provider 'zones.zero_discharge_parks'; "
                                         "registered: air.good_day_rate, air.pm25_mean"):  # fmt: skip
        registry.get("zones.zero_discharge_parks")
    with pytest.raises(ValueError, match="'cases.closure_rate' is registered twice"):
        registry.register(registry.get("cases.closure_rate"))


def _day(city: str, day: int, pm25: float, synthetic: bool = False) -> dict:
    return {"level": "city", "region_code": city, "day": date(2021, 6, day), "so2": None,
            "no2": None, "pm10": None, "pm25": pm25, "co": None, "o3_8h": None, "sites": 3,
            "synthetic": synthetic}  # fmt: skip


def test_the_province_air_figures_are_the_mean_of_its_cities():
    # HJ 633-2012 Table 1, PM2.5 24 h: 35 → IAQI 50, 75 → 100 (good), 115 → 150;
    # 76 → 100 + (150 − 100)/(115 − 75) × (76 − 75) = 101.25 → 102 (not good)
    rows = [_day("330100", 1, 35), _day("330100", 2, 115),  # 杭州: 1 of 2 good → 50 %
            _day("330200", 1, 75), _day("330200", 2, 41),  # 宁波: 2 of 2 good → 100 %
            _day("330300", 1, 76)]  # 温州: 0 of 1 good → 0 %  # fmt: skip
    got = province_air(rows)
    assert got["cities"] == 3
    assert got["compliance_rate"] == pytest.approx((50 + 100 + 0) / 3)  # each city weighs alike
    assert got["pm25_mean"] == pytest.approx((75 + 58 + 76) / 3)  # city means 75, 58, 76
    assert province_air([]) == {"compliance_rate": None, "pm25_mean": None, "cities": 0}


def test_the_province_good_day_rate_is_read_from_the_ranking_days(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        s.execute(insert(RankingAirDay), [
            _day("330100", 1, 35), _day("330100", 2, 115), _day("330200", 1, 75),
            _day("330200", 2, 41),
            _day("330300", 1, 200, synthetic=True),  # the synthetic previous year never counts
        ])  # fmt: skip
        registry = kpi_registry()
        period = Period(date(2021, 6, 1), date(2021, 6, 30))
        rate = registry.get("air.good_day_rate").value(s, PROVINCE_CODE, period)
        pm25 = registry.get("air.pm25_mean").value(s, PROVINCE_CODE, period)
        assert rate is not None and (rate.value, rate.unit) == (75.0, "%")
        assert "2 个设区城市平均" in rate.basis
        assert pm25 is not None and pm25.value == 66.5  # (75 + 58) / 2
        assert registry.get("air.good_day_rate").value(s, "330106", period) is None  # a county
