"""One scheduler per data directory: the scheduler holds ``<data_dir>/scheduler.lock`` with
``flock(2)`` while it runs and writes its pid in it, so a second one refuses with the holder's
pid, and ``qingshan jobs list`` can tell whether (and where) the jobs are being scheduled. The
lock goes with the process: a killed scheduler leaves no stale lock behind."""

from __future__ import annotations

from pathlib import Path

from qingshan.jobs.errors import SchedulerRunning
from qingshan.pidlock import LockHeld, PidLock, lock_state

__all__ = ["LOCK_NAME", "lock_path", "SchedulerLock", "lock_state"]

LOCK_NAME = "scheduler.lock"


def lock_path(data_dir: Path) -> Path:
    """The scheduler's lock file of the data directory ``data_dir``."""
    return data_dir / LOCK_NAME


class SchedulerLock:
    """The scheduler's lock file; :meth:`acquire` raises :class:`SchedulerRunning` (with the
    holder's pid) when another process holds it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = PidLock(path)

    def acquire(self, *, wait: float = 2.0) -> None:
        """Take the lock, retrying for ``wait`` [s] (a ``jobs list`` may be looking at it)."""
        try:
            self._lock.acquire(wait=wait)
        except LockHeld as held:
            raise SchedulerRunning(
                f"a scheduler already runs on {self.path.parent} (pid {held.pid or '?'}): "
                f"one scheduler per data directory (lock {self.path})",
                pid=held.pid,
                path=str(self.path),
            ) from None

    def release(self) -> None:
        self._lock.release()
