"""Pure, vectorised QC checks: each takes arrays and returns one flag array of the input's shape.

Conventions (like ioos_qc's QARTOD module, ``ioos_qc/qartod.py``):

- ``values`` : array or Series [unit of the series]; NaN is *missing* and gets ``Flag.MISSING``
  from every check.
- ``times`` : datetime64 array, DatetimeIndex or Series (UTC), sorted ascending where a check
  says so (use :func:`timestamp_order_test` / :func:`duplicate_time_test` first on raw input).
- ``mask`` : optional boolean array; True marks a value already judged invalid (HJ 212 flag,
  invalidating mark, earlier FAIL). Masked values get ``Flag.NOT_EVALUATED`` and are treated as
  absent by window checks (SaQC's ``dfilter``), so daily zero/span calibrations never create
  false spikes or flat lines.
- A Series in gives a Series (same index) out; anything else gives ``numpy.ndarray[uint8]``.

Every window check is O(n) or O(n log w) (pandas rolling kernels, run-length arithmetic); none
builds strided windows. Cross-variable and fraud-pattern checks live in :mod:`.patterns`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.qc.errors import BadParameter, ShapeMismatch
from qingshan.qc.flags import as_series_like
from qingshan.qc.kernel import (
    NE,
    F,
    FlagArray,
    Flags,
    FloatArray,
    M,
    Mask,
    P,
    S,
    Times,
    Values,
    finish,
    long_runs,
    masked_float,
    median_step,
    nanoseconds,
    rolling_range,
    run_lengths,
    seconds,
)
from qingshan.qc.persistence import detection_limit_test, stuck_value_test, zero_run_test
from qingshan.qc.rolling import flat_windows, modified_z_exceeds
from qingshan.qc.timing import (
    duplicate_time_test,
    future_time_test,
    hj212_flag_test,
    late_arrival_test,
    missing_test,
    time_gap_test,
    timestamp_order_test,
)

__all__ = [
    "gross_range_test",
    "spike_test",
    "relative_spike_test",
    "rate_of_change_test",
    "flat_line_test",
    "stuck_value_test",
    "detection_limit_test",
    "zero_run_test",
    "missing_test",
    "time_gap_test",
    "future_time_test",
    "duplicate_time_test",
    "timestamp_order_test",
    "late_arrival_test",
    "mad_outlier_test",
    "hj212_flag_test",
    "mask_values",
    "run_lengths",
    "long_runs",
    "rolling_range",
]

#: span bound: ``None`` leaves that side open [unit of the series]
Bound = float | None


def mask_values(values: Values, mask: Mask) -> FloatArray | pd.Series:
    """``values`` with masked entries replaced by NaN (same kind as ``values``)."""
    x, _, _ = masked_float(values, mask)
    if isinstance(values, pd.Series):
        return pd.Series(x, index=values.index, name=values.name)
    return x


# --- range, spike, rate of change ----------------------------------------------------------
def gross_range_test(
    values: Values,
    fail_span: tuple[Bound, Bound],
    suspect_span: tuple[Bound, Bound] | None = None,
    *,
    mask: Mask = None,
) -> Flags:
    """Gross range: FAIL outside the instrument span, SUSPECT outside the plausible span.

    QARTOD gross range test (IOOS QARTOD manuals; ``ioos_qc.qartod.gross_range_test``); the
    instrument span is the analyser range (HJ 75-2017 §7 range selection), beyond which the
    logger sends flag T.

    Parameters
    ----------
    values : array [unit of the series]
    fail_span : (low, high) [unit of the series]
        Instrument (sensor) span, closed interval.
    suspect_span : (low, high) or None [unit of the series]
        Plausible span, inside ``fail_span``.

    Returns
    -------
    array [Flag]
    """
    x = np.asarray(values, dtype="float64")
    lo, hi = fail_span
    if lo is not None and hi is not None and lo > hi:
        raise BadParameter("gross_range_test", "fail_span", fail_span, "low ≤ high")
    slo, shi = (None, None) if suspect_span is None else suspect_span
    if (lo is not None and slo is not None and slo < lo) or (
        hi is not None and shi is not None and shi > hi
    ):
        raise BadParameter("gross_range_test", "suspect_span", suspect_span, "inside fail_span")
    inf = np.inf
    flags = _range_flags(
        x,
        -inf if lo is None else lo,
        inf if hi is None else hi,
        -inf if slo is None else slo,
        inf if shi is None else shi,
    )
    if mask is not None:
        masked = np.asarray(mask, dtype=bool)
        if masked.shape != x.shape:
            raise ShapeMismatch("values", x.size, "mask", masked.size)
        flags[masked & ~np.isnan(x)] = NE
    return as_series_like(values, flags)


_CHUNK = 1 << 15  # values per pass: the passes of a chunk stay in the CPU cache


def _range_flags(x: FloatArray, lo: float, hi: float, slo: float, shi: float) -> FlagArray:
    """Gross-range flags in cache-sized chunks (±inf bounds for open sides); NaN → MISSING.

    flag = 1 + 2·(outside the plausible span) + (outside the instrument span): PASS 1,
    SUSPECT 3, FAIL 4 — and 2 (outside the instrument span on a side the plausible span leaves
    open), which is FAIL too."""
    flat = x.reshape(-1)
    out = np.empty(flat.size, dtype=np.uint8)
    b = np.empty(min(_CHUNK, flat.size), dtype=bool)
    tmp = np.empty(b.size, dtype=np.uint8)
    open_side = (slo == -np.inf and lo != -np.inf) or (shi == np.inf and hi != np.inf)
    for a in range(0, flat.size, _CHUNK):
        xs = flat[a : a + _CHUNK]
        m = xs.size
        bb, t, f = b[:m], tmp[:m], out[a : a + m]
        u = bb.view(np.uint8)
        np.less(xs, slo, out=bb)
        np.left_shift(u, 1, out=f)
        np.greater(xs, shi, out=bb)
        np.left_shift(u, 1, out=t)
        f += t
        np.less(xs, lo, out=bb)
        f += u
        np.greater(xs, hi, out=bb)
        f += u
        f += 1
        if open_side:
            f[f == 2] = F
        np.isnan(xs, out=bb)
        if bb.any():
            f[bb] = M
    return out.reshape(x.shape)


def spike_test(
    values: Values,
    suspect_threshold: float,
    fail_threshold: float | None = None,
    *,
    mask: Mask = None,
    centre_only: bool = False,
) -> Flags:
    """Spike (average method): |xᵢ − (xᵢ₋₁ + xᵢ₊₁)/2| above a threshold.

    QARTOD spike test, average method (``ioos_qc.qartod.spike_test(method="average")``). The
    QARTOD statistic of a one-value spike s is ≈ s at the spike and ≈ s/2 at each of its two
    neighbours, so a spike twice the threshold also flags both neighbours, and a step of 2 × the
    threshold flags the values on both sides of it. ``centre_only`` takes instead the smaller
    departure from the two neighbours, on the same side (min(xᵢ − xᵢ₋₁, xᵢ − xᵢ₊₁) or its mirror):
    a value must go up *and* come back to be a spike, so neither the good values beside a spike
    nor the two sides of a step are flagged.

    Parameters
    ----------
    values : array [unit]
    suspect_threshold, fail_threshold : float [unit]
    centre_only : bool

    Returns
    -------
    array [Flag]; first and last values and values next to a gap are NOT_EVALUATED.
    """
    if suspect_threshold is None or suspect_threshold < 0:
        raise BadParameter("spike_test", "suspect_threshold", suspect_threshold, "≥ 0")
    x, missing, masked = masked_float(values, mask)
    flags = np.full(x.shape, NE, dtype=np.uint8)
    if x.size >= 3:
        ref = np.abs(x[1:-1] - (x[:-2] + x[2:]) / 2.0)
        inner = np.where(np.isnan(ref), NE, P).astype(np.uint8)
        if centre_only:  # the departure from *each* neighbour, same sign: up and back
            a, b, c = x[:-2], x[1:-1], x[2:]
            with np.errstate(invalid="ignore"):
                up, down = np.minimum(b - a, b - c), np.minimum(a - b, c - b)
            ref = np.fmax(up, down)
            ref[np.isnan(a) | np.isnan(b) | np.isnan(c)] = np.nan
        with np.errstate(invalid="ignore"):
            inner[ref > suspect_threshold] = S
            if fail_threshold is not None:
                inner[ref > fail_threshold] = F
        flags[1:-1] = inner
    return finish(values, flags, missing, masked)


def rate_of_change_test(
    values: Values, times: Times, threshold: float, *, mask: Mask = None
) -> Flags:
    """Rate of change: SUSPECT where |Δx/Δt| from the previous valid value exceeds ``threshold``.

    QARTOD rate of change test (``ioos_qc.qartod.rate_of_change_test``).

    Parameters
    ----------
    values : array [unit]
    times : datetime array (sorted)
    threshold : float [unit/s]

    Returns
    -------
    array [Flag]
    """
    if threshold is None or threshold <= 0:
        raise BadParameter("rate_of_change_test", "threshold", threshold, "> 0 [unit/s]")
    x, missing, masked = masked_float(values, mask)
    ok = ~(missing | masked)
    if x.size >= 2 and ok.all():  # fast path: no division, no gathers, no float times
        ns = nanoseconds(times, x.size)
        dns = np.diff(ns)
        d0 = int(dns[0])
        flags = np.empty(x.shape, dtype=np.uint8)
        flags[0] = P
        dx = np.subtract(x[1:], x[:-1])
        np.abs(dx, out=dx)
        if d0 > 0 and (dns == d0).all():  # regular sampling: one limit per step
            big = np.greater(dx, threshold * d0 / 1e9)
        else:
            big = np.greater(dx, threshold * (dns / 1e9)) | (dns <= 0)
        np.add(big.view(np.uint8) << 1, P, out=flags[1:])  # PASS 1, SUSPECT 3
        return finish(values, flags, missing, masked)
    t = seconds(times, x.size)
    flags = np.full(x.shape, NE, dtype=np.uint8)
    idx = np.flatnonzero(ok)
    if idx.size >= 2:
        dx = np.abs(np.diff(x[idx]))
        dt = np.diff(t[idx])
        with np.errstate(divide="ignore", invalid="ignore"):
            roc = np.where(dt > 0, dx / dt, np.inf)
        flags[idx[0]] = P
        flags[idx[1:]] = np.where(roc > threshold, S, P)
    return finish(values, flags, missing, masked)


# --- persistence ---------------------------------------------------------------------------
def flat_line_test(
    values: Values,
    times: Times,
    suspect_duration: float,
    fail_duration: float | None = None,
    tolerance: float = 0.0,
    *,
    mask: Mask = None,
    whole_run: bool = True,
) -> Flags:
    """Flat line / stuck value: the range (max − min) over a window of ``duration`` ≤ ``tolerance``.

    QARTOD flat line test (``ioos_qc.qartod.flat_line_test``); window sizes are durations turned
    into point counts by the median sampling step. HJ 75 practice and the fraud patterns of
    恒值异常 (variation within 2 % of range) call for ``tolerance`` ≈ 0.02 × analyser range.

    Parameters
    ----------
    values : array [unit]
    times : datetime array (sorted)
    suspect_duration, fail_duration : float [s]
    tolerance : float [unit]
    whole_run : bool
        True flags every value of a flat window (a stuck run is flagged from its start);
        False flags only the window's last value, as QARTOD does.

    Returns
    -------
    array [Flag]
    """
    if suspect_duration is None or suspect_duration <= 0:
        raise BadParameter("flat_line_test", "suspect_duration", suspect_duration, "> 0 [s]")
    if tolerance < 0:
        raise BadParameter("flat_line_test", "tolerance", tolerance, "≥ 0")
    x, missing, masked = masked_float(values, mask)
    ns = nanoseconds(times, x.size)
    nan = missing | masked
    flags = np.where(nan, NE, P).astype(np.uint8)
    dns = np.diff(ns)
    if dns.size and dns[0] > 0 and (dns == dns[0]).all():  # regular sampling
        step = float(dns[0]) / 1e9
    else:
        step = median_step(ns / 1e9)
    for duration, level in ((suspect_duration, S), (fail_duration, F)):
        if duration is None:
            continue
        w = max(int(round(duration / step)), 1) + 1
        if w > x.size:
            continue
        flat = flat_windows(x, w, tolerance * (1 + 1e-9) + 1e-12, whole_run)
        flags[flat & ~nan] = level
    return finish(values, flags, missing, masked)


# --- robust outliers -------------------------------------------------------------------------
def mad_outlier_test(
    values: Values,
    window: int,
    suspect_z: float = 6.0,
    fail_z: float | None = None,
    min_mad: float = 0.0,
    *,
    mask: Mask = None,
) -> Flags:
    """Robust outliers by the modified z-score on a centred rolling median (Hampel filter).

    z = 0.6745 · |x − median| / max(MAD, ``min_mad``) (Iglewicz & Hoaglin 1993; SaQC
    ``flagZScore(method="modified")``). The MAD is the rolling median of |x − rolling median|.

    Parameters
    ----------
    values : array [unit]
    window : int [points], odd numbers centre exactly
    suspect_z, fail_z : float [–]
    min_mad : float [unit]
        Floor of the MAD, so that quiet or quantised series do not turn every small step into an
        outlier (set it to the analyser resolution).

    Returns
    -------
    array [Flag]; NOT_EVALUATED where the window holds fewer than half its points.
    """
    if window is None or int(window) < 3:
        raise BadParameter("mad_outlier_test", "window", window, "≥ 3 points")
    x, missing, masked = masked_float(values, mask)
    mp = max(int(window) // 2, 3)
    z_min = suspect_z if fail_z is None else min(suspect_z, fail_z)
    z, evaluated = modified_z_exceeds(x, int(window), mp, z_min, min_mad)
    flags = np.where(evaluated, P, NE).astype(np.uint8)
    with np.errstate(invalid="ignore"):
        flags[z > suspect_z] = S
        if fail_z is not None:
            flags[z > fail_z] = F
    return finish(values, flags, missing, masked)


def relative_spike_test(
    values: Values, ratio: float, min_delta: float, *, mask: Mask = None
) -> Flags:
    """One-value spike relative to both neighbours: xᵢ > ``ratio`` × max(xᵢ₋₁, xᵢ₊₁) (or below
    min(xᵢ₋₁, xᵢ₊₁) / ``ratio``) and differing from the nearer neighbour by more than
    ``min_delta`` [unit]. Scale-free, so one rule serves outlets whose levels differ tenfold;
    unlike the QARTOD average method it does not flag the spike's neighbours.

    Returns
    -------
    array [Flag]; the first and last values NOT_EVALUATED.
    """
    if ratio is None or ratio <= 1:
        raise BadParameter("relative_spike_test", "ratio", ratio, "> 1")
    x, missing, masked = masked_float(values, mask)
    flags = np.full(x.shape, NE, dtype=np.uint8)
    if x.size >= 3:
        a, b, c = x[:-2], x[1:-1], x[2:]
        hi, lo = np.fmax(a, c), np.fmin(a, c)
        with np.errstate(invalid="ignore"):
            up = (b > ratio * hi) & (b - hi > min_delta)
            down = (b * ratio < lo) & (lo - b > min_delta)
        inner = np.where(np.isnan(a) | np.isnan(b) | np.isnan(c), NE, P).astype(np.uint8)
        inner[(up | down) & ~np.isnan(b)] = S
        flags[1:-1] = inner
    return finish(values, flags, missing, masked)
