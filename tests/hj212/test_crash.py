"""kill -9 the listener under load, restart it, and find every acknowledged packet in the
store exactly once (HJ 212 intake durability: fsync before the answer, journal replay) — also
physically, while loggers re-send packets already stored."""

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

from qingshan.hj212.codec import parse
from qingshan.hj212.logger_sim import build_packet, make_specs
from qingshan.timeseries.store import ObservationStore

from .helpers import register

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "qingshan.cli", "listen", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"listener died: {proc.stderr.read().decode()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("listener did not start")


async def _load(port: int, specs, acked: set, stop_after: int) -> None:
    """Each logger sends real-time packets back to back (one in flight) until the listener
    dies, every fifth one twice (a re-send of a packet already acknowledged); ``acked`` gets
    the (MN, QN) of every answered packet."""
    rng = random.Random(5)
    base = datetime(2026, 5, 1, tzinfo=UTC)

    async def one(spec):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return
        try:
            for k in range(100_000):
                frame = build_packet(spec, "2011", base + timedelta(seconds=k), rng, seq=k)
                for _ in range(2 if k % 5 == 4 else 1):
                    writer.write(frame)
                    answer = parse(await asyncio.wait_for(reader.readuntil(b"\r\n"), 10))
                    acked.add((spec.mn, answer.qn))
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            pass
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass

    await asyncio.gather(*(one(s) for s in specs))


def test_kill_9_under_load_loses_nothing_and_stores_nothing_twice(engine, tmp_path: Path):
    specs = make_specs(20)
    register(engine, specs)
    port = _free_port()
    env = {
        **os.environ,
        "QINGSHAN_DATA_DIR": str(tmp_path / "var"),
        "QINGSHAN_DATABASE_URL": engine.url.render_as_string(hide_password=False),
    }
    acked: set = set()
    proc = _start(env, port)

    async def crash() -> None:
        load = asyncio.create_task(_load(port, specs, acked, 0))
        while len(acked) < 1500:  # well under load
            await asyncio.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        await asyncio.wait_for(load, 30)

    try:
        asyncio.run(crash())
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    # restart: the journal is replayed into the store before the port opens
    proc = _start(env, port)
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)
    proc.stderr.close()

    store = ObservationStore(tmp_path / "var" / "observations")
    rows = store.scan(None, None, None, columns=["series_id", "time", "period", "source"])
    stored = set(rows["source"])
    missing = {f"{mn}:{qn}" for mn, qn in acked} - stored
    assert not missing, f"{len(missing)} acknowledged packets lost"
    assert len(acked) >= 1500
    # physically once: no natural key appears in two Parquet rows, re-sends included
    files = [str(p) for p in (tmp_path / "var" / "observations").rglob("*.parquet")]
    dupes = duckdb.sql(
        "SELECT series_id, time, period, count(*) AS n FROM read_parquet($files) "
        "GROUP BY ALL HAVING n > 1", params={"files": files}
    ).fetchall()  # fmt: skip
    assert dupes == []
