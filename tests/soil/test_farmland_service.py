"""Farmland service on a real database: plots, samples categorised by GB 15618-2018 (the
category moves with the newest sample and keeps its history), bad samples refused with nothing
stored (pH outside 0–14 or missing, no depth, no unit, an unknown item), a file import naming
every bad row, measures only where the category calls for them, and the safe-use rate of
polluted farmland worked by hand (受污染耕地安全利用率核算方法（试行） formula (1))."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.soil.farmland import service as svc
from qingshan.soil.farmland.errors import FarmlandError, ImportRejected
from qingshan.soil.farmland.models import FarmCategoryChange, FarmPlot, FarmSample
from qingshan.soil.farmland.plots import M2_PER_MU, PlotInput, SampleInput, mu_of
from qingshan.soil.farmland.safeuse import PlotYear, safe_use_rate
from qingshan.standards.soil_farmland import control_value, screening_value

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
NINGBO = Scope("330200", Role.CITY, username="ningbo")


def _plots(engine) -> None:
    with session_scope(engine) as s:
        seed_regions(s)
        svc.register_plot(s, PROVINCE, PlotInput("FP-1", "转塘水田", "330106", "paddy", 120.10,
                                                 30.18, area_mu=30), actor="p", now=NOW)  # fmt: skip
        svc.register_plot(s, PROVINCE, PlotInput("FP-2", "双浦旱地", "330106", "other", 120.05,
                                                 30.15, area_m2=10_000), actor="p", now=NOW)  # fmt: skip


def _sample(code: str, day: date, ph: float | None = 6.0, **values: float) -> SampleInput:
    return SampleInput(code, day, 0, 20, "mg/kg", ph, values)


def test_area_in_mu() -> None:
    assert M2_PER_MU == pytest.approx(666.6667, abs=1e-4)
    assert mu_of(20_000) == pytest.approx(30.0)


def test_category_follows_the_newest_sample_with_history(engine) -> None:
    _plots(engine)
    # paddy, 5.5 < pH ≤ 6.5: Cd screening 0.4, control 2.0 mg/kg (GB 15618-2018 Tables 1, 3;
    # MC cells, so the contents are placed by the data's own values)
    sv, cv = screening_value("Cd", 6.0, "paddy"), control_value("Cd", 6.0)
    assert cv is not None
    low, mid, high = round(sv * 0.75, 3), round((sv + cv) / 2, 3), round(cv * 1.25, 3)
    with session_scope(engine) as s:
        svc.add_samples(s, XIHU, [_sample("FP-1", date(2024, 5, 1), Cd=low)], actor="x", now=NOW)
        svc.add_samples(s, XIHU, [_sample("FP-1", date(2025, 5, 1), Cd=mid)], actor="x", now=NOW)
        svc.add_samples(s, XIHU, [_sample("FP-1", date(2026, 5, 1), Cd=high)], actor="x", now=NOW)
        # an older sample later: stored as history, the category stays the newest's
        svc.add_samples(s, XIHU, [_sample("FP-1", date(2023, 5, 1), Cd=0.1)], actor="x", now=NOW)
    with session_scope(engine) as s:
        f = svc.plot_file(s, XIHU, "FP-1")
        assert f.plot.category == "strict_control" and f.plot.category_since == date(2026, 5, 1)
        assert [(h.category_from, h.category_to) for h in f.history] == [
            (None, "priority_protection"), ("priority_protection", "safe_use"),
            ("safe_use", "strict_control")]  # fmt: skip
        assert [x.sampled_on.year for x in f.samples] == [2026, 2025, 2024, 2023]
        assert f.samples[0].deciding == ["Cd"]
        plots = svc.list_plots(s, PROVINCE)
        counts = svc.category_counts(plots)
        assert counts["strict_control"] == {"plots": 1, "area_mu": 30.0}
        assert counts["none"]["plots"] == 1  # FP-2 never sampled
        assert svc.list_plots(s, NINGBO) == []


def test_bad_samples_refused_nothing_stored(engine) -> None:
    _plots(engine)
    with session_scope(engine) as s:
        with pytest.raises(ImportRejected) as err:
            svc.add_samples(s, XIHU, [
                _sample("FP-1", date(2026, 5, 1), Cd=0.3),
                _sample("FP-1", date(2026, 5, 2), ph=14.5, Cd=0.3),
                _sample("FP-1", date(2026, 5, 3), ph=None, Cd=0.3),
                SampleInput("FP-1", date(2026, 5, 4), None, None, "mg/kg", 6.0, {"Cd": 0.3}),
                SampleInput("FP-1", date(2026, 5, 5), 0, 20, None, 6.0, {"Cd": 0.3}),
                _sample("FP-1", date(2026, 5, 6), Cadmium=0.3),
            ], actor="x", now=NOW)  # fmt: skip
        msg = str(err.value)
        assert "sample 2 (FP-1): pH: 14.5 is outside 0–14" in msg
        assert "sample 3 (FP-1): pH: required" in msg
        assert "sample 4 (FP-1): depth: a sample needs its depth" in msg
        assert "sample 5 (FP-1): unit: a sample needs the unit" in msg
        assert "sample 6 (FP-1): item 'Cadmium': not a GB 15618-2018 item" in msg
        with pytest.raises(PermissionDenied):
            svc.add_samples(s, Scope("330000", Role.ENTERPRISE, enterprise_id=1), [
                _sample("FP-1", date(2026, 5, 1), Cd=0.3)], actor="e", now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(FarmSample)) == 0
        assert s.scalar(select(func.count()).select_from(FarmCategoryChange)) == 0
        assert s.scalar(select(FarmPlot.category).where(FarmPlot.code == "FP-1")) is None


def test_sample_import_names_every_bad_row(engine) -> None:
    _plots(engine)
    bad = ("地块编号,采样日期,采样深度,单位,pH,镉,Radium\n"
           "FP-1,2026-05-01,0-20,mg/kg,6.0,0.3,1\n"
           "FP-1,2026-05-02,deep,mg/kg,6.0,0.3,\n").encode()  # fmt: skip
    good = ("plot_code,sampled_on,depth,unit,pH,Cd,Pb\n"
            "FP-2,2026-05-01,0-20,µg/kg,7.0,500,60000\n").encode()  # fmt: skip
    with session_scope(engine) as s:
        with pytest.raises(ImportRejected) as err:
            svc.import_samples(s, XIHU, bad, actor="x", now=NOW)
        msg = str(err.value)
        assert "row 1, column G (Radium): unknown item" in msg
        assert "row 3, column C (depth): 'deep' is not a depth range" in msg
        assert svc.import_samples(s, XIHU, good, actor="x", now=NOW) == 1
        # 500 µg/kg = 0.5 mg/kg Cd; other land 6.5 < pH ≤ 7.5: screening 0.3 → safe use
        row = s.scalar(select(FarmSample))
        assert row.values == {"Cd": 0.5, "Pb": 60.0}
        assert screening_value("Cd", 7.0, "other") < 0.5 < control_value("Cd", 7.0)  # type: ignore[operator]
        assert row.category == "safe_use"


def test_measures_and_safe_use_rate(engine) -> None:
    _plots(engine)
    with session_scope(engine) as s:
        cv = control_value("Cd", 6.0)
        assert cv is not None
        mid = (screening_value("Cd", 6.0, "paddy") + cv) / 2  # FP-1 (paddy): safe use
        svc.add_samples(s, XIHU, [_sample("FP-1", date(2026, 5, 1), Cd=mid),
                                  _sample("FP-2", date(2026, 5, 1), Cd=cv * 2)],
                        actor="x", now=NOW)  # fmt: skip
        with pytest.raises(FarmlandError, match="fallow .* is a measure for strict_control plots"):
            svc.add_measure(s, XIHU, "FP-1", kind="fallow", year=2026, area_m2=None,
                            started_on=date(2026, 6, 1), effective=None, actor="x", now=NOW)  # fmt: skip
        # FP-1 (20 000 m², safe use): liming on 15 000 m², produce met the standard
        svc.add_measure(s, XIHU, "FP-1", kind="lime", year=2026, area_m2=15_000,
                        started_on=date(2026, 6, 1), effective=True, actor="x", now=NOW)  # fmt: skip
        # FP-2 (10 000 m², strict control): returned to forest on all of it
        svc.add_measure(s, XIHU, "FP-2", kind="return_to_forest", year=2026, area_m2=None,
                        started_on=date(2026, 6, 1), effective=None, actor="x", now=NOW)  # fmt: skip
        r = svc.safe_use_rate_of(s, XIHU, 2026)
        # A = (B + C + D) / E = (0 + 15 000 + 10 000) / 30 000 = 83.3 %
        assert (r.c_m2, r.d_m2, r.e_m2, r.rate) == (15_000, 10_000, 30_000, 83.3)
        assert svc.safe_use_rate_of(s, XIHU, 2025).rate == 0.0


def test_safe_use_rate_by_hand() -> None:
    plots = [
        PlotYear("priority_protection", 5000),
        PlotYear("safe_use", 4000, (("lime", 3000, True), ("water_management", 3000, True))),
        PlotYear("safe_use", 2000, (("lime", 2000, None),)),  # not yet evaluated: not in C
        PlotYear("strict_control", 1000, (("fallow", 600, None),)),
    ]
    r = safe_use_rate(plots)
    # C = min(4000, 6000) = 4000; D = 600; E = 7000 → 4600 / 7000 = 65.7 %
    assert (r.b_m2, r.c_m2, r.d_m2, r.e_m2, r.rate) == (0, 4000, 600, 7000, 65.7)
    assert safe_use_rate([PlotYear("priority_protection", 10)]).rate is None


def test_sample_import_reads_an_xlsx_workbook(engine) -> None:
    from qingshan.tablefile import write_workbook

    _plots(engine)
    data = write_workbook({"样品": (
        ["地块编号", "采样日期", "采样深度", "单位", "pH", "镉", "铅"],
        [["FP-1", date(2026, 5, 1), "0-20", "mg/kg", 6.0, 0.1, 30],
         ["FP-2", date(2026, 5, 1), "0~20", "mg/kg", 15.2, 0.1, 30]],
    )})  # fmt: skip
    with session_scope(engine) as s:
        with pytest.raises(ImportRejected, match=r"row 3 \(FP-2\): pH: 15.2 is outside 0–14"):
            svc.import_samples(s, XIHU, data, actor="x", now=NOW)
        assert s.scalar(select(func.count()).select_from(FarmSample)) == 0
        good = write_workbook({"样品": (
            ["地块编号", "采样日期", "采样深度", "单位", "pH", "镉", "铅"],
            [["FP-1", date(2026, 5, 1), "0-20", "mg/kg", 6.0, 0.1, 30]])})  # fmt: skip
        assert svc.import_samples(s, XIHU, good, actor="x", now=NOW) == 1
        row = s.scalar(select(FarmSample))
        assert (row.depth_top_cm, row.depth_bottom_cm, row.values) == (0, 20, {"Cd": 0.1, "Pb": 30})
