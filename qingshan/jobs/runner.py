"""Running jobs: once (recorded in ``job_run``) or on a schedule inside the server."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import update

from qingshan.db.engine import session_scope
from qingshan.jobs.models import JobRun
from qingshan.jobs.registry import JOBS, JobContext, get_job
from qingshan.timeutil import utcnow

log = logging.getLogger("qingshan.jobs")


def run_job(name: str, ctx: JobContext) -> JobRun:
    """Run job ``name`` once and record the run; a failure is recorded, then re-raised."""
    job = get_job(name)
    with session_scope(ctx.engine) as session:
        run = JobRun(name=name, started_at=utcnow(), status="running")
        session.add(run)
    try:
        message = job.load()(ctx)
        status = "ok"
    except Exception as exc:
        message, status = f"{type(exc).__name__}: {exc}", "failed"
        raise
    finally:
        with session_scope(ctx.engine) as session:
            run = session.merge(run)
            run.finished_at, run.status, run.message = utcnow(), status, message
    return run


def _close_interrupted_runs(ctx: JobContext) -> None:
    """Runs left 'running' by a process that died are marked 'interrupted' at start-up."""
    with session_scope(ctx.engine) as session:
        session.execute(
            update(JobRun)
            .where(JobRun.status == "running")
            .values(status="interrupted", finished_at=utcnow(), message="the server stopped")
        )


async def run_scheduler(ctx: JobContext, stop: asyncio.Event) -> None:
    """Run every job at its interval until ``stop`` is set. Jobs run in a worker thread, one
    at a time per job; a failing job is logged and retried at its next slot."""

    await asyncio.to_thread(_close_interrupted_runs, ctx)

    async def loop(name: str) -> None:
        every = JOBS[name].every.total_seconds()
        while not stop.is_set():
            try:
                await asyncio.to_thread(run_job, name, ctx)
            except Exception:
                log.exception("job %s failed", name)
            try:
                await asyncio.wait_for(stop.wait(), timeout=every)
            except TimeoutError:
                pass

    await asyncio.gather(*(loop(name) for name in JOBS))
