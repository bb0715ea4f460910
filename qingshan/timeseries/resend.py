"""Writing only what a read can see: the physical side of the re-send rule.

Reads resolve re-sends (:mod:`~qingshan.timeseries.revisions`), so appending a row that is
already stored changes no read — but it costs a row on disk, every time a logger re-sends a
packet or ingest replays its journal. :func:`new_rows` tells which rows of a batch change
anything: exactly those a compaction of (stored rows ∪ batch) would keep. A row is redundant
when its natural key already has

1. a row of a higher ``revision`` (rule 1: it can never win), or
2. a row of the same revision and the same content (``value``, ``raw_value``, ``source_flag``,
   ``qc_flag``; null equals null) that arrived first — earlier ``received_at``, then smaller
   ``source``, a stored row before a new one on a tie (rule 2: readers see the first arrival).

Dropping such rows is invisible to every read, because compaction drops them too and the
compaction tests show reads unchanged by it. Nothing a read could return is dropped: a re-sent
*older* content whose first arrival is stored stays a no-op, a content not stored yet is kept.

Only the rows that may have a stored twin are looked up: the caller marks them (``check``; the
HJ 212 ingest marks rows not newer than their series' latest stored time), and the batch's own
repeats are always found. The lookup reads only the row groups of the rows' partitions whose
series/time statistics overlap them.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qingshan.timeseries import layout, reader
from qingshan.timeseries.schema import COLUMNS, NATURAL_KEY, PAYLOAD_COLUMNS

_RETRIES = 3
_US = pa.timestamp("us", tz="UTC")


def redundant_mask(new: pd.DataFrame, stored: pd.DataFrame | None) -> np.ndarray:
    """Which rows of ``new`` change no read, given ``stored`` (pure).

    Parameters
    ----------
    new : pandas.DataFrame
        Observation rows about to be appended.
    stored : pandas.DataFrame or None
        Every stored row (unresolved) of the natural keys of the ``new`` rows to check; rows
        of other keys may be present and do not matter.

    Returns
    -------
    numpy.ndarray of bool
        True for a row of ``new`` that compaction of ``stored`` ∪ ``new`` would drop.
    """
    n = len(new)
    cols = list(COLUMNS)
    parts = [new[cols].assign(_order=np.arange(n), _old=0)]
    if stored is not None and len(stored):
        parts.insert(0, stored[cols].assign(_order=-1, _old=-1))
    both = pd.concat(parts, ignore_index=True)
    both = both.sort_values(
        ["received_at", "source", "_old", "_order"], na_position="last", kind="stable"
    )
    key, payload = list(NATURAL_KEY), list(PAYLOAD_COLUMNS)
    first = ~both.duplicated(subset=[*key, "revision", *payload], keep="first")
    top = both["revision"] == both.groupby(key, sort=False)["revision"].transform("max")
    mine = both["_old"] == 0
    drop = np.zeros(n, dtype=bool)
    drop[both.loc[mine & ~(first & top), "_order"].to_numpy()] = True
    return drop


def new_rows(
    root: PurePath,
    footers: reader.FooterCache,
    table: pa.Table,
    stream: str,
    check: np.ndarray | None,
) -> np.ndarray:
    """Which rows of ``table`` (``OBSERVATION_SCHEMA``) to append to ``stream``: not the ones
    :func:`redundant_mask` finds against the batch itself and, for rows with ``check`` True
    (all rows when ``check`` is None), against the stored rows of their keys."""
    n = table.num_rows
    check = np.ones(n, dtype=bool) if check is None else np.asarray(check, dtype=bool)
    sid = table.column("series_id").to_numpy()
    tus = table.column("time").cast(pa.int64()).to_numpy()
    period = table.column("period").to_numpy(zero_copy_only=False)
    frame = pd.DataFrame({"series_id": sid, "time": tus, "period": period})
    repeated = frame.duplicated(keep=False).to_numpy()
    candidates = repeated | check
    if not candidates.any():
        return np.ones(n, dtype=bool)
    idx = np.flatnonzero(candidates)
    sub = table.take(pa.array(idx))
    stored = _stored_rows(root, footers, sub, stream, check[idx]) if check[idx].any() else None
    keep = np.ones(n, dtype=bool)
    keep[idx] = ~redundant_mask(sub.to_pandas(), None if stored is None else stored.to_pandas())
    return keep


def _stored_rows(
    root: PurePath, footers: reader.FooterCache, sub: pa.Table, stream: str, check: np.ndarray
) -> pa.Table | None:
    """The stored rows (unresolved) of the series and times of the checked rows of ``sub``,
    read per UTC date partition, only the row groups that can hold them."""
    rows = sub.filter(pa.array(check))
    days = pc.cast(rows.column("time"), pa.date32())
    found = []
    for day in pc.unique(days).to_pylist():
        part = rows.filter(pc.equal(days, pa.scalar(day, pa.date32())))
        ids = sorted(set(part.column("series_id").to_pylist()))
        times = part.column("time").cast(pa.int64())
        t0, t1 = pc.min(times).as_py(), pc.max(times).as_py() + 1
        partition = layout.Partition(stream, day.isoformat())
        for attempt in range(_RETRIES + 1):
            files = [(f, stream) for f in layout.list_files(root, [partition], fs=footers.fs)]
            try:
                got = reader.read_rows(footers, files, ids, t0, t1, None, list(COLUMNS))
                break
            except reader.FilesChanged:  # a compaction replaced files: list them again
                if attempt == _RETRIES:
                    raise
        if got is not None:
            found.append(got)
    if not found:
        return None
    return pa.concat_tables(found) if len(found) > 1 else found[0]


LOCK_POLL_S = 0.05
"""Polling interval of a lock on a filesystem without ``flock`` [s]."""
LOCK_STALE_S = 600.0
"""A lock file on such a filesystem older than this [s] was left by a dead holder and is taken
over (a writer's look-up and append take seconds, not minutes)."""


@contextmanager
def writer_lock(root: PurePath, name: str, fs: layout.FS | None = None) -> Iterator[None]:
    """Hold the exclusive lock ``<root>/.<name>.lock``.

    Local or mounted paths: ``flock`` (released with the process, works for every process and
    host that sees ``root``). Other fsspec filesystems have no ``flock``: the lock is the
    exclusive creation of the lock file (``mode="xb"``), polled, removed on release, and taken
    over when older than :data:`LOCK_STALE_S`.
    """
    if not layout.is_local(fs):
        assert fs is not None
        with _exclusive_file(fs, str(root / f".{name}.lock")):
            yield
        return
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / f".{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextmanager
def _exclusive_file(fs: layout.FS, path: str) -> Iterator[None]:
    fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    while True:
        try:
            with fs.open(path, "xb") as fh:
                fh.write(f"{os.getpid()} {time.time()}".encode())
            break
        except FileExistsError:
            try:
                if time.time() - layout.mtime(PurePath(path), fs) > LOCK_STALE_S:
                    fs.rm_file(path)
                    continue
            except FileNotFoundError:
                continue
            time.sleep(LOCK_POLL_S)
    try:
        yield
    finally:
        try:
            fs.rm_file(path)
        except FileNotFoundError:
            pass


__all__ = ["new_rows", "redundant_mask", "writer_lock"]
