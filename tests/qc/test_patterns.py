"""Worked numbers for the cross-variable checks and fraud patterns."""

import numpy as np
import pandas as pd
import pytest

from qingshan.qc import patterns as PT
from qingshan.qc.errors import BadParameter, ShapeMismatch
from qingshan.qc.flags import Flag

P, NE, S, F, M = (
    int(f) for f in (Flag.PASS, Flag.NOT_EVALUATED, Flag.SUSPECT, Flag.FAIL, Flag.MISSING)
)
NAN = np.nan


def test_o2_range():
    o2 = np.array([6, 19.5, 21, 0.5, 6, np.nan])
    running = np.array([1, 1, 1, 1, 0, 1], bool)
    assert PT.o2_range_test(o2, running, low=1, high=19).tolist() == [P, S, F, S, NE, M]
    with pytest.raises(ShapeMismatch, match="o2 has 6 rows but running has 2"):
        PT.o2_range_test(o2, [True, False])


def test_o2_shift():
    o2 = np.r_[np.full(40, 7.0), np.full(10, 3.0), np.full(10, 7.0)]
    out = PT.o2_shift_test(o2, 3, 20, 2.0)
    assert (out[40:50] == S).all()  # 4 points below the 7 % baseline
    assert (out[20:39] == P).all() and (out[52:] == P).all()
    assert out[0] == NE  # baseline not yet filled
    with pytest.raises(BadParameter, match="delta=0"):
        PT.o2_shift_test(o2, 3, 20, 0)
    with pytest.raises(BadParameter, match=r"baseline_window=3 .*> window \(3\)"):
        PT.o2_shift_test(o2, 3, 3, 1)


def test_flow_state():
    flow = np.array([100, 2, 2, NAN])
    running = np.array([1, 1, 0, 1], bool)
    assert PT.flow_state_test(flow, running, 10).tolist() == [P, S, NE, M]


def test_stopped_but_running():
    stopped = np.array([1, 1, 1, 1, 0], bool)
    flow = np.array([0.5, 80, 0.2, NAN, 90])
    temp = np.array([30, 30, 120, NAN, 130])
    o2 = np.array([20.8, 20.8, 20.9, NAN, 6])
    out = PT.stopped_but_running_test(
        stopped, flow, temp, o2, stop_flow_limit=5, temp_limit=60, o2_running_max=19
    )
    assert out.tolist() == [P, F, F, NE, NE]
    # only O2 given: 7 % under a stop mark says the boiler burns
    assert PT.stopped_but_running_test([True], o2=[7.0]).tolist() == [F]


def test_limit_hugging():
    # limit 35: 28–35 is the band; 4 of 4 in band → whole window suspect
    x = np.array([10, 30, 33, 34.9, 29, 12, 11.0])
    assert PT.limit_hugging_test(x, 35, 4, min_share=1.0).tolist() == [P, S, S, S, S, P, P]
    # windows ending at 3 (3/4), 4 (4/4) and 5 (3/4 in band) reach 0.75
    assert PT.limit_hugging_test(x, 35, 4, min_share=0.75).tolist() == [S, S, S, S, S, S, P]
    with pytest.raises(BadParameter, match="min_share=0"):
        PT.limit_hugging_test(x, 35, 4, min_share=0)


def test_limit_hugging_gaps_and_spread():
    x = np.array([30, np.nan, 33, 34, 29.0])
    # default: a window with a gap is not judged
    assert PT.limit_hugging_test(x, 35, 4, min_share=1.0).tolist() == [P, M, P, P, P]
    # 3 of 4 present suffice: windows ending at 3 (30, 33, 34) and 4 (33, 34, 29 ≥ 28) are in band
    got = PT.limit_hugging_test(x, 35, 4, min_share=1.0, min_valid_share=0.75)
    assert got.tolist() == [S, M, S, S, S]
    # max_cv 0.05 × 35 = 1.75: sd of 28.5/34.5 alternating is 3.46 (swinging), of 31/32 is 0.58
    swing = np.array([28.5, 34.5, 28.5, 34.5])
    steady = np.array([31, 32, 31, 32.0])
    assert PT.limit_hugging_test(swing, 35, 4, min_share=1.0, max_cv=0.05).tolist() == [P] * 4
    assert PT.limit_hugging_test(steady, 35, 4, min_share=1.0, max_cv=0.05).tolist() == [S] * 4


def test_ceiling():
    # limit 10, blocks of 6, tolerance 0.003 × 10 = 0.03: block 0–5 tops out at 9.8 and 9.8, 9.79,
    # 9.8 lie within 0.03 of it (3 ≥ min_count); block 6–11 tops out once at 8; the half-offset
    # grid (0–2, 3–8, 9–11) sees at most 2 values at its tops
    x = np.array([5, 9.8, 9.79, 6, 9.8, 7, 4, 5, 6, 7, 8, 6.5])
    want = [P, S, S, P, S, P, P, P, P, P, P, P]
    assert PT.ceiling_test(x, 10, 6, tolerance_share=0.003, min_count=3).tolist() == want
    # a value over the limit (an exceedance) is neither the ceiling nor at it
    y = x.copy()
    y[0] = 12.0
    assert PT.ceiling_test(y, 10, 6, tolerance_share=0.003, min_count=3).tolist() == want
    # a continuous series reaches its top once: 9.8, 9.5, 9.7 are 0.3 and 0.1 apart
    z = np.array([5, 9.8, 9.5, 6, 9.7, 7.0])
    assert PT.ceiling_test(z, 10, 6, min_count=3).tolist() == [P] * 6
    # a ceiling at 9.8 is 0.49 × a limit of 20: below the 0.8–1.0 band, not judged a cap
    assert PT.ceiling_test(x, 20, 6, min_count=3).tolist() == [P] * 12
    # missing values stay MISSING; a 2nd block with only 2 at its top (8.5, 8.49) is not a cap
    m = np.array([9.8, np.nan, 9.8, 9.8, 1, 2, 8.5, 8.49, 3, 4, 5, 6])
    assert PT.ceiling_test(m, 10, 6, min_count=3).tolist() == [S, M, S, S] + [P] * 8
    with pytest.raises(BadParameter, match="min_count=1"):
        PT.ceiling_test(x, 10, 6, min_count=1)


def test_repeated_daily_sequence():
    t = pd.date_range("2024-01-01", periods=72, freq="h", tz="UTC")
    rng = np.random.default_rng(1)
    x = rng.normal(20, 3, 72).round(1)
    x[48 + 5 : 48 + 12] = x[24 + 5 : 24 + 12]  # day 3 copies 7 hours of day 2
    out = PT.repeated_daily_sequence_test(x, t, 6)
    assert (out[53:60] == S).all()
    assert (out[:24] == NE).all()
    assert (out[24:53] == P).all() and (out[60:] == P).all()
    # a flat copy (all equal) is the flat line's finding, not this check's
    y = np.full(72, 5.0)
    assert (PT.repeated_daily_sequence_test(y, t, 6)[24:] == P).all()


def test_cross_outlet_copy():
    rng = np.random.default_rng(2)
    a = rng.normal(30, 5, 20).round(2)
    b = rng.normal(30, 5, 20).round(2)
    b[5:15] = a[5:15]
    c = np.zeros(20)
    d = np.zeros(20)
    m = np.c_[a, b, c, d]
    out = PT.cross_outlet_copy_test(m, 6)
    assert (out[5:15, 0] == S).all() and (out[5:15, 1] == S).all()
    assert (out[:5, :2] == P).all()
    assert (out[:, 2:] == P).all()  # two stopped outlets at 0 are not a copy
    df = pd.DataFrame(m, columns=list("abcd"))
    assert list(PT.cross_outlet_copy_test(df, 6).columns) == list("abcd")
    with pytest.raises(BadParameter, match="2-D time × outlet"):
        PT.cross_outlet_copy_test(a, 6)
