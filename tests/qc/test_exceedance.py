"""Exceedance, 超标倍数, reference-O2 conversion and events (worked numbers)."""

import numpy as np
import pandas as pd
import pytest

from qingshan.qc.errors import BadParameter
from qingshan.qc.exceedance import Status, events_from_runs, exceedance_multiple, judge
from qingshan.qc.limits import convert_to_reference_o2, resolve_limit


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
    # at O2 = 21 % the conversion is undefined: NaN, not a division by zero
    out = convert_to_reference_o2(np.array([30.0, 30.0, 30.0]), np.array([6.0, 21.0, 22.0]), 6.0)
    assert out[0] == 30.0 and np.isnan(out[1]) and np.isnan(out[2])
    # cement kiln at 10 %: 100 mg/m³ at 12 % O2 → 100 × 11 / 9
    assert convert_to_reference_o2(100.0, 12.0, 10.0) == pytest.approx(122.222, abs=1e-3)
    with pytest.raises(BadParameter, match="O2_ref < 21"):
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
    }
    nat = resolve_limit("a21002", rows, source_type="coal_boiler_ultralow")
    assert nat["limit"] == 50.0 and nat["source"] == "national"
    assert resolve_limit("a21002", rows) is None
