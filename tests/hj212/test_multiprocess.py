"""Several listener processes on one port (SO_REUSEPORT): loggers served from several
processes, a killed process restarted, one killed at the stop, journals of processes no longer
run replayed — and every acknowledged packet stored once."""

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from qingshan.config import Settings
from qingshan.hj212.codec import parse
from qingshan.hj212.journal import Journal, read_records
from qingshan.hj212.logger_sim import build_packet, make_specs
from qingshan.hj212.service import journal_dir
from qingshan.ingest.multi import replay_leftovers
from qingshan.timeseries.store import ObservationStore

from .helpers import register

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


async def _load(port: int, specs, first: int, count: int, acked: set) -> None:
    """Each logger sends ``count`` real-time packets, one in flight, reconnecting when its
    connection drops (the process holding it was killed) and sending the packet again."""
    rng = random.Random(first)
    base = datetime(2026, 6, 1, tzinfo=UTC)

    async def one(spec) -> None:
        k = first
        while k < first + count:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.2)
                continue
            try:
                while k < first + count:
                    frame = build_packet(spec, "2011", base + timedelta(seconds=k), rng, seq=k)
                    writer.write(frame)
                    answer = await asyncio.wait_for(reader.readuntil(b"\r\n"), 20)
                    acked.add((spec.mn, parse(answer).qn))
                    k += 1
            except (OSError, asyncio.IncompleteReadError, TimeoutError):
                await asyncio.sleep(0.2)
            finally:
                writer.close()

    await asyncio.gather(*(one(s) for s in specs))


def test_loggers_are_served_from_several_processes_and_nothing_is_lost(engine, tmp_path):
    specs = make_specs(24)
    register(engine, specs)
    port = _free_port()
    env = {**os.environ, "QINGSHAN_DATA_DIR": str(tmp_path / "var"),
           "QINGSHAN_DATABASE_URL": engine.url.render_as_string(hide_password=False)}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "qingshan.cli", "listen", "--processes", "3", "--host",
         "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    acked: set = set()
    try:
        line = proc.stdout.readline()  # printed once every process listens
        assert "3 processes" in line, proc.stderr.read()[-3000:] if not line else line
        listeners = _children(proc.pid)
        assert len(listeners) == 3
        asyncio.run(_load(port, specs, 0, 15, acked))
        settings = Settings(data_dir=tmp_path / "var")
        served = [len(list(read_records(journal_dir(settings, k)))) for k in range(3)]
        assert sum(served) == 24 * 15 and sum(n > 0 for n in served) >= 2, served
        # kill one process outright: it is started again, its loggers come back to any
        os.kill(listeners[1], signal.SIGKILL)
        asyncio.run(_load(port, specs, 15, 15, acked))
        deadline = time.monotonic() + 60
        while len(_children(proc.pid)) < 3 or listeners[1] in _children(proc.pid):
            assert time.monotonic() < deadline, "the killed process was not started again"
            time.sleep(0.2)
        # one more killed just before the stop: the supervisor ingests what its journal holds
        os.kill(listeners[0], signal.SIGKILL)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(120)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0
    assert len(acked) == 24 * 30
    store = ObservationStore(tmp_path / "var" / "observations")
    stored = set(store.scan(None, None, None, columns=["source"])["source"])
    assert {f"{mn}:{qn}" for mn, qn in acked} <= stored
    files = [str(p) for p in (tmp_path / "var" / "observations").rglob("*.parquet")]
    dupes = duckdb.sql(
        "SELECT series_id, time, period, count(*) AS n FROM read_parquet($files) "
        "GROUP BY ALL HAVING n > 1", params={"files": files}
    ).fetchall()  # fmt: skip
    assert dupes == []


def test_journals_of_processes_no_longer_run_are_replayed(engine, tmp_path):
    specs = make_specs(2)
    register(engine, specs)
    settings = Settings(data_dir=tmp_path)
    rng = random.Random(3)
    t0 = datetime(2026, 6, 1, tzinfo=UTC)
    frames = [build_packet(s, "2051", t0 + timedelta(minutes=k), rng, seq=k)
              for k in range(5) for s in specs]  # fmt: skip
    with Journal(journal_dir(settings, 2)) as journal:  # left by `--processes 3`
        journal.append_sync(frames, 1_700_000_000_000_000)
    store = ObservationStore(settings.observations_dir)
    assert replay_leftovers(settings, engine, store, 3) == 0  # process 2 still exists
    assert replay_leftovers(settings, engine, store, 1) == 10
    assert store.scan(None, None, None, columns=["source"])["source"].nunique() == 10
    assert replay_leftovers(settings, engine, store, 1) == 0  # checkpointed
