"""The fast read path of the observation store: PyArrow row groups, resolution only where needed.

:meth:`~qingshan.timeseries.store.ObservationStore.scan` reads like this:

1. **Footer cache.** Each file's Parquet footer is read once per store and kept (files are
   immutable; the entry is keyed by path, size and mtime), together with each row group's
   min/max of ``series_id`` and ``time``. A file whose footer cannot be read, or whose columns
   differ from :data:`~qingshan.timeseries.schema.OBSERVATION_SCHEMA`, raises
   :class:`~qingshan.timeseries.errors.CorruptFileError` naming it — as DuckDB did.
2. **Pruning.** Only the row groups whose statistics overlap the requested series and time
   range are read (files with none are skipped), with ``pyarrow.parquet`` and page-checksum
   verification, then filtered exactly (series, ``start <= time < end``, period).
3. **Resolution only where needed.** The rows are sorted by the natural key. The re-send rule
   (:mod:`~qingshan.timeseries.revisions`) only ever chooses among rows of *one* natural key,
   and the filters above select whole keys (they test key columns only), so a key with a single
   row resolves to that row. Only the rows of keys that occur more than once are handed to the
   SQL form of the rule (:func:`~qingshan.timeseries.revisions.resolve_sql`, the same statement
   the general DuckDB path runs); the others pass through unchanged. With compacted or
   non-overlapping files that is usually no row at all.

The general path (everything in one DuckDB statement) is kept as
``ObservationStore._scan_table(..., engine="duckdb")``; the property tests check that both give
the same frames.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from qingshan.timeseries import layout
from qingshan.timeseries.errors import CorruptFileError
from qingshan.timeseries.layout import FS
from qingshan.timeseries.schema import NATURAL_KEY, OBSERVATION_SCHEMA

_I64_MIN = np.iinfo(np.int64).min
_I64_MAX = np.iinfo(np.int64).max
_EXPECTED = [(f.name, f.type) for f in OBSERVATION_SCHEMA]
_SORT = [(c, "ascending") for c in NATURAL_KEY]


_PARALLEL_ROW_GROUPS = 4
"""Read files on the thread pool when a read touches at least this many row groups."""
_PARALLEL_TAKE_ROWS = 262_144
"""Reorder the columns of a read on the thread pool when it has at least this many rows."""
_POOL: tuple[int, ThreadPoolExecutor] | None = None  # (pid, pool): a forked child makes its own
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL[0] != os.getpid():
            workers = min(8, os.cpu_count() or 1)
            _POOL = (os.getpid(), ThreadPoolExecutor(workers, thread_name_prefix="qingshan-read"))
        return _POOL[1]


class FilesChanged(Exception):
    """A listed file vanished during a read (a compaction finished): list again and retry."""


@dataclass(frozen=True)
class FileInfo:
    """What the reader keeps of one file's footer."""

    metadata: pq.FileMetaData
    num_rows: np.ndarray  # per row group
    sid_min: np.ndarray  # per row group; int64 limits where statistics are missing
    sid_max: np.ndarray
    t_min: np.ndarray  # µs since the epoch, UTC
    t_max: np.ndarray

    def row_groups(self, ids: Sequence[int] | None, t0: int | None, t1: int | None) -> list[int]:
        """Row groups that may hold rows of ``ids`` with ``t0 <= time < t1`` (µs)."""
        mask = self.num_rows > 0
        if ids is not None:
            arr = np.asarray(ids, dtype=np.int64)  # sorted
            pos = np.searchsorted(arr, self.sid_min, side="left")
            inside = pos < len(arr)
            mask &= inside & (arr[np.minimum(pos, len(arr) - 1)] <= self.sid_max)
        if t0 is not None:
            mask &= self.t_max >= t0
        if t1 is not None:
            mask &= self.t_min < t1
        return np.flatnonzero(mask).tolist()


def _stats(md: pq.FileMetaData, name: str, micros: bool) -> tuple[np.ndarray, np.ndarray]:
    n = md.num_row_groups
    lo, hi = np.full(n, _I64_MIN, np.int64), np.full(n, _I64_MAX, np.int64)
    if not micros:
        return lo, hi
    idx = md.schema.names.index(name)
    for i in range(n):
        st = md.row_group(i).column(idx).statistics
        if st is not None and st.has_min_max:
            lo[i], hi[i] = int(st.min_raw), int(st.max_raw)
    return lo, hi


def _load(path: PurePath, fs: FS | None) -> FileInfo:
    try:
        md = pq.read_metadata(layout.parquet_source(path, fs))
        schema = md.schema.to_arrow_schema()
    except FileNotFoundError as exc:
        raise FilesChanged() from exc
    except (OSError, pa.ArrowException) as exc:
        if not layout.exists(path, fs):
            raise FilesChanged() from exc
        raise CorruptFileError(path, f"{type(exc).__name__}: {exc}") from exc
    got = [(f.name, f.type) for f in schema]
    if got != _EXPECTED:
        raise CorruptFileError(
            path,
            "columns differ from OBSERVATION_SCHEMA: has " + ", ".join(f"{n} {t}" for n, t in got),
        )
    time_type = md.schema.column(md.schema.names.index("time")).logical_type.to_json()
    sid_lo, sid_hi = _stats(md, "series_id", True)
    t_lo, t_hi = _stats(md, "time", '"microseconds"' in time_type.replace(" ", ""))
    rows = np.array([md.row_group(i).num_rows for i in range(md.num_row_groups)], np.int64)
    return FileInfo(md, rows, sid_lo, sid_hi, t_lo, t_hi)


class FooterCache:
    """Per-store LRU cache of :class:`FileInfo`, keyed by path and validated by size and mtime.

    Bounded by entries and by row groups in total (a footer costs ~1 kB per row group: the
    default 65,536 row groups are ~70 MB, e.g. 190 compacted partitions of 2.9M rows).
    """

    def __init__(
        self, maxsize: int = 16_384, max_row_groups: int = 65_536, *, fs: FS | None = None
    ) -> None:
        self.fs = fs  # the store's filesystem (None: local, through os)
        self.maxsize = maxsize
        self.max_row_groups = max_row_groups
        self._items: OrderedDict[str, tuple[int, int, FileInfo]] = OrderedDict()
        self._row_groups = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def _stat(self, path: PurePath) -> tuple[int, int]:
        """(size, mtime [ns]) of ``path``; FilesChanged if it is gone."""
        try:
            if layout.is_local(self.fs):
                st = os.stat(path)
                return st.st_size, st.st_mtime_ns
            assert self.fs is not None
            info = self.fs.info(str(path))
        except FileNotFoundError as exc:
            raise FilesChanged() from exc
        return int(info["size"]), int(layout.mtime(path, self.fs) * 1e9)

    def get(self, path: PurePath) -> FileInfo:
        """The footer of ``path``; raises FilesChanged if it is gone, CorruptFileError if bad."""
        size, mtime_ns = self._stat(path)
        key = str(path)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] == size and hit[1] == mtime_ns:
                self._items.move_to_end(key)
                return hit[2]
        info = _load(path, self.fs)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._row_groups -= len(old[2].num_rows)
            self._items[key] = (size, mtime_ns, info)
            self._row_groups += len(info.num_rows)
            while len(self._items) > 1 and (
                len(self._items) > self.maxsize or self._row_groups > self.max_row_groups
            ):
                _, (_, _, gone) = self._items.popitem(last=False)
                self._row_groups -= len(gone.num_rows)
        return info


def read_rows(
    cache: FooterCache,
    files: Sequence[tuple[PurePath, str]],
    ids: Sequence[int] | None,
    t0: int | None,
    t1: int | None,
    period: str | None,
    columns: Sequence[str],
) -> pa.Table | None:
    """Rows of ``files`` (path, stream) matching the filters, unresolved and unsorted.

    ``columns`` are observation columns (``stream`` is added if listed). ``None`` when no row
    group can match.
    """
    obs_cols = [c for c in columns if c != "stream"]
    tasks: list[tuple[PurePath, str, FileInfo, list[int]]] = []  # path, stream, footer, row groups
    for path, stream in files:
        info = cache.get(path)
        rgs = info.row_groups(ids, t0, t1)
        if rgs:
            tasks.append((path, stream, info, rgs))

    def one(task: tuple[PurePath, str, FileInfo, list[int]]) -> pa.Table | None:
        path, stream, info, rgs = task
        try:
            pf = pq.ParquetFile(
                layout.parquet_source(path, cache.fs),
                metadata=info.metadata,
                page_checksum_verification=True,
            )
            table = pf.read_row_groups(rgs, columns=obs_cols, use_threads=len(tasks) == 1)
        except FileNotFoundError as exc:
            raise FilesChanged() from exc
        except (OSError, pa.ArrowException) as exc:
            if not layout.exists(path, cache.fs):
                raise FilesChanged() from exc
            raise CorruptFileError(path, f"{type(exc).__name__}: {exc}") from exc
        # the footer statistics tell when every row read is inside the time range: a whole-
        # partition scan then filters nothing (a filter copies every column)
        inside0 = t0 is None or bool((info.t_min[rgs] >= t0).all())
        inside1 = t1 is None or bool((info.t_max[rgs] < t1).all())
        mask = _mask(table, ids, None if inside0 else t0, None if inside1 else t1, period)
        if mask is not None and not pc.all(mask).as_py():
            table = table.filter(mask)
        if table.num_rows == 0:
            return None
        if "stream" in columns:
            table = table.append_column(
                pa.field("stream", pa.string()), pa.repeat(pa.scalar(stream), table.num_rows)
            )
        return table.select(list(columns)).cast(_target(columns))

    if len(tasks) > 1 and sum(len(t[3]) for t in tasks) >= _PARALLEL_ROW_GROUPS:
        results = list(_pool().map(one, tasks))
    else:
        results = [one(t) for t in tasks]
    parts = [t for t in results if t is not None]
    if not parts:
        return None
    return pa.concat_tables(parts) if len(parts) > 1 else parts[0]


def distinct_series(cache: FooterCache, files: Sequence[PurePath], period: str | None) -> list[int]:
    """Sorted distinct ``series_id`` of ``files`` (rows of ``period`` only, if given)."""
    found: set[int] = set()
    for path in files:
        info = cache.get(path)
        if not info.row_groups(None, None, None):
            continue
        cols = ["series_id"] if period is None else ["series_id", "period"]
        try:
            pf = pq.ParquetFile(
                layout.parquet_source(path, cache.fs),
                metadata=info.metadata,
                page_checksum_verification=True,
            )
            table = pf.read(columns=cols)
        except FileNotFoundError as exc:
            raise FilesChanged() from exc
        except (OSError, pa.ArrowException) as exc:
            if not layout.exists(path, cache.fs):
                raise FilesChanged() from exc
            raise CorruptFileError(path, f"{type(exc).__name__}: {exc}") from exc
        if period is not None:
            table = table.filter(pc.equal(table.column("period"), pa.scalar(period)))
        found.update(pc.unique(table.column("series_id")).to_pylist())
    return sorted(found)


def _target(columns: Sequence[str]) -> pa.Schema:
    fields = [
        pa.field(c, pa.string()) if c == "stream" else OBSERVATION_SCHEMA.field(c) for c in columns
    ]
    return pa.schema(fields)


def _mask(
    table: pa.Table,
    ids: Sequence[int] | None,
    t0: int | None,
    t1: int | None,
    period: str | None,
) -> pa.ChunkedArray | None:
    """The rows of ``table`` within the filters (times [µs since the epoch]), or None for all."""
    conds = []
    if ids is not None:
        conds.append(pc.is_in(table.column("series_id"), value_set=pa.array(ids, pa.int64())))
    ts = pa.timestamp("us", tz="UTC")
    if t0 is not None:
        conds.append(pc.greater_equal(table.column("time"), pa.scalar(t0, ts)))
    if t1 is not None:
        conds.append(pc.less(table.column("time"), pa.scalar(t1, ts)))
    if period is not None:
        conds.append(pc.equal(table.column("period"), pa.scalar(period)))
    if not conds:
        return None
    mask = conds[0]
    for c in conds[1:]:
        mask = pc.and_(mask, c)
    return mask


def duplicate_mask(table: pa.Table) -> np.ndarray | None:
    """For a table sorted by the natural key: rows whose key occurs more than once (or None)."""
    n = table.num_rows
    if n < 2:
        return None
    sid = table.column("series_id").to_numpy()
    tm = table.column("time").cast(pa.int64()).to_numpy()
    same = (sid[1:] == sid[:-1]) & (tm[1:] == tm[:-1])
    cand = np.flatnonzero(same)
    if len(cand) == 0:
        return None
    period = table.column("period")
    a = pc.take(period, pa.array(cand)).to_numpy(zero_copy_only=False)
    b = pc.take(period, pa.array(cand + 1)).to_numpy(zero_copy_only=False)
    cand = cand[a == b]
    if len(cand) == 0:
        return None
    dup = np.zeros(n, dtype=bool)
    dup[cand] = True
    dup[cand + 1] = True
    return dup


def _take(table: pa.Table, order: np.ndarray) -> pa.Table:
    """``table.take(order)``, one column per pool thread when the table is large (the take is
    a third of a whole-month scan; PyArrow releases the GIL)."""
    idx = pa.array(order)
    if table.num_rows < _PARALLEL_TAKE_ROWS:
        return table.take(idx)
    columns = list(_pool().map(lambda c: pc.take(c, idx), table.columns))
    return pa.Table.from_arrays(columns, schema=table.schema)


def sort_by_key(table: pa.Table) -> pa.Table:
    """``table`` sorted by the natural key (series_id, time, period).

    A whole-partition scan concatenates files that are each sorted already (appends and
    compactions write them so) and, across UTC dates, disjoint in time: the order is then one
    stable argsort by ``(series_id, time)`` over int64 arrays (NumPy's ``lexsort``), with no
    string comparison — or nothing at all when the rows are in order already (one partition).
    Only where two rows share ``(series_id, time)`` is ``period`` compared; if such a pair is
    out of order the general Arrow sort is used.
    """
    n = table.num_rows
    if n < 2:
        return table
    sid = table.column("series_id").to_numpy()
    tm = table.column("time").cast(pa.int64()).to_numpy()
    if not _ordered(table, sid, tm):
        order = np.lexsort((tm, sid))
        sid, tm = sid[order], tm[order]
        table = _take(table, order)
        if not _ordered(table, sid, tm):
            return table.sort_by(_SORT)
    return table


def _ordered(table: pa.Table, sid: np.ndarray, tm: np.ndarray) -> bool:
    """Whether the rows are sorted by (series_id, time, period)."""
    ds, dt = np.diff(sid), np.diff(tm)
    if (ds < 0).any() or ((ds == 0) & (dt < 0)).any():
        return False
    ties = np.flatnonzero((ds == 0) & (dt == 0))
    if len(ties) == 0:
        return True
    period = table.column("period")
    a = pc.take(period, pa.array(ties)).to_numpy(zero_copy_only=False)
    b = pc.take(period, pa.array(ties + 1)).to_numpy(zero_copy_only=False)
    return bool((a <= b).all())


def resolve(table: pa.Table, resolve_dups: Callable[[pa.Table], pa.Table]) -> pa.Table:
    """Sort ``table`` by the natural key and apply the re-send rule to the repeated keys only.

    ``resolve_dups`` applies the rule to a table holding every row of some keys (the SQL form,
    run by the store's DuckDB connection).
    """
    table = sort_by_key(table)
    dup = duplicate_mask(table)
    if dup is None:
        return table
    keep = table.filter(pa.array(~dup))
    resolved = resolve_dups(table.filter(pa.array(dup)))
    resolved = resolved.select(table.column_names).cast(table.schema)
    return pa.concat_tables([keep, resolved]).sort_by(_SORT)


__all__ = [
    "FileInfo",
    "FilesChanged",
    "FooterCache",
    "distinct_series",
    "duplicate_mask",
    "read_rows",
    "resolve",
    "sort_by_key",
]
