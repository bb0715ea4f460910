"""Running the HJ 212 intake: the listener with its journal, ingest and status tasks, and the
simulated loggers. These are the entry points ``qingshan serve`` and ``qingshan listen`` use.

    await run_listener(settings, engine, store, stop_event)
    await run_simulated_loggers(settings, engine, stop_event, count=50)

The protocol side (framing, codec, journal, listener, device registry, logger simulator) is
:mod:`qingshan.hj212`; this module wires it to the ingest into the observation store
(:class:`~qingshan.ingest.hj212.JournalIngestor`, in a worker process by default:
:mod:`qingshan.ingest.worker`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine

from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.hj212.command_runner import CommandRunner, Sync
from qingshan.hj212.command_service import sync_with_engine
from qingshan.hj212.journal import Journal
from qingshan.hj212.listener import Listener, ListenerLimits, RejectQueue
from qingshan.hj212.logger_sim import SimLogger
from qingshan.hj212.registry import (
    DeviceAuth,
    RejectRecord,
    RejectRetention,
    load_device_table,
    write_rejects,
    write_status,
)
from qingshan.hj212.service import journal_dir, sim_specs
from qingshan.ingest.hj212 import JournalIngestor, StoreLike
from qingshan.ingest.worker import IngestProcess
from qingshan.timeseries.store import ObservationStore

log = logging.getLogger("qingshan.hj212")


def listener_limits(settings: Settings) -> ListenerLimits:
    """The listener's limits from the ``QINGSHAN_HJ212_*`` settings."""
    return ListenerLimits(
        max_connections=settings.hj212_max_connections,
        max_connections_per_address=settings.hj212_max_connections_per_address,
        idle_timeout=settings.hj212_idle_timeout,
        max_garbage_bytes=settings.hj212_max_garbage_bytes,
        max_bad_frames=settings.hj212_max_bad_frames,
    )


def reject_retention(settings: Settings) -> RejectRetention:
    return RejectRetention(
        max_rows=settings.hj212_reject_max_rows,
        days=settings.hj212_reject_retention_days,
    )


async def run_listener(
    settings: Settings,
    engine: Engine,
    store: StoreLike,
    stop_event: asyncio.Event,
    *,
    host: str | None = None,
    port: int | None = None,
    ready: Callable[[Listener], None] | None = None,
    ingest_interval: float = 1.0,
    flush_interval: float = 2.0,
    refresh_interval: float = 10.0,
    ingest: Literal["auto", "process", "thread"] = "auto",
    command_interval: float = 1.0,
    journal_directory: Path | None = None,
    reuse_port: bool = False,
) -> None:
    """Run the HJ 212 listener until ``stop_event`` is set.

    Before accepting connections it replays the journal into ``store`` (recovery after a
    crash). While running: ingest every ``ingest_interval`` s, status and rejects written every
    ``flush_interval`` s, the device table reloaded every ``refresh_interval`` s, the platform's
    commands to the loggers connected here claimed and reported every ``command_interval`` s
    (:class:`~qingshan.hj212.command_runner.CommandRunner`). On stop: close the port, commit the
    journal, ingest the rest, flush status.

    Parameters
    ----------
    settings : Settings
        ``hj212_host``/``hj212_port`` and ``journal_dir`` are used.
    engine : sqlalchemy.Engine
        The relational store (device registry, status, rejects, series).
    store : ObservationStore
        Where observations go.
    stop_event : asyncio.Event
        Set it to stop.
    ready : callable, optional
        Called with the started :class:`Listener` (its ``port`` is bound).
    ingest : {"auto", "process", "thread"}
        Where the journal → store ingest runs while listening: ``process`` is a worker
        process (:mod:`qingshan.ingest.worker`), so that parsing and Parquet writing
        never take the GIL from the listener; ``thread`` runs it in this process. ``auto``
        picks the process for an :class:`ObservationStore` on a database file or server.
    journal_directory : Path, optional
        The journal directory (default :func:`~qingshan.hj212.service.journal_dir`); one
        per listener process.
    reuse_port : bool
        Share the port with other listener processes (``SO_REUSEPORT``,
        :mod:`qingshan.ingest.multi`).
    """
    directory = journal_dir(settings) if journal_directory is None else journal_directory
    directory.mkdir(parents=True, exist_ok=True)
    # first of all, own the journal (JournalLocked names the pid of a listener already on it)
    journal = Journal(directory).open()
    worker: IngestProcess | None = None
    try:
        ingestor = JournalIngestor(directory, engine, store)
        recovered = await asyncio.to_thread(ingestor.run_all)
        if recovered.records:
            log.info("replayed %d journal records into the store", recovered.records)
        devices = await asyncio.to_thread(_load_devices, engine)
        worker = _ingest_process(directory, engine, store) if ingest != "thread" else None
        if worker is None and ingest == "process":
            raise ValueError("ingest='process' needs an ObservationStore and a database URL")
        if worker is not None:  # its imports and connections are paid before the port opens
            await worker.start()
    except BaseException:
        journal.close()
        if worker is not None:
            await worker.close()
        raise
    journal.start()
    listener = Listener(journal, devices, limits=listener_limits(settings))
    rejects = RejectQueue(settings.hj212_reject_queue, listener.status)
    listener.on_reject = rejects.append
    retention = reject_retention(settings)
    try:
        await listener.start(
            settings.hj212_host if host is None else host,
            settings.hj212_port if port is None else port,
            reuse_port=reuse_port,
        )
    except BaseException:  # e.g. the port is taken: leave nothing running
        await journal.stop()
        if worker is not None:
            await worker.close()
        raise
    log.info(
        "HJ 212 listener on %s:%s", settings.hj212_host if host is None else host, listener.port
    )
    if ready is not None:
        ready(listener)

    async def ingest_loop() -> None:
        while not done.is_set():
            await _wait(done, ingest_interval)
            upto = journal.durable
            try:
                if worker is not None:
                    await worker.run_once(upto, 50_000)
                else:
                    await asyncio.to_thread(ingestor.run_once, 50_000, upto)
            except Exception:  # a supervisor loop: logged with its traceback, retried
                log.exception("ingest failed; will retry")

    async def flush_loop() -> None:
        while not done.is_set():
            await _wait(done, flush_interval)
            await _flush(engine, listener, rejects, worker, retention)

    async def refresh_loop() -> None:
        while not done.is_set():
            await _wait(done, refresh_interval)
            try:
                if worker is not None:
                    listener.devices = await worker.devices()
                else:
                    listener.devices = await asyncio.to_thread(_load_devices, engine)
            except Exception:  # a supervisor loop: logged, the old table stays in use
                log.exception("device table reload failed")

    done = asyncio.Event()  # the loops finish their round (nothing cut mid-request), then end
    tasks = [asyncio.create_task(t()) for t in (ingest_loop, flush_loop, refresh_loop)]
    runner = CommandRunner(listener, _command_sync(engine, worker))
    tasks.append(
        asyncio.create_task(runner.run(done, command_interval, min(0.2, command_interval)))
    )
    try:
        await stop_event.wait()
    finally:
        done.set()
        await listener.stop()
        await journal.stop()
        _, late = await asyncio.wait(tasks, timeout=120)
        for task in late:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if worker is not None:
            await worker.close()
        await asyncio.to_thread(ingestor.run_all)
        await _flush(engine, listener, rejects, None, retention)


def _ingest_process(directory: Path, engine: Engine, store: StoreLike) -> IngestProcess | None:
    """A worker process for ingest, when the store and database can be opened from one."""
    if type(store) is not ObservationStore:
        return None
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return None
    return IngestProcess(
        {"journal_dir": str(directory), "db_url": engine.url.render_as_string(hide_password=False),
         "store_root": str(store.root), "compression": store.compression,
         "append_compression": store.append_compression}
    )  # fmt: skip


def _command_sync(engine: Engine, worker: IngestProcess | None) -> Sync:
    """The commands' database round: in the ingest worker, or in a thread without one."""
    if worker is not None:
        return worker.commands

    async def sync(
        updates: Sequence[dict[str, Any]], claim: Sequence[int], claimer: str, now: datetime
    ) -> dict[str, Any]:
        return await asyncio.to_thread(sync_with_engine, engine, updates, claim, claimer, now)

    return sync


def _load_devices(engine: Engine) -> dict[str, DeviceAuth]:
    with session_scope(engine) as session:
        return load_device_table(session)


async def _flush(
    engine: Engine,
    listener: Listener,
    rejects: RejectQueue,
    worker: IngestProcess | None,
    retention: RejectRetention,
) -> None:
    deltas = listener.status.drain()
    batch, dropped = rejects.drain()
    if dropped:  # counted where the rejects API shows them: one row saying how many
        log.warning("%d rejected frames not recorded (more than %d per flush)", dropped,
                    rejects.maxlen)  # fmt: skip
        batch.append(
            RejectRecord(
                received_at=datetime.now(UTC), mn=None, peer="listener", reason="dropped",
                message=f"{dropped} rejected frames not recorded: more than {rejects.maxlen} "
                f"since the last flush (QINGSHAN_HJ212_REJECT_QUEUE)",
                frame=None,
            )
        )  # fmt: skip
    if not deltas and not batch:
        return
    if worker is not None:
        try:
            await worker.flush(deltas, batch, retention)
        except Exception:  # status is bookkeeping: logged, never stops the listener
            log.exception("status flush failed")
        return

    def write() -> None:
        with session_scope(engine) as session:
            write_status(session, deltas)
            write_rejects(session, batch, retention)

    try:
        await asyncio.to_thread(write)
    except Exception:  # status is bookkeeping: logged, never stops the listener
        log.exception("status flush failed")


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass


async def run_simulated_loggers(
    settings: Settings,
    engine: Engine,
    stop_event: asyncio.Event,
    *,
    count: int | None = None,
    rtd_interval: float = 30.0,
    faults: float = 0.0,
    host: str | None = None,
    port: int | None = None,
) -> None:
    """Run simulated loggers for the registered devices (at most ``count``) against the
    listener at ``settings.hj212_host:hj212_port`` until ``stop_event`` is set."""
    specs = await asyncio.to_thread(sim_specs, engine, count)
    loggers = [
        SimLogger(s, settings.hj212_host if host is None else host, settings.hj212_port if port is None else port,
                  rtd_interval=rtd_interval, faults=faults, seed=i)
        for i, s in enumerate(specs)
    ]  # fmt: skip
    log.info("%d simulated loggers", len(loggers))
    await asyncio.gather(*(lg.run(stop_event) for lg in loggers))
