"""A lock file that names its holder: ``flock(2)`` on the file plus the holder's pid in it.

One mechanism for every "one process owns this" rule of the platform (one scheduler per data
directory, one listener per HJ 212 journal). The lock goes with the process: a killed holder
leaves no stale lock. Callers turn :class:`LockHeld` into their own domain error.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path


class LockHeld(Exception):
    """Another process holds the lock ``path`` (its pid, when it wrote one)."""

    def __init__(self, path: Path, pid: int | None) -> None:
        super().__init__(f"{path} is held by pid {pid or '?'}")
        self.path, self.pid = path, pid


class PidLock:
    """The lock file ``path``; :meth:`acquire` raises :class:`LockHeld` while another process
    (or another :class:`PidLock` of this process) holds it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd = -1

    @property
    def held(self) -> bool:
        return self._fd >= 0

    def acquire(self, *, wait: float = 0.0) -> None:
        """Take the lock, retrying for ``wait`` [s]; then write this process's pid in it."""
        if self._fd >= 0:
            return
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
                    raise LockHeld(self.path, read_pid(self.path)) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd < 0:
            return
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = -1


def lock_state(path: Path) -> tuple[bool, int | None]:
    """(whether a live process holds the lock ``path``, its pid if known)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False, None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True, read_pid(path)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False, None
    finally:
        os.close(fd)


def read_pid(path: Path) -> int | None:
    """The pid written in the lock file ``path``, if any."""
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
