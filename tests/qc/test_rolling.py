"""Fast kernels: centred rolling median, pruned modified-z (MAD) test, gross range and rate of
change fast paths — worked numbers and equality with the pandas formulation they replace."""

import numpy as np
import pandas as pd
import pytest

from qingshan.qc import checks as C
from qingshan.qc import kernel as K
from qingshan.qc.errors import BadParameter
from qingshan.qc.flags import Flag
from qingshan.qc.rolling import centred_median, median_at

P, S, F, M, NE = (
    int(f) for f in (Flag.PASS, Flag.SUSPECT, Flag.FAIL, Flag.MISSING, Flag.NOT_EVALUATED)
)


def _pandas_mad_flags(x, window, suspect_z=6.0, fail_z=None, min_mad=0.0):
    s = pd.Series(x)
    mp = max(window // 2, 3)
    med = s.rolling(window, center=True, min_periods=mp).median()
    mad = (s - med).abs().rolling(window, center=True, min_periods=mp).median()
    scale = np.maximum(mad.to_numpy(), min_mad)
    dev = np.abs(x - med.to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where((scale == 0) & (dev == 0), 0.0, 0.6745 * dev / scale)
    f = np.where(np.isnan(z), NE, P).astype(np.uint8)
    with np.errstate(invalid="ignore"):
        f[z > suspect_z] = S
        if fail_z is not None:
            f[z > fail_z] = F
    f[np.isnan(x)] = M
    return f


def test_centred_median_worked_and_like_pandas():
    x = np.array([5.0, 1.0, 9.0, 3.0, 7.0, 2.0, 8.0, 4.0, 6.0, 0.0])
    # window 3 centred: point 1 → median(5, 1, 9) = 5; first point → median(5, 1) = 3 (min 2)
    got = centred_median(x, 3, 2)
    assert got[1] == 5.0 and got[0] == 3.0 and got[-1] == 3.0
    rng = np.random.default_rng(0)
    for w in (3, 4, 7, 10):
        for n in (5, 25, 200):
            y = rng.normal(size=n)
            if n > 20:
                y[rng.random(n) < 0.1] = np.nan
            ref = pd.Series(y).rolling(w, center=True, min_periods=2).median().to_numpy()
            np.testing.assert_allclose(centred_median(y, w, 2), ref, equal_nan=True)
    assert median_at(x, np.array([], dtype=int), 3, 2).size == 0


def test_mad_outlier_worked_number():
    # 21 values alternating 10/11 and one 30: median 10 or 11, MAD 0.5 → z(30) = 0.6745·19.5/0.5
    # ≈ 26.3 > 6 → SUSPECT; > 20 → FAIL when fail_z = 20
    x = np.array([10.0, 11.0] * 10 + [10.0])
    x[10] = 30.0
    f = C.mad_outlier_test(x, 7, 6.0, 20.0)
    assert f[10] == F and (np.delete(f, 10) == P).all()
    # min_mad 5 floors the scale: z = 0.6745·19/5 ≈ 2.6 → PASS
    assert C.mad_outlier_test(x, 7, 6.0, None, min_mad=5.0)[10] == P


def test_mad_outlier_equals_the_pandas_formulation():
    rng = np.random.default_rng(3)
    for _ in range(150):
        n, w = int(rng.integers(1, 300)), int(rng.integers(3, 30))
        x = np.round(rng.normal(0, 1, n) * rng.choice([0.1, 1, 5]), int(rng.integers(0, 3)))
        if rng.random() < 0.5:
            x[rng.random(n) < 0.1] = np.nan
        if rng.random() < 0.5:
            x[rng.random(n) < 0.02] += 50
        mm = float(rng.choice([0.0, 0.1]))
        fz = None if rng.random() < 0.5 else 9.0
        np.testing.assert_array_equal(
            C.mad_outlier_test(x, w, 6.0, fz, mm), _pandas_mad_flags(x, w, 6.0, fz, mm)
        )
    with pytest.raises(BadParameter, match="window"):
        C.mad_outlier_test(np.ones(5), 2)


def test_gross_range_one_sided_plausible_span():
    x = np.array([-5.0, 0.0, 150.0, 250.0, 600.0, np.nan])
    f = C.gross_range_test(x, (0.0, 500.0), (None, 200.0))
    assert f.tolist() == [F, P, P, S, F, M]
    assert C.gross_range_test(x, (0.0, 500.0)).tolist() == [F, P, P, P, F, M]


def test_rate_of_change_regular_and_irregular_steps():
    t = pd.date_range("2024-01-01", periods=4, freq="min", tz="UTC")
    # 0.5 unit/s over 60 s → 30 per step allowed: +31 SUSPECT, +30 PASS
    assert C.rate_of_change_test(np.array([0.0, 31.0, 61.0, 61.0]), t, 0.5).tolist() == [P, S, P, P]
    t2 = t[[0, 1, 3]]  # 60 s, then 120 s: 60 allowed
    assert C.rate_of_change_test(np.array([0.0, 31.0, 91.0]), t2, 0.5).tolist() == [P, S, P]


def _flat_reference(x, t, sd, fd, tol, whole_run):
    """The whole-series formulation: rolling range over every window."""
    flags = np.where(np.isnan(x), NE, P).astype(np.uint8)
    for d, level in ((sd, S), (fd, F)):
        if d is None:
            continue
        w = K.window_points(d, K.seconds(t, x.size)) + 1
        if w > x.size:
            continue
        with np.errstate(invalid="ignore"):
            flat = K.rolling_range(x, w) <= tol * (1 + 1e-9) + 1e-12
        if whole_run:
            flat = K.spread_back(flat, w)
        flags[flat & ~np.isnan(x)] = level
    flags[np.isnan(x)] = M
    return flags


def test_flat_line_worked_and_equal_to_the_whole_series_range():
    t = pd.date_range("2024-01-01", periods=8, freq="min", tz="UTC")
    # 3-minute window (4 points): 5.00 5.01 5.00 5.02 spans 0.02 ≤ 0.02 → flat
    x = np.array([1.0, 5.0, 5.01, 5.0, 5.02, 9.0, 9.0, 9.5])
    assert C.flat_line_test(x, t, 180, None, 0.02).tolist() == [P, S, S, S, S, P, P, P]
    assert C.flat_line_test(x, t, 180, None, 0.02, whole_run=False).tolist() == [
        P,
        P,
        P,
        P,
        S,
        P,
        P,
        P,
    ]
    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(1, 400))
        t = pd.date_range("2024-01-01", periods=n, freq="min", tz="UTC")
        if rng.random() < 0.3 and n > 3:
            t = t.delete(rng.integers(0, n, 3))
            n = t.size
        x = np.round(rng.normal(0, 1, n) * rng.choice([0.01, 0.1, 1]), int(rng.integers(0, 3)))
        for s in rng.integers(0, max(n, 1), int(rng.integers(0, 6))):
            x[s : s + int(rng.integers(1, 60))] = x[s]
        if rng.random() < 0.4:
            x[rng.random(n) < 0.05] = np.nan
        tol, wr = float(rng.choice([0, 0.01, 0.5])), bool(rng.random() < 0.5)
        fd = None if rng.random() < 0.5 else 1800
        np.testing.assert_array_equal(
            C.flat_line_test(x, t, 600, fd, tol, whole_run=wr),
            _flat_reference(x, t, 600, fd, tol, wr),
        )
