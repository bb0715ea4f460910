"""``qingshan jobs list`` (text and --json) and ``qingshan jobs run`` as an operator runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from qingshan.db.engine import session_scope
from qingshan.jobs.lock import SchedulerLock, lock_path
from qingshan.jobs.models import JobRun
from qingshan.timeutil import as_cst, utcnow


def qingshan(engine, tmp_path, *args: str, **extra_env: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        **extra_env,
        "QINGSHAN_DATA_DIR": str(tmp_path),
        "QINGSHAN_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "COLUMNS": "250",  # one table row per line
    }
    return subprocess.run(
        [sys.executable, "-m", "qingshan.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def started(engine) -> datetime:
    """A finished rollups run 3 min ago, a failed qc run before it."""
    t0 = (utcnow() - timedelta(minutes=3)).replace(microsecond=0)
    with session_scope(engine) as s:
        s.add(JobRun(name="qc", started_at=t0 - timedelta(minutes=20), status="failed",
                     finished_at=t0 - timedelta(minutes=19), message="ValueError: no [pack]"))  # fmt: skip
        s.add(JobRun(name="rollups", started_at=t0, finished_at=t0 + timedelta(seconds=2.25),
                     status="ok", message="12 rollup rows written"))  # fmt: skip
    return t0


def _cst(t: datetime) -> str:
    return as_cst(t).strftime("%Y-%m-%d %H:%M")


def test_jobs_list_text_without_a_scheduler(engine, tmp_path, started):
    r = qingshan(engine, tmp_path, "jobs", "list")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "scheduler: not running" in out and "qingshan serve" in out
    rows = [line.split("│")[1:-1] for line in out.splitlines() if line.startswith("│ ")]
    cells = [[c.strip() for c in row] for row in rows]
    assert cells == [
        ["rollups", "every 10 min", "—", f"ok {_cst(started)} · 2.2 s"],
        ["", "", "", "12 rollup rows written"],
        ["compact", "every 30 min", "—", "never"],
        ["qc", "every 15 min", "—", f"failed {_cst(started - timedelta(minutes=20))} · 60.0 s"],
        ["", "", "", "ValueError: no [pack]"],  # not read as markup
        ["case-deadlines", "every 1 h", "—", "never"],
        ["case-notice", "cron 0 1 1 * * (CST)", "—", "never"],
        ["credit", "cron 0 2 * * * (CST)", "—", "never"],
        ["forecast-air", "cron 0 16 * * * (CST)", "—", "never"],
        ["forecast-water", "cron 0 8 * * * (CST)", "—", "never"],
        ["target-reminders", "cron 30 8 * * * (CST)", "—", "never"],
        ["ranking-rollups", "cron 30 1 * * * (CST)", "—", "never"],
        ["waste-balance", "cron 0 3 2 * * (CST)", "—", "never"],
        ["indices", "every 10 min", "—", "never"],
        ["zones-fences", "every 10 min", "—", "never"],
        ["zones-sweep", "cron 30 2 * * * (CST)", "—", "never"],
        ["emergency-gas", "every 30 s", "—", "never"],
        ["vehicles-screening", "cron 30 3 * * * (CST)", "—", "never"],
        ["emergency-plans", "cron 0 7 * * * (CST)", "—", "never"],
        ["emergency-radiation", "every 5 min", "—", "never"],
        ["soil-units", "cron 30 7 * * * (CST)", "—", "never"],
    ]
    assert "next run (CST)" in out and "last run (CST)" in out
    assert "rollups: hour → day → month means with coverage" in out


def test_jobs_list_json_while_a_scheduler_holds_the_lock(engine, tmp_path, started):
    lock = SchedulerLock(lock_path(tmp_path))
    lock.acquire()
    try:
        r = qingshan(engine, tmp_path, "jobs", "list", "--json", "--runs", "5")
        text = qingshan(engine, tmp_path, "jobs", "list").stdout
    finally:
        lock.release()
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert body["scheduler"] == {
        "running": True,
        "pid": os.getpid(),
        "lock": str(tmp_path / "scheduler.lock"),
    }
    jobs = {j["name"]: j for j in body["jobs"]}
    assert list(jobs) == ["rollups", "compact", "qc", "case-deadlines", "case-notice", "credit",
                          "forecast-air", "forecast-water", "target-reminders", "ranking-rollups", "waste-balance", "indices", "zones-fences", "zones-sweep", "emergency-gas", "vehicles-screening", "emergency-plans", "emergency-radiation", "soil-units"]  # fmt: skip
    rollups = jobs["rollups"]
    assert rollups["schedule"]["text"] == "every 10 min" and rollups["schedule"]["seconds"] == 600
    assert rollups["last_run"]["status"] == "ok" and rollups["last_run"]["duration_seconds"] == 2.25
    # the scheduler runs it 10 min after its last start
    assert datetime.fromisoformat(rollups["next_run"]) == started + timedelta(minutes=10)
    assert jobs["compact"]["last_run"] is None and jobs["compact"]["next_run"] is not None
    assert jobs["qc"]["recent_runs"][0]["message"] == "ValueError: no [pack]"
    assert f"scheduler: running (pid {os.getpid()}" in text
    assert _cst(started + timedelta(minutes=10)) in text


def test_jobs_run_unknown_name_is_one_line(engine, tmp_path):
    r = qingshan(engine, tmp_path, "jobs", "run", "nope")
    assert r.returncode == 1
    assert (
        r.stderr.strip()
        == "error: no job 'nope'; jobs are: case-deadlines, case-notice, compact, credit, "
        "emergency-gas, emergency-plans, emergency-radiation, forecast-air, forecast-water, indices, qc, ranking-rollups, rollups, soil-units, target-reminders, vehicles-screening, waste-balance, zones-fences, zones-sweep"
    )


def test_jobs_run_records_the_run(engine, tmp_path):
    r = qingshan(engine, tmp_path, "jobs", "run", "compact", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {
        "job": "compact",
        "status": "ok",
        "message": "0 partitions compacted (0 files → 0)",
    }
    listed = json.loads(qingshan(engine, tmp_path, "jobs", "list", "--json").stdout)
    assert listed["jobs"][1]["last_run"]["status"] == "ok"


def test_a_second_serve_on_the_data_dir_is_refused_in_one_line(engine, tmp_path):
    lock = SchedulerLock(lock_path(tmp_path))
    lock.acquire()
    try:
        r = qingshan(
            engine, tmp_path, "serve", "--port", "1",
            QINGSHAN_SECRET_KEY="k" * 32, QINGSHAN_SCHEDULER="1",
        )  # fmt: skip
    finally:
        lock.release()
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    [line] = r.stderr.strip().splitlines()
    assert f"already runs on {tmp_path}: one server per data directory" in line
    assert str(os.getpid()) in line
