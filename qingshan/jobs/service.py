"""The record of job runs (``job_run``) and the overview of the jobs that ``qingshan jobs list``,
``GET /api/v1/admin/jobs`` and the 任务调度 page show: each job's schedule, its next run and
its last runs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from qingshan.jobs.job import Job
from qingshan.jobs.lock import lock_state
from qingshan.jobs.models import JobRun, RunStatus
from qingshan.jobs.schedule import Cron, Every

#: runs shown per job by default
HISTORY = 10


def start_run(session: Session, name: str, now: datetime) -> JobRun:
    """Record that job ``name`` started at ``now``."""
    run = JobRun(name=name, started_at=now, status=RunStatus.RUNNING.value, message="")
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session, run_id: int, status: RunStatus, message: str, now: datetime
) -> JobRun:
    """Record the end of run ``run_id``."""
    run = session.get_one(JobRun, run_id)
    run.finished_at, run.status, run.message = now, status.value, message
    return run


def close_interrupted_runs(session: Session, now: datetime) -> int:
    """Mark the runs a dead process left ``running`` as ``interrupted`` (called by a starting
    scheduler, which holds the data directory's lock); returns how many."""
    result = session.execute(
        update(JobRun)
        .where(JobRun.status == RunStatus.RUNNING.value)
        .values(status=RunStatus.INTERRUPTED.value, finished_at=now, message="the server stopped")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def last_starts(session: Session, names: list[str]) -> dict[str, datetime]:
    """The start of the latest run of each job that was not interrupted (the runs a schedule
    counts from)."""
    rows = session.execute(
        select(JobRun.name, func.max(JobRun.started_at))
        .where(JobRun.name.in_(names), JobRun.status != RunStatus.INTERRUPTED.value)
        .group_by(JobRun.name)
    ).all()
    return {name: started for name, started in rows if started is not None}


def recent_runs(session: Session, name: str, limit: int = HISTORY) -> list[JobRun]:
    """The latest ``limit`` runs of job ``name``, newest first."""
    return list(
        session.scalars(
            select(JobRun).where(JobRun.name == name).order_by(JobRun.id.desc()).limit(limit)
        )
    )


@dataclass(frozen=True)
class RunView:
    id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    message: str

    @property
    def duration_seconds(self) -> float | None:
        """[s], None while the run has not finished."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class ScheduleView:
    kind: str  # interval | cron
    text: str  # "every 10 min", "cron 0 16 * * * (CST)"
    seconds: float | None  # the interval [s]
    cron: str | None  # the crontab expression, read in CST
    timezone: str = "UTC+08:00"


@dataclass(frozen=True)
class JobView:
    name: str
    description: str
    schedule: ScheduleView
    next_run: datetime | None  # None: no scheduler runs on this data directory
    last_run: RunView | None
    recent_runs: list[RunView]


@dataclass(frozen=True)
class SchedulerView:
    running: bool
    pid: int | None  # of the process running it, if known
    lock: str  # the lock file that tells


@dataclass(frozen=True)
class JobsOverview:
    now: datetime
    scheduler: SchedulerView
    jobs: list[JobView]


def schedule_view(job: Job) -> ScheduleView:
    s = job.schedule
    if isinstance(s, Every):
        return ScheduleView("interval", s.describe(), s.interval.total_seconds(), None)
    assert isinstance(s, Cron)
    return ScheduleView("cron", s.describe(), None, " ".join(s.expr.split()))


def jobs_overview(
    session: Session,
    jobs: Mapping[str, Job],
    *,
    now: datetime,
    lock: Path,
    live: Mapping[str, datetime | None] | None = None,
    history: int = HISTORY,
) -> JobsOverview:
    """Each job's schedule, next run and ``history`` latest runs.

    ``live`` gives the next run times of a scheduler running in this process; without it the
    lock file ``lock`` tells whether a scheduler runs on the data directory, and the next runs
    are computed from the schedules and the recorded runs as that scheduler computes them.
    """
    running, pid = (True, os.getpid()) if live is not None else lock_state(lock)
    starts = last_starts(session, list(jobs))
    views = []
    for job in jobs.values():
        runs = [_run_view(r) for r in recent_runs(session, job.name, history)]
        if live is not None:
            next_run = live.get(job.name)
        elif running:
            next_run = job.schedule.first_run(now, starts.get(job.name), job.grace)
        else:
            next_run = None
        views.append(
            JobView(
                name=job.name,
                description=job.description,
                schedule=schedule_view(job),
                next_run=next_run,
                last_run=runs[0] if runs else None,
                recent_runs=runs,
            )
        )
    return JobsOverview(now=now, scheduler=SchedulerView(running, pid, str(lock)), jobs=views)


def _run_view(run: JobRun) -> RunView:
    return RunView(run.id, run.status, run.started_at, run.finished_at, run.message)
