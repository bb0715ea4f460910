"""Roll-ups: hourly, daily, monthly and yearly means with coverage (pure batch kernels).

Each kernel takes a pandas DataFrame of observation rows (a partition) and returns one; the
same code runs in process (:func:`qingshan.timeseries.rollup_job.rollup`) and on Dask
(:mod:`qingshan.scale.rollups`). A mean is decomposable, so a roll-up is two steps:
:func:`rollup_partial` (sum and count of valid values per series and target period, for any
partition) and :func:`rollup_finalize` (add partials, divide, judge coverage).
:func:`rollup_mean` does both on one frame.

Validity
--------
A value is *valid* when it is not null, its HJ 212 data flag is not in ``invalid_flags`` and its
QC flag is not in ``invalid_qc_flags``. HJ 212-2017 (Table 5, data flags) marks F (停运, stopped),
M (维护, maintenance), S (手工输入设定值, manual set value), D (故障, fault), C (校准,
calibration), T (超测上限, over range) and B (通讯异常, communication fault); HJ 75-2017
(clause 11, data review) excludes such data from valid hourly averages, so by default they are
all invalid and only N (and no flag) counts.

A mean is *valid* (statistically usable) when at least ``min_count`` valid values went in.
Defaults (:data:`MIN_COUNT`) follow GB 3095-2012 clause 8.2 (Table 4, 数据统计的有效性规定):
an hourly mean needs 45 minutes (also HJ 75-2017), a daily mean 20 hourly values, a monthly
mean 27 daily values (25 in February), an annual mean 324 daily values.

Time
----
Times are UTC. Day, month and year boundaries for China follow China Standard Time: the target
period's ``time`` is the UTC instant of its local start (a CST day starts at 16:00 UTC the day
before). ``tz`` makes the boundary zone a parameter.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import tzinfo

import numpy as np
import pandas as pd

from qingshan.timeseries.errors import TimeseriesError
from qingshan.timeutil import CST

HJ212_INVALID_FLAGS = frozenset({"F", "M", "S", "D", "C", "T", "B"})
"""HJ 212-2017 data flags that make a value invalid for statistics (see module docstring)."""

TARGET_PERIODS = ("hour", "day", "month", "year")
SOURCE_STEP = {
    "min": pd.Timedelta(minutes=1),
    "hour": pd.Timedelta(hours=1),
    "day": pd.Timedelta(days=1),
}
"""Length of one value of a source period; ``rtd`` has none (expected counts are unknown)."""

MIN_COUNT = {
    ("min", "hour"): 45,  # GB 3095-2012 Table 4; HJ 75-2017: >= 45 min of valid data per hour
    ("hour", "day"): 20,  # GB 3095-2012 8.2 Table 4: at least 20 hourly values per day
    ("day", "month"): 27,  # GB 3095-2012 Table 4: 27 daily values (25 in February)
    ("day", "year"): 324,  # GB 3095-2012 Table 4: 324 daily values per year
}
"""Default minimum count of valid values for a valid mean, by (source, target) period."""
MIN_COUNT_FEBRUARY = 25

PARTIAL_COLUMNS = ("series_id", "time", "total", "count")
RESULT_COLUMNS = ("series_id", "time", "period", "value", "count", "expected", "coverage", "valid")


class RollupError(TimeseriesError):
    """A roll-up cannot be computed as asked (unknown period pair, no default minimum)."""

    status_code = 422


def _check_target(target_period: str) -> None:
    if target_period not in TARGET_PERIODS:
        raise RollupError(f"unknown target period {target_period!r}; known: {list(TARGET_PERIODS)}")


def valid_mask(
    frame: pd.DataFrame,
    invalid_flags: Collection[str] = HJ212_INVALID_FLAGS,
    invalid_qc_flags: Collection[int] = frozenset(),
) -> pd.Series:
    """Boolean Series: which rows hold a valid value (see module docstring).

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with ``value`` and, optionally, ``source_flag`` and ``qc_flag``.
    invalid_flags : collection of str
        HJ 212 data flags that invalidate a value (default :data:`HJ212_INVALID_FLAGS`).
    invalid_qc_flags : collection of int
        QC flags that invalidate a value (default none).
    """
    ok = frame["value"].notna()
    if "source_flag" in frame and len(invalid_flags):
        ok &= ~frame["source_flag"].isin(list(invalid_flags))
    if "qc_flag" in frame and len(invalid_qc_flags):
        ok &= ~frame["qc_flag"].isin(list(invalid_qc_flags))
    return ok.astype(bool)


def period_start(times: pd.Series, target_period: str, tz: tzinfo = CST) -> pd.Series:
    """Start of the target period containing each time, in UTC.

    Parameters
    ----------
    times : pandas.Series of datetime64[UTC]
        Instants [UTC].
    target_period : {"hour", "day", "month", "year"}
        Period to floor to, with boundaries in ``tz``.
    tz : tzinfo
        Zone of the period boundaries (default China Standard Time, UTC+8).
    """
    _check_target(target_period)
    local = times.dt.tz_convert(tz)
    if target_period == "hour":
        start = local.dt.floor("h")
    else:
        start = local.dt.normalize()
        if target_period in ("month", "year"):
            start = start - pd.to_timedelta(local.dt.day - 1, unit="D")
        if target_period == "year":
            start = start - pd.to_timedelta(local.dt.dayofyear - local.dt.day, unit="D")
    return start.dt.tz_convert("UTC").astype(times.dtype)


def period_end(starts: pd.Series, target_period: str, tz: tzinfo = CST) -> pd.Series:
    """End (exclusive) of the target periods starting at ``starts`` [UTC]."""
    _check_target(target_period)
    local = starts.dt.tz_convert(tz)
    offset = {
        "hour": pd.DateOffset(hours=1),
        "day": pd.DateOffset(days=1),
        "month": pd.DateOffset(months=1),
        "year": pd.DateOffset(years=1),
    }[target_period]
    return (local + offset).dt.tz_convert("UTC").astype(starts.dtype)


def expected_count(
    starts: pd.Series, source_period: str, target_period: str, tz: tzinfo = CST
) -> pd.Series:
    """Number of source values a complete target period holds (NaN for ``rtd``).

    E.g. 60 minutes per hour, 24 hours per day, 28–31 days per month.
    """
    if source_period not in SOURCE_STEP:
        return pd.Series(np.nan, index=starts.index)
    span = period_end(starts, target_period, tz) - starts
    return (span / SOURCE_STEP[source_period]).astype("float64")


def default_min_count(
    starts: pd.Series, source_period: str, target_period: str, tz: tzinfo = CST
) -> pd.Series:
    """The default minimum of valid values per target period (:data:`MIN_COUNT`)."""
    key = (source_period, target_period)
    if key not in MIN_COUNT:
        raise RollupError(
            f"no default minimum count for {source_period} -> {target_period}; pass min_count "
            f"(defaults exist for {sorted(MIN_COUNT)})"
        )
    n = pd.Series(float(MIN_COUNT[key]), index=starts.index)
    if key == ("day", "month"):
        n[starts.dt.tz_convert(tz).dt.month.to_numpy() == 2] = MIN_COUNT_FEBRUARY
    return n


def rollup_partial(
    frame: pd.DataFrame,
    source_period: str,
    target_period: str,
    *,
    tz: tzinfo = CST,
    invalid_flags: Collection[str] = HJ212_INVALID_FLAGS,
    invalid_qc_flags: Collection[int] = frozenset(),
) -> pd.DataFrame:
    """Sum and count of valid source values per series and target period (first step).

    Parameters
    ----------
    frame : pandas.DataFrame
        Observation rows (``series_id``, ``time``, ``value``, optional ``period``,
        ``source_flag``, ``qc_flag``), already resolved by the re-send rule. Rows of another
        period than ``source_period`` are ignored.
    source_period, target_period : str
        E.g. ``"min"`` and ``"hour"``.
    tz, invalid_flags, invalid_qc_flags
        As in :func:`period_start` and :func:`valid_mask`.

    Returns
    -------
    pandas.DataFrame
        ``series_id``, ``time`` (target period start, UTC), ``total`` (sum of valid values
        [unit of the series]) and ``count`` (valid values); periods with only invalid values
        have count 0. Partials of one period from different partitions add up.
    """
    _check_target(target_period)
    if "period" in frame:
        frame = frame[frame["period"] == source_period]
    ok = valid_mask(frame, invalid_flags, invalid_qc_flags)
    out = pd.DataFrame(
        {
            "series_id": frame["series_id"].astype("int64"),
            "time": period_start(frame["time"], target_period, tz),
            "total": frame["value"].where(ok, 0.0).astype("float64"),
            "count": ok.astype("int64"),
        }
    )
    return out.groupby(["series_id", "time"], as_index=False, sort=True)[["total", "count"]].sum()


def rollup_finalize(
    partial: pd.DataFrame,
    source_period: str,
    target_period: str,
    *,
    tz: tzinfo = CST,
    min_count: int | None = None,
) -> pd.DataFrame:
    """Means with coverage from (possibly repeated) partials (second step).

    Parameters
    ----------
    partial : pandas.DataFrame
        Output of :func:`rollup_partial`, possibly concatenated from several partitions.
    source_period, target_period : str
        Periods of the inputs and of the means.
    tz : tzinfo
        Zone of the period boundaries (default CST).
    min_count : int, optional
        Minimum valid values for a valid mean; default :func:`default_min_count`.

    Returns
    -------
    pandas.DataFrame
        ``series_id``; ``time`` (period start, UTC); ``period`` (target); ``value`` (mean of
        the valid values, NaN if none [unit of the series]); ``count`` (valid values that went
        in); ``expected`` (values a complete period holds; NaN for ``rtd``); ``coverage``
        (count / expected, 0–1); ``valid`` (count >= minimum). Sorted by series and time.
    """
    _check_target(target_period)
    agg = partial.groupby(["series_id", "time"], as_index=False, sort=True)[
        ["total", "count"]
    ].sum()
    starts = agg["time"]
    expected = expected_count(starts, source_period, target_period, tz)
    if min_count is None:
        minimum = default_min_count(starts, source_period, target_period, tz)
    else:
        minimum = pd.Series(float(min_count), index=agg.index)
    count = agg["count"].astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(count > 0, agg["total"] / count.where(count > 0, 1), np.nan)
    return pd.DataFrame(
        {
            "series_id": agg["series_id"].astype("int64"),
            "time": starts,
            "period": target_period,
            "value": value.astype("float64"),
            "count": count,
            "expected": expected,
            "coverage": (count / expected).astype("float64"),
            "valid": (count >= minimum).astype(bool),
        }
    )


def rollup_mean(
    frame: pd.DataFrame,
    source_period: str,
    target_period: str,
    *,
    tz: tzinfo = CST,
    min_count: int | None = None,
    invalid_flags: Collection[str] = HJ212_INVALID_FLAGS,
    invalid_qc_flags: Collection[int] = frozenset(),
) -> pd.DataFrame:
    """Means with coverage of ``frame``'s values per series and target period (pure kernel).

    The frame must hold every source value of the target periods it touches; otherwise use
    :func:`rollup_partial` per partition and :func:`rollup_finalize` on the concatenation.
    Parameters and result as in those two functions.

    Examples
    --------
    50 valid minutes of one hour (45 needed, HJ 75-2017) give a valid mean, coverage 50/60.
    """
    partial = rollup_partial(
        frame,
        source_period,
        target_period,
        tz=tz,
        invalid_flags=invalid_flags,
        invalid_qc_flags=invalid_qc_flags,
    )
    return rollup_finalize(partial, source_period, target_period, tz=tz, min_count=min_count)
