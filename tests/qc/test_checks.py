"""Worked numbers for every check of qingshan.qc.checks."""

import numpy as np
import pandas as pd
import pytest

from qingshan.qc import checks as C
from qingshan.qc.errors import BadParameter, ShapeMismatch
from qingshan.qc.flags import Flag

P, NE, S, F, M = (
    int(f) for f in (Flag.PASS, Flag.NOT_EVALUATED, Flag.SUSPECT, Flag.FAIL, Flag.MISSING)
)
NAN = np.nan


def minutes(n, start="2024-01-01"):
    return pd.date_range(start, periods=n, freq="min", tz="UTC")


def test_gross_range():
    x = np.array([-1, 0, 5, 9, 10, 11, NAN])
    assert C.gross_range_test(x, (0, 10), (1, 8)).tolist() == [F, S, P, S, S, F, M]
    # a limit of 0 is a limit (compared with `is None`)
    assert C.gross_range_test([0.5, -0.1], (0, None)).tolist() == [P, F]
    with pytest.raises(BadParameter, match=r"fail_span=\(5, 1\) is not allowed \(low ≤ high\)"):
        C.gross_range_test(x, (5, 1))
    with pytest.raises(BadParameter, match="inside fail_span"):
        C.gross_range_test(x, (0, 10), (-1, 8))


def test_gross_range_series_in_series_out_and_mask():
    s = pd.Series([1.0, 20.0, 3.0], index=[10, 11, 12], name="so2")
    out = C.gross_range_test(s, (0, 10), mask=[False, True, False])
    assert isinstance(out, pd.Series) and out.index.tolist() == [10, 11, 12]
    assert out.tolist() == [P, NE, P]
    with pytest.raises(ShapeMismatch, match="values has 3 rows but mask has 2"):
        C.gross_range_test(s, (0, 10), mask=[True, False])


def test_spike_average_method():
    # ref at i=2: |10 - (1+1)/2| = 9 > 8 fail; neighbours: |1 - (1+10)/2| = 4.5 > 4 suspect
    x = np.array([1, 1, 10, 1, 1, NAN, 1])
    assert C.spike_test(x, 4, 8).tolist() == [NE, S, F, S, NE, M, NE]
    with pytest.raises(BadParameter, match="suspect_threshold=-1"):
        C.spike_test(x, -1)


def test_spike_masked_value_is_not_used():
    x = np.array([1, 1, 50, 1, 1.0])
    out = C.spike_test(x, 4, mask=[False, False, True, False, False])
    assert out.tolist() == [NE, NE, NE, NE, NE]


def test_rate_of_change():
    t = minutes(4)
    # 0 → 3 in 60 s = 0.05/s > 0.04 suspect; 3 → 4 = 0.0167/s pass; NaN skipped
    x = np.array([0, 3, NAN, 4.0])
    assert C.rate_of_change_test(x, t, 0.04).tolist() == [P, S, M, P]
    with pytest.raises(BadParameter, match="threshold=0"):
        C.rate_of_change_test(x, t, 0)


def test_flat_line_whole_run_and_qartod_mode():
    t = minutes(8)
    x = np.array([1, 2, 5, 5, 5, 5, 6, 7.0])
    # 180 s = 3 steps → window of 4 points with range 0: indices 2..5
    assert C.flat_line_test(x, t, 180).tolist() == [P, P, S, S, S, S, P, P]
    assert C.flat_line_test(x, t, 180, whole_run=False).tolist() == [P, P, P, P, P, S, P, P]
    # fail duration 240 s needs 5 equal points: not reached
    assert C.flat_line_test(x, t, 120, 240).tolist() == [P, P, S, S, S, S, P, P]
    assert (
        C.flat_line_test(np.array([1, 1.01, 1.02, 1.0]), minutes(4), 180, tolerance=0.02).tolist()
        == [S] * 4
    )
    with pytest.raises(BadParameter, match="suspect_duration=0"):
        C.flat_line_test(x, t, 0)
    with pytest.raises(BadParameter, match="tolerance=-1"):
        C.flat_line_test(x, t, 60, tolerance=-1)


def test_flat_line_masked_calibration_does_not_count():
    t = minutes(6)
    x = np.array([3, 0, 0, 0, 0, 4.0])  # zero calibration, flagged C upstream
    mask = np.array([0, 1, 1, 1, 1, 0], bool)
    assert C.flat_line_test(x, t, 120, mask=mask).tolist() == [P, NE, NE, NE, NE, P]


def test_detection_limit():
    t = minutes(7)
    x = np.array([5, 1, 0.8, 1, 0.5, 3, 1.0])
    # ≤ 1.0 for 4 points (1..4) = 180 s ≥ 180 s → suspect; last single 1.0 not
    assert C.detection_limit_test(x, t, 1.0, 180).tolist() == [P, S, S, S, S, P, P]
    with pytest.raises(BadParameter, match="duration=None"):
        C.detection_limit_test(x, t, 1.0, None)


def test_missing_and_time_gap():
    assert C.missing_test([1, NAN]).tolist() == [P, M]
    t = pd.DatetimeIndex(["2024-01-01 00:00", "2024-01-01 00:01", "2024-01-01 00:10"], tz="UTC")
    assert C.time_gap_test(t, 300).tolist() == [P, P, S]
    with pytest.raises(BadParameter, match="max_gap=0"):
        C.time_gap_test(t, 0)


def test_timing_future_duplicate_order_late():
    t = pd.DatetimeIndex(
        ["2024-01-01 00:00", "2024-01-01 00:02", "2024-01-01 00:01", "2024-01-01 00:01"], tz="UTC"
    )
    now = pd.Timestamp("2024-01-01 00:01:30", tz="UTC")
    assert C.future_time_test(t, now, tolerance=0).tolist() == [P, F, P, P]
    assert C.future_time_test(t, now, tolerance=60).tolist() == [P, P, P, P]
    assert C.duplicate_time_test(t).tolist() == [P, P, P, F]
    assert C.duplicate_time_test(t, keys=["a", "a", "a", "b"]).tolist() == [P, P, P, P]
    assert C.timestamp_order_test(t).tolist() == [P, P, S, S]
    rec = t + pd.to_timedelta([10, 10, 7200, 30], unit="s")
    assert C.late_arrival_test(t, rec, 3600).tolist() == [P, P, S, P]
    with pytest.raises(BadParameter, match="max_latency=-1"):
        C.late_arrival_test(t, rec, -1)
    with pytest.raises(ShapeMismatch, match="values has 4 rows but times has 1"):
        C.late_arrival_test(t, rec[:1], 10)


def test_mad_outlier_worked():
    x = np.array([10, 11, 10, 12, 10, 40, 11, 10, 12, 10, 11.0])
    # centre i=5, window 7: median 11, |x-11| over window → MAD 1 → z = 0.6745*29/1 = 19.6
    out = C.mad_outlier_test(x, 7, suspect_z=6, fail_z=15)
    assert out[5] == F
    assert (np.delete(out, 5) == P).all()
    # min_mad floor 5: z = 0.6745*29/5 = 3.9 → pass at suspect_z 6
    assert C.mad_outlier_test(x, 7, suspect_z=6, min_mad=5)[5] == P
    # a flat window with MAD 0: equal values are z 0, not NaN
    assert C.mad_outlier_test(np.ones(9), 5).tolist() == [P] * 9
    with pytest.raises(BadParameter, match="window=2"):
        C.mad_outlier_test(x, 2)


def test_hj212_flags():
    flags = ["N", "S", "F", "M", "D", "C", "T", "B", "X", None, "", "n"]
    assert C.hj212_flag_test(flags).tolist() == [P, P, F, F, F, F, F, F, S, NE, NE, P]


def test_run_helpers_and_mask_values():
    starts, ends = C.run_lengths(np.array([1, 1, 0, 1, 0, 1, 1, 1], bool))
    assert starts.tolist() == [0, 3, 5] and ends.tolist() == [2, 4, 8]
    assert C.long_runs(np.array([1, 1, 0, 1, 0, 1, 1, 1], bool), 3).tolist() == [
        0,
        0,
        0,
        0,
        0,
        1,
        1,
        1,
    ]
    s = pd.Series([1.0, 2.0], name="x")
    assert C.mask_values(s, [True, False]).isna().tolist() == [True, False]


def test_stuck_value_adaptive_to_quantisation():
    t = pd.date_range("2024-01-01", periods=400, freq="h", tz="UTC")
    rng = np.random.default_rng(0)
    x = np.round(20 + rng.normal(0, 3, 400))  # whole units, sd 3: repeats ~13 % of steps
    x[300:312] = x[300]  # 12 h stuck: chance ≈ 0.13^11 ≪ 1e-6
    out = C.stuck_value_test(x, t, 6 * 3600, 48 * 3600, alpha=1e-6)
    assert (out[300:312] == S).all()
    assert (out[:290] == P).all()
    # coarsely quantised (CO at 0.1 mg/m³ around 0.7): 12 h runs are ordinary, never flagged
    y = np.round(rng.normal(0.7, 0.05, 400), 1)
    y[300:312] = y[300]
    assert (C.stuck_value_test(y, t, 6 * 3600, 48 * 3600, alpha=1e-6) == P).all()
    # but 48 h of one value is always suspect
    y[100:149] = 0.7
    assert (C.stuck_value_test(y, t, 6 * 3600, 48 * 3600, alpha=1e-6)[100:149] == S).all()
    with pytest.raises(
        BadParameter, match=r"min_duration=10 is not allowed \(0 < min ≤ max \(5\)\)"
    ):
        C.stuck_value_test(x, t, 10, 5)
