"""The listener end to end in process: auth, CRC variants, journal before answer, status,
rejects and ingest into the observation store."""

import asyncio
import random
from datetime import UTC, datetime

import pytest

from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.hj212.codec import CrcVariant, encode, parse
from qingshan.hj212.journal import read_records
from qingshan.hj212.logger_sim import LoggerSpec, build_packet, corrupt, make_specs, run_load
from qingshan.hj212.registry import list_rejects, status_rows
from qingshan.hj212.service import journal_dir
from qingshan.ingest.runtime import run_listener
from qingshan.monitoring.models import SiteKind
from qingshan.timeseries.store import ObservationStore

from .helpers import register


async def _exchange(port: int, frames: list[bytes], answers: int, timeout=5.0) -> list[bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for f in frames:
            writer.write(f)
        out = []
        for _ in range(answers):
            out.append(await asyncio.wait_for(reader.readuntil(b"\r\n"), timeout))
        return out
    finally:
        writer.close()
        await writer.wait_closed()


async def _no_answer(port: int, frame: bytes) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(frame)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(reader.readuntil(b"\r\n"), 0.3)
    finally:
        writer.close()
        await writer.wait_closed()


def test_listener_end_to_end(engine, tmp_path):
    settings = Settings(data_dir=tmp_path)
    store = ObservationStore(settings.observations_dir)
    specs = [LoggerSpec("GAS01", "123456", st="31"),
             LoggerSpec("WAT01", "654321", st="32", crc=CrcVariant.MODBUS)]  # fmt: skip
    register(engine, specs[:1])
    register(engine, specs[1:], SiteKind.WATER_OUTLET)
    rng = random.Random(3)
    t0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

    async def main():
        stop = asyncio.Event()
        ready = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            run_listener(settings, engine, store, stop, port=0, ready=ready.set_result,
                         ingest_interval=0.2, flush_interval=0.2)
        )  # fmt: skip
        listener = await ready
        port = listener.port
        good = [build_packet(specs[0], "2051", t0, rng, seq=1),
                build_packet(specs[0], "2061", t0, rng, seq=2)]  # fmt: skip
        answers = await _exchange(port, good, 2)
        for frame, answer in zip(good, answers, strict=True):
            a = parse(answer)
            assert (a.cn, a.st, a.qn, a.flag) == ("9014", "91", parse(frame).qn, 4)
        # every acked frame is in the journal before its answer
        assert len(list(read_records(journal_dir(settings)))) == 2
        # MODBUS device: accepted, answered with its own CRC variant
        wat = build_packet(specs[1], "2051", t0, rng, seq=3)
        [ans] = await _exchange(port, [wat], 1)
        assert parse(ans, {CrcVariant.MODBUS}).cn == "9014"
        # a MODBUS frame from a device configured for HJ 212 is rejected
        await _no_answer(port, build_packet(LoggerSpec("GAS01", "123456", crc=CrcVariant.MODBUS),
                                            "2051", t0, rng, seq=4))  # fmt: skip
        await _no_answer(port, build_packet(LoggerSpec("GAS01", "wrong"), "2051", t0, rng))
        await _no_answer(port, build_packet(LoggerSpec("NOBODY", "1"), "2051", t0, rng))
        await _no_answer(port, corrupt(good[0], "bad_crc", rng))
        # notification gets 9013; Flag=4 data gets no answer but is journaled
        note = encode("QN=20260301080000000;ST=31;CN=1013;PW=123456;MN=GAS01;Flag=5;CP=&&&&")
        [ans] = await _exchange(port, [note], 1)
        assert parse(ans).cn == "9013"
        quiet = build_packet(specs[0], "2011", t0, rng, ack=False)
        await _no_answer(port, quiet)
        await asyncio.sleep(0.5)
        stop.set()
        await task
        return listener

    listener = asyncio.run(main())
    assert listener.stats.rejected == 4 and listener.stats.acked == 3
    frame = store.scan(None, None, None)
    assert set(frame["period"]) == {"min", "hour", "rtd"}
    assert set(frame["stream"]) == {"gas_outlet", "water_outlet"}
    # 2051 + 2061 (stack, 6 factors) and 2051 (water, 4 factors), each -Min/-Avg/-Max; 2011
    assert len(frame) == 3 * (6 + 6 + 4) + 6
    with session_scope(engine) as s:
        rows = {r["mn"]: r for r in status_rows(s, datetime.now(UTC))}
        reasons = sorted(r.reason for r in list_rejects(s))
    assert rows["GAS01"]["packets_by_cn"] == {"2051": 1, "2061": 1, "1013": 1, "2011": 1}
    assert rows["GAS01"]["errors"] == {"bad_crc": 2, "auth": 1} and rows["GAS01"]["online"]
    assert reasons == ["auth", "auth", "bad_crc", "bad_crc"]


@pytest.mark.parametrize("ingest", ["process", "thread"])
def test_many_loggers_load(engine, tmp_path, ingest):
    settings = Settings(data_dir=tmp_path)
    store = ObservationStore(settings.observations_dir)
    specs = make_specs(50)
    register(engine, specs)

    async def main():
        stop = asyncio.Event()
        ready = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(run_listener(settings, engine, store, stop, port=0,
                                                ready=ready.set_result, ingest=ingest,
                                                ingest_interval=0.2))  # fmt: skip
        listener = await ready
        result = await run_load("127.0.0.1", listener.port, specs, rate=10, duration=1)
        stop.set()
        await task
        return result

    result = asyncio.run(main())
    assert result["acked"] == result["sent"] == 500 and result["errors"] == 0
    rows = store.scan(None, None, None)
    assert rows["source"].nunique() == 500
    assert not rows.duplicated(["series_id", "time", "period", "source"]).any()
    with session_scope(engine) as s:  # status counters written (by the worker or in process)
        assert sum(r["packets"] for r in status_rows(s, datetime.now(UTC))) == 500
