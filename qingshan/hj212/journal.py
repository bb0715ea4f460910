"""The durable append-only journal of accepted frames (fsync before acknowledgement).

Layout: ``<dir>/seg-<000000000001>.log`` segment files of records::

    <u32 length> <u32 crc32(time + frame)> <i64 received_at [µs since epoch, UTC]> <frame>

A position is ``(segment, offset)``. :class:`Journal` appends with group commit: every frame
that arrives while one ``fsync`` runs is written and synced by the next one, and each caller's
future completes only after its record is on disk. :func:`read_records` reads from a position
up to a limit.

One process owns a journal: :meth:`Journal.open` takes ``<dir>/journal.lock`` with ``flock(2)``
and writes its pid in it, so a second writer on the same directory refuses with
:class:`~qingshan.hj212.errors.JournalLocked` naming the holder's pid (the lock goes with the
process: a killed listener leaves none behind). Only then does it recover the newest segment: a
tail it cannot read (a record cut short by a crash, or anything after a corrupt record) is first
copied aside to ``seg-<n>.log.tail-<UTC time>-<offset>``, logged, and only then truncated.
"""

from __future__ import annotations

import asyncio
import logging
import os
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from qingshan.hj212.errors import JournalError, JournalLocked
from qingshan.pidlock import LockHeld, PidLock, lock_state

log = logging.getLogger("qingshan.hj212.journal")

_HEAD = struct.Struct("<IIq")
_MAX_RECORD = 1 << 20
#: the journal owner's lock file, in the journal's directory
LOCK_NAME = "journal.lock"

Position = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Record:
    position: Position  # where the record starts
    next: Position  # where the next record starts
    received_at_us: int
    frame: bytes


def _segments(directory: Path) -> list[int]:
    return sorted(int(p.stem[4:]) for p in directory.glob("seg-*.log") if p.stem[4:].isdigit())


def segment_path(directory: Path, seq: int) -> Path:
    return directory / f"seg-{seq:012d}.log"


def _check(received_at_us: int, frame: bytes) -> int:
    return zlib.crc32(frame, _time_crc(received_at_us))


@lru_cache(maxsize=64)  # the listener stamps every frame of one read with the same time
def _time_crc(received_at_us: int) -> int:
    return zlib.crc32(struct.pack("<q", received_at_us))


def encode_record(frame: bytes, received_at_us: int) -> bytes:
    """One record: header (length, CRC-32, receive time [µs]) + frame."""
    return _HEAD.pack(len(frame), _check(received_at_us, frame), received_at_us) + frame


def _scan(data: bytes, offset: int = 0) -> Iterator[tuple[int, int, int, bytes]]:
    """(start, end, received_at_us, frame) of each whole, valid record from ``offset``."""
    n = len(data)
    size = _HEAD.size
    while offset + size <= n:
        length, crc, received = _HEAD.unpack_from(data, offset)
        end = offset + size + length
        if length > _MAX_RECORD or end > n:
            return
        frame = data[offset + size : end]
        if _check(received, frame) != crc:
            return
        yield offset, end, received, frame
        offset = end


def read_records(
    directory: Path, start: Position = (0, 0), limit: int | None = None, end: Position | None = None
) -> Iterator[Record]:
    """Records from ``start`` (inclusive) up to ``end`` (exclusive) or the valid end.

    A record cut short or corrupt ends the reading of its segment (it is the torn tail of a
    crash, or the writer's record in progress); later segments are read as usual.
    """
    count = 0
    for seq in _segments(directory):
        if seq < start[0] or (end is not None and seq > end[0]):
            continue
        base = start[1] if seq == start[0] else 0
        with open(segment_path(directory, seq), "rb") as fh:
            fh.seek(base)
            data = fh.read()
        for s, e, received, frame in _scan(data):
            s, e = s + base, e + base
            if end is not None and (seq, s) >= end:
                return
            yield Record((seq, s), (seq, e), received, frame)
            count += 1
            if limit is not None and count >= limit:
                return


def end_position(directory: Path) -> Position:
    """The position after the last valid record."""
    segs = _segments(directory)
    if not segs:
        return (0, 0)
    last = segs[-1]
    data = segment_path(directory, last).read_bytes()
    end = 0
    for _s, e, _r, _f in _scan(data):
        end = e
    return (last, end)


class JournalLock:
    """The owner's lock of a journal directory: ``<dir>/journal.lock``
    (:class:`qingshan.pidlock.PidLock`). :meth:`acquire` raises :class:`JournalLocked` when
    another process (or another open :class:`Journal` of this process) holds it."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / LOCK_NAME
        self._lock = PidLock(self.path)

    @property
    def held(self) -> bool:
        return self._lock.held

    def acquire(self) -> None:
        try:
            self._lock.acquire()
        except LockHeld as held:
            raise JournalLocked(
                f"the HJ 212 journal {self.path.parent} is owned by another process "
                f"(pid {held.pid or '?'}): one listener per journal (lock {self.path})",
                path=str(self.path),
                pid=held.pid,
            ) from None

    def release(self) -> None:
        self._lock.release()


def journal_lock_state(directory: Path) -> tuple[bool, int | None]:
    """(whether a live process owns the journal in ``directory``, its pid if known)."""
    return lock_state(Path(directory) / LOCK_NAME)


def _save_tail(path: Path, fd: int, start: int, size: int) -> Path:
    """Copy bytes ``start:size`` of the segment aside (fsynced) before they are truncated."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    side = path.with_name(f"{path.name}.tail-{stamp}-{start}")
    with open(side, "xb") as out:
        offset = start
        while offset < size:
            chunk = os.pread(fd, min(1 << 20, size - offset), offset)
            if not chunk:
                break
            out.write(chunk)
            offset += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    _fsync_dir(path.parent)
    return side


class Journal:
    """Append-only, fsynced journal with group commit. One writer per directory, enforced by
    :class:`JournalLock` (taken by :meth:`open`, released by :meth:`close`).

    Parameters
    ----------
    directory : Path
        Where the segments live (created).
    segment_bytes : int
        Start a new segment once the current one exceeds this size [bytes].
    """

    def __init__(self, directory: Path, segment_bytes: int = 64 << 20) -> None:
        self.directory = Path(directory)
        self.segment_bytes = segment_bytes
        self.lock = JournalLock(self.directory)
        self._fd = -1
        self._seq = 0
        self._offset = 0
        self._pending: list[bytes] = []
        self._acks: list[Any] = []  # opaque to the journal: handed back to on_commit
        self._batch: asyncio.Future[Position] | None = None
        self.on_commit: Callable[[list[Any]], None] | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.durable: Position = (0, 0)
        self.batches = 0
        self.records = 0

    # ------------------------------------------------------------------ open / close
    def open(self) -> Journal:
        """Take the journal's lock (:class:`JournalLocked` if another process owns it), then
        open the newest segment for appending; an unreadable tail is saved aside, then cut."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.lock.acquire()
        try:
            self._open_segment()
        except BaseException:
            self.lock.release()
            raise
        return self

    def _open_segment(self) -> None:
        seq, end = end_position(self.directory)
        if seq == 0:
            seq = 1
        path = segment_path(self.directory, seq)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        size = os.fstat(self._fd).st_size
        if size != end:
            side = _save_tail(path, self._fd, end, size)
            log.warning(
                "journal %s: %d bytes after offset %d are not readable records; saved to %s, "
                "then truncated",
                path, size - end, end, side,
            )  # fmt: skip
            os.ftruncate(self._fd, end)
            os.fsync(self._fd)
        os.lseek(self._fd, end, os.SEEK_SET)
        self._seq, self._offset = seq, end
        self.durable = (seq, end)
        _fsync_dir(self.directory)

    def close(self) -> None:
        if self._fd >= 0:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = -1
        self.lock.release()

    def __enter__(self) -> Journal:
        return self.open() if self._fd < 0 else self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ synchronous
    def append_sync(self, frames: list[bytes], received_at_us: int) -> Position:
        """Append and fsync ``frames`` now (tools, tests). Returns the durable position."""
        self._write(b"".join(encode_record(f, received_at_us) for f in frames))
        os.fsync(self._fd)
        self.durable = (self._seq, self._offset)
        self.records += len(frames)
        return self.durable

    def _write(self, blob: bytes) -> None:
        if self._fd < 0:
            raise JournalError("journal is not open", path=str(self.directory))
        view = memoryview(blob)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self._offset += len(blob)

    def _rotate(self) -> None:
        os.fsync(self._fd)
        os.close(self._fd)
        self._seq += 1
        self._offset = 0
        self._fd = os.open(segment_path(self.directory, self._seq), os.O_WRONLY | os.O_CREAT, 0o644)
        _fsync_dir(self.directory)

    # ------------------------------------------------------------------ group commit
    def start(self) -> None:
        """Start the group-commit task on the running loop."""
        if self._fd < 0:
            self.open()
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._committer(), name="journal")

    def append(
        self, frame: bytes, received_at_us: int, ack: object = None
    ) -> asyncio.Future[Position]:
        """Queue ``frame``; the returned future completes once it is fsynced.

        The future is shared by every frame of the same group commit (it resolves to the
        durable position after the batch). ``ack``, if given, is handed to :attr:`on_commit`
        with the others of its batch once the batch is on disk — the listener's answers go
        out that way, without a future or callback per frame.
        """
        self._pending.append(encode_record(frame, received_at_us))
        if ack is not None:
            self._acks.append(ack)
        fut = self._batch
        if fut is None:
            fut = self._batch = asyncio.get_running_loop().create_future()
            if self._wake is not None:
                self._wake.set()
        return fut

    def _write_sync(self, blob: bytes) -> None:
        if self._offset >= self.segment_bytes:
            self._rotate()
        self._write(blob)
        os.fsync(self._fd)

    async def _committer(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._wake is not None
        while True:
            if not self._pending:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            batch, self._pending = self._pending, []
            acks, self._acks = self._acks, []
            fut, self._batch = self._batch, None
            try:  # write and fsync off the loop: frames arriving meanwhile form the next batch
                await loop.run_in_executor(None, self._write_sync, b"".join(batch))
            except Exception as exc:
                err = JournalError(f"journal write failed: {exc}", path=str(self.directory))
                if fut is not None and not fut.done():
                    fut.set_exception(err)
                if acks and self.on_commit is not None:
                    log.error("journal write failed, %d answers not sent: %s", len(acks), exc)
                continue
            self.durable = (self._seq, self._offset)
            self.batches += 1
            self.records += len(batch)
            if fut is not None and not fut.done():
                fut.set_result(self.durable)
            if acks and self.on_commit is not None:
                try:
                    self.on_commit(acks)
                except Exception:
                    log.exception("on_commit failed")

    async def stop(self) -> None:
        """Commit what is queued, stop the task and close the file."""
        self._closing = True
        if self._wake is not None:
            self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        self.close()

    def prune(self, before: Position) -> int:
        """Delete whole segments that end before ``before`` (already ingested)."""
        removed = 0
        for seq in _segments(self.directory):
            if seq < before[0] and seq != self._seq:
                segment_path(self.directory, seq).unlink(missing_ok=True)
                removed += 1
        return removed


def prune_ingested(directory: Path, checkpoint: Position) -> int:
    """Delete the segments wholly before ``checkpoint`` (ingested and checkpointed; the writer
    only appends to the segment it is on, which is at or after the checkpoint's)."""
    removed = 0
    for seq in _segments(directory):
        if seq < checkpoint[0]:
            segment_path(directory, seq).unlink(missing_ok=True)
            removed += 1
    return removed


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
