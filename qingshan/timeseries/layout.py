"""The on-disk layout of the observation dataset and its file-level operations.

``<root>/stream=<stream>/date=<YYYY-MM-DD>/<kind>-<ns>-<uuid>.parquet`` — hive partitions by
stream and UTC date of ``time``. Writers create whole files: a file is written under a hidden
temporary name (``.tmp-…``), flushed and fsynced, then renamed into place and the directory
fsynced, so readers see a file completely or not at all. No file is ever modified after its
rename; compaction replaces files by writing a new one first and deleting the old ones after.
Readers ignore names starting with ``.`` or ``_``.

Storage
-------
Every file operation goes through an fsspec filesystem (``fs``), so the dataset may live on any
storage fsspec reaches — a local or mounted path (``fsspec.filesystem("file")``, the default,
the only one here with ``fsync`` and an atomic ``rename``), or an object store / remote
filesystem given by URL (``s3://…``, ``gcs://…``, ``sftp://…``, ``memory://…``). ``None`` means
the local filesystem, through ``os`` directly (the fast path every local read takes). On a
filesystem without an atomic rename, ``publish`` moves the finished temporary in one ``mv``
(on object stores a single PUT/copy of a complete object: readers still never see half a
file); fsync is a local notion and is skipped elsewhere.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from typing import IO, TypeAlias

import fsspec
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


FS: TypeAlias = fsspec.AbstractFileSystem
"""An fsspec filesystem; ``None`` in the functions below means the local one (via ``os``)."""


def is_local(fs: FS | None) -> bool:
    """Whether ``fs`` is the local filesystem (``None`` or fsspec's ``LocalFileSystem``)."""
    return fs is None or isinstance(fs, fsspec.implementations.local.LocalFileSystem)


def resolve_root(root: str | PurePath) -> tuple[FS | None, PurePath]:
    """The filesystem and root path of a store location: a local path (``None``, ``Path``) or
    any fsspec URL (``s3://bucket/lake``, ``file:///data/obs``, ``memory://obs`` …)."""
    text = str(root)
    if isinstance(root, PurePath) or "://" not in text:
        return None, Path(root)
    fs, path = fsspec.core.url_to_fs(text)
    if is_local(fs):
        return None, Path(path)
    return fs, PurePosixPath(path)


def open_file(path: PurePath, mode: str, fs: FS | None) -> IO[bytes]:
    """Open ``path`` in binary ``mode`` on ``fs`` (local: the built-in ``open``)."""
    if is_local(fs):
        return open(path, mode)  # noqa: SIM115 — the caller closes it
    assert fs is not None
    return fs.open(str(path), mode)  # type: ignore[no-any-return]


def exists(path: PurePath, fs: FS | None) -> bool:
    """Whether ``path`` exists on ``fs``."""
    if is_local(fs):
        return Path(path).exists()
    assert fs is not None
    return bool(fs.exists(str(path)))


def _children(path: PurePath, fs: FS | None, kind: str) -> list[PurePath]:
    """Entries of directory ``path`` of ``kind`` (``"directory"`` or ``"file"``)."""
    if is_local(fs):
        p = Path(path)
        try:
            with os.scandir(p) as it:
                return [
                    p / e.name
                    for e in it
                    if (e.is_dir() if kind == "directory" else e.is_file(follow_symlinks=False))
                ]
        except (FileNotFoundError, NotADirectoryError):
            return []
    assert fs is not None
    try:
        entries = fs.ls(str(path), detail=True)
    except FileNotFoundError:
        return []
    return [PurePosixPath(e["name"]) for e in entries if e.get("type") == kind]


@dataclass(frozen=True, order=True)
class Partition:
    """One hive partition: a stream and a UTC date (``YYYY-MM-DD``)."""

    stream: str
    date: str

    def path(self, root: PurePath) -> PurePath:
        return root / f"stream={self.stream}" / f"date={self.date}"


def list_partitions(
    root: PurePath,
    streams: Iterable[str] | None = None,
    first_date: str | None = None,
    last_date: str | None = None,
    *,
    fs: FS | None = None,
) -> list[Partition]:
    """Partitions under ``root``, optionally limited to streams and an inclusive date range."""
    wanted = None if streams is None else set(streams)
    out = []
    for sdir in _children(root, fs, "directory"):
        if not sdir.name.startswith("stream="):
            continue
        stream = sdir.name.removeprefix("stream=")
        if wanted is not None and stream not in wanted:
            continue
        for ddir in _children(sdir, fs, "directory"):
            if not ddir.name.startswith("date="):
                continue
            date = ddir.name.removeprefix("date=")
            if first_date is not None and date < first_date:
                continue
            if last_date is not None and date > last_date:
                continue
            out.append(Partition(stream, date))
    return sorted(out)


def list_files(
    root: PurePath, partitions: Iterable[Partition], *, fs: FS | None = None
) -> list[PurePath]:
    """The visible Parquet files of ``partitions`` (temporaries and hidden files excluded)."""
    files: list[PurePath] = []
    for part in partitions:
        files.extend(
            p
            for p in _children(part.path(root), fs, "file")
            if p.suffix == ".parquet" and not p.name.startswith((".", "_"))
        )
    return sorted(files)


def _fsync_dir(path: PurePath) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs(path: PurePath, fs: FS | None = None) -> None:
    """Create ``path`` and its parents, fsyncing each parent whose entries changed (local)."""
    if not is_local(fs):
        assert fs is not None
        fs.makedirs(str(path), exist_ok=True)
        return
    missing = []
    p = Path(path)
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir()
        except FileExistsError:
            continue
        _fsync_dir(d.parent)


def temp_name(directory: PurePath, kind: str, fs: FS | None = None) -> tuple[PurePath, PurePath]:
    """A fresh (temporary, final) pair of file names in ``directory`` (created if needed)."""
    make_dirs(directory, fs)
    name = f"{kind}-{time.time_ns():020d}-{uuid.uuid4().hex[:12]}.parquet"
    return directory / f"{TMP_PREFIX}{name}", directory / name


def fsync_file(path: PurePath, fs: FS | None = None) -> None:
    """Flush ``path`` to stable storage (local files; elsewhere the store's close is final)."""
    if not is_local(fs):
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_temp(
    table: pa.Table, directory: PurePath, kind: str, compression: str, fs: FS | None = None
) -> tuple[PurePath, PurePath]:
    """Write ``table`` to a fsynced temporary file in ``directory``; return (temp, final) paths."""
    tmp, final = temp_name(directory, kind, fs)
    with open_file(tmp, "wb", fs) as fh:
        pq.write_table(
            table,
            fh,
            compression=compression,
            write_page_checksum=True,
            row_group_size=ROW_GROUP_SIZE,
        )
        fh.flush()
        if is_local(fs):
            os.fsync(fh.fileno())
    return tmp, final


def publish(pairs: Iterable[tuple[PurePath, PurePath]], fs: FS | None = None) -> list[PurePath]:
    """Rename fsynced temporaries into place and fsync their directories."""
    done, dirs = [], set()
    for tmp, final in pairs:
        if is_local(fs):
            os.replace(tmp, final)
        else:
            assert fs is not None
            fs.mv(str(tmp), str(final))
        dirs.add(final.parent)
        done.append(final)
    if is_local(fs):
        for d in dirs:
            _fsync_dir(d)
    return done


def discard(paths: Iterable[PurePath], fs: FS | None = None) -> None:
    """Remove files, ignoring those already gone (a concurrent compaction may have won)."""
    dirs = set()
    for p in paths:
        try:
            if is_local(fs):
                Path(p).unlink()
            else:
                assert fs is not None
                fs.rm_file(str(p))
            dirs.add(p.parent)
        except FileNotFoundError:
            pass
    if is_local(fs):
        for d in dirs:
            _fsync_dir(d)


def mtime(path: PurePath, fs: FS | None) -> float:
    """Modification time of ``path`` [s since the epoch]; FileNotFoundError if gone."""
    if is_local(fs):
        return Path(path).stat().st_mtime
    assert fs is not None
    info = fs.info(str(path))
    value = info.get("mtime", info.get("LastModified", info.get("created", 0.0)))
    return float(value.timestamp() if hasattr(value, "timestamp") else value)


def list_temps(directory: PurePath, fs: FS | None) -> list[PurePath]:
    """Temporaries (``.tmp-*``) in ``directory``."""
    return [p for p in _children(directory, fs, "file") if p.name.startswith(TMP_PREFIX)]


def parquet_source(path: PurePath, fs: FS | None) -> str | IO[bytes]:
    """What ``pyarrow.parquet`` should open for ``path``: the local path (native reads), or an
    fsspec file object elsewhere."""
    return str(path) if is_local(fs) else open_file(path, "rb", fs)


def check_file(path: PurePath, *, deep: bool = False, fs: FS | None = None) -> str | None:
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
        pf = pq.ParquetFile(parquet_source(path, fs), page_checksum_verification=deep)
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


def raise_if_corrupt(
    paths: Iterable[PurePath], *, deep: bool = False, fs: FS | None = None
) -> None:
    """Raise :class:`CorruptFileError` for the first bad file among ``paths``."""
    for p in paths:
        if exists(p, fs):
            reason = check_file(p, deep=deep, fs=fs)
            if reason is not None:
                raise CorruptFileError(p, reason)
