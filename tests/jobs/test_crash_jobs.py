"""kill -9 at every step of every job, then a rerun: the stores equal a clean run's.

Each case runs the job in a real subprocess that SIGKILLs itself at one chosen step (the test
hook ``_KILL_DRIVER`` below wraps one function of the job's path: the process dies right after
— or for ``before``, right before — its n-th call), reruns the job in-process, and compares the
observation store, ``latest_value`` and the QC tables with those of a clean run over identical
data (design: one kill point per job step, so the test stays bounded in time). SQLite only: the
steps are the same on PostgreSQL and each case costs a subprocess start.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from qingshan.cases.models import CaseRecord
from qingshan.config import Settings
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.jobs.job import JobContext
from qingshan.jobs.runner import run_job
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.platform.jobs import JOBS
from qingshan.qc.models import QCEvent, QCJudgement
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

pytestmark = pytest.mark.slow

OUTLETS = 12  # more than the QC job's batch of 10 outlets: two transactions

#: runs JOB with TARGET (module:attr[.attr]) wrapped so the process SIGKILLs itself at a step
_KILL_DRIVER = """
import contextlib, importlib, os, signal, sys
from qingshan.config import Settings
from qingshan.db.engine import make_engine
from qingshan.jobs.job import JobContext
from qingshan.jobs.runner import run_job
from qingshan.platform.jobs import JOBS

job, data_dir, db_url, target, when, nth = sys.argv[1:7]
mod_name, _, attr_path = target.partition(":")
owner = importlib.import_module(mod_name)
*parents, attr = attr_path.split(".")
for p in parents:
    owner = getattr(owner, p)
original = getattr(owner, attr)
calls = [0]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

if when == "exit":  # a context manager: die right after its n-th block ends (committed)
    @contextlib.contextmanager
    def hooked(*a, **k):
        with original(*a, **k) as value:
            yield value
        calls[0] += 1
        if calls[0] == int(nth):
            die()
else:
    def hooked(*a, **k):
        calls[0] += 1
        if when == "before" and calls[0] == int(nth):
            die()
        out = original(*a, **k)
        if when == "after" and calls[0] == int(nth):
            die()
        return out
setattr(owner, attr, hooked)
ctx = JobContext(settings=Settings(data_dir=data_dir, secret_key="x" * 32), engine=make_engine(db_url))
run_job(JOBS[job], ctx)
sys.exit(3)  # the kill point was never reached
"""

#: (job, step name, target, when, n): every step where a job writes or commits
KILL_POINTS = [
    # rollups (per step and stream: write the rows, then commit their latest values): the first
    # stream's day rows written, their latest values not (issue 9 item 2); killed before the
    # rename of a written file; its latest values committed, the other stream's rows not yet
    # written; the hour → day step done, day → month not started; month rows written
    ("rollups", "after_write", "qingshan.timeseries.store:ObservationStore.append", "after", 1),
    ("rollups", "before_rename", "qingshan.timeseries.layout:publish", "before", 1),
    ("rollups", "after_latest", "qingshan.jobs.builtin:session_scope", "exit", 2),
    ("rollups", "between_steps", "qingshan.jobs.builtin:session_scope", "exit", 3),
    ("rollups", "month_written", "qingshan.timeseries.store:ObservationStore.append", "after", 3),
    # compact: the new file written but not renamed; renamed, old files not deleted;
    # the first partition done, the second not
    ("compact", "after_temp", "qingshan.timeseries.layout:fsync_file", "after", 1),
    ("compact", "after_rename", "qingshan.timeseries.layout:publish", "after", 1),
    ("compact", "after_partition", "qingshan.timeseries.layout:discard", "after", 1),
    # qc: a verdict stored but not committed; the first batch of outlets committed
    ("qc", "in_transaction", "qingshan.qc.service:store_judgement", "after", 1),
    ("qc", "after_batch", "qingshan.qc.jobs:session_scope", "exit", 2),
    # indices: the derived series registered, nothing written; the hourly AQI rows written, the
    # primary pollutants' and the day's not
    ("indices", "registered", "qingshan.indices.service:session_scope", "exit", 1),
    ("indices", "after_write", "qingshan.timeseries.store:ObservationStore.append", "after", 1),
]


def _setup(root: Path) -> tuple[Settings, str]:
    """Identical data in ``root``: an air station and ``OUTLETS`` coal-boiler outlets with the
    hours of yesterday and today (CST), SO2 over its limit for 3 hours, in 20 small appends per
    stream over two UTC dates (so compaction has two partitions to do)."""
    root.mkdir()
    url = f"sqlite:///{root / 'q.db'}"
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings(data_dir=root / "var", secret_key="x" * 32)
    store = ObservationStore(settings.observations_dir)
    day0 = pd.Timestamp(utcnow()).tz_convert(CST).normalize() - pd.Timedelta(days=1)
    hours = pd.date_range(day0, periods=30, freq="h").tz_convert("UTC")
    frames = []
    with session_scope(engine) as s:
        seed_regions(s)
        air = Site(
            code="AIR1",
            name="测试站",
            kind=SiteKind.AIR_STATION,
            control_level=ControlLevel.PROVINCIAL,
            region_code="330106",
        )
        s.add(air)
        s.flush()
        pm = get_or_create_series(s, air, "a34004", Period.HOUR, "µg/m³").id
        frames.append(("air", pd.DataFrame({"series_id": pm, "time": hours, "value": 30.0})))
        for k in range(OUTLETS):
            site = Site(
                code=f"GAS{k}",
                name=f"{k}号锅炉排口",
                kind=SiteKind.GAS_OUTLET,
                control_level=ControlLevel.ENTERPRISE,
                region_code="330106",
                attrs={"source_type": "coal_boiler_ultralow", "reference_o2": 6.0},
            )
            s.add(site)
            s.flush()
            so2_id = get_or_create_series(s, site, "a21026", Period.HOUR, "mg/m³").id
            o2_id = get_or_create_series(s, site, "a19001", Period.HOUR, "%").id
            so2 = 20 + np.arange(len(hours)) % 3 * 1.0 + k
            so2[3:6] = 70.0
            frames.append(("gas_outlet", pd.DataFrame({"series_id": so2_id, "time": hours, "value": so2})))  # fmt: skip
            frames.append(("gas_outlet", pd.DataFrame({"series_id": o2_id, "time": hours, "value": 6.0 + np.arange(len(hours)) * 0.01})))  # fmt: skip
    for stream in ("air", "gas_outlet"):
        rows = pd.concat([f for st, f in frames if st == stream], ignore_index=True)
        rows = rows.assign(period="hour", raw_value=rows["value"], source_flag="N")
        rows = rows.sort_values("time", ignore_index=True)
        for i in range(20):
            store.append(rows.iloc[i::20], stream)
    engine.dispose()
    return settings, url


def _state(settings: Settings, url: str) -> dict:
    """What a job leaves behind: resolved observations, latest values, current QC verdicts."""
    store = ObservationStore(settings.observations_dir)
    obs = store.scan(
        None,
        None,
        None,
        columns=["series_id", "time", "period", "value", "raw_value", "source", "revision"],
    ).reset_index(drop=True)
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            latest = sorted(
                (r.series_id, r.time, r.value, r.qc_flag) for r in s.scalars(select(LatestValue))
            )
            judged = sorted(
                (j.site_id, j.window_start, j.window_end, j.revision, j.inputs_digest)
                for j in s.scalars(select(QCJudgement).where(QCJudgement.superseded_by.is_(None)))
            )
            events = s.scalar(select(func.count()).select_from(QCEvent))
            cases = s.scalar(select(func.count()).select_from(CaseRecord))
    finally:
        engine.dispose()
    return {"obs": obs, "latest": latest, "judged": judged, "events": events, "cases": cases}


@pytest.mark.parametrize(
    ("job", "step", "target", "when", "nth"),
    KILL_POINTS,
    ids=[f"{j}:{s}" for j, s, *_ in KILL_POINTS],
)
def test_kill_9_at_a_step_then_rerun_equals_a_clean_run(tmp_path, job, step, target, when, nth):
    clean_settings, clean_url = _setup(tmp_path / "clean")
    engine = make_engine(clean_url)
    run_job(JOBS[job], JobContext(settings=clean_settings, engine=engine))
    engine.dispose()
    clean = _state(clean_settings, clean_url)

    settings, url = _setup(tmp_path / "crash")
    before = _state(settings, url)
    proc = subprocess.run(
        [sys.executable, "-c", _KILL_DRIVER, job, str(settings.data_dir), url, target, when, str(nth)],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    engine = make_engine(url)
    run_job(JOBS[job], JobContext(settings=settings, engine=engine))  # the rerun
    engine.dispose()
    after = _state(settings, url)

    pd.testing.assert_frame_equal(after["obs"], clean["obs"])
    assert after["latest"] == clean["latest"]
    assert after["judged"] == clean["judged"]
    assert (after["events"], after["cases"]) == (clean["events"], clean["cases"])
    # each job does some work here, so the kill points are real
    changed = {
        "rollups": len(clean["obs"]) > len(before["obs"]) and clean["latest"] != before["latest"],
        "compact": len(list((settings.observations_dir).rglob("compact-*.parquet"))) >= 2,
        "qc": len(clean["judged"]) >= OUTLETS and clean["events"] > 0,
        "indices": len(clean["obs"]) > len(before["obs"]),
    }
    assert changed[job]
