"""Rolling kernels for the checks: centred rolling median (bottleneck's double-heap
``move_median``, O(n log w)) and the Hampel / modified-z test with the MAD evaluated only where
it can change a flag.

Window convention is pandas' ``rolling(w, center=True, min_periods=mp)``: the window of point i
is [i − ⌊w/2⌋, i + ⌈w/2⌉ − 1]; with fewer than ``mp`` non-missing values in it the result is NaN.
"""

from __future__ import annotations

import bottleneck as bn
import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from qingshan.qc.kernel import (
    BoolArray,
    FloatArray,
    IntArray,
    rolling_range,
    run_lengths,
    spread_back,
)

__all__ = ["centred_median", "median_at", "modified_z_exceeds"]


def _halves(w: int) -> tuple[int, int]:
    lo = w // 2
    return lo, w - 1 - lo


def median_at(v: FloatArray, idx: IntArray, w: int, mp: int) -> FloatArray:
    """Centred rolling median of ``v`` at the positions ``idx`` only (NaN-aware, min ``mp``)."""
    if idx.size == 0:
        return np.empty(0)
    lo, hi = _halves(w)
    vp = np.concatenate((np.full(lo, np.nan), v, np.full(hi, np.nan)))
    win = sliding_window_view(vp, w)[idx]
    out: FloatArray = bn.nanmedian(win, axis=1)
    cnt = w - np.isnan(win).sum(axis=1)
    out[cnt < mp] = np.nan
    return out


def centred_median(x: FloatArray, w: int, mp: int) -> FloatArray:
    """``pandas.Series(x).rolling(w, center=True, min_periods=mp).median()`` as an array."""
    n = x.size
    lo, hi = _halves(w)
    if n <= 2 * w:  # short: direct
        return median_at(x, np.arange(n), w, mp)
    if np.isnan(x).any():
        xp = np.concatenate((x, np.full(hi, np.nan)))
        med: FloatArray = bn.move_median(xp, w, min_count=mp)[hi:]
        return med
    out = np.empty(n)
    out[lo : n - hi] = bn.move_median(x, w)[w - 1 :]  # full windows: no NaN bookkeeping
    edges = np.r_[0:lo, n - hi : n]
    out[edges] = median_at(x, edges, w, mp)
    return out


def _window_count(valid: BoolArray, w: int) -> npt.NDArray[np.int32]:
    """Non-missing values in each centred window."""
    lo, hi = _halves(w)
    n = valid.size
    c = np.concatenate(([0], np.cumsum(valid, dtype=np.int32)))
    out = np.empty(n, dtype=np.int32)
    if n > w:  # interior by slices (no gathers), then the edges
        np.subtract(c[w : n + 1], c[: n + 1 - w], out=out[lo : n - hi])
        edges = np.r_[0:lo, n - hi : n]
    else:
        edges = np.arange(n)
    out[edges] = c[np.minimum(edges + hi + 1, n)] - c[np.maximum(edges - lo, 0)]
    return out


def modified_z_exceeds(
    x: FloatArray, w: int, mp: int, z_min: float, min_mad: float
) -> tuple[FloatArray, BoolArray]:
    """The modified z-score 0.6745·|x − med| / max(MAD, ``min_mad``) where it may exceed
    ``z_min``, with MAD the centred rolling median of |x − med| (Iglewicz & Hoaglin 1993).

    The MAD is evaluated exactly only at candidate points: a point is a candidate unless
    0.6745·|x − med| ≤ z_min · max(L, min_mad), where L ≤ MAD is a lower bound shared by a
    block of ``w`` points — the ⌈w/2⌉-th smallest |x − med| over the union of the block's
    windows (a median of a subset is at least the same order statistic of the superset).
    Blocks whose windows hold a missing value are all candidates.

    Returns
    -------
    (z, evaluated) : z [–] (NaN where not a candidate or undefined), evaluated : bool array,
    False where the window holds fewer than ``mp`` values (NOT_EVALUATED).
    """
    n = x.size
    med = centred_median(x, w, mp)
    dev = np.abs(x - med)
    ok = ~np.isnan(dev)
    evaluated = ok & (_window_count(ok, w) >= mp)
    b = w
    lo, hi = _halves(w)
    m = -(-n // b)
    span = b + w - 1
    a = np.full(m * b + w - 1, np.nan)
    a[lo : lo + n] = dev
    blocks = sliding_window_view(a, span)[::b]
    k = (w + 1) // 2
    lower = np.partition(blocks, k - 1, axis=1)[:, k - 1]  # NaN sorts last
    nan_c = np.concatenate(([0], np.cumsum(np.isnan(a))))
    starts = np.arange(m) * b
    has_nan = (nan_c[starts + span] - nan_c[starts]) > 0
    lower = np.where(has_nan, 0.0, lower)
    bound = np.repeat(np.maximum(lower, min_mad), b)[:n]
    with np.errstate(invalid="ignore"):
        cand = evaluated & (0.6745 * dev > z_min * bound)
    idx = np.flatnonzero(cand)
    z = np.full(n, np.nan)
    if idx.size:
        if idx.size > n // 8:  # too many: the full rolling MAD is cheaper
            mad = centred_median(dev, w, mp)[idx]
        else:
            mad = median_at(dev, idx, w, mp)
        scale = np.maximum(mad, min_mad)
        with np.errstate(divide="ignore", invalid="ignore"):
            zz = 0.6745 * dev[idx] / scale
        zz = np.where((scale == 0) & (dev[idx] == 0), 0.0, zz)
        z[idx] = zz
        evaluated[idx] &= ~np.isnan(zz)
    return z, evaluated


def flat_windows(x: FloatArray, w: int, threshold: float, whole_run: bool) -> BoolArray:
    """Points of ``x`` in (``whole_run``) or ending (not ``whole_run``) a window of ``w`` points
    whose range max − min ≤ ``threshold`` (no missing value in it).

    A flat window has every step |xᵢ − xᵢ₋₁| ≤ ``threshold``, so it lies inside one run of such
    small steps of at least ``w − 1`` steps; the rolling range (:func:`rolling_range`) is
    computed on those runs only — on noisy data a small part of the series.
    """
    n = x.size
    out = np.zeros(n, dtype=bool)
    if w > n:
        return out
    if w == 1:
        out[~np.isnan(x)] = True
        return out
    d = np.subtract(x[1:], x[:-1])
    np.abs(d, out=d)
    with np.errstate(invalid="ignore"):
        small = d <= threshold
    starts, ends = run_lengths(small)  # steps starts[k] … ends[k] − 1 → points starts … ends
    keep = (ends - starts) >= w - 1
    starts, ends = starts[keep], ends[keep] + 1
    if starts.size == 0:
        return out
    if starts.size > 256 or int((ends - starts).sum()) > n // 4:  # many: the whole series
        with np.errstate(invalid="ignore"):
            flat = rolling_range(x, w) <= threshold
        return spread_back(flat, w) if whole_run else flat
    for a, b in zip(starts, ends, strict=True):
        with np.errstate(invalid="ignore"):
            flat = rolling_range(x[a:b], w) <= threshold
        out[a:b] |= spread_back(flat, w) if whole_run else flat
    return out
