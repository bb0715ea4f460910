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

import time
from dataclasses import dataclass
from datetime import date as date_type
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from qingshan.timeseries import layout
from qingshan.timeseries.errors import StoreIOError
from qingshan.timeseries.layout import TMP_PREFIX, Partition
from qingshan.timeseries.revisions import resolve_sql
from qingshan.timeseries.schema import COLUMNS

STALE_TEMP_S = 3600.0
"""Temporaries older than this [s] are leftovers of a crashed writer and are removed."""


class CompactableStore(Protocol):
    """What compaction needs of an :class:`~qingshan.timeseries.store.ObservationStore`: its
    root, the compressed files' codec and its DuckDB runner over a list of files."""

    root: Path
    compression: str

    def _run(self, sql: str, params: dict[str, object], files: list[Path]) -> pa.Table: ...


@dataclass(frozen=True)
class CompactionResult:
    """What one partition's compaction did."""

    partition: Partition
    files_in: int
    rows_in: int
    rows_out: int
    path: Path | None


def _remove_stale_temps(directory: Path, now: float) -> None:
    for p in directory.glob(f"{TMP_PREFIX}*"):
        try:
            if now - p.stat().st_mtime > STALE_TEMP_S:
                p.unlink()
        except FileNotFoundError:
            pass


def compact_partition(store: CompactableStore, part: Partition) -> CompactionResult:
    """Compact one partition of ``store`` (see the module docstring)."""
    directory = part.path(store.root)
    _remove_stale_temps(directory, time.time())
    files = layout.list_files(store.root, [part])
    if not files:
        return CompactionResult(part, 0, 0, 0, None)
    tmp, final = layout.temp_name(directory, "compact")
    quoted = str(tmp).replace("'", "''")
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
        layout.fsync_file(tmp)
    except BaseException:
        layout.discard([tmp])
        raise
    layout.publish([(tmp, final)])
    layout.discard(files)
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
    parts = layout.list_partitions(store.root, None if stream is None else [stream], d, d)
    results: list[CompactionResult] = []
    for part in parts:
        if len(layout.list_files(store.root, [part])) >= min_files:
            results.append(compact_partition(store, part))
    return results


__all__ = ["CompactionResult", "compact", "compact_partition"]
