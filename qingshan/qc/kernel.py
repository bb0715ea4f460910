"""The shared kernel of the QC checks: flag codes as ``uint8``, input normalisation, time
arithmetic and run / window arithmetic. Pure and vectorised; no check lives here.

Every check module (:mod:`.checks`, :mod:`.timing`, :mod:`.persistence`, :mod:`.rolling`,
:mod:`.patterns`) and the pipeline import these; this module imports none of them.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.qc.errors import ShapeMismatch
from qingshan.qc.flags import Flag, FlagArray, as_series_like

__all__ = [
    "P",
    "NE",
    "S",
    "F",
    "M",
    "FlagArray",
    "BoolArray",
    "FloatArray",
    "IntArray",
    "Values",
    "Times",
    "Mask",
    "Flags",
    "masked_float",
    "seconds",
    "nanoseconds",
    "finish",
    "median_step",
    "window_points",
    "run_lengths",
    "long_runs",
    "spread_back",
    "rolling_range",
]

BoolArray: TypeAlias = npt.NDArray[np.bool_]
FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]

#: values of a series [unit]: array-like or a pandas Series (a Series in gives a Series out)
Values: TypeAlias = "npt.ArrayLike | pd.Series"
#: timestamps: DatetimeIndex, Series, datetime64 array or ISO strings (UTC when naive)
Times: TypeAlias = "pd.DatetimeIndex | pd.Series | npt.ArrayLike"
#: True where a value is already judged invalid (``None``: nothing masked)
Mask: TypeAlias = "npt.ArrayLike | pd.Series | None"
#: a check's result: flag codes of the input's shape, a Series when the input was one
Flags: TypeAlias = "FlagArray | pd.Series"

P, NE, S, F, M = (
    np.uint8(int(x)) for x in (Flag.PASS, Flag.NOT_EVALUATED, Flag.SUSPECT, Flag.FAIL, Flag.MISSING)
)


def masked_float(values: Values, mask: Mask = None) -> tuple[FloatArray, BoolArray, BoolArray]:
    """(x with masked → NaN, missing, masked) as float64 / bool arrays.

    Raises
    ------
    ShapeMismatch
        ``mask`` is not of ``values``' shape.
    """
    x: FloatArray = np.asarray(values, dtype="float64")
    missing = np.isnan(x)
    if mask is None:
        masked = np.zeros(x.shape, dtype=bool)
    else:
        masked = np.asarray(mask, dtype=bool)
        if masked.shape != x.shape:
            raise ShapeMismatch("values", x.size, "mask", masked.size)
        if masked.any():
            x = np.where(masked, np.nan, x)
    return x, missing, masked


def seconds(times: Times, n: int | None = None) -> FloatArray:
    """Times as float seconds since the epoch (UTC) [s]; with ``n``, checked to hold ``n``."""
    return nanoseconds(times, n) / 1e9


def nanoseconds(times: Times, n: int | None = None) -> npt.NDArray[np.int64]:
    """Times as int64 nanoseconds since the epoch (UTC) [ns]; naive times are UTC.

    Raises
    ------
    ShapeMismatch
        ``n`` is given and differs from the number of times.
    """
    if isinstance(times, pd.Series):
        times = pd.DatetimeIndex(times)
    if isinstance(times, pd.DatetimeIndex):
        idx = times if times.tz is not None else times.tz_localize("UTC")
        ns: npt.NDArray[np.int64] = np.asarray(idx.as_unit("ns").asi8, dtype=np.int64)
    else:
        arr = np.asarray(times)
        if arr.dtype.kind == "M":
            ns = arr.astype("datetime64[ns]").astype(np.int64)
        else:
            parsed = pd.DatetimeIndex(pd.to_datetime(arr, utc=True))
            ns = np.asarray(parsed.as_unit("ns").asi8, dtype=np.int64)
    if n is not None and ns.size != n:
        raise ShapeMismatch("values", n, "times", ns.size)
    return ns


def finish(template: Values, flags: FlagArray, missing: BoolArray, masked: BoolArray) -> Flags:
    """Close a check: masked values NOT_EVALUATED, missing ones MISSING (missing wins), as a
    Series when ``template`` is one (:func:`.flags.as_series_like`)."""
    if masked.any():
        flags[masked] = NE
    if missing.any():
        flags[missing] = M
    return as_series_like(template, flags)


def median_step(t: FloatArray) -> float:
    """Median positive step of sorted times ``t`` [s] (1 when there is none)."""
    d = np.diff(t)
    d = d[d > 0]
    return float(np.median(d)) if d.size else 1.0


def window_points(duration: float, t: FloatArray) -> int:
    """``duration`` [s] as a number of points at the median step of ``t`` [s] (at least 1)."""
    return max(int(round(duration / median_step(t))), 1)


def run_lengths(mask: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    """Start and end (exclusive) indices of the True runs of ``mask``."""
    m = np.concatenate(([False], np.asarray(mask, dtype=bool), [False]))
    edges = np.flatnonzero(m[1:] != m[:-1])
    return edges[0::2], edges[1::2]


def long_runs(mask: npt.ArrayLike, min_points: int) -> BoolArray:
    """Mask of the points that belong to a True run of at least ``min_points`` points."""
    m = np.asarray(mask, dtype=bool)
    starts, ends = run_lengths(m)
    keep = (ends - starts) >= min_points
    out = np.zeros(len(m) + 1, dtype=np.int32)
    np.add.at(out, starts[keep], 1)
    np.add.at(out, ends[keep], -1)
    runs: BoolArray = np.cumsum(out[:-1]) > 0
    return runs


def spread_back(end_mask: BoolArray, w: int) -> BoolArray:
    """Mark the ``w`` points of each window that ends at a True of ``end_mask``."""
    c = np.concatenate(([0], np.cumsum(end_mask[::-1])))[::-1]  # c[i] = ends at >= i
    idx = np.arange(len(end_mask))
    hi = np.minimum(idx + w, len(end_mask))
    spread: BoolArray = (c[idx] - c[hi]) > 0
    return spread


def rolling_range(x: FloatArray, w: int) -> FloatArray:
    """max − min over each trailing window of ``w`` points (NaN for the first ``w − 1``; ∞ when
    the window holds a NaN). Van Herk / Gil-Werman: block prefix and suffix extrema, O(n)
    whatever ``w``, no strided windows."""
    n = x.size
    out = np.full(n, np.nan)
    if w > n:
        return out
    m = -(-n // w)
    nan = np.isnan(x)
    hi = np.full(m * w, -np.inf)
    hi[:n] = np.where(nan, np.inf, x)
    lo = np.full(m * w, np.inf)
    lo[:n] = np.where(nan, -np.inf, x)
    bh, bl = hi.reshape(m, w), lo.reshape(m, w)
    mx = np.maximum(
        np.maximum.accumulate(bh[:, ::-1], axis=1)[:, ::-1].ravel()[: n - w + 1],
        np.maximum.accumulate(bh, axis=1).ravel()[w - 1 : n],
    )
    mn = np.minimum(
        np.minimum.accumulate(bl[:, ::-1], axis=1)[:, ::-1].ravel()[: n - w + 1],
        np.minimum.accumulate(bl, axis=1).ravel()[w - 1 : n],
    )
    with np.errstate(invalid="ignore"):
        out[w - 1 :] = mx - mn
    return out
