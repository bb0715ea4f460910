"""What runs beside the web app inside ``qingshan serve``: the job scheduler, the HJ 212
listener and, in demo mode, the simulated data loggers feeding it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from qingshan.config import Settings
from qingshan.db.engine import make_engine
from qingshan.ingest.multi import run_listeners
from qingshan.ingest.runtime import run_listener, run_simulated_loggers
from qingshan.jobs.job import JobContext
from qingshan.jobs.runner import JobScheduler
from qingshan.platform.jobs import JOBS

log = logging.getLogger("qingshan.runtime")


@asynccontextmanager
async def start_runtime(app: FastAPI, settings: Settings) -> AsyncIterator[None]:
    """Start the background services named by ``settings``; stop them on shutdown."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []
    engine = app.state.engine = make_engine(settings.db_url)
    scheduler = None
    if settings.scheduler:
        # one scheduler per data directory: refuses to start if another process holds its lock
        scheduler = JobScheduler(JOBS, JobContext(settings=settings, engine=engine))
        await scheduler.start()
    app.state.scheduler = scheduler
    if settings.hj212_listener:
        store = app.state.store
        listener = (
            run_listeners(settings, engine, store, stop)  # several processes, SO_REUSEPORT
            if settings.hj212_processes > 1
            else run_listener(settings, engine, store, stop)
        )
        tasks.append(asyncio.create_task(listener, name="hj212-listener"))
        if settings.sim_loggers:
            tasks.append(
                asyncio.create_task(
                    run_simulated_loggers(settings, engine, stop, count=settings.sim_loggers),
                    name="sim-loggers",
                )
            )
    app.state.stop = stop
    try:
        yield
    finally:
        stop.set()
        if scheduler is not None:
            try:
                await asyncio.wait_for(scheduler.stop(), timeout=10)
            except TimeoutError:
                log.warning("jobs still running at shutdown: they finish before the process exits")
        for task in tasks:
            try:
                await asyncio.wait_for(task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception:
                log.exception("background task %s failed on shutdown", task.get_name())
        engine.dispose()
