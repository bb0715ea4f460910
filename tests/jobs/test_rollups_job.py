"""The rollups job on a real database and store: daily means with coverage, latest values."""

import pandas as pd
import pytest
from sqlalchemy import select

from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.jobs.errors import UnknownJob
from qingshan.jobs.job import JobContext
from qingshan.jobs.models import JobRun
from qingshan.jobs.runner import run_job
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Series, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.platform.jobs import JOBS
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow


def test_daily_means_with_coverage(engine, tmp_path):
    settings = Settings(data_dir=tmp_path, secret_key="x" * 32)
    store = ObservationStore(settings.observations_dir)
    with session_scope(engine) as s:
        seed_regions(s)
        site = Site(
            code="S1",
            name="测试站",
            kind=SiteKind.AIR_STATION,
            control_level=ControlLevel.PROVINCIAL,
            region_code="330106",
        )
        s.add(site)
        s.flush()
        sid = get_or_create_series(s, site, "a34004", Period.HOUR, "µg/m³").id
    # yesterday (CST): 24 hourly values 1..24 → valid mean 12.5; today: 5 values → invalid (< 20 h)
    day0 = pd.Timestamp(utcnow()).tz_convert(CST).normalize() - pd.Timedelta(days=1)
    times = [day0 + pd.Timedelta(hours=h) for h in range(24)] + [
        day0 + pd.Timedelta(days=1, hours=h) for h in range(5)
    ]
    values = [float(h + 1) for h in range(24)] + [100.0] * 5
    store.append(
        pd.DataFrame(
            {
                "series_id": sid,
                "time": pd.to_datetime(times).tz_convert("UTC"),
                "period": "hour",
                "value": values,
                "raw_value": values,
            }
        ),
        "air",
    )
    run = run_job(JOBS["rollups"], JobContext(settings=settings, engine=engine))
    # two daily rows, and one monthly row per month they touch (invalid: < 27 days)
    months = len({day0.month, (day0 + pd.Timedelta(days=1)).month})
    assert run.status == "ok" and run.message == f"{2 + months} rollup rows written"
    with session_scope(engine) as s:
        day_sid = s.scalar(
            select(Series.id).where(Series.site_id == site.id, Series.period == Period.DAY)
        )
        latest = s.get(LatestValue, day_sid)
        assert s.scalar(select(JobRun.status).where(JobRun.name == "rollups")) == "ok"
    rows = store.query(
        [day_sid], day0 - pd.Timedelta(days=1), day0 + pd.Timedelta(days=2), period="day"
    )
    assert rows["value"].tolist()[0] == 12.5
    assert pd.isna(rows["value"].tolist()[1]) and rows["raw_value"].tolist()[1] == 100.0
    assert rows["source"].tolist() == ["rollup:hour:24/24", "rollup:hour:5/24"]
    assert latest.value is None  # today's mean is not valid yet
    # a second run writes nothing new
    assert run_job(
        JOBS["rollups"], JobContext(settings=settings, engine=engine)
    ).message.startswith("0 rollup")


def test_unknown_job_lists_the_jobs():
    with pytest.raises(
        UnknownJob,
        match="no job 'x'; jobs are: case-deadlines, case-notice, compact, credit, emergency-gas, emergency-plans, emergency-radiation, forecast-air, forecast-water, indices, qc, ranking-rollups, rollups, soil-units, target-reminders, vehicles-screening, waste-balance, zones-fences, zones-sweep",
    ):
        JOBS.get_job("x")


def test_compact_job_merges_many_small_files_and_reads_stay_the_same(engine, tmp_path):
    from qingshan.jobs.builtin import COMPACT_MIN_FILES

    settings = Settings(data_dir=tmp_path, secret_key="x" * 32)
    store = ObservationStore(settings.observations_dir)
    t0 = pd.Timestamp("2026-11-29 00:00", tz="UTC")
    for i in range(COMPACT_MIN_FILES):  # one small file per append, as the listener's ingest
        store.append(
            pd.DataFrame(
                {
                    "series_id": [1],
                    "time": [t0 + pd.Timedelta(minutes=i)],
                    "period": ["min"],
                    "value": [float(i)],
                }
            ),
            "gas_outlet",
        )
    before = store.query([1], t0, t0 + pd.Timedelta(hours=1))
    assert len(store.files("gas_outlet")) == COMPACT_MIN_FILES
    run = run_job(JOBS["compact"], JobContext(settings=settings, engine=engine))
    assert run.message == f"1 partitions compacted ({COMPACT_MIN_FILES} files → 1)"
    assert len(store.files("gas_outlet")) == 1
    after = store.query([1], t0, t0 + pd.Timedelta(hours=1))
    pd.testing.assert_frame_equal(before[["time", "value"]], after[["time", "value"]])


def test_scheduler_start_closes_runs_a_dead_process_left_running(engine, tmp_path):
    import asyncio

    from qingshan.jobs.runner import run_scheduler

    with session_scope(engine) as s:
        s.add(JobRun(name="rollups", started_at=utcnow(), status="running"))
    stop = asyncio.Event()
    stop.set()  # start, close the stale runs, and return at once
    settings = Settings(data_dir=tmp_path, secret_key="x" * 32)
    asyncio.run(run_scheduler(JOBS, JobContext(settings=settings, engine=engine), stop))
    with session_scope(engine) as s:
        run = s.scalar(select(JobRun).order_by(JobRun.id))
        assert (run.status, run.message) == ("interrupted", "the server stopped")
