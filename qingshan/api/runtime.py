"""What runs beside the web app inside ``qingshan serve``: the job scheduler, the HJ 212
listener and, in demo mode, the simulated data loggers feeding it."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

from qingshan.config import Settings
from qingshan.db.engine import make_engine
from qingshan.jobs.registry import JobContext

log = logging.getLogger("qingshan.runtime")


@asynccontextmanager
async def start_runtime(app: FastAPI, settings: Settings):
    """Start the background services named by ``settings``; stop them on shutdown."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []
    engine = app.state.engine = make_engine(settings.db_url)
    if settings.scheduler:
        from qingshan.jobs.runner import run_scheduler

        ctx = JobContext(settings=settings, engine=engine)
        tasks.append(asyncio.create_task(run_scheduler(ctx, stop), name="scheduler"))
    if settings.hj212_listener:
        from qingshan.hj212.service import run_listener
        from qingshan.timeseries.store import ObservationStore

        store = ObservationStore(settings.observations_dir)
        tasks.append(
            asyncio.create_task(run_listener(settings, engine, store, stop), name="hj212-listener")
        )
        if settings.sim_loggers:
            from qingshan.hj212.service import run_simulated_loggers

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
        for task in tasks:
            try:
                await asyncio.wait_for(task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception:
                log.exception("background task %s failed on shutdown", task.get_name())
        engine.dispose()
