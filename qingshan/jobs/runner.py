"""Running jobs: once by hand (:func:`run_job`), or on their schedules inside the server
(:class:`JobScheduler`). Every run, scheduled or not, is a row of ``job_run``.

The scheduler is APScheduler's ``AsyncIOScheduler`` on the server's event loop, with a thread
pool running the jobs (they block: database, Parquet). Each job runs one at a time
(``max_instances=1``: a fire time reached while the job still runs is skipped); fire times
missed while the loop was busy are run once (``coalesce``) if no later than the job's grace
time. At start-up the scheduler takes the data directory's lock (:mod:`qingshan.jobs.lock`),
marks the runs a dead process left ``running`` as ``interrupted``, and picks each job's first
run from the recorded runs (:meth:`~qingshan.jobs.schedule.Every.first_run`): an interval job
runs at once if its interval has passed since its last run; a cron job whose fire time passed
within its grace time while no scheduler ran is run at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from qingshan.db.engine import session_scope
from qingshan.jobs.job import Job, JobContext
from qingshan.jobs.lock import SchedulerLock, lock_path
from qingshan.jobs.models import JobRun, RunStatus
from qingshan.jobs.schedule import Every
from qingshan.jobs.service import close_interrupted_runs, finish_run, last_starts, start_run
from qingshan.timeutil import CST, utcnow

log = logging.getLogger("qingshan.jobs")


def run_job(job: Job, ctx: JobContext) -> JobRun:
    """Run ``job`` once and record the run; a failure is recorded, then re-raised."""
    with session_scope(ctx.engine) as session:
        run_id = start_run(session, job.name, utcnow()).id
    status, message = RunStatus.INTERRUPTED, "stopped before the end"
    try:
        message = job.func(ctx)
        status = RunStatus.OK
    except Exception as exc:
        message, status = f"{type(exc).__name__}: {exc}", RunStatus.FAILED
        raise
    finally:
        with session_scope(ctx.engine) as session:
            run = finish_run(session, run_id, status, message, utcnow())
    return run


class JobScheduler:
    """The jobs ``jobs`` on their schedules, on the running event loop (see the module)."""

    def __init__(self, jobs: Mapping[str, Job], ctx: JobContext, *, lock_wait: float = 2.0) -> None:
        self.jobs = jobs
        self.ctx = ctx
        self.lock_wait = lock_wait
        self.lock = SchedulerLock(lock_path(ctx.settings.data_dir))
        self._scheduler: AsyncIOScheduler | None = None
        self._pool: ThreadPoolExecutor | None = None

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    async def start(self) -> None:
        """Take the lock (:class:`~qingshan.jobs.errors.SchedulerRunning` if another process
        holds it), close interrupted runs and schedule every job."""
        await asyncio.to_thread(self.lock.acquire, wait=self.lock_wait)
        try:
            first = await asyncio.to_thread(self._first_runs, utcnow())
            self._pool = ThreadPoolExecutor(max_workers=max(1, len(self.jobs)))
            scheduler = AsyncIOScheduler(
                timezone=CST,
                executors={"default": self._pool},
                job_defaults={"max_instances": 1, "coalesce": True},
            )
            for job in self.jobs.values():
                scheduler.add_job(
                    self._run,
                    trigger=_trigger(job, first[job.name]),
                    args=(job,),
                    id=job.name,
                    name=job.name,
                    next_run_time=first[job.name],
                    misfire_grace_time=max(1, int(job.grace.total_seconds())),
                    max_instances=1,
                    coalesce=True,
                )
            scheduler.start()
            self._scheduler = scheduler
        except BaseException:
            self.lock.release()
            raise
        log.info(
            "scheduler started: %s",
            ", ".join(f"{j.name} ({j.schedule.describe()})" for j in self.jobs.values()),
        )

    async def stop(self) -> None:
        """Stop scheduling, wait for the runs in progress, release the lock."""
        try:
            if self._scheduler is not None and self._scheduler.running:
                self._scheduler.pause()  # no more submissions, even of a wake-up already queued
                self._scheduler.shutdown(wait=False)  # done on the loop, at the next step
                await asyncio.sleep(0)
            if self._pool is not None:
                await asyncio.to_thread(self._pool.shutdown, True)
        finally:
            self._scheduler = self._pool = None
            self.lock.release()

    def next_run_times(self) -> dict[str, datetime | None]:
        """Each job's next fire time (None once stopped)."""
        scheduler = self._scheduler
        if scheduler is None:
            return dict.fromkeys(self.jobs)
        times = {j.id: j.next_run_time for j in scheduler.get_jobs()}
        return {name: times.get(name) for name in self.jobs}

    def _first_runs(self, now: datetime) -> dict[str, datetime]:
        with session_scope(self.ctx.engine) as session:
            closed = close_interrupted_runs(session, now)
            starts = last_starts(session, list(self.jobs))
        if closed:
            log.warning("%d job runs left running by a stopped server marked interrupted", closed)
        return {
            job.name: job.schedule.first_run(now, starts.get(job.name), job.grace).astimezone(CST)
            for job in self.jobs.values()
        }

    def _run(self, job: Job) -> None:
        """Run ``job`` in a worker thread; a failure is recorded and logged, and the job runs
        again at its next fire time."""
        try:
            run_job(job, self.ctx)
        except Exception:
            log.exception("job %s failed", job.name)


def _trigger(job: Job, first: datetime) -> BaseTrigger:
    if isinstance(job.schedule, Every):
        return job.schedule.trigger(first)
    return job.schedule.trigger()


async def run_scheduler(jobs: Mapping[str, Job], ctx: JobContext, stop: asyncio.Event) -> None:
    """Run ``jobs`` on their schedules until ``stop`` is set."""
    scheduler = JobScheduler(jobs, ctx)
    await scheduler.start()
    try:
        await stop.wait()
    finally:
        await scheduler.stop()
