"""The carbon accounts' service on a migrated database (SQLite and PostgreSQL): a submission
stored with its worked total, revisions and result versions, scope, bad input that stores
nothing, the plausibility warnings, the 碳效码 against the industry's peers, the peak path and
the results frame."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from qingshan.audit.models import AuditLog
from qingshan.carbon import service
from qingshan.carbon.account import account
from qingshan.carbon.activity import ActivityMonth, FuelUse
from qingshan.carbon.errors import (
    BadActivity,
    NegativeAmount,
    NotFound,
    OutsideScope,
    UnknownFuel,
    WrongUnit,
)
from qingshan.carbon.factors import load_library
from qingshan.carbon.models import CarbonActivity, CarbonResult
from qingshan.carbon.results import (
    carbon_code_of,
    carbon_codes,
    peak_path,
    results_frame,
    set_peak_path,
)
from qingshan.db.engine import session_scope

from .conftest import HANGZHOU, NINGBO, NOW, PROVINCE, XIHU, corrected

MARCH = date(2026, 3, 1)


def _library():
    """The package library with a test natural-gas factor (values chosen by the test, so the
    worked figure below does not rest on the data file's [3P] cells)."""
    lib = load_library()
    gas = lib.fuel("natural_gas", MARCH)
    return lib.with_override(corrected(gas, ncv=389.31, cc=0.01532, of=0.99))


def _gas_month(eid: int, month: date = MARCH, *, gas: float = 10.0, va: float | None = 500.0,
               electricity: float = 1000.0) -> ActivityMonth:  # fmt: skip
    return ActivityMonth(eid, month, fuels=(FuelUse("natural_gas", gas, "10^4 Nm3"),),
                         electricity_purchased_mwh=electricity, heat_purchased_gj=200.0,
                         value_added_10k_yuan=va)  # fmt: skip


def test_a_submission_is_stored_with_its_worked_total(engine, carbon_world):
    lib = _library()
    with session_scope(engine) as s:
        r = service.submit_activity(s, XIHU, _gas_month(carbon_world.power), source="api",
                                    actor="xihu", library=lib, now=NOW)  # fmt: skip
    # gas: 10 (10^4 Nm3) × 389.31 GJ/10^4Nm3 × 0.01532 tC/GJ × 0.99 × 44/12 = 216.5016 tCO2
    # electricity: 1000 MWh × 0.5703 tCO2/MWh (ETS grid factor, Feb 2023 notice) = 570.3
    # heat: 200 GJ × 0.11 tCO2/GJ = 22.0                                   total = 808.8016
    assert r.scope1_tco2 == pytest.approx(216.5016, abs=1e-3)
    assert r.scope2_tco2 == pytest.approx(592.3, abs=1e-9)
    assert r.total_tco2 == pytest.approx(808.8016, abs=1e-3)
    assert any("past its stated period" in w for w in r.warnings)  # 0.5703 is valid to 2025
    with session_scope(engine) as s:
        row = s.scalar(select(CarbonResult))
        assert (row.version, row.current, row.reason, row.activity_revision) == (
            1,
            True,
            "computed",
            1,
        )
        assert row.total_tco2 == pytest.approx(808.8016, abs=1e-3)
        assert row.value_added_10k_yuan == 500.0 and row.library_version == lib.version
        assert set(row.data["factors"]) == {"fuel/natural_gas/guideline-2013", "grid/ets/2022",
                                            "heat/default/guideline"}  # fmt: skip
        assert row.data["factors"]["fuel/natural_gas/guideline-2013"]["params"]["cc"] == 0.01532
        act = s.scalar(select(CarbonActivity))
        assert (act.source, act.submitted_by, act.revision) == ("api", "xihu", 1)
        audited = s.scalar(select(func.count()).select_from(AuditLog)
                           .where(AuditLog.entity == "carbon_activity"))  # fmt: skip
        assert audited == 1


def test_a_revision_keeps_the_old_activity_and_result_version(engine, carbon_world):
    lib = _library()
    with session_scope(engine) as s:
        service.submit_activity(s, XIHU, _gas_month(carbon_world.power), source="api",
                                actor="xihu", library=lib, now=NOW)  # fmt: skip
        service.submit_activity(s, XIHU, _gas_month(carbon_world.power, gas=20.0),
                                source="form", actor="xihu", library=lib, now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        acc = account(s, XIHU, carbon_world.power, 2026)
        (m,) = acc.months
        assert m.revision == 2 and m.source == "form"
        assert [(v.version, v.current, v.reason) for v in m.versions] == [
            (2, True, "activity revised"),
            (1, False, "computed"),
        ]
        # one more 10 × 21.65016 tCO2 of gas: 808.8016 + 216.5016
        assert acc.total_tco2 == pytest.approx(1025.3032, abs=1e-3)
        assert s.scalar(select(func.count()).select_from(CarbonActivity)) == 2


def test_scope_of_reading_and_submitting(engine, carbon_world):
    lib = _library()
    owner = carbon_world.owner(carbon_world.power)
    with session_scope(engine) as s:
        service.submit_activity(s, owner, _gas_month(carbon_world.power), source="api",
                                actor="owner", library=lib, now=NOW)  # fmt: skip
        service.submit_activity(s, NINGBO, _gas_month(carbon_world.cement), source="api",
                                actor="ningbo", library=lib, now=NOW)  # fmt: skip
        # out of scope: the archive's 404, the same as a missing enterprise
        with pytest.raises(NotFound, match=f"no enterprise {carbon_world.cement} in your scope"):
            service.submit_activity(s, owner, _gas_month(carbon_world.cement), source="api",
                                    actor="owner", library=lib, now=NOW)  # fmt: skip
        with pytest.raises(NotFound, match=f"no enterprise {carbon_world.cement} in your scope"):
            account(s, XIHU, carbon_world.cement, 2026)
        with pytest.raises(NotFound):
            account(s, PROVINCE, 999_999, 2026)
        frames = {name: results_frame(s, sc, year_from=2026, year_to=2026)
                  for name, sc in (("province", PROVINCE), ("hangzhou", HANGZHOU),
                                   ("ningbo", NINGBO), ("owner", owner))}  # fmt: skip
    assert sorted(frames["province"]["enterprise_id"]) == sorted([carbon_world.power,
                                                                  carbon_world.cement])  # fmt: skip
    assert list(frames["hangzhou"]["enterprise_id"]) == [carbon_world.power]
    assert list(frames["ningbo"]["enterprise_id"]) == [carbon_world.cement]
    assert list(frames["owner"]["enterprise_id"]) == [carbon_world.power]


def test_bad_input_stores_nothing(engine, carbon_world):
    lib = _library()
    eid = carbon_world.power
    with session_scope(engine) as s:
        with pytest.raises(UnknownFuel, match="unknown fuel 'natural_gass'.*natural_gas"):
            service.submit_activity(s, XIHU, ActivityMonth(eid, MARCH, fuels=(
                FuelUse("natural_gass", 1.0, "10^4 Nm3"),)), source="api", actor="x",
                library=lib, now=NOW)  # fmt: skip
        with pytest.raises(WrongUnit, match="expected '10\\^4 Nm3'"):
            service.submit_activity(s, XIHU, ActivityMonth(eid, MARCH, fuels=(
                FuelUse("natural_gas", 1.0, "t"),)), source="api", actor="x",
                library=lib, now=NOW)  # fmt: skip
        with pytest.raises(NegativeAmount, match="electricity_purchased_mwh must not be negative"):
            service.submit_activity(s, XIHU, ActivityMonth(eid, MARCH, electricity_purchased_mwh=-5.0),
                                    source="api", actor="x", library=lib, now=NOW)  # fmt: skip
        with pytest.raises(BadActivity, match="2027-01 is out of range"):
            service.submit_activity(s, XIHU, _gas_month(eid, date(2027, 1, 1)), source="api",
                                    actor="x", library=lib, now=NOW)  # fmt: skip
        with pytest.raises(BadActivity, match="first day"):
            service.submit_activity(s, XIHU, _gas_month(eid, date(2026, 3, 2)), source="api",
                                    actor="x", library=lib, now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(CarbonActivity)) == 0
        assert s.scalar(select(func.count()).select_from(CarbonResult)) == 0


def test_plausibility_warnings_on_the_account(engine, carbon_world):
    lib = _library()
    eid = carbon_world.power
    with session_scope(engine) as s:
        for m in range(1, 12):  # Jan–Nov; May left out; August typed in kg (×1000 gas)
            if m == 5:
                continue
            gas = 10_000.0 if m == 8 else 10.0
            va = None if m == 10 else 500.0
            service.submit_activity(s, XIHU, _gas_month(eid, date(2026, m, 1), gas=gas, va=va),
                                    source="api", actor="x", library=lib, now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        acc = account(s, XIHU, eid, 2026)
    kinds = [(w.kind, w.month) for w in acc.warnings if w.kind != "factor"]
    assert kinds == [
        ("missing_month", date(2026, 5, 1)),
        ("ten_times", date(2026, 8, 1)),
        ("no_value_added", date(2026, 10, 1)),
    ]
    ten = next(w for w in acc.warnings if w.kind == "ten_times")
    # August: 10,000 × 21.65016 + 592.3 = 217,093.9; the median month is 808.8
    assert ten.value == pytest.approx(217_093.9, abs=0.5) and ten.reference == pytest.approx(
        808.8, abs=0.01
    )
    assert any(w.kind == "factor" and "0.5703" in w.message for w in acc.warnings)
    assert (
        acc.value_added_10k_yuan is None and acc.code.intensity is None and acc.code.grade is None
    )


def test_carbon_code_against_the_division_and_the_fallback(engine, carbon_world):
    lib = _library()
    with session_scope(engine) as s:
        # five dyeing mills (division 17), electricity only: 100, 200, 300, 400, 500 MWh a month,
        # value added 100 (10^4 yuan) a month, for Jan–Mar
        for n, eid in enumerate(carbon_world.dyeing, start=1):
            for m in (1, 2, 3):
                service.submit_activity(s, PROVINCE, ActivityMonth(
                    eid, date(2026, m, 1), electricity_purchased_mwh=100.0 * n,
                    value_added_10k_yuan=100.0), source="sim", actor="sim", library=lib, now=NOW)  # fmt: skip
        service.submit_activity(s, PROVINCE, _gas_month(carbon_world.power), source="sim",
                                actor="sim", library=lib, now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        code = carbon_code_of(s, PROVINCE, carbon_world.dyeing[0], 2026)
        lone = carbon_code_of(s, PROVINCE, carbon_world.power, 2026)
        codes = carbon_codes(s, PROVINCE, 2026)
        hangzhou = carbon_codes(s, HANGZHOU, 2026)
    assert codes[carbon_world.dyeing[0]] == code and codes[carbon_world.power] == lone
    assert len(codes) == 6 and carbon_world.cement not in codes  # no result: no code
    # Hangzhou sees its own (power, 3 萧山 mills), graded against province-wide peers
    assert sorted(hangzhou) == sorted([carbon_world.power, *carbon_world.dyeing[:3]])
    assert hangzhou[carbon_world.dyeing[0]] == code
    # mill 1: 3 × 100 MWh × 0.5703 / 300 = 0.5703 tCO2 per 10^4 yuan; the five mills' mean is
    # 0.5703 × (1+2+3+4+5)/5 = 1.7109; K = 1/3 ≤ 0.6: grade 1
    assert code.intensity == pytest.approx(0.5703)
    assert code.industry_avg == pytest.approx(1.7109)
    assert code.k == pytest.approx(1 / 3) and code.grade == 1
    assert "division 17, 5 enterprises" in code.method
    # the power plant has no peer in division 44 nor in its rule-pack industry: its own average
    assert "rule-pack industry thermal_power" in lone.method and lone.k == pytest.approx(1.0)
    assert lone.grade == 3


def test_peak_path_set_and_read(engine, carbon_world):
    with session_scope(engine) as s:
        set_peak_path(s, HANGZHOU, "330100", {2025: 5.0e7, 2030: 4.6e7}, actor="hangzhou")
        set_peak_path(s, HANGZHOU, "330100", {2030: 4.5e7}, actor="hangzhou")
        with pytest.raises(OutsideScope):
            set_peak_path(s, carbon_world.owner(carbon_world.power), "330100", {2030: 1.0},
                                  actor="owner")  # fmt: skip
        with pytest.raises(Exception, match="outside the scope"):
            set_peak_path(s, HANGZHOU, "330200", {2030: 1.0}, actor="hangzhou")
        with pytest.raises(BadActivity, match="finite number >= 0"):
            set_peak_path(s, HANGZHOU, "330100", {2030: -1.0}, actor="hangzhou")
    with session_scope(engine) as s:
        assert peak_path(s, "330100") == {2025: 5.0e7, 2030: 4.5e7}
        assert peak_path(s, "330200") == {}


def test_results_frame_columns_and_empty(engine, carbon_world):
    with session_scope(engine) as s:
        empty = results_frame(s, PROVINCE, year_from=2026, year_to=2026)
        assert list(empty.columns) == service.FRAME_COLUMNS and len(empty) == 0
        service.submit_activity(s, PROVINCE, _gas_month(carbon_world.cement), source="api",
                                actor="p", library=_library(), now=NOW)  # fmt: skip
        df = results_frame(s, PROVINCE, year_from=2026, year_to=2026)
    row = df.iloc[0].to_dict()
    assert row["region_code"] == "330206" and row["city_code"] == "330200"
    assert (row["industry"], row["industry_code"], row["month"]) == ("cement", "3011", MARCH)
    assert row["electricity_mwh"] == 1000.0 and row["total_tco2"] == pytest.approx(
        808.8016, abs=1e-3
    )
