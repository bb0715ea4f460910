"""Validity: which values count, minute → hour (HJ 75-2017), hour → day, water daily means
(HJ 355/356-2019).

Platform rules (qc-rules.md §4–5):

- a value is valid when present, not FAIL in QC (HJ 212 flags F/M/D/C/T/B, invalidating marks,
  gross range beyond the instrument span are FAIL) — SUSPECT values stay valid and are reported;
- an hourly mean is the arithmetic mean of the valid minutes of the clock hour, valid only with
  ≥ 45 valid minutes (HJ 75-2017 §11.2 / 排污许可证申请与核发技术规范: "整点1小时内不少于45分钟的
  有效数据的算术平均值"); an insufficient hour is neither compliant nor exceeding;
- a daily mean needs ≥ 20 valid hourly means (GB 3095-2012 Table 4 minimum, used for CEMS daily
  values where HJ 75 gives none [U]);
- the water daily mean is flow-weighted (HJ 356-2019 §7 有效均值计算 [U]), valid with at least
  ``min_valid`` valid values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.qc.errors import BadParameter, EmptySeries, ShapeMismatch
from qingshan.qc.flags import Flag, utc_index
from qingshan.qc.kernel import FloatArray, Times
from qingshan.timeutil import CST

__all__ = [
    "valid_values",
    "hourly_means",
    "daily_means",
    "water_daily_means",
    "water_daily_arrays",
    "validity_rate",
]


def valid_values(values: npt.ArrayLike, aggregate_flags: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where a value is present and its aggregate QC flag is not FAIL (nor MISSING)."""
    x = np.asarray(values, dtype="float64")
    f = np.asarray(aggregate_flags, dtype=np.uint8)
    if f.shape != x.shape:
        raise ShapeMismatch("values", x.size, "aggregate_flags", f.size)
    valid: npt.NDArray[np.bool_] = ~np.isnan(x) & (f != Flag.FAIL) & (f != Flag.MISSING)
    return valid


def _inputs(
    times: Times, values: npt.ArrayLike, valid: npt.ArrayLike
) -> tuple[pd.DatetimeIndex, npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """(times, values with the invalid ones NaN, valid and not NaN), checked for shape."""
    x = np.asarray(values, dtype="float64")
    if x.size == 0:
        raise EmptySeries()
    t = utc_index(times)
    v = np.asarray(valid, dtype=bool)
    if t.size != x.size:
        raise ShapeMismatch("values", x.size, "times", t.size)
    if v.size != x.size:
        raise ShapeMismatch("values", x.size, "valid", v.size)
    return t, np.where(v, x, np.nan), v & ~np.isnan(x)


def _frame(times: Times, values: npt.ArrayLike, valid: npt.ArrayLike) -> pd.DataFrame:
    t, x, v = _inputs(times, values, valid)
    return pd.DataFrame({"x": x, "v": v}, index=t)


def _day(t: pd.DatetimeIndex, local_days: bool) -> pd.DatetimeIndex:
    """The calendar day of each UTC time, naive: the CST day when ``local_days``."""
    return (t.tz_convert(CST) if local_days else t).floor("D").tz_localize(None)


def hourly_means(
    times: Times,
    values: npt.ArrayLike,
    valid: npt.ArrayLike,
    *,
    min_valid_minutes: int = 45,
    step_seconds: float = 60.0,
) -> pd.DataFrame:
    """Hourly means of sub-hourly data with HJ 75-2017 validity.

    Parameters
    ----------
    times : datetime array (UTC) of sub-hourly values (minute or real-time data)
    values : array [unit]
    valid : bool array (:func:`valid_values`)
    min_valid_minutes : int [min]
        45 (HJ 75-2017).
    step_seconds : float [s]
        Sampling step: each valid value counts for ``step_seconds / 60`` minutes.

    Returns
    -------
    DataFrame indexed by the clock hour start (UTC) with ``mean`` [unit] (NaN when invalid),
    ``valid_minutes`` [min], ``n`` (values received) and ``valid`` (bool).
    """
    if min_valid_minutes <= 0 or min_valid_minutes > 60:
        raise BadParameter("hourly_means", "min_valid_minutes", min_valid_minutes, "1–60 [min]")
    df = _frame(times, values, valid)
    g = df.groupby(df.index.floor("h"))
    out = pd.DataFrame(
        {"sum": g["x"].sum(min_count=1), "valid_count": g["v"].sum(), "n": g["v"].size()}
    )
    out["valid_minutes"] = out["valid_count"] * (step_seconds / 60.0)
    out["valid"] = out["valid_minutes"] >= min_valid_minutes
    out["mean"] = np.where(
        out["valid"], out["sum"] / out["valid_count"].where(out["valid_count"] > 0), np.nan
    )
    out.index.name = "hour"
    return out[["mean", "valid_minutes", "n", "valid"]]


def daily_means(
    hour_times: Times,
    hour_values: npt.ArrayLike,
    hour_valid: npt.ArrayLike,
    *,
    min_valid_hours: int = 20,
    local_days: bool = True,
) -> pd.DataFrame:
    """Daily means of valid hourly means; valid with ≥ ``min_valid_hours`` valid hours.

    Days are China Standard Time calendar days when ``local_days`` (the enterprise's day),
    indexed by the CST date. Returns ``mean``, ``valid_hours``, ``valid``.
    """
    df = _frame(hour_times, hour_values, hour_valid)
    g = df.groupby(_day(df.index, local_days))
    out = pd.DataFrame({"mean": g["x"].mean(), "valid_hours": g["v"].sum()})
    out["valid"] = out["valid_hours"] >= min_valid_hours
    out.loc[~out["valid"], "mean"] = np.nan
    out.index.name = "day"
    return out


def water_daily_means(
    times: Times,
    conc: npt.ArrayLike,
    valid: npt.ArrayLike,
    flow: npt.ArrayLike | None = None,
    *,
    min_valid: int = 4,
    local_days: bool = True,
) -> pd.DataFrame:
    """Flow-weighted daily means of wastewater concentrations (HJ 356-2019 §7 [U]).

    C_day = Σ Cᵢ·Qᵢ / Σ Qᵢ over valid values with valid flow; the arithmetic mean when no flow
    is given. Valid with at least ``min_valid`` valid values that day (CST calendar day).

    Parameters
    ----------
    conc : array [mg/L]
    flow : array or None [L/s or m³/h; only ratios matter]

    Returns
    -------
    DataFrame by CST date: ``mean`` [mg/L], ``n_valid``, ``valid``.
    """
    days, cols = water_daily_arrays(
        times, conc, valid, flow, min_valid=min_valid, local_days=local_days
    )
    return pd.DataFrame(cols, index=days)


def water_daily_arrays(
    times: Times,
    conc: npt.ArrayLike,
    valid: npt.ArrayLike,
    flow: npt.ArrayLike | None = None,
    *,
    min_valid: int = 4,
    local_days: bool = True,
) -> tuple[pd.DatetimeIndex, dict[str, npt.NDArray[Any]]]:
    """:func:`water_daily_means` as (days, ``{"mean", "n_valid", "valid"}`` arrays), without a
    frame or a group-by per series (the QC judgement calls it for every water series of every
    outlet). The sums are pandas' group sums (compensated, Kahan, in row order: the same
    floats as ``groupby(...).sum()``)."""
    t, x, v = _inputs(times, conc, valid)
    if flow is not None:
        q = np.asarray(flow, dtype="float64")
        if q.size != x.size:
            raise ShapeMismatch("conc", x.size, "flow", q.size)
        with np.errstate(invalid="ignore"):
            q = np.where(v & (q >= 0), q, np.nan)
        v &= ~np.isnan(q)
        x = np.where(v, x, np.nan)
    else:
        q = np.where(v, 1.0, np.nan)
    codes, uniq = pd.factorize(_day(t, local_days), sort=True)
    days = pd.DatetimeIndex(uniq, name="day")
    qsum = _group_sum(q, codes, len(days))
    xqsum = _group_sum(x * q, codes, len(days))
    n_valid = np.bincount(codes, weights=v, minlength=len(days)).astype(np.int64)
    ok = n_valid >= min_valid
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = xqsum / np.where(qsum > 0, qsum, np.nan)
    mean[~ok] = np.nan
    return days, {"mean": mean, "n_valid": n_valid, "valid": ok}


def _group_sum(values: npt.NDArray[np.float64], codes: npt.NDArray[np.intp], n: int) -> FloatArray:
    """Per group, the sum of the non-NaN ``values`` (NaN for a group with none): pandas'
    ``groupby(...).sum(min_count=1)`` — compensated (Kahan) summation in row order, so the
    floats are pandas' own."""
    s, c, k = [0.0] * n, [0.0] * n, [0] * n
    for val, g in zip(values.tolist(), codes.tolist(), strict=True):
        if val != val:  # NaN
            continue
        k[g] += 1
        y = val - c[g]
        tot = s[g] + y
        c[g] = tot - s[g] - y
        if c[g] != c[g]:  # an infinite value: no compensation (as pandas)
            c[g] = 0.0
        s[g] = tot
    out = np.array(s, dtype="float64")
    out[np.array(k) == 0] = np.nan
    return out


def validity_rate(valid_units: int, reported_units: int) -> float | None:
    """有效率 = valid / reported (None when nothing was reported)."""
    if reported_units < 0 or valid_units < 0 or valid_units > reported_units:
        raise BadParameter(
            "validity_rate", "valid_units", valid_units, f"0 ≤ valid ≤ reported ({reported_units})"
        )
    return None if reported_units == 0 else valid_units / reported_units
