"""Platform → logger commands end to end: the real listener in process, simulated loggers that
answer as HJ 212-2017 §6.1 and Appendix C say, the command table on a real database."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from qingshan.audit import acting_as
from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.hj212.command_service import create_command
from qingshan.hj212.commands import CommandState
from qingshan.hj212.logger_sim import CommandBehaviour, LoggerSpec, SimLogger
from qingshan.hj212.models import Command
from qingshan.hj212.registry import list_rejects, update_device
from qingshan.hj212.sm4 import TEST_KEY
from qingshan.ingest.runtime import run_listener
from qingshan.timeseries.store import ObservationStore

from .helpers import register

HOUR = timedelta(hours=1)


def _configure(engine, mn: str, **changes) -> None:
    with acting_as("test"), session_scope(engine) as s:
        update_device(s, mn, **changes)


def _command(engine, mn: str, kind: str, **kw) -> int:
    with acting_as("test"), session_scope(engine) as s:
        return create_command(s, mn, kind, actor="test", **kw).id


def _row(engine, command_id: int) -> dict:
    with session_scope(engine) as s:
        row = s.get(Command, command_id)
        return {c.key: getattr(row, c.key) for c in Command.__table__.columns}


async def _final(engine, command_id: int, timeout: float = 20.0) -> dict:
    """The command's row once it reached a final state."""
    deadline = asyncio.get_running_loop().time() + timeout
    final = {s.value for s in CommandState} - {"queued", "sent", "answered"}
    while True:
        row = await asyncio.to_thread(_row, engine, command_id)
        if row["state"] in final:
            return row
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"command {command_id} still {row['state']}: {row}")
        await asyncio.sleep(0.05)


def _run(engine, tmp_path, loggers, body, *, ingest="thread"):
    """Run the listener and the simulated loggers ``[(spec, behaviour), ...]``; call
    ``body(listener, sims)`` once every logger is connected; returns (body's result, store)."""
    settings = Settings(data_dir=tmp_path)
    store = ObservationStore(settings.observations_dir)

    async def main():
        stop = asyncio.Event()
        ready = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            run_listener(settings, engine, store, stop, port=0, ready=ready.set_result,
                         ingest_interval=0.1, flush_interval=0.2, refresh_interval=0.2,
                         command_interval=0.05, ingest=ingest)
        )  # fmt: skip
        listener = await ready
        sims = [SimLogger(spec, "127.0.0.1", listener.port, rtd_interval=3600, commands=b)
                for spec, b in loggers]  # fmt: skip
        halt = asyncio.Event()
        runs = [asyncio.create_task(s.run(halt)) for s in sims]
        try:
            for _ in range(200):  # each logger's first frame is in: its connection is known
                if all(listener.station_of(s.spec.mn) for s in sims):
                    break
                await asyncio.sleep(0.05)
            return await body(listener, sims)
        finally:
            halt.set()
            await asyncio.gather(*runs)
            stop.set()
            await task

    return asyncio.run(main()), store


@pytest.fixture
def gas(engine):
    spec = LoggerSpec("CMD01", "123456", st="31")
    register(engine, [spec])
    _configure(engine, "CMD01", overtime=1, recount=2)
    return spec


def test_time_get_and_set(engine, tmp_path, gas):
    behaviour = CommandBehaviour(clock_offset=120.0)

    async def body(listener, sims):
        got = await _final(engine, _command(engine, "CMD01", "time-get"))
        fixed = await _final(engine, _command(engine, "CMD01", "time-set"))
        again = await _final(engine, _command(engine, "CMD01", "time-get"))
        return got, fixed, again, sims[0]

    (got, fixed, again, sim), _ = _run(engine, tmp_path, [(gas, behaviour)], body)
    assert (got["state"], got["qn_rtn"], got["exe_rtn"], got["attempts"]) == (
        "succeeded", 1, 1, 1)  # fmt: skip
    assert len(got["qn"]) == 17 and got["qn"].isdigit()
    assert 118 <= got["result"]["offset_seconds"] <= 122  # the logger's clock runs 2 min ahead
    assert fixed["state"] == "succeeded"
    assert abs(again["result"]["offset_seconds"]) <= 2  # set from the platform's clock
    assert sim.stats.requests == ["1011", "1012", "1011"]
    assert got["sent_at"] <= got["answered_at"] <= got["finished_at"]


def test_backfill_is_stored_and_flagged(engine, tmp_path, gas):
    begin = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - 5 * HOUR

    async def body(listener, sims):
        cid = _command(engine, "CMD01", "backfill", cn="2061", begin=begin, end=begin + 2 * HOUR)
        return cid, await _final(engine, cid)

    (cid, row), store = _run(engine, tmp_path, [(gas, CommandBehaviour())], body,
                             ingest="process")  # fmt: skip
    assert row["state"] == "succeeded" and row["result"]["packets"] == 3
    assert row["result"]["first"] == begin.isoformat()
    assert row["params"] == {"begin": begin.isoformat(), "end": (begin + 2 * HOUR).isoformat()}
    hours = store.scan(None, None, None, period="hour")
    assert len(hours) == 3 * hours["series_id"].nunique() >= 3 * 6  # 3 hours, 6 factors at least
    assert set(hours["time"]) == {begin + k * HOUR for k in range(3)}
    assert all(s.endswith(f";backfill={cid}") for s in hours["source"])
    rtd = store.scan(None, None, None, period="rtd")
    assert len(rtd) and not any(";backfill=" in s for s in rtd["source"])  # regular uploads


def test_no_request_answer_then_resend(engine, tmp_path, gas):
    """The first request is lost: after the device's timeout (1 s) it is sent again, same QN."""

    async def body(listener, sims):
        return await _final(engine, _command(engine, "CMD01", "time-get")), sims[0]

    (row, sim), _ = _run(engine, tmp_path, [(gas, CommandBehaviour(ignore=1))], body)
    assert (row["state"], row["attempts"]) == ("succeeded", 2)
    assert sim.stats.requests == ["1011", "1011"]


def test_timeout_after_the_resends(engine, tmp_path, gas):
    async def body(listener, sims):
        return await _final(engine, _command(engine, "CMD01", "rtd-start")), sims[0]

    (row, sim), _ = _run(engine, tmp_path, [(gas, CommandBehaviour(ignore=99))], body)
    assert (row["state"], row["attempts"]) == ("timed_out", 3)  # 1 + recount (2)
    assert row["error"] == "no request answer 9011 after 3 sends, 1 s each (§6.2.1)"
    assert sim.stats.requests == ["2011"] * 3


def test_execution_timeout(engine, tmp_path, gas):
    """9011 came, then nothing: timed out one timeout later, not sent again (§6.2.2)."""

    async def body(listener, sims):
        return await _final(engine, _command(engine, "CMD01", "time-set")), sims[0]

    (row, sim), _ = _run(engine, tmp_path, [(gas, CommandBehaviour(exe_rtn=None))], body)
    assert (row["state"], row["qn_rtn"], row["attempts"]) == ("timed_out", 1, 1)
    assert "after the request answer" in row["error"] and sim.stats.requests == ["1012"]


def test_refused_and_failed(engine, tmp_path, gas):
    async def body(listener, sims):
        refused = await _final(engine, _command(engine, "CMD01", "time-get"))
        sims[0].commands.qn_rtn = 1
        future = datetime.now(UTC) + 3 * HOUR  # the logger has no data yet: ExeRtn = 100
        nothing = await _final(
            engine, _command(engine, "CMD01", "backfill", cn="2061", begin=future, end=future)
        )
        stopped = await _final(engine, _command(engine, "CMD01", "rtd-stop"))
        return refused, nothing, stopped

    (refused, nothing, stopped), _ = _run(
        engine, tmp_path, [(gas, CommandBehaviour(qn_rtn=2))], body
    )
    assert (refused["state"], refused["qn_rtn"], refused["error"]) == (
        "refused", 2, "QnRtn=2: 请求被拒绝")  # fmt: skip
    assert (nothing["state"], nothing["exe_rtn"], nothing["error"]) == (
        "failed", 100, "ExeRtn=100: 没有数据")  # fmt: skip
    assert stopped["state"] == "succeeded"  # 2012 is a notification: 9013 ends it


def test_no_live_connection(engine, tmp_path, gas):
    register(engine, [LoggerSpec("OFFLINE1", "123456")])

    async def body(listener, sims):
        cid = _command(engine, "OFFLINE1", "time-get", deliver_within=timedelta(seconds=0.5))
        return await _final(engine, cid)

    row, _ = _run(engine, tmp_path, [(gas, CommandBehaviour())], body)
    assert (row["state"], row["attempts"], row["claimed_by"]) == ("undelivered", 0, None)
    assert row["error"] == "no live connection of the logger (离线)"


def test_sm4_end_to_end(engine, tmp_path):
    spec = LoggerSpec("ENC01", "123456", st="31", version=2, key=TEST_KEY)
    register(engine, [spec])
    _configure(engine, "ENC01", sm4_key=TEST_KEY.hex(), protocol_version=2)
    wrong = LoggerSpec("ENC02", "123456", st="31", version=2, key=b"1" * 16)
    register(engine, [wrong])
    _configure(engine, "ENC02", sm4_key=TEST_KEY.hex(), protocol_version=2)
    begin = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - 3 * HOUR

    async def body(listener, sims):
        row = await _final(
            engine, _command(engine, "ENC01", "backfill", cn="2061", begin=begin, end=begin)
        )
        return row, listener.stats

    (row, stats), store = _run(engine, tmp_path, [(spec, CommandBehaviour())], body)
    assert row["state"] == "succeeded" and row["result"]["packets"] == 1
    hours = store.scan(None, None, None, period="hour")
    assert set(hours["time"]) == {begin} and all(";backfill=" in s for s in hours["source"])
    assert hours["series_id"].nunique() >= 6
    assert len(store.scan(None, None, None, period="rtd")) >= 6  # the encrypted real-time frame

    # a logger with another key: its frames do not decrypt to valid frames, and are refused
    settings = Settings(data_dir=tmp_path / "b")
    store_b = ObservationStore(settings.observations_dir)

    async def refused():
        stop = asyncio.Event()
        ready = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(run_listener(settings, engine, store_b, stop, port=0,
                                                ready=ready.set_result, flush_interval=0.1,
                                                ingest="thread"))  # fmt: skip
        listener = await ready
        halt = asyncio.Event()
        sim = SimLogger(wrong, "127.0.0.1", listener.port, rtd_interval=3600)
        run = asyncio.create_task(sim.run(halt))
        for _ in range(100):
            if listener.stats.rejected:
                break
            await asyncio.sleep(0.05)
        halt.set()
        await run
        stop.set()
        await task
        return listener.stats

    stats_b = asyncio.run(refused())
    assert stats_b.rejected >= 1 and stats_b.journaled == 0
    with session_scope(engine) as s:
        [reject] = [r for r in list_rejects(s) if r.mn == "ENC02"][:1]
    assert reject.reason == "bad_cipher"
    assert reject.message.startswith(
        "not a valid frame once SM4-decrypted with the key of MN=ENC02"
    )
