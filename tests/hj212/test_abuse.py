"""The HJ 212 port under abuse (issue 9, item 12): garbage connections used to stay open
forever, every garbage frame became a reject row, the reject queue dropped what overflowed
without counting, and there was no idle timeout and no connection cap. Each limit here runs
against a real asyncio listener on a free port."""

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest

from qingshan.config import Settings, get_settings
from qingshan.db.engine import session_scope
from qingshan.errors import ConfigurationError
from qingshan.hj212.codec import parse
from qingshan.hj212.logger_sim import LoggerSpec, build_packet, corrupt
from qingshan.hj212.models import Reject
from qingshan.hj212.registry import (
    RejectRecord,
    RejectRetention,
    list_rejects,
    status_rows,
    write_rejects,
)
from qingshan.ingest.runtime import run_listener
from qingshan.timeseries.store import ObservationStore

from .helpers import register

SPEC = LoggerSpec("GOOD01", "123456", st="31")
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _run(engine, tmp_path, body, **limits):
    """Run ``body(listener, port)`` against a listener with these settings; returns the
    listener after it stopped (status and rejects flushed)."""
    settings = Settings(data_dir=tmp_path, **limits)
    store = ObservationStore(settings.observations_dir)

    async def main():
        stop = asyncio.Event()
        ready = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            run_listener(settings, engine, store, stop, port=0, ready=ready.set_result,
                         ingest="thread", ingest_interval=0.2, flush_interval=0.2)
        )  # fmt: skip
        listener = await ready
        try:
            await body(listener, listener.port)
        finally:
            stop.set()
            await task
        return listener

    return asyncio.run(main())


async def _closed_by_server(reader: asyncio.StreamReader, timeout: float = 3.0) -> bool:
    """Whether the server closes the connection within ``timeout`` s (reading what comes)."""
    try:
        async with asyncio.timeout(timeout):
            while await reader.read(65536):
                pass
        return True
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


async def _good_exchange(port: int, seq: int) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(build_packet(SPEC, "2011", T0, random.Random(seq), seq=seq))
        return await asyncio.wait_for(reader.readuntil(b"\r\n"), 3)
    finally:
        writer.close()


def test_garbage_bytes_close_the_connection(engine, tmp_path):
    register(engine, [SPEC])

    async def body(listener, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        rng = random.Random(1)
        junk = bytes(b for b in rng.randbytes(40_000) if b != 0x23)  # no '##': pure noise
        for _ in range(3):
            writer.write(junk)
            try:
                await writer.drain()
            except ConnectionError:
                break
        assert await _closed_by_server(reader)
        writer.close()
        assert listener.stats.closed_garbage == 1
        # a well-behaved logger is still answered
        assert parse(await _good_exchange(port, 1)).cn == "9014"

    listener = _run(engine, tmp_path, body, hj212_max_garbage_bytes=64 * 1024)
    assert listener.stats.acked == 1


def test_rejected_frames_close_the_connection_a_valid_one_resets(engine, tmp_path):
    register(engine, [SPEC])
    rng = random.Random(2)
    bad = [corrupt(build_packet(SPEC, "2011", T0, rng, seq=k), "bad_crc", rng) for k in range(8)]

    async def body(listener, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        # 3 bad, 1 good, 3 bad: never 4 in a row, the connection stays open
        writer.write(b"".join(bad[:3]))
        writer.write(build_packet(SPEC, "2011", T0, rng, seq=100))
        writer.write(b"".join(bad[3:6]))
        answer = await asyncio.wait_for(reader.readuntil(b"\r\n"), 3)
        assert parse(answer).cn == "9014"
        assert not await _closed_by_server(reader, 0.5)
        writer.write(bad[6])  # the 4th in a row
        assert await _closed_by_server(reader)
        writer.close()

    listener = _run(engine, tmp_path, body, hj212_max_bad_frames=4)
    assert listener.stats.closed_garbage == 1
    assert listener.stats.rejected == 7


def test_connection_caps_per_address_and_in_total(engine, tmp_path):
    register(engine, [SPEC])

    async def body(listener, port):
        conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
        # the third connection from 127.0.0.1 is over the cap: closed at once
        assert await _closed_by_server(conns[2][0])
        assert not await _closed_by_server(conns[0][0], 0.3)
        for reader, writer in conns[:2]:
            writer.write(build_packet(SPEC, "2011", T0, random.Random(3), seq=3))
            assert parse(await asyncio.wait_for(reader.readuntil(b"\r\n"), 3)).cn == "9014"
        conns[0][1].close()
        await asyncio.sleep(0.2)  # its slot is free again
        assert parse(await _good_exchange(port, 4)).cn == "9014"
        for _reader, writer in conns[1:]:
            writer.close()

    listener = _run(engine, tmp_path, body, hj212_max_connections_per_address=2)
    assert listener.stats.refused == 1

    async def total(listener, port):
        conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(2)]
        assert await _closed_by_server(conns[1][0])
        for _reader, writer in conns:
            writer.close()

    listener = _run(engine, tmp_path, total, hj212_max_connections=1)
    assert listener.stats.refused == 1


def test_idle_connections_are_closed(engine, tmp_path):
    register(engine, [SPEC])

    async def body(listener, port):
        idle_reader, idle_writer = await asyncio.open_connection("127.0.0.1", port)
        busy_reader, busy_writer = await asyncio.open_connection("127.0.0.1", port)
        for seq in range(6):  # the busy one keeps talking
            busy_writer.write(build_packet(SPEC, "2011", T0, random.Random(seq), seq=seq))
            await asyncio.wait_for(busy_reader.readuntil(b"\r\n"), 3)
            await asyncio.sleep(0.15)
        assert await _closed_by_server(idle_reader, 1.0)
        assert not busy_reader.at_eof()
        idle_writer.close()
        busy_writer.close()

    listener = _run(engine, tmp_path, body, hj212_idle_timeout=0.4)
    assert listener.stats.closed_idle >= 1


def test_rejects_beyond_the_queue_are_counted_not_lost_silently(engine, tmp_path):
    register(engine, [SPEC])
    rng = random.Random(5)
    wrong_pw = LoggerSpec("GOOD01", "wrong", st="31")

    async def body(listener, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"".join(build_packet(wrong_pw, "2011", T0, rng, seq=k) for k in range(20)))
        await writer.drain()
        await asyncio.sleep(0.5)
        writer.close()

    _run(engine, tmp_path, body, hj212_reject_queue=5, hj212_max_bad_frames=100)
    with session_scope(engine) as s:
        rejects = list_rejects(s, limit=100)
        status = {r["mn"]: r for r in status_rows(s, datetime.now(UTC))}
    reasons = sorted(r.reason for r in rejects)
    assert reasons == ["auth"] * 5 + ["dropped"]
    [dropped] = [r for r in rejects if r.reason == "dropped"]
    assert dropped.message.startswith("15 rejected frames not recorded")
    assert status["GOOD01"]["errors"] == {"auth": 20, "rejects_dropped": 15}
    assert status["GOOD01"]["rejected"] == 20


def test_reject_rows_are_bounded_by_count_and_age(session):
    now = datetime(2026, 3, 1, tzinfo=UTC)

    def rec(age: timedelta, k: int) -> RejectRecord:
        return RejectRecord(received_at=now - age, mn=f"M{k}", peer="p", reason="auth",
                            message="m", frame=None)  # fmt: skip

    write_rejects(session, [rec(timedelta(days=40), 0), rec(timedelta(days=2), 1)])
    keep = RejectRetention(max_rows=3, days=30)
    removed = write_rejects(session, [rec(timedelta(seconds=k), k + 2) for k in range(3)], keep)
    assert removed == 2  # 40 days old, and the oldest beyond 3 rows
    assert sorted(r.mn for r in session.query(Reject)) == ["M2", "M3", "M4"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("HJ212_IDLE_TIMEOUT", "0"), ("HJ212_MAX_CONNECTIONS", "0"),
     ("HJ212_MAX_GARBAGE_BYTES", "100"), ("HJ212_REJECT_QUEUE", "-1"),
     ("HJ212_REJECT_MAX_ROWS", "5"), ("HJ212_MAX_BAD_FRAMES", "x")],
)  # fmt: skip
def test_limits_are_validated_settings(monkeypatch, name, value):
    monkeypatch.setenv(f"QINGSHAN_{name}", value)
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match=f"QINGSHAN_{name}"):
            get_settings()
    finally:
        get_settings.cache_clear()


def test_safe_defaults():
    s = Settings()
    assert (s.hj212_max_connections, s.hj212_max_connections_per_address) == (10_000, 256)
    assert s.hj212_idle_timeout == 900 and s.hj212_max_bad_frames == 16
    assert s.hj212_max_garbage_bytes == 64 * 1024 and s.hj212_reject_queue == 1000
    assert (s.hj212_reject_max_rows, s.hj212_reject_retention_days) == (100_000, 30)
