"""The scheduler on a real event loop and database: interval jobs run and are recorded in
``job_run``, one run at a time per job, failures recorded and retried, cron runs missed while no
scheduler ran made up at start-up, one scheduler per data directory."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.jobs.errors import SchedulerRunning
from qingshan.jobs.job import Job, JobContext, Jobs
from qingshan.jobs.lock import SchedulerLock, lock_path, lock_state
from qingshan.jobs.models import JobRun, RunStatus
from qingshan.jobs.runner import JobScheduler, run_job, run_scheduler
from qingshan.jobs.schedule import cron, every
from qingshan.timeutil import as_cst, utcnow


@pytest.fixture
def ctx(engine, tmp_path):
    return JobContext(settings=Settings(data_dir=tmp_path, secret_key="x" * 32), engine=engine)


def _runs(engine, name: str) -> list[JobRun]:
    with session_scope(engine) as s:
        return list(s.scalars(select(JobRun).where(JobRun.name == name).order_by(JobRun.id)))


def _serve_for(jobs: Jobs, ctx: JobContext, seconds: float) -> None:
    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(run_scheduler(jobs, ctx, stop))
        await asyncio.sleep(seconds)
        stop.set()
        await task

    asyncio.run(main())


def test_interval_jobs_run_on_a_real_loop_one_at_a_time_and_are_recorded(engine, ctx):
    ticks: list[float] = []
    active = 0
    most = 0
    guard = threading.Lock()

    def tick(c: JobContext) -> str:
        ticks.append(time.monotonic())
        return f"tick {len(ticks)}"

    def slow(c: JobContext) -> str:  # runs longer than its interval
        nonlocal active, most
        with guard:
            active += 1
            most = max(most, active)
        time.sleep(0.45)
        with guard:
            active -= 1
        return "slow done"

    def boom(c: JobContext) -> str:
        raise ValueError("the source is missing")

    jobs = Jobs(
        Job("tick", tick, every(seconds=0.25), "a quick job"),
        Job("slow", slow, every(seconds=0.1), "a job longer than its interval"),
        Job("boom", boom, every(seconds=0.3), "a failing job"),
    )
    _serve_for(jobs, ctx, 1.5)

    ok = _runs(engine, "tick")
    assert 3 <= len(ok) <= 8
    assert {r.status for r in ok} == {"ok"} and ok[0].message == "tick 1"
    assert all(r.finished_at >= r.started_at for r in ok)
    # at its interval, not in a burst: never three runs within one interval (a run the loaded
    # machine started late may sit close to the next one on time, no more)
    spans = [c - a for a, c in zip(ticks, ticks[2:], strict=False)]
    assert min(spans) > 0.25

    slow_runs = _runs(engine, "slow")
    assert most == 1  # never two at once, though its interval is shorter than a run
    assert 2 <= len(slow_runs) <= 4 and {r.status for r in slow_runs} == {"ok"}
    for a, b in zip(slow_runs, slow_runs[1:], strict=False):
        assert b.started_at >= a.finished_at

    failed = _runs(engine, "boom")
    assert len(failed) >= 2  # recorded, and run again at its next fire time
    assert {(r.status, r.message) for r in failed} == {
        ("failed", "ValueError: the source is missing")
    }
    assert not lock_state(lock_path(ctx.settings.data_dir))[0]  # released on stop


def test_scheduler_uses_cron_next_fire_and_makes_up_a_missed_run(engine, ctx):
    """A cron job whose fire time passed 10 min ago, while no scheduler ran, runs at start-up;
    afterwards its next run is the next fire time (CST)."""
    calls: list[str] = []
    past = as_cst(utcnow() - timedelta(minutes=10))
    expr = f"{past.minute} {past.hour} * * *"
    jobs = Jobs(
        Job("daily", lambda c: calls.append("daily") or "forecast made", cron(expr), "daily"),
        Job(
            "monthly", lambda c: "notice", cron("0 8 1 * *"), "monthly", grace=timedelta(seconds=1)
        ),
    )

    async def main() -> dict:
        scheduler = JobScheduler(jobs, ctx)
        await scheduler.start()
        try:
            for _ in range(100):
                if calls:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)
            return scheduler.next_run_times()
        finally:
            await scheduler.stop()

    times = asyncio.run(main())
    assert calls == ["daily"]
    [run] = _runs(engine, "daily")
    assert (run.status, run.message) == ("ok", "forecast made")
    now = utcnow()
    assert times["daily"] == jobs["daily"].schedule.next_fire(now)
    assert times["daily"].utcoffset() == timedelta(hours=8)
    assert timedelta(hours=23) < times["daily"] - now < timedelta(hours=24)
    assert times["monthly"] == jobs["monthly"].schedule.next_fire(now)
    assert times["monthly"].day == 1 and (times["monthly"].hour, times["monthly"].minute) == (8, 0)
    assert _runs(engine, "monthly") == []


def test_one_scheduler_per_data_directory(engine, ctx):
    path = lock_path(ctx.settings.data_dir)
    assert lock_state(path) == (False, None)
    jobs = Jobs(Job("tick", lambda c: "t", every(hours=1), "hourly"))

    async def main() -> None:
        first = JobScheduler(jobs, ctx)
        await first.start()
        try:
            assert lock_state(path) == (True, os.getpid())
            second = JobScheduler(jobs, ctx, lock_wait=0.1)
            with pytest.raises(
                SchedulerRunning, match=f"a scheduler already runs on .* \\(pid {os.getpid()}\\)"
            ):
                await second.start()
        finally:
            await first.stop()
        assert lock_state(path) == (False, None)
        again = SchedulerLock(path)
        again.acquire(wait=0)  # free again
        again.release()

    asyncio.run(main())


def test_run_job_records_a_failure_then_reraises(engine, ctx):
    def broken(c: JobContext) -> str:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        run_job(Job("broken", broken, every(minutes=5), ""), ctx)
    [run] = _runs(engine, "broken")
    assert (run.status, run.message) == (RunStatus.FAILED, "RuntimeError: disk full")
    assert run.finished_at is not None
