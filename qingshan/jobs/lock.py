"""One scheduler per data directory: the scheduler holds ``<data_dir>/scheduler.lock`` with
``flock(2)`` while it runs and writes its pid in it, so a second one refuses with the holder's
pid, and ``qingshan jobs list`` can tell whether (and where) the jobs are being scheduled. The
lock goes with the process: a killed scheduler leaves no stale lock behind."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from qingshan.jobs.errors import SchedulerRunning

LOCK_NAME = "scheduler.lock"


def lock_path(data_dir: Path) -> Path:
    """The scheduler's lock file of the data directory ``data_dir``."""
    return data_dir / LOCK_NAME


class SchedulerLock:
    """The scheduler's lock file; :meth:`acquire` raises :class:`SchedulerRunning` (with the
    holder's pid) when another process holds it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, *, wait: float = 2.0) -> None:
        """Take the lock, retrying for ``wait`` [s] (a ``jobs list`` may be looking at it)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    pid = _read_pid(self.path)
                    raise SchedulerRunning(
                        f"a scheduler already runs on {self.path.parent} (pid {pid or '?'}): "
                        f"one scheduler per data directory (lock {self.path})",
                        pid=pid,
                        path=str(self.path),
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def lock_state(path: Path) -> tuple[bool, int | None]:
    """(whether a scheduler holds the lock ``path``, its pid if known)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False, None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True, _read_pid(path)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False, None
    finally:
        os.close(fd)


def _read_pid(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
