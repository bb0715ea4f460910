"""The observation store: every value of every monitoring stream, in Parquet.

The dataset lives under ``root`` as ``stream=<stream>/date=<YYYY-MM-DD>/*.parquet`` (hive
partitions; ``date`` is the UTC date of ``time``), one row per :data:`OBSERVATION_SCHEMA` row.
:meth:`ObservationStore.append` writes whole new files atomically (temporary file, fsync,
rename); it never touches an existing file. Reads list the files of the partitions in range,
prune row groups by the cached footer statistics of ``series_id`` and ``time``, read the rest
with PyArrow and resolve re-sends on the repeated keys only (:mod:`~qingshan.timeseries.reader`);
compaction and the resolution of repeated keys run on one DuckDB connection per store, one
cursor per thread.

Re-sent values
--------------
Rows sharing the natural key ``(series_id, time, period)`` are resolved on read by the rule in
:mod:`qingshan.timeseries.revisions`: the highest ``revision`` wins; within a revision an
identical re-send (same ``value``, ``raw_value``, ``source_flag``, ``qc_flag``) is a no-op and
readers see its first arrival; a different content is newer and wins if it first arrived later.
Reads depend only on the set of rows appended, never on their order, batching or compaction.

Corruption
----------
A file that cannot be read (bad footer, foreign columns, a data page failing its checksum)
raises :class:`CorruptFileError` naming it; :meth:`verify` lists the bad files (``deep=True``
also checks the page checksums of pages no read has touched).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from pathlib import Path, PurePath

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qingshan.timeseries import compaction, layout, reader, resend
from qingshan.timeseries.compaction import CompactionResult
from qingshan.timeseries.errors import (
    CorruptFileError,
    QueryArgumentError,
    StoreIOError,
)
from qingshan.timeseries.layout import Partition
from qingshan.timeseries.reader import FilesChanged as _FilesChanged
from qingshan.timeseries.revisions import resolve_sql
from qingshan.timeseries.schema import COLUMNS, NATURAL_KEY, OBSERVATION_SCHEMA, PERIODS
from qingshan.timeseries.validate import check_stream, to_observation_table
from qingshan.timeutil import utcnow

READ_COLUMNS = (*COLUMNS, "stream")
"""Columns a read can return: the observation columns and the partition column ``stream``."""

_RETRIES = 3


def _utc(value: datetime | pd.Timestamp, name: str) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        raise QueryArgumentError(f"{name} must be timezone-aware (UTC), got naive {value!r}")
    return ts.tz_convert("UTC")


def _ids(series_ids: int | Iterable[int] | None) -> list[int] | None:
    if series_ids is None:
        return None
    if isinstance(series_ids, int | pd.Int64Dtype().type):
        series_ids = [series_ids]
    try:
        return sorted({int(s) for s in series_ids})
    except (TypeError, ValueError) as exc:
        raise QueryArgumentError(f"series_ids must be integers: {exc}") from exc


def _period(period: str | None) -> str | None:
    if period is not None and period not in PERIODS:
        raise QueryArgumentError(f"unknown period {period!r}; known: {list(PERIODS)}")
    return period


def _empty_frame(columns: Sequence[str]) -> pd.DataFrame:
    fields = [
        OBSERVATION_SCHEMA.field(c) if c != "stream" else pa.field(c, pa.string()) for c in columns
    ]
    return pa.schema(fields).empty_table().to_pandas()


class ObservationStore:
    """The Parquet observation dataset under ``root``.

    Parameters
    ----------
    root : Path or str
        Directory of the dataset (created on first append): a local path, or any fsspec URL
        (``file:///…``, ``s3://bucket/lake``, ``memory://…``) — every file operation goes
        through that filesystem (:mod:`~qingshan.timeseries.layout`), so the dataset may sit
        on storage that every worker of a cluster sees.
    compression : str
        Parquet codec of compacted files (``"zstd"`` by default).
    append_compression : str
        Parquet codec of appended files, which compaction soon rewrites (``"snappy"``: faster).

    Notes
    -----
    Safe for several writers (each writes its own files) and concurrent readers, in one or many
    processes; a read that races a compaction's file deletion retries on the new file list.
    """

    def __init__(
        self,
        root: Path | str,
        *,
        compression: str = "zstd",
        append_compression: str = "snappy",
    ) -> None:
        self.fs, self.root = layout.resolve_root(root)
        """fsspec filesystem of the dataset; None: local (through ``os``, fsync, rename)."""
        self.compression = compression
        self.append_compression = append_compression
        self._con = duckdb.connect(":memory:")
        self._con.execute("SET TimeZone = 'UTC'")
        self._con.execute("SET parquet_metadata_cache = true")  # files are immutable
        self._lock = threading.Lock()
        self._local = threading.local()  # one DuckDB cursor per thread, reused
        if self.fs is not None:
            self._con.register_filesystem(self.fs)
        self._footers = reader.FooterCache(fs=self.fs)
        self._engine = "arrow"  # "duckdb": the general path (kept for tests and comparison)

    def __repr__(self) -> str:
        return f"ObservationStore({self.url!r})"

    @property
    def url(self) -> str:
        """Where the dataset lives: its local path, or its fsspec URL."""
        if self.fs is None:
            return str(self.root)
        return str(self.fs.unstrip_protocol(str(self.root)))

    def close(self) -> None:
        """Close the DuckDB connection and drop the footer cache (the files stay as they are)."""
        self._con.close()
        self._footers = reader.FooterCache(fs=self.fs)

    # ------------------------------------------------------------------ writing
    def append(
        self,
        rows: pa.Table | pd.DataFrame,
        stream: str,
        *,
        received_at: datetime | None = None,
    ) -> int:
        """Validate ``rows`` and write them as new files of ``stream``.

        Parameters
        ----------
        rows : pyarrow.Table or pandas.DataFrame
            Observation rows (see :func:`~qingshan.timeseries.validate.to_observation_table`
            for optional columns and defaults).
        stream : str
            Stream kind (``air``, ``water``, ``gas_outlet`` …), a partition name.
        received_at : datetime, optional
            Arrival time for rows without a ``received_at`` column [UTC]; default now.

        Returns
        -------
        int
            Number of rows written.

        Raises
        ------
        ObservationValidationError
            Bad rows; nothing is written.
        """
        check_stream(stream)
        table = to_observation_table(rows, received_at=received_at or utcnow())
        if table.num_rows == 0:
            return 0
        days = pc.cast(table.column("time"), pa.date32())  # UTC date: the tz is UTC
        temps = []
        try:
            for day in pc.unique(days).to_pylist():
                part = table.filter(pc.equal(days, pa.scalar(day, pa.date32())))
                part = part.sort_by([("series_id", "ascending"), ("time", "ascending")])
                directory = Partition(stream, day.isoformat()).path(self.root)
                temps.append(
                    layout.write_temp(part, directory, "part", self.append_compression, self.fs)
                )
        except BaseException:
            layout.discard((t for t, _ in temps), self.fs)
            raise
        layout.publish(temps, self.fs)
        return int(table.num_rows)

    def append_new(
        self,
        rows: pa.Table | pd.DataFrame,
        stream: str,
        *,
        check: np.ndarray | None = None,
        received_at: datetime | None = None,
    ) -> int:
        """:meth:`append` only the rows that change what a read returns: a row whose key
        already holds a higher revision, or the same content that arrived first (in the store
        or earlier in ``rows``), is left out (:mod:`~qingshan.timeseries.resend`) — a re-sent
        packet is stored once physically, and every read is exactly as after :meth:`append`.

        ``check`` (bool per row, default all) marks the rows that may have a stored twin; the
        others are only compared within ``rows``. Returns the number of rows written.
        """
        check_stream(stream)
        table = to_observation_table(rows, received_at=received_at or utcnow())
        if table.num_rows == 0:
            return 0
        keep = resend.new_rows(self.root, self._footers, table, stream, check)
        if not keep.all():
            table = table.filter(pa.array(keep))
        return self.append(table, stream)

    def lock(self, name: str) -> AbstractContextManager[None]:
        """An exclusive lock ``<root>/.<name>.lock`` shared by every process using this store:
        writers that look at the store before appending (:meth:`append_new`) hold one around
        look-up and append, so that two of them never both find a row missing."""
        return resend.writer_lock(self.root, name, self.fs)

    # ------------------------------------------------------------------ reading
    def partitions(self, stream: str | None = None) -> list[Partition]:
        """The partitions of the dataset (of one stream if given)."""
        return layout.list_partitions(self.root, None if stream is None else [stream], fs=self.fs)

    def files(self, stream: str | None = None, date: str | None = None) -> list[PurePath]:
        """The visible Parquet files, optionally of one stream and one UTC date."""
        parts = layout.list_partitions(
            self.root, None if stream is None else [stream], date, date, fs=self.fs
        )
        return layout.list_files(self.root, parts, fs=self.fs)

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the store's DuckDB connection (created once per thread)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            with self._lock:
                cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    def duckdb_path(self, path: PurePath) -> str:
        """``path`` as the store's DuckDB connection reads it (a URL on a registered fsspec
        filesystem, else the local path)."""
        return str(path) if self.fs is None else str(self.fs.unstrip_protocol(str(path)))

    def _run(self, sql: str, params: dict[str, object], files: list[PurePath]) -> pa.Table:
        """Run ``sql`` (reading ``$files``) and map read failures to named errors."""
        cur = self._cursor()
        try:
            return cur.sql(
                sql, params={**params, "files": [self.duckdb_path(f) for f in files]}
            ).to_arrow_table()
        except duckdb.Error as exc:
            if any(not layout.exists(f, self.fs) for f in files):
                raise _FilesChanged() from exc
            message = str(exc)
            for f in files:
                if str(f) in message:
                    raise CorruptFileError(f, message) from exc
            layout.raise_if_corrupt(files, fs=self.fs)
            layout.raise_if_corrupt(files, deep=True, fs=self.fs)
            raise StoreIOError(f"reading the observation dataset failed: {message}") from exc

    def _resolve_dups(self, table: pa.Table) -> pa.Table:
        """The re-send rule (its SQL form) applied to ``table``, which holds whole keys."""
        cur = self._cursor()
        name = f"_dups_{threading.get_ident()}"
        cur.register(name, table)
        try:
            return cur.sql(resolve_sql(name)).to_arrow_table()
        finally:
            cur.unregister(name)

    def scan(
        self,
        series_ids: Iterable[int] | None,
        start: datetime | None,
        end: datetime | None,
        *,
        period: str | None = None,
        columns: Sequence[str] | None = None,
        streams: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """Resolved rows (re-send rule applied), sorted by series, time and period.

        The general form of :meth:`query`: ``None`` for ``series_ids``, ``start`` or ``end``
        means no limit; ``streams`` limits the partitions read.
        """
        ids, period = _ids(series_ids), _period(period)
        cols = list(READ_COLUMNS if columns is None else columns)
        unknown = [c for c in cols if c not in READ_COLUMNS]
        if unknown:
            raise QueryArgumentError(f"unknown column(s) {unknown}; known: {list(READ_COLUMNS)}")
        out_cols = [c for c in ("series_id", "time") if c not in cols] + cols
        t0 = None if start is None else _utc(start, "start")
        t1 = None if end is None else _utc(end, "end")
        if t0 is not None and t1 is not None and t1 <= t0:
            raise QueryArgumentError(f"empty range: end {t1} is not after start {t0}")
        if ids == []:
            return _empty_frame(out_cols)
        table = self._scan_table(ids, t0, t1, period, out_cols, streams, self._engine)
        if table is None:
            return _empty_frame(out_cols)
        return _to_pandas(table, out_cols)

    def _scan_table(
        self,
        ids: list[int] | None,
        t0: pd.Timestamp | None,
        t1: pd.Timestamp | None,
        period: str | None,
        out_cols: list[str],
        streams: Iterable[str] | None,
        engine: str = "arrow",
    ) -> pa.Table | None:
        """Resolved, sorted rows as Arrow (``None`` if there are none).

        ``engine="arrow"``: the fast path of :mod:`~qingshan.timeseries.reader` (footer
        pruning, PyArrow reads, the re-send rule on repeated keys only). ``engine="duckdb"``:
        the general path, one DuckDB statement applying the rule to every row in range. Both
        give the same rows (property-tested).
        """
        first = None if t0 is None else t0.date().isoformat()
        last = None if t1 is None else (t1 - timedelta(microseconds=1)).date().isoformat()
        p0 = None if t0 is None else t0.to_pydatetime()
        p1 = None if t1 is None else t1.to_pydatetime()
        for attempt in range(_RETRIES + 1):
            parts = layout.list_partitions(self.root, streams, first, last, fs=self.fs)
            try:
                if engine == "arrow":
                    return self._read_arrow(parts, ids, p0, p1, period, out_cols)
                files = layout.list_files(self.root, parts, fs=self.fs)
                if not files:
                    return None
                return self._read_duckdb(files, ids, p0, p1, period, out_cols)
            except _FilesChanged as exc:
                if attempt == _RETRIES:
                    raise StoreIOError("files kept vanishing while reading") from exc.__cause__
        raise AssertionError("unreachable")

    def _read_arrow(
        self,
        parts: list[Partition],
        ids: list[int] | None,
        p0: datetime | None,
        p1: datetime | None,
        period: str | None,
        out_cols: list[str],
    ) -> pa.Table | None:
        files = [
            (f, p.stream) for p in parts for f in layout.list_files(self.root, [p], fs=self.fs)
        ]
        if not files:
            return None
        us0 = None if p0 is None else _micros(p0)
        us1 = None if p1 is None else _micros(p1)
        cols = [*COLUMNS, "stream"] if "stream" in out_cols else list(COLUMNS)
        table = reader.read_rows(self._footers, files, ids, us0, us1, period, cols)
        if table is None:
            return None
        return reader.resolve(table, self._resolve_dups).select(out_cols)

    def _read_duckdb(
        self,
        files: list[PurePath],
        ids: list[int] | None,
        p0: datetime | None,
        p1: datetime | None,
        period: str | None,
        out_cols: list[str],
    ) -> pa.Table:
        where: list[str] = ["TRUE"]
        params: dict[str, object] = {}
        if ids is not None:
            where.append(f"series_id BETWEEN {ids[0]} AND {ids[-1]}")
            where.append(f"series_id IN ({', '.join(map(str, ids))})")
        if p0 is not None:
            where.append("time >= $t0")
            params["t0"] = p0
        if p1 is not None:
            where.append("time < $t1")
            params["t1"] = p1
        if period is not None:
            where.append("period = $period")
            params["period"] = period
        hive = (
            ", hive_partitioning = true, hive_types = {'date': VARCHAR}"
            if "stream" in out_cols
            else ", hive_partitioning = false"
        )
        source = f"(SELECT * FROM read_parquet($files{hive}) WHERE {' AND '.join(where)})"
        select = ", ".join(out_cols)
        sql = f"SELECT {select} FROM ({resolve_sql(source)}) ORDER BY {', '.join(NATURAL_KEY)}"
        return self._run(sql, params, files)

    def query(
        self,
        series_ids: int | Iterable[int],
        start: datetime,
        end: datetime,
        period: str | None = None,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Observations of ``series_ids`` with ``start <= time < end``.

        Parameters
        ----------
        series_ids : int or iterable of int
            Series to read.
        start, end : datetime
            Half-open range of ``time`` [tz-aware; UTC inside].
        period : str, optional
            Only rows of this period (``rtd``, ``min``, ``hour``, ``day``, ``month``, ``year``).
        columns : sequence of str, optional
            Columns to return (observation columns and ``stream``); ``series_id`` and ``time``
            are always included. Default: all.

        Returns
        -------
        pandas.DataFrame
            One row per natural key as resolved by the re-send rule, sorted by ``series_id``,
            ``time`` (then ``period``); ``time`` and ``received_at`` as ``datetime64[us, UTC]``.

        Raises
        ------
        QueryArgumentError
            Naive datetimes, ``end <= start``, unknown period or column.
        CorruptFileError
            A file in range cannot be read.
        """
        return self.scan(_ids(series_ids), start, end, period=period, columns=columns)

    def latest(
        self, series_ids: int | Iterable[int] | None = None, period: str | None = None
    ) -> pd.DataFrame:
        """The latest resolved row (greatest ``time``) of each series.

        Parameters
        ----------
        series_ids : int or iterable of int, optional
            Series to look up; default all series in the dataset.
        period : str, optional
            Only rows of this period.

        Returns
        -------
        pandas.DataFrame
            One row per series that has data, all observation columns plus ``stream``, sorted
            by ``series_id``. Series without rows are absent.
        """
        ids, period = _ids(series_ids), _period(period)
        dates = sorted(
            {p.date for p in layout.list_partitions(self.root, fs=self.fs)}, reverse=True
        )
        if ids is None and self._engine == "duckdb":  # every series: one pass over everything
            return _latest_of(self.scan(None, None, None, period=period))
        if ids is None:  # every series that has a row (resolution never removes a whole key)
            ids = self._series_ids(period)
        found, wanted = [], set(ids)
        step = 1
        while dates and wanted:  # walk back from the newest dates until every series is found
            batch, dates = dates[:step], dates[step:]
            step = min(step * 2, 64)
            t0 = pd.Timestamp(batch[-1], tz="UTC")
            t1 = pd.Timestamp(batch[0], tz="UTC") + pd.Timedelta(days=1)
            frame = _latest_of(self.scan(sorted(wanted), t0, t1, period=period))
            found.append(frame)
            wanted -= set(frame["series_id"].tolist())
        if not found:
            return _empty_frame(READ_COLUMNS)
        return pd.concat(found).sort_values("series_id").reset_index(drop=True)

    def _series_ids(self, period: str | None) -> list[int]:
        """Every series with a row (of ``period``), reading only those columns."""
        for attempt in range(_RETRIES + 1):
            files = layout.list_files(
                self.root, layout.list_partitions(self.root, fs=self.fs), fs=self.fs
            )
            try:
                return reader.distinct_series(self._footers, files, period)
            except _FilesChanged as exc:
                if attempt == _RETRIES:
                    raise StoreIOError("files kept vanishing while reading") from exc.__cause__
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ maintenance
    def compact(
        self, stream: str | None = None, date: str | date | None = None, *, min_files: int = 2
    ) -> list[CompactionResult]:
        """Rewrite partitions of many files into one sorted file each.

        See :func:`qingshan.timeseries.compaction.compact` for parameters and guarantees.
        """
        return compaction.compact(self, stream=stream, date=date, min_files=min_files)

    def verify(self, *, deep: bool = False) -> list[CorruptFileError]:
        """Check every file of the dataset; return one error per bad file (empty if all good).

        Parameters
        ----------
        deep : bool
            Also read every data page and verify its checksum (slower: reads all data).
        """
        bad = []
        parts = layout.list_partitions(self.root, fs=self.fs)
        for f in layout.list_files(self.root, parts, fs=self.fs):
            reason = layout.check_file(f, deep=deep, fs=self.fs)
            if reason is not None:
                bad.append(CorruptFileError(f, reason))
        return bad


def _latest_of(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    idx = frame.groupby("series_id", sort=True)["time"].idxmax()
    return frame.loc[idx.to_numpy()].reset_index(drop=True)


def _micros(value: datetime) -> int:
    """µs since the epoch of a tz-aware datetime (exact, no float rounding)."""
    delta = value - datetime(1970, 1, 1, tzinfo=value.tzinfo)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _to_pandas(table: pa.Table, columns: Sequence[str]) -> pd.DataFrame:
    fields = []
    for c in columns:
        fields.append(pa.field(c, pa.string()) if c == "stream" else OBSERVATION_SCHEMA.field(c))
    table = table.select(list(columns)).cast(pa.schema(fields))
    return table.to_pandas()
