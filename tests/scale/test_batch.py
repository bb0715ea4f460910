"""``qingshan batch`` on the small demo: the live jobs' results row for row, resumed after a
kill -9, on a hand-started ``dask scheduler`` + ``dask worker``, and its clear errors.

Slow by nature (real Dask worker processes, ~10-40 s each under load): the equality test runs
the live jobs and the batch on two copies of the demo; the kill test is one real subprocess
killed once (one kill point, design.md "Budgets"); the cluster test starts one scheduler and
one worker process with two single-threaded workers.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qingshan.cli import main
from qingshan.config import Settings
from qingshan.db.engine import get_engine
from qingshan.jobs.builtin import rollups as rollups_job
from qingshan.jobs.job import JobContext
from qingshan.pidlock import PidLock
from qingshan.platform.jobs import JOBS
from qingshan.scale.batch import run_batch
from qingshan.scale.errors import BatchRunning, SchedulerUnreachable, UnknownSite
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

pytestmark = pytest.mark.slow  # real Dask worker processes and a demo copy per test

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
#: the window of the live jobs' runs: the ``qc`` job's own lookback, and the roll-ups' given
LOOKBACK = timedelta(days=2)


def _copy(src: Path, dst: Path) -> Settings:
    shutil.copytree(src, dst)
    return Settings(data_dir=dst, database_url=f"sqlite:///{dst / 'qingshan.db'}", scheduler=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rollup_rows(
    settings: Settings, periods: tuple[str, ...] = ("day", "month"), *, derived: bool = False
) -> pd.DataFrame:
    """Rows of ``periods`` in the store, series named by (site, parameter, period): the
    roll-ups' (``derived`` False; not the day samples of groundwater wells and sea stations) or
    the indices' derived series (``idx-*``)."""
    store = ObservationStore(settings.observations_dir)
    cols = ["period", "value", "raw_value", "source_flag", "qc_flag", "source", "revision"]
    rows = pd.concat([store.scan(None, None, None, period=p, columns=cols) for p in periods])
    with sqlite3.connect(settings.data_dir / "qingshan.db") as con:
        names = pd.read_sql("select id, site_id, parameter_code from series", con)
    rows = rows.merge(names, left_on="series_id", right_on="id").drop(columns=["id", "series_id"])
    rows = rows[rows["parameter_code"].str.startswith("idx-") == derived]
    if not derived:
        rows = rows[rows["source"].str.startswith("rollup:")]
    return rows.sort_values(["site_id", "parameter_code", "period", "time"], ignore_index=True)


def judgements(settings: Settings) -> pd.DataFrame:
    """The current QC verdicts, what they were judged with, and their events."""
    with sqlite3.connect(settings.data_dir / "qingshan.db") as con:
        verdicts = pd.read_sql(
            "select site_id, window_start, window_end, rule_version, inputs_digest, industry,"
            " trigger, limits, summary, (select count(*) from qc_event e where"
            " e.judgement_id = j.id) as events from qc_judgement j where superseded_by is null"
            " order by site_id, window_start",
            con,
        )
    return verdicts


def assert_same_rollups(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert len(a) == len(b) and len(a) > 0
    pd.testing.assert_frame_equal(
        a.drop(columns=["value", "raw_value"]), b.drop(columns=["value", "raw_value"])
    )
    for col in ("value", "raw_value"):  # sums in another order differ in the last bits
        x, y = a[col].to_numpy(float), b[col].to_numpy(float)
        assert np.array_equal(np.isnan(x), np.isnan(y))
        assert np.allclose(x[~np.isnan(x)], y[~np.isnan(y)], rtol=1e-12, atol=0)


@pytest.fixture(scope="module")
def window():
    """The live jobs' window as CST days: the days of [now - LOOKBACK, now]."""
    now = utcnow()
    return now, (now - LOOKBACK).astimezone(CST).date(), now.astimezone(CST).date()


@pytest.fixture(scope="module")
def live(small_demo_dir, tmp_path_factory, window):
    """A copy of the demo after the live ``qc`` and ``rollups`` jobs over the window."""
    now, _, _ = window
    settings = _copy(small_demo_dir, tmp_path_factory.mktemp("live") / "data")
    ctx = JobContext(settings, get_engine(settings.db_url))
    JOBS["qc"].func(ctx)  # the registered job: its 2-day lookback, the cases' sink
    rollups_job(ctx, lookback=LOOKBACK)  # hour → day and day → month over the same window
    return settings


@pytest.fixture(scope="module")
def batched(small_demo_dir, tmp_path_factory, window):
    """A copy of the demo after ``batch qc`` + ``batch rollups`` over the same CST days."""
    _, start, end = window
    settings = _copy(small_demo_dir, tmp_path_factory.mktemp("batched") / "data")
    report = run_batch(settings, ["qc", "rollups"], start, end, workers=2, progress=False)
    return settings, report


def test_batch_equals_the_live_jobs(live, batched):
    settings, report = batched
    assert report.kinds["qc"].done == report.kinds["qc"].partitions > 0
    assert report.kinds["rollups"].rows_written > 0
    assert report.workers == 2 and len(report.peak_rss) == 2
    assert all(v > 50 * 2**20 for v in report.peak_rss.values())  # a Python + pandas process
    pd.testing.assert_frame_equal(judgements(settings), judgements(live))
    assert_same_rollups(rollup_rows(settings), rollup_rows(live))
    # a completed run leaves its report, no markers: the same command again recomputes
    runs = settings.data_dir / "batch" / "runs"
    assert json.loads((runs / f"{report.run_key}.json").read_text())["kinds"]["qc"]["done"] > 0
    assert not (runs / report.run_key).exists()


def event_keys(settings: Settings) -> pd.DataFrame:
    """The current verdicts' events with their keys (an event across CST midnight keeps the key
    of its first day's part)."""
    with sqlite3.connect(settings.data_dir / "qingshan.db") as con:
        return pd.read_sql(
            "select e.site_id, e.parameter_code, e.event_key, e.start, e.end, e.periods"
            " from qc_event e join qc_judgement j on j.id = e.judgement_id"
            " where j.superseded_by is null order by 1, 2, 4",
            con,
        )


def test_batch_event_keys_equal_the_live_jobs(live, batched):
    """The batch judges a stream's days in order (per outlet group), as the live job does, so
    an exceedance going on across midnight continues the same event (same key)."""
    settings, report = batched
    assert report.kinds["qc"].partitions > 0
    pd.testing.assert_frame_equal(event_keys(settings), event_keys(live))


def test_report_per_stage_memory_and_sqlite_warning(batched, capsys):
    """Each stage's peak memory per worker; two workers on SQLite are warned of (it lets one
    writer in at a time), in the report and by the CLI's table."""
    from qingshan.scale.cli import _print

    _, report = batched
    for kind in ("qc", "rollups"):
        peaks = report.kinds[kind].peak_rss
        assert len(peaks) == 2 and all(v > 50 * 2**20 for v in peaks.values()), kind
        for addr, v in peaks.items():  # the whole batch's peak is at least each stage's
            assert report.peak_rss[addr] >= v
    assert len(report.warnings) == 1
    assert "2 workers write to one SQLite database" in report.warnings[0]
    assert "PostgreSQL" in report.warnings[0]
    assert json.loads(json.dumps(report.as_dict()))["kinds"]["qc"]["peak_rss"] == {
        a: int(v) for a, v in report.kinds["qc"].peak_rss.items()
    }
    _print(report)
    table = capsys.readouterr().out
    assert "peak" in table  # the column (its header may wrap in a narrow console)
    assert all(f"{v / 2**20:.0f}" in table for v in report.kinds["qc"].peak_rss.values())


def test_killed_batch_resumes(small_demo_dir, batched, window, tmp_path):
    _, start, end = window
    settings = _copy(small_demo_dir, tmp_path / "data")
    env = {
        **os.environ,
        "QINGSHAN_DATA_DIR": str(settings.data_dir),
        "QINGSHAN_DATABASE_URL": settings.db_url,
    }
    args = ["rollups", "--from", start.isoformat(), "--to", end.isoformat()]
    log = tmp_path / "batch.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(BIN / "qingshan"), "batch", *args, "--workers", "1", "--json"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its worker processes in its own group, for the clean-up
        )
    runs = settings.data_dir / "batch" / "runs"
    try:
        deadline = time.monotonic() + 120
        while len(list(runs.glob("*/rollups/*/*.done"))) < 2:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "no partition committed in 120 s"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        try:  # the worker processes go with their parent; make sure of it
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    committed = list(runs.glob("*/rollups/*/*.done"))
    assert len(committed) >= 2
    report = run_batch(settings, ["rollups"], start, end, workers=1, progress=False)
    kind = report.kinds["rollups"]
    assert kind.skipped == len(committed) and kind.done == kind.partitions - kind.skipped
    assert_same_rollups(rollup_rows(settings), rollup_rows(batched[0]))


@pytest.fixture
def hand_started_cluster(tmp_path):
    """``dask scheduler`` and ``dask worker`` (two single-threaded worker processes) started
    as the docs show, with no Qingshan setting in their environment."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGSHAN_")}
    procs = [
        subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--no-dashboard"],
            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    procs.append(
        subprocess.Popen(
            [str(BIN / "dask"), "worker", address, "--nworkers", "2", "--nthreads", "1",
             "--no-dashboard", "--local-directory", str(tmp_path / "dask-worker")],
            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    )  # fmt: skip
    try:
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_on_a_hand_started_cluster(small_demo_dir, batched, window, tmp_path, hand_started_cluster):
    _, start, end = window
    settings = _copy(small_demo_dir, tmp_path / "data")
    report = run_batch(
        settings,
        ["qc", "rollups"],
        start,
        end,
        scheduler=hand_started_cluster,
        workers=2,
        progress=False,
        connect_timeout=60,
    )
    assert report.workers == 2 and report.dashboard is not None
    assert report.kinds["rollups"].done == report.kinds["rollups"].partitions
    pd.testing.assert_frame_equal(judgements(settings), judgements(batched[0]))
    assert_same_rollups(rollup_rows(settings), rollup_rows(batched[0]))


def test_clear_errors(live, window, capsys):
    _, start, end = window
    for args, message in [
        (["qc", "--from", "2024-02-01", "--to", "2024-01-01"],
         "bad range: --to 2024-01-01 is before --from 2024-02-01"),
        (["all", "--from", "2024-13-01", "--to", "2024-12-01"], "bad --from '2024-13-01'"),
        (["rollups", "--from", "2024-01-01", "--to", "2024-01-02", "--workers", "0"],
         "--workers must be at least 1, got 0"),
    ]:  # fmt: skip
        with pytest.raises(SystemExit) as exit_info:
            main(["batch", *args])
        assert exit_info.value.code == 1
        err = capsys.readouterr().err
        assert message in " ".join(err.split()) and "Traceback" not in err

    with pytest.raises(UnknownSite, match=r"unknown site code\(s\): NOPE1, NOPE2"):
        run_batch(live, ["qc"], start, end, sites=["NOPE2", "NOPE1"], progress=False)

    port = _free_port()  # nothing listens there
    with pytest.raises(SchedulerUnreachable, match=rf"127.0.0.1:{port} within 1 s"):
        run_batch(
            live, ["rollups"], start, end, scheduler=f"tcp://127.0.0.1:{port}",
            connect_timeout=1, progress=False,
        )  # fmt: skip

    held = PidLock(live.data_dir / "batch" / "rollups.lock")
    held.acquire()
    try:
        with pytest.raises(
            BatchRunning, match=rf"a rollups batch already runs .*pid {os.getpid()}"
        ):
            run_batch(live, ["all"], start, end, progress=False)
    finally:
        held.release()


def test_sites(small_demo_dir, batched, window, tmp_path):
    """``--sites``: only the series of the given sites, equal to the whole batch's rows."""
    _, start, end = window
    settings = _copy(small_demo_dir, tmp_path / "data")
    with sqlite3.connect(settings.data_dir / "qingshan.db") as con:
        code, site_id = con.execute(
            "select code, id from site where kind = 'AIR_STATION' order by code limit 1"
        ).fetchone()
    report = run_batch(settings, ["rollups"], start, end, sites=[code], workers=1, progress=False)
    assert report.sites == [code]
    assert report.kinds["rollups"].partitions == 3 + len({start.month, end.month})  # air only
    got = rollup_rows(settings)
    assert set(got["site_id"]) == {site_id}
    whole = rollup_rows(batched[0])
    assert_same_rollups(got, whole[whole["site_id"] == site_id].reset_index(drop=True))


def test_indices_equal_the_live_computation(live, batched, window):
    """Last in the module: it adds the indices to the copies the tests above compare."""
    from qingshan.indices.service import compute_indices

    _, start, end = window
    settings, _ = batched
    report = run_batch(settings, ["indices"], start, end, workers=1, progress=False)
    assert report.kinds["indices"].rows_written > 0
    assert report.kinds["indices"].rows_read > report.kinds["indices"].rows_written
    assert report.warnings == []  # one worker: no SQLite warning
    # the indices job's function over the hours of the same UTC dates
    t0 = datetime(start.year, start.month, start.day, tzinfo=UTC)
    t1 = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
    compute_indices(ObservationStore(live.observations_dir), get_engine(live.db_url), t0, t1)
    got = rollup_rows(settings, ("hour", "day", "month"), derived=True)
    want = rollup_rows(live, ("hour", "day", "month"), derived=True)
    # compare what both computed: the hours of the UTC dates, the CST days start … end (the
    # live range also touches the CST day after), the CWQI of the months the batch began
    d0 = datetime(start.year, start.month, start.day, tzinfo=CST)
    d1 = datetime(end.year, end.month, end.day, tzinfo=CST) + timedelta(days=1)
    for period, lo, hi in (("hour", t0, t1), ("day", d0, d1)):
        a = got[(got["period"] == period) & got["time"].between(lo, hi, inclusive="left")]
        b = want[(want["period"] == period) & want["time"].between(lo, hi, inclusive="left")]
        assert len(a) > 0, period
        assert_same_rollups(a.reset_index(drop=True), b.reset_index(drop=True))
    months = got[got["period"] == "month"]
    keys = ["site_id", "parameter_code", "period", "time"]
    same = months.merge(want, on=keys, suffixes=("", "_live"))
    assert len(same) == len(months)
    assert np.allclose(same["value"], same["value_live"], rtol=1e-12, equal_nan=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q", "-n", "0"]))
