"""Roll-ups on Dask: the kernels of :mod:`qingshan.timeseries.rollups` over the Parquet dataset.

One Dask partition is one hive partition (stream, UTC date): every row of a natural key lives in
one hive partition, so the re-send rule (:func:`~qingshan.timeseries.revisions.resolve_revisions`)
is exact per partition. A CST day spans two UTC dates, so each partition yields *partial* sums
(:func:`~qingshan.timeseries.rollups.rollup_partial`), which a group-by adds up before
:func:`~qingshan.timeseries.rollups.rollup_finalize` turns them into means with coverage.

Run by hand (a LocalCluster needs the ``__main__`` guard)::

    python -m qingshan.scale.rollups ROOT STREAM hour day 2024-01-01T00:00+08:00 2024-02-01T00:00+08:00
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Collection
from datetime import datetime, tzinfo
from pathlib import Path

import dask.dataframe as dd
import pandas as pd

from qingshan.timeseries import layout
from qingshan.timeseries.rollup_job import Means, aligned_range
from qingshan.timeseries.rollups import (
    HJ212_INVALID_FLAGS,
    rollup_finalize,
    rollup_partial,
)
from qingshan.timeseries.schema import COLUMNS, OBSERVATION_SCHEMA
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

PARTIAL_META = pd.DataFrame(
    {
        "series_id": pd.Series(dtype="int64"),
        "time": pd.Series(dtype="datetime64[us, UTC]"),
        "total": pd.Series(dtype="float64"),
        "count": pd.Series(dtype="int64"),
    }
)


_STORES: dict[str, ObservationStore] = {}
"""One store per dataset location and process: a worker keeps its footer cache across tasks."""
_STORES_LOCK = threading.Lock()


def _store(root: str) -> ObservationStore:
    with _STORES_LOCK:
        store = _STORES.get(root)
        if store is None:
            store = _STORES[root] = ObservationStore(root)
        return store


def read_partition(
    part: tuple[str, str],
    root: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    period: str | None = None,
    series_ids: frozenset[int] | None = None,
) -> pd.DataFrame:
    """Resolved observation rows of one hive partition within [start, end) (I/O + kernel).

    Reads through the store's fast path (:mod:`qingshan.timeseries.reader`: cached footers,
    row-group pruning, the re-send rule on repeated keys only), not a whole-file read and a
    pandas re-sort: a compacted partition is read in the order it is stored. ``root`` is the
    dataset's local path or fsspec URL (``ObservationStore.url``).

    Returns
    -------
    pandas.DataFrame
        The observation columns, one row per natural key, sorted by the key, fresh index.

    Raises
    ------
    CorruptFileError
        A file of the partition cannot be read.
    """
    stream, day = part
    d0 = pd.Timestamp(day, tz="UTC")
    t0 = max(pd.Timestamp(start).tz_convert("UTC"), d0)
    t1 = min(pd.Timestamp(end).tz_convert("UTC"), d0 + pd.Timedelta(days=1))
    if t1 <= t0 or (series_ids is not None and not series_ids):
        return OBSERVATION_SCHEMA.empty_table().to_pandas()
    ids = None if series_ids is None else sorted(series_ids)
    return _store(root).scan(ids, t0, t1, period=period, columns=list(COLUMNS), streams=[stream])


def observations(
    root: Path | str,
    stream: str,
    start: datetime,
    end: datetime,
    *,
    period: str | None = None,
    series_ids: Collection[int] | None = None,
) -> dd.DataFrame:
    """A Dask DataFrame of resolved observations, one partition per (stream, UTC date);
    ``root`` is the dataset's local path or fsspec URL."""
    t0, t1 = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")
    last = (t1 - pd.Timedelta(microseconds=1)).date().isoformat()
    fs, path = layout.resolve_root(root)
    parts = layout.list_partitions(path, [stream], t0.date().isoformat(), last, fs=fs)
    meta = OBSERVATION_SCHEMA.empty_table().to_pandas()
    if not parts:
        return dd.from_pandas(meta, npartitions=1)
    ids = None if series_ids is None else frozenset(int(s) for s in series_ids)
    return dd.from_map(
        read_partition,
        [(p.stream, p.date) for p in parts],
        root=str(root),
        start=t0,
        end=t1,
        period=period,
        series_ids=ids,
        meta=meta,
        enforce_metadata=False,
    )


def rollup_frame(
    root: Path | str,
    stream: str,
    source_period: str,
    target_period: str,
    start: datetime,
    end: datetime,
    *,
    series_ids: Collection[int] | None = None,
    tz: tzinfo = CST,
    min_count: int | None = None,
    invalid_flags: Collection[str] = HJ212_INVALID_FLAGS,
    invalid_qc_flags: Collection[int] = frozenset(),
) -> dd.DataFrame:
    """Lazy means with coverage over [start, end) widened to whole target periods.

    Same parameters and result columns as :func:`qingshan.timeseries.rollups.rollup_mean`;
    compute it with any Dask scheduler (``.compute(scheduler="synchronous")`` or a cluster).
    """
    t0, t1 = aligned_range(start, end, target_period, tz)
    obs = observations(root, stream, t0, t1, period=source_period, series_ids=series_ids)
    partial = obs.map_partitions(
        rollup_partial,
        source_period,
        target_period,
        tz=tz,
        invalid_flags=invalid_flags,
        invalid_qc_flags=invalid_qc_flags,
        meta=PARTIAL_META,
    )
    summed = partial.groupby(["series_id", "time"]).agg({"total": "sum", "count": "sum"})
    summed = summed.reset_index()
    meta = rollup_finalize(PARTIAL_META, source_period, target_period, tz=tz, min_count=1)
    return summed.map_partitions(
        rollup_finalize, source_period, target_period, tz=tz, min_count=min_count, meta=meta
    )


def dask_means(scheduler: str | None = None) -> Means:
    """The means of :func:`qingshan.timeseries.rollup_job.rollup` computed on Dask
    (:func:`rollup_frame`); ``scheduler`` is passed to ``compute`` (None: the active client, if
    any, else threads). The driver writes the result in its own process::

        rollup(store, "air", "hour", "day", start, end, series_map, means=dask_means())
    """

    def means(
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
        lazy = rollup_frame(
            store.url,
            stream,
            source_period,
            target_period,
            t0,
            t1,
            series_ids=series_ids,
            tz=tz,
            min_count=min_count,
            invalid_flags=invalid_flags,
            invalid_qc_flags=invalid_qc_flags,
        )
        result = lazy.compute(scheduler=scheduler).sort_values(["series_id", "time"])
        return result.reset_index(drop=True)

    return means


def main(argv: list[str] | None = None) -> None:
    """Print a roll-up computed on a LocalCluster (``python -m qingshan.scale.rollups``)."""
    from dask.distributed import Client, LocalCluster

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("root", type=Path)
    p.add_argument("stream")
    p.add_argument("source_period")
    p.add_argument("target_period")
    p.add_argument("start", type=datetime.fromisoformat)
    p.add_argument("end", type=datetime.fromisoformat)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    with LocalCluster(n_workers=args.workers, threads_per_worker=1) as cluster, Client(cluster):
        frame = rollup_frame(
            args.root, args.stream, args.source_period, args.target_period, args.start, args.end
        ).compute()
    print(frame.to_string(max_rows=50))


if __name__ == "__main__":
    main()
