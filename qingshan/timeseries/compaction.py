"""Compaction: rewrite a partition of many small files into one file sorted by (series_id, time).

Guarantees
----------
* **Nothing is lost by a crash.** The new file is written by DuckDB under a hidden temporary
  name, fsynced and renamed into place *before* the old files are deleted. A crash before the
  rename leaves an orphan temporary (ignored by readers, removed by a later compaction); a crash
  after it leaves old and new files side by side, which readers resolve to the same result
  because the new file holds only copies of old rows (see :mod:`~qingshan.timeseries.revisions`).
* **Reads do not change.** The file keeps, per natural key, the rows of the highest revision —
  one per distinct content, at its first arrival — which is all the re-send rule needs; rows of
  lower revisions and later duplicates of a content are dropped.
* **Concurrent appends are safe**: only the files listed at the start are replaced; files
  appended meanwhile stay.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date as date_type
from pathlib import PurePath
from typing import Protocol

import pyarrow as pa

from qingshan.timeseries import layout
from qingshan.timeseries.errors import StoreIOError
from qingshan.timeseries.layout import Partition
from qingshan.timeseries.revisions import resolve_sql
from qingshan.timeseries.schema import COLUMNS

STALE_TEMP_S = 3600.0
"""Temporaries older than this [s] are leftovers of a crashed writer and are removed."""


class CompactableStore(Protocol):
    """What compaction needs of an :class:`~qingshan.timeseries.store.ObservationStore`: its
    root, the compressed files' codec and its DuckDB runner over a list of files."""

    root: PurePath
    fs: layout.FS | None
    compression: str

    def _run(self, sql: str, params: dict[str, object], files: list[PurePath]) -> pa.Table: ...


@dataclass(frozen=True)
class CompactionResult:
    """What one partition's compaction did."""

    partition: Partition
    files_in: int
    rows_in: int
    rows_out: int
    path: PurePath | None


def _remove_stale_temps(directory: PurePath, now: float, fs: layout.FS | None) -> None:
    for p in layout.list_temps(directory, fs):
        try:
            if now - layout.mtime(p, fs) > STALE_TEMP_S:
                layout.discard([p], fs)
        except FileNotFoundError:
            pass


def compact_partition(store: CompactableStore, part: Partition) -> CompactionResult:
    """Compact one partition of ``store`` (see the module docstring)."""
    directory = part.path(store.root)
    fs = store.fs
    _remove_stale_temps(directory, time.time(), fs)
    files = layout.list_files(store.root, [part], fs=fs)
    if not files:
        return CompactionResult(part, 0, 0, 0, None)
    tmp, final = layout.temp_name(directory, "compact", fs)
    # DuckDB writes a local file; elsewhere it is uploaded to the temporary name afterwards
    local = None if layout.is_local(fs) else tempfile.mkstemp(suffix=".parquet")[1]
    quoted = str(tmp if local is None else local).replace("'", "''")
    src = f"(SELECT {', '.join(COLUMNS)} FROM read_parquet($files))"
    kept = resolve_sql(src, keep="compact")
    sql = (
        f"COPY (SELECT {', '.join(COLUMNS)} FROM ({kept}) "
        f"ORDER BY series_id, time, period, revision, received_at) TO '{quoted}' "
        f"(FORMAT parquet, COMPRESSION {store.compression}, ROW_GROUP_SIZE {layout.COMPACT_ROW_GROUP_SIZE})"
    )
    try:
        counts = (
            store._run("SELECT count(*) AS n FROM read_parquet($files)", {}, files)
            .column("n")[0]
            .as_py()
        )
        written = store._run(sql, {}, files)
        rows_out = int(written.column(0)[0].as_py()) if written.num_rows else 0
        if local is not None:
            assert fs is not None
            fs.put_file(local, str(tmp))
        layout.fsync_file(tmp, fs)
    except BaseException:
        layout.discard([tmp], fs)
        raise
    finally:
        if local is not None:
            os.unlink(local)
    layout.publish([(tmp, final)], fs)
    layout.discard(files, fs)
    return CompactionResult(part, len(files), int(counts), rows_out, final)


def compact(
    store: CompactableStore,
    stream: str | None = None,
    date: str | date_type | None = None,
    *,
    min_files: int = 2,
) -> list[CompactionResult]:
    """Compact the partitions of ``store`` that have at least ``min_files`` files.

    Parameters
    ----------
    store : ObservationStore
        The store.
    stream : str, optional
        Only this stream (default all).
    date : str or datetime.date, optional
        Only this UTC date (``YYYY-MM-DD``; default all).
    min_files : int
        Partitions with fewer visible files are left alone (default 2).

    Returns
    -------
    list of CompactionResult
        One per compacted partition.
    """
    if min_files < 1:
        raise StoreIOError(f"min_files must be >= 1, got {min_files}")
    d = date.isoformat() if isinstance(date, date_type) else date
    parts = layout.list_partitions(
        store.root, None if stream is None else [stream], d, d, fs=store.fs
    )
    results: list[CompactionResult] = []
    for part in parts:
        if len(layout.list_files(store.root, [part], fs=store.fs)) >= min_files:
            results.append(compact_partition(store, part))
    return results


__all__ = ["CompactionResult", "compact", "compact_partition"]
