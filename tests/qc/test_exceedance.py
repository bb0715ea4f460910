"""Exceedance, 超标倍数, reference-O2 conversion and events (worked numbers)."""

import numpy as np
import pandas as pd
import pytest

from qingshan.archive.limits import convert_to_reference_o2, resolve_limit
from qingshan.qc.errors import BadParameter
from qingshan.qc.exceedance import Status, events_from_runs, exceedance_multiple, judge


def test_multiple_799_against_100_is_6_99():
    assert exceedance_multiple(799, 100) == pytest.approx(6.99)
    assert exceedance_multiple(80, 100) == 0.0
    assert np.isnan(exceedance_multiple(np.nan, 100))
    with pytest.raises(BadParameter, match="limit=0.0 is not allowed"):
        exceedance_multiple(1, 0)


def test_reference_o2_conversion():
    # NOx 40.02 raw at measured O2 10.93 % → 40.02 × 15 / 10.07 = 59.61 vs limit 50 → exceeding
    c = convert_to_reference_o2(40.02, 10.93, 6.0)
    assert c == pytest.approx(59.61, abs=0.01)
    # at O2 ≥ 21 % (or < 0) the conversion is undefined: NaN, not a division by zero
    out = convert_to_reference_o2(
        np.array([30.0, 30.0, 30.0, 30.0, 30.0]), np.array([6.0, 21.0, 22.0, -1.0, np.nan]), 6.0
    )
    assert out[0] == 30.0 and np.isnan(out[1:]).all()
    # the formula is the standards library's, which refuses O2 ≥ 21 outright
    from qingshan.standards.emission_limits import reference_o2_correct
    from qingshan.standards.errors import InvalidValue

    with pytest.raises(InvalidValue, match=r"measured O2 must be in \[0, 21\) %, got 21"):
        reference_o2_correct(30.0, 21.0, 6.0)
    # cement kiln at 10 %: 100 mg/m³ at 12 % O2 → 100 × 11 / 9
    assert convert_to_reference_o2(100.0, 12.0, 10.0) == pytest.approx(122.222, abs=1e-3)
    with pytest.raises(InvalidValue, match="o2_ref=21.0 is not allowed"):
        convert_to_reference_o2(1.0, 5.0, 21.0)


def test_judge_insufficient_is_neither():
    means = np.array([30.0, 59.61, 80.0, np.nan])
    valid = np.array([True, True, False, False])
    out = judge(means, valid, 50.0)
    assert out["status"].tolist() == [
        Status.COMPLIANT,
        Status.EXCEEDING,
        Status.INSUFFICIENT,
        Status.INSUFFICIENT,
    ]
    assert out["multiple"].iloc[1] == pytest.approx(0.1922)
    assert judge(means, valid, None)["status"].tolist() == [Status.NO_LIMIT] * 4
    assert judge(pd.Series([60.0, 40.0]), [True, True], 50)["status"].tolist() == [
        "exceeding",
        "compliant",
    ]


def test_events_from_runs_min_points_and_gap():
    t = pd.date_range("2024-01-01", periods=8, freq="h", tz="UTC")
    st = np.array(
        [
            "exceeding",
            "exceeding",
            "compliant",
            "exceeding",
            "compliant",
            "compliant",
            "exceeding",
            "compliant",
        ]
    )
    m = np.array([60, 70, 40, 55, 40, 40, 90, 40.0])
    ev = events_from_runs(t, st, m, 50, min_points=2, max_gap_points=1)
    assert len(ev) == 1
    e = ev[0]
    assert (e.start, e.end, e.periods, e.max_value) == (t[0], t[4], 3, 70.0)
    assert e.max_multiple == pytest.approx(0.4)
    assert e.key("S1", "a21026") == "S1:a21026:2024-01-01T00:00:00+00:00"
    assert len(events_from_runs(t, st, m, 50, min_points=1, max_gap_points=0)) == 3
    with pytest.raises(BadParameter, match="min_points=0"):
        events_from_runs(t, st, m, 50, min_points=0)


def test_resolve_limit_permit_first_then_national():
    rows = [
        {
            "parameter_code": "a21026",
            "limit": 35.0,
            "unit": "mg/m³",
            "averaging": "hour",
            "standard": "许可证",
        }
    ]
    assert resolve_limit("a21026", rows) == {
        "limit": 35.0,
        "standard": "许可证",
        "source": "permit",
        "reference_o2": None,
    }
    nat = resolve_limit("a21002", rows, source_type="coal_boiler_ultralow")
    assert nat == {
        "limit": 50.0,
        "standard": "环发〔2015〕164号 ultra-low (ultra_low)",
        "source": "national",
        "reference_o2": 6.0,
    }
    assert resolve_limit("a21002", rows) is None


def test_national_limits_come_from_the_standards_library():
    from qingshan.archive.limits import NATIONAL_SOURCES, national_limit, reference_o2
    from qingshan.standards.emission_limits import emission_limit

    # cement kiln NOx, GB 4915-2013 Table 2 special limit 320 at 10 % O2
    # (GB 4915-2013 kiln values are unverified in the reference notes: the citation says so)
    assert national_limit("cement_kiln", "a21002") == (320.0, "GB 4915-2013 Table 2 (special) [U]")
    assert reference_o2("cement_kiln") == 10.0 and reference_o2("gas_turbine") == 15.0
    # paper mill COD, GB 3544-2008 Table 2: 80 mg/L from 2008-08-01 (new enterprises)
    assert national_limit("paper_effluent", "w01018") == (80.0, "GB 3544-2008 Table 2 (new)")
    assert national_limit("paper_effluent", "w01018", on=pd.Timestamp("2008-07-31").date()) is None
    # coal boiler (new), GB 13223-2011 Table 1: SO2 100, applies from 2012-01-01
    assert national_limit("coal_boiler", "a21026", on=pd.Timestamp("2024-01-01").date())[0] == 100
    assert national_limit("coal_boiler", "a21026", on=pd.Timestamp("2011-12-31").date()) is None
    # GB 13271-2014 Table 3 (special) coal-fired industrial boiler SO2 200 at 9 % O2 (5.2)
    assert national_limit("coal_industrial_boiler", "a21026") == (
        200.0,
        "GB 13271-2014 Table 3 (special)",
    )
    assert reference_o2("coal_industrial_boiler") == 9.0
    assert reference_o2("gas_industrial_boiler", archive=9.0) == 3.5  # the standard's first
    # no row in the library: no national limit, no invented one
    assert national_limit("cement_kiln", "w01018") is None
    assert reference_o2("unknown_source", archive=8.0) == 8.0
    lim = resolve_limit(
        "a21026",
        [{"parameter_code": "a21026", "limit": 200.0, "standard": "GB 13271-2014 表3"}],
        source_type="coal_industrial_boiler",
        archive_reference_o2=9.0,
    )
    assert lim["limit"] == 200.0 and lim["reference_o2"] == 9.0
    # every mapped row exists in the library
    for standard, source, category in NATIONAL_SOURCES.values():
        pol = "COD" if standard in ("GB 3544-2008", "GB 4287-2012", "GB 8978-1996") else "SO2"
        assert emission_limit(standard, source, pol, category).limit > 0


def test_demo_limits_are_the_standards_figures():
    from qingshan.archive.limits import national_limit, reference_o2
    from qingshan.sim.limits import SOURCE_TYPES

    for key, st in SOURCE_TYPES.items():
        for code, value in st.limits.items():
            nat = national_limit(key, code)
            if nat is not None:
                assert nat[0] == value, (key, code)
        if reference_o2(key) is not None:
            assert st.reference_o2 == reference_o2(key)
    assert SOURCE_TYPES["coal_boiler_ultralow"].limits == {
        "a34013": 10.0,
        "a21026": 35.0,
        "a21002": 50.0,
    }
