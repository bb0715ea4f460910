"""Several HJ 212 listener processes on one port (``QINGSHAN_HJ212_PROCESSES``).

One listener process is one event loop on one core; when the machine is busy with other work
it gets a share of a core, and its answers wait (the p99 rises to seconds). With ``N`` processes
sharing the port through ``SO_REUSEPORT`` the kernel spreads the loggers' connections over them,
the scheduler gives the intake ``N`` shares, and each process does ``1/N`` of the work.

:func:`run_listeners` is the supervisor (``qingshan listen --processes N``, ``qingshan serve``):

1. it replays, into the store, the journals of processes that no longer exist (``hj212-<k>``
   with ``k >= N``, left by a larger ``N``): nothing acknowledged is lost when ``N`` shrinks;
2. it reserves the port (a bound ``SO_REUSEPORT`` socket that never listens, so that a port
   chosen by the system, ``--port 0``, stays the same for every child and every restart);
3. it starts ``python -m qingshan.ingest.multi --index k`` for ``k`` in ``0..N-1``: each child is
   an ordinary :func:`~qingshan.ingest.runtime.run_listener` with its own journal
   (:func:`~qingshan.hj212.service.journal_dir` ``(settings, k)``), ingest worker, status
   flushes, device table and command runner, listening with ``SO_REUSEPORT``;
4. it restarts a child that exits (after 1 s, doubling to 30 s while it keeps failing): the
   child replays its journal before it listens again, its loggers reconnect (to any child);
5. on stop it sends each child SIGTERM and waits for it to ingest what it holds, then ingests
   what the journal of a child that was not running at the stop still holds.

Children read their settings as any ``qingshan`` command does (``QINGSHAN_*`` in the
environment they inherit, ``.env``): a :class:`~qingshan.config.Settings` built in code reaches
them only through the environment. Children get SIGTERM when the supervisor dies
(``PR_SET_PDEATHSIG``), so a killed supervisor leaves no listener behind. The ingests of all journals write the one observation store under
its ``hj212-ingest`` lock, so a packet re-sent to another process is stored once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import Engine

from qingshan.config import Settings, get_settings
from qingshan.db.engine import get_engine
from qingshan.hj212.errors import JournalLocked
from qingshan.hj212.journal import Journal
from qingshan.hj212.service import journal_dir
from qingshan.ingest.hj212 import JournalIngestor, StoreLike
from qingshan.ingest.runtime import run_listener
from qingshan.timeseries.store import ObservationStore

log = logging.getLogger("qingshan.hj212.multi")

#: seconds before a child that exited is started again, doubling up to the second value
RESTART_DELAY = (1.0, 30.0)
#: a child that ran this long [s] counts as healthy: its next restart waits the shortest delay
HEALTHY_AFTER = 60.0


def leftover_journals(settings: Settings, processes: int) -> list[Path]:
    """Journals of listener processes ``processes`` and above (``hj212-<k>``) that exist."""
    root = settings.journal_dir
    if not root.is_dir():
        return []
    out = []
    for path in sorted(root.glob("hj212-*")):
        index = path.name.removeprefix("hj212-")
        if path.is_dir() and index.isdigit() and int(index) >= processes:
            out.append(path)
    return out


def replay_journals(
    settings: Settings, engine: Engine, store: StoreLike, directories: Iterable[Path]
) -> int:
    """Ingest what the journals ``directories`` still hold, each under its journal lock (one
    a listener still runs on is left to it, logged). Returns the records ingested."""
    total = 0
    for directory in directories:
        if not directory.is_dir():
            continue
        try:
            journal = Journal(directory).open()
        except JournalLocked as exc:
            log.warning("%s: left to the listener that holds it", exc)
            continue
        try:
            result = JournalIngestor(directory, engine, store).run_all()
        finally:
            journal.close()
        if result.records:
            log.info("replayed %d records of %s", result.records, directory)
        total += result.records
    return total


def replay_leftovers(settings: Settings, engine: Engine, store: StoreLike, processes: int) -> int:
    """Ingest what the journals of processes ``>= processes`` still hold (no process uses them
    now). Returns the records ingested."""
    return replay_journals(settings, engine, store, leftover_journals(settings, processes))


def reserve_port(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` with ``SO_REUSEPORT`` that never listens: it keeps the
    port (a system-chosen one for ``port=0``) for the children, and takes no connection."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


class _Child:
    def __init__(self, index: int, argv: list[str]) -> None:
        self.index = index
        self.argv = argv
        self.proc: asyncio.subprocess.Process | None = None
        self.started = 0.0
        self.delay = RESTART_DELAY[0]
        self.restarts = 0
        self.listening = asyncio.Event()  # the running process said "ready"
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.listening.clear()
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv, stdout=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL
        )
        self.started = asyncio.get_running_loop().time()
        self._reader = asyncio.create_task(self._read(self.proc))

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        async for line in proc.stdout:
            if line.startswith(b"ready"):
                self.listening.set()

    async def ready(self, timeout: float) -> None:
        """Wait until the child listens; raise if it exits first."""
        assert self.proc is not None
        exited = asyncio.ensure_future(self.proc.wait())
        said = asyncio.ensure_future(self.listening.wait())
        try:
            await asyncio.wait({exited, said}, timeout=timeout, return_when="FIRST_COMPLETED")
        finally:
            exited.cancel()
            said.cancel()
        if not self.listening.is_set():
            if self.proc.returncode is not None:
                raise RuntimeError(
                    f"HJ 212 listener process {self.index} exited with {self.proc.returncode}"
                )
            raise TimeoutError(f"HJ 212 listener process {self.index} not ready in {timeout} s")


async def run_listeners(
    settings: Settings,
    engine: Engine,
    store: StoreLike,
    stop_event: asyncio.Event,
    *,
    processes: int | None = None,
    host: str | None = None,
    port: int | None = None,
    ready: Callable[[int], None] | None = None,
    start_timeout: float = 120.0,
) -> None:
    """Run ``processes`` listener processes on one port until ``stop_event`` is set (see the
    module docstring). ``ready`` is called with the port once every child listens."""
    n = settings.hj212_processes if processes is None else processes
    host = settings.hj212_host if host is None else host
    port = settings.hj212_port if port is None else port
    await asyncio.to_thread(replay_leftovers, settings, engine, store, n)
    holder = reserve_port(host, port)
    port = int(holder.getsockname()[1])
    base = [sys.executable, "-m", "qingshan.ingest.multi", "--host", host, "--port", str(port)]
    children = [_Child(k, [*base, "--index", str(k)]) for k in range(n)]
    try:
        for child in children:
            await child.start()
        await asyncio.gather(*(c.ready(start_timeout) for c in children))
        log.info("%d HJ 212 listener processes on %s:%d", n, host, port)
        if ready is not None:
            ready(port)
        watchers = [asyncio.create_task(_watch(c, stop_event)) for c in children]
        await stop_event.wait()
        for task in watchers:
            task.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)
    finally:
        await asyncio.gather(*(_stop(c) for c in children))
        holder.close()
        # a process that died and was not running again at the stop (killed during its restart
        # delay, say) left records in its journal: ingest them now rather than at the next start
        await asyncio.to_thread(
            replay_journals, settings, engine, store, [journal_dir(settings, k) for k in range(n)]
        )


async def _watch(child: _Child, stop_event: asyncio.Event) -> None:
    """Restart ``child`` whenever it exits, until the supervisor stops."""
    loop = asyncio.get_running_loop()
    while not stop_event.is_set():
        assert child.proc is not None
        code = await child.proc.wait()
        if stop_event.is_set():
            return
        ran = loop.time() - child.started
        child.delay = RESTART_DELAY[0] if ran >= HEALTHY_AFTER else child.delay
        log.warning("HJ 212 listener process %d (pid %d) exited with %s after %.0f s; "
                    "restarting in %.0f s", child.index, child.proc.pid, code, ran,
                    child.delay)  # fmt: skip
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop_event.wait(), child.delay)
        if stop_event.is_set():
            return
        child.delay = min(child.delay * 2, RESTART_DELAY[1])
        child.restarts += 1
        await child.start()
        try:
            await child.ready(120.0)
        except (RuntimeError, TimeoutError) as exc:
            log.warning("%s", exc)


async def _stop(child: _Child, timeout: float = 120.0) -> None:
    proc = child.proc
    if proc is None or proc.returncode is not None:
        return
    if not child.listening.is_set():  # still replaying its journal: let it finish first
        with contextlib.suppress(RuntimeError, TimeoutError):
            await child.ready(timeout)
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), timeout)
    except TimeoutError:
        log.warning("HJ 212 listener process %d did not stop: killed", child.index)
        proc.kill()
        await proc.wait()


# ------------------------------------------------------------------------------- the child


def _die_with_parent() -> None:
    """SIGTERM this process when its parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() == 1:  # the parent died before the prctl
        os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one HJ 212 listener process of several")
    parser.add_argument("--index", type=int, required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    _die_with_parent()
    logging.basicConfig(
        level=logging.INFO, format=f"%(asctime)s %(name)s [{args.index}] %(message)s"
    )
    settings = get_settings()
    engine = get_engine(settings.db_url)
    store = ObservationStore(settings.observations_dir)

    def said_ready(_listener: object) -> None:
        sys.stdout.write("ready\n")
        sys.stdout.flush()

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_listener(
            settings, engine, store, stop, host=args.host, port=args.port, ready=said_ready,
            journal_directory=journal_dir(settings, args.index), reuse_port=True,
        )  # fmt: skip

    try:
        import uvloop  # optional: a faster event loop for the listener
    except ImportError:  # pragma: no cover
        asyncio.run(run())
    else:
        uvloop.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
