"""The on-disk layout of the observation dataset and its file-level operations.

``<root>/stream=<stream>/date=<YYYY-MM-DD>/<kind>-<ns>-<uuid>.parquet`` — hive partitions by
stream and UTC date of ``time``. Writers create whole files: a file is written under a hidden
temporary name (``.tmp-…``), flushed and fsynced, then renamed into place and the directory
fsynced, so readers see a file completely or not at all. No file is ever modified after its
rename; compaction replaces files by writing a new one first and deleting the old ones after.
Readers ignore names starting with ``.`` or ``_``.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from qingshan.timeseries.errors import CorruptFileError
from qingshan.timeseries.schema import OBSERVATION_SCHEMA

TMP_PREFIX = ".tmp-"
ROW_GROUP_SIZE = 131_072
"""Rows per row group of appended files (large: cheap to write; compaction soon rewrites them)."""
COMPACT_ROW_GROUP_SIZE = 8_192
"""Rows per row group of compacted (sorted) files: a few series per row group, so a read of one
series decodes ~8k rows per partition instead of 131k (min/max pruning on series_id and time)."""


@dataclass(frozen=True, order=True)
class Partition:
    """One hive partition: a stream and a UTC date (``YYYY-MM-DD``)."""

    stream: str
    date: str

    def path(self, root: Path) -> Path:
        return root / f"stream={self.stream}" / f"date={self.date}"


def list_partitions(
    root: Path,
    streams: Iterable[str] | None = None,
    first_date: str | None = None,
    last_date: str | None = None,
) -> list[Partition]:
    """Partitions under ``root``, optionally limited to streams and an inclusive date range."""
    if not root.exists():
        return []
    wanted = None if streams is None else set(streams)
    out = []
    for sdir in root.iterdir():
        if not sdir.is_dir() or not sdir.name.startswith("stream="):
            continue
        stream = sdir.name.removeprefix("stream=")
        if wanted is not None and stream not in wanted:
            continue
        for ddir in sdir.iterdir():
            if not ddir.is_dir() or not ddir.name.startswith("date="):
                continue
            date = ddir.name.removeprefix("date=")
            if first_date is not None and date < first_date:
                continue
            if last_date is not None and date > last_date:
                continue
            out.append(Partition(stream, date))
    return sorted(out)


def list_files(root: Path, partitions: Iterable[Partition]) -> list[Path]:
    """The visible Parquet files of ``partitions`` (temporaries and hidden files excluded)."""
    files: list[Path] = []
    for part in partitions:
        pdir = part.path(root)
        if not pdir.is_dir():
            continue
        files.extend(
            p
            for p in pdir.iterdir()
            if p.suffix == ".parquet" and not p.name.startswith((".", "_"))
        )
    return sorted(files)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs(path: Path) -> None:
    """Create ``path`` and its parents, fsyncing each parent whose entries changed."""
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir()
        except FileExistsError:
            continue
        _fsync_dir(d.parent)


def temp_name(directory: Path, kind: str) -> tuple[Path, Path]:
    """A fresh (temporary, final) pair of file names in ``directory`` (created if needed)."""
    make_dirs(directory)
    name = f"{kind}-{time.time_ns():020d}-{uuid.uuid4().hex[:12]}.parquet"
    return directory / f"{TMP_PREFIX}{name}", directory / name


def fsync_file(path: Path) -> None:
    """Flush ``path`` to stable storage."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_temp(table: pa.Table, directory: Path, kind: str, compression: str) -> tuple[Path, Path]:
    """Write ``table`` to a fsynced temporary file in ``directory``; return (temp, final) paths."""
    tmp, final = temp_name(directory, kind)
    with open(tmp, "wb") as fh:
        pq.write_table(
            table,
            fh,
            compression=compression,
            write_page_checksum=True,
            row_group_size=ROW_GROUP_SIZE,
        )
        fh.flush()
        os.fsync(fh.fileno())
    return tmp, final


def publish(pairs: Iterable[tuple[Path, Path]]) -> list[Path]:
    """Rename fsynced temporaries into place and fsync their directories."""
    done, dirs = [], set()
    for tmp, final in pairs:
        os.replace(tmp, final)
        dirs.add(final.parent)
        done.append(final)
    for d in dirs:
        _fsync_dir(d)
    return done


def discard(paths: Iterable[Path]) -> None:
    """Remove files, ignoring those already gone (a concurrent compaction may have won)."""
    dirs = set()
    for p in paths:
        try:
            p.unlink()
            dirs.add(p.parent)
        except FileNotFoundError:
            pass
    for d in dirs:
        _fsync_dir(d)


def check_file(path: Path, *, deep: bool = False) -> str | None:
    """Why ``path`` is not a valid observation file, or None if it is.

    Parameters
    ----------
    path : Path
        A Parquet file of the dataset.
    deep : bool
        Also read every page, verifying the page CRC32 checksums the writer stores (catches bit
        rot inside data pages, which a footer check does not).

    Returns
    -------
    str or None
        A reason, or None.
    """
    try:
        pf = pq.ParquetFile(path, page_checksum_verification=deep)
        schema = pf.schema_arrow
        got = [(f.name, f.type) for f in schema]
        if got != [(f.name, f.type) for f in OBSERVATION_SCHEMA]:
            return "columns differ from OBSERVATION_SCHEMA: has " + ", ".join(
                f"{n} {t}" for n, t in got
            )
        if deep:
            pf.read()
    except (OSError, pa.ArrowException) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def raise_if_corrupt(paths: Iterable[Path], *, deep: bool = False) -> None:
    """Raise :class:`CorruptFileError` for the first bad file among ``paths``."""
    for p in paths:
        if p.exists():
            reason = check_file(p, deep=deep)
            if reason is not None:
                raise CorruptFileError(p, reason)
