"""Write roll-ups back into the observation store (the I/O edge of :mod:`.rollups`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, tzinfo
from typing import Protocol

import numpy as np
import pandas as pd

from qingshan.timeseries.errors import QueryArgumentError
from qingshan.timeseries.rollups import (
    HJ212_INVALID_FLAGS,
    period_end,
    period_start,
    rollup_mean,
)
from qingshan.timeseries.schema import PAYLOAD_COLUMNS
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

SOURCE_PREFIX = "rollup:"


def rollup_source(source_period: str, count: int, expected: float) -> str:
    """The ``source`` of a roll-up row, e.g. ``rollup:min:52/60`` (coverage travels with it)."""
    exp = "?" if np.isnan(expected) else str(int(expected))
    return f"{SOURCE_PREFIX}{source_period}:{int(count)}/{exp}"


def parse_rollup_source(source: str) -> tuple[str, int, int | None]:
    """Inverse of :func:`rollup_source`: (source period, valid count, expected count)."""
    period, _, frac = source.removeprefix(SOURCE_PREFIX).partition(":")
    count, _, expected = frac.partition("/")
    return period, int(count), None if expected == "?" else int(expected)


def aligned_range(
    start: datetime, end: datetime, target_period: str, tz: tzinfo = CST
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Widen [start, end) to whole target periods (boundaries in ``tz``) [UTC]."""
    ts = pd.Series(pd.to_datetime([start, end], utc=True)).astype("datetime64[us, UTC]")
    first = period_start(ts.iloc[[0]], target_period, tz).iloc[0]
    last_start = period_start(ts.iloc[[1]] - pd.Timedelta(microseconds=1), target_period, tz)
    return first, period_end(last_start, target_period, tz).iloc[0]


class Means(Protocol):
    """How a roll-up's means are computed: in process (:func:`means_in_process`) or on Dask
    (:func:`qingshan.scale.rollups.dask_means`). Same arguments and result as
    :func:`qingshan.timeseries.rollups.rollup_mean` over the store's rows of ``series_ids``
    in [t0, t1)."""

    def __call__(
        self,
        store: ObservationStore,
        stream: str,
        source_period: str,
        target_period: str,
        t0: pd.Timestamp,
        t1: pd.Timestamp,
        series_ids: list[int],
        *,
        tz: tzinfo,
        min_count: int | None,
        invalid_flags: Collection[str],
        invalid_qc_flags: Collection[int],
    ) -> pd.DataFrame: ...


def means_in_process(
    store: ObservationStore,
    stream: str,
    source_period: str,
    target_period: str,
    t0: pd.Timestamp,
    t1: pd.Timestamp,
    series_ids: list[int],
    *,
    tz: tzinfo,
    min_count: int | None,
    invalid_flags: Collection[str],
    invalid_qc_flags: Collection[int],
) -> pd.DataFrame:
    """The roll-up kernel over one scan of the store, in this process."""
    data = store.scan(
        series_ids,
        t0,
        t1,
        period=source_period,
        streams=[stream],
        columns=["period", "value", "source_flag", "qc_flag"],
    )
    return rollup_mean(
        data,
        source_period,
        target_period,
        tz=tz,
        min_count=min_count,
        invalid_flags=invalid_flags,
        invalid_qc_flags=invalid_qc_flags,
    )


def rollup(
    store: ObservationStore,
    stream: str,
    source_period: str,
    target_period: str,
    start: datetime,
    end: datetime,
    series_map: Mapping[int, int],
    *,
    tz: tzinfo = CST,
    min_count: int | None = None,
    invalid_flags: Collection[str] = HJ212_INVALID_FLAGS,
    invalid_qc_flags: Collection[int] = frozenset(),
    received_at: datetime | None = None,
    means: Means = means_in_process,
) -> pd.DataFrame:
    """Compute means of ``source_period`` values and append them as ``target_period`` rows.

    Parameters
    ----------
    store : ObservationStore
        Read from and written to.
    stream : str
        Stream whose partitions are read and written.
    source_period, target_period : str
        E.g. ``"min"`` → ``"hour"``, ``"hour"`` → ``"day"``, ``"day"`` → ``"month"``.
    start, end : datetime
        Range to roll up [tz-aware], widened to whole target periods in ``tz``.
    series_map : mapping of int to int
        Source series id → target series id (series are site × parameter × period in the
        relational store, so the hourly and daily series of one parameter differ).
    tz, min_count, invalid_flags, invalid_qc_flags
        As in :func:`qingshan.timeseries.rollups.rollup_mean`.
    received_at : datetime, optional
        Arrival time stamped on the written rows [UTC]; default now.
    means : Means
        Where the means are computed: in this process (default) or on Dask
        (:func:`qingshan.scale.rollups.dask_means`); the rows are written here either way.

    Returns
    -------
    pandas.DataFrame
        The kernel's result (``count``, ``expected``, ``coverage``, ``valid`` …) with
        ``series_id`` the target ids, plus ``source_series_id``, ``revision`` and ``written``
        (False where the store already held the same row).

    Notes
    -----
    Written rows: ``value`` the mean if valid else null; ``raw_value`` the mean of whatever
    valid values there were (null if none); ``source_flag`` null; ``qc_flag`` 0; ``source``
    ``rollup:<source period>:<count>/<expected>``. Re-running over the same data writes nothing
    (identical rows are skipped); when late data changes a mean, the row is written with the
    stored revision + 1 so it wins under the re-send rule even if it equals an older mean.
    """
    if not series_map:
        raise QueryArgumentError("series_map is empty: nothing to roll up")
    t0, t1 = aligned_range(start, end, target_period, tz)
    result = means(
        store,
        stream,
        source_period,
        target_period,
        t0,
        t1,
        sorted(series_map),
        tz=tz,
        min_count=min_count,
        invalid_flags=invalid_flags,
        invalid_qc_flags=invalid_qc_flags,
    )
    return write_rollup(
        store,
        stream,
        result,
        series_map,
        source_period,
        target_period,
        t0,
        t1,
        received_at=received_at,
    )


def write_rollup(
    store: ObservationStore,
    stream: str,
    result: pd.DataFrame,
    series_map: Mapping[int, int],
    source_period: str,
    target_period: str,
    t0: datetime,
    t1: datetime,
    *,
    received_at: datetime | None = None,
) -> pd.DataFrame:
    """Append a roll-up kernel's ``result`` as rows of the target series (see :func:`rollup`).

    ``[t0, t1)`` must cover every period of ``result`` (the existing rows there are compared
    so that unchanged rows are not written again). Returns ``result`` with target ids,
    ``source_series_id``, ``revision`` and ``written``.
    """
    result = result.copy()
    result.insert(0, "source_series_id", result["series_id"])
    result["series_id"] = result["series_id"].map(dict(series_map)).astype("int64")
    rows = pd.DataFrame(
        {
            "series_id": result["series_id"],
            "time": result["time"],
            "period": target_period,
            "value": result["value"].where(result["valid"]),
            "raw_value": result["value"],
            "source_flag": pd.Series([None] * len(result), dtype=object, index=result.index),
            "qc_flag": np.zeros(len(result), dtype="int8"),
            "source": [
                rollup_source(source_period, c, e)
                for c, e in zip(result["count"], result["expected"], strict=True)
            ],
        }
    )
    old = store.scan(
        sorted(set(rows["series_id"])),
        t0,
        t1,
        period=target_period,
        streams=[stream],
        columns=[*PAYLOAD_COLUMNS, "source", "revision"],
    )
    merged = rows.merge(
        old, on=["series_id", "time"], how="left", suffixes=("", "_old"), indicator=True
    )
    same = merged["_merge"] == "both"
    for col in (*PAYLOAD_COLUMNS, "source"):
        a, b = merged[col], merged[f"{col}_old"]
        if col in ("value", "raw_value"):  # sums in another order differ in the last bits
            equal = np.isclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-12, atol=0.0)
        else:
            equal = (a == b).to_numpy(bool)
        same &= equal | (a.isna() & b.isna()).to_numpy(bool)
    old_rev = merged["revision"].fillna(-1).to_numpy()
    revision = np.where(same, old_rev, np.where(merged["_merge"] == "both", old_rev + 1, 0))
    rows["revision"] = revision.astype("int32")
    rows["written"] = ~same.to_numpy()
    result["revision"] = rows["revision"].to_numpy()
    result["written"] = rows["written"].to_numpy()
    todo = rows[rows["written"]].drop(columns="written")
    if len(todo):
        store.append(todo, stream, received_at=received_at or utcnow())
    return result
