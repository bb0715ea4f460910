"""A re-sent packet that is already stored is acknowledged again and not written again: the
Parquet files hold its rows once (through the real listener and ingest)."""

import asyncio
import random
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from qingshan.config import Settings
from qingshan.hj212.codec import encode, parse
from qingshan.hj212.logger_sim import LoggerSpec, build_packet
from qingshan.ingest.runtime import run_listener
from qingshan.timeseries.store import ObservationStore

from .helpers import register

SPEC = LoggerSpec("RESEND01", "123456", st="31")
T0 = datetime(2026, 4, 1, 8, tzinfo=UTC)


def _physical(root) -> list[tuple]:
    files = [str(p) for p in root.rglob("*.parquet")]
    if not files:
        return []
    return duckdb.sql(
        "SELECT series_id, time, period, value, source FROM read_parquet($f) ORDER BY ALL",
        params={"f": files},
    ).fetchall()


async def _send(port: int, frames: list[bytes]) -> list[str]:
    """Send the frames one at a time, each after the previous answer; the answers' QNs."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        out = []
        for f in frames:
            writer.write(f)
            out.append(parse(await asyncio.wait_for(reader.readuntil(b"\r\n"), 10)).qn)
        return out
    finally:
        writer.close()
        await writer.wait_closed()


@pytest.mark.parametrize("ingest", ["process", "thread"])
def test_resent_packets_are_acknowledged_and_stored_once(engine, tmp_path, ingest):
    register(engine, [SPEC])
    settings = Settings(data_dir=tmp_path)
    store = ObservationStore(settings.observations_dir)
    rng = random.Random(7)
    hours = [build_packet(SPEC, "2061", T0 + timedelta(hours=h), rng, seq=h) for h in range(4)]
    rtd = build_packet(SPEC, "2011", T0 + timedelta(hours=4), rng, seq=9)
    # the same hours again as a history upload with new QNs (as after a back-fill request)
    history = [
        encode(parse(f).segment.replace(parse(f).qn, f"2026040200000{h:04d}"))
        for h, f in enumerate(hours[1:3])
    ]

    async def main():
        stop = asyncio.Event()
        ready = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            run_listener(settings, engine, store, stop, port=0, ready=ready.set_result,
                         ingest=ingest, ingest_interval=0.1)
        )  # fmt: skip
        port = (await ready).port
        try:
            first = await _send(port, [*hours, rtd])
            deadline = asyncio.get_running_loop().time() + 60
            while len(stored := _physical(settings.observations_dir)) < 4 * 6 * 3 + 6:
                assert asyncio.get_running_loop().time() < deadline, "not ingested"
                await asyncio.sleep(0.1)
            # a logger that missed the answers sends everything again, twice in a row within
            # one ingest batch, then the history upload
            again = await _send(port, [*hours, rtd, *hours, *history])
        finally:
            stop.set()
            await task
        return first, stored, again

    first, stored, again = asyncio.run(main())
    assert first == [parse(f).qn for f in [*hours, rtd]]
    assert again == [parse(f).qn for f in [*hours, rtd, *hours, *history]]  # all acknowledged
    assert len(stored) == 4 * 6 * 3 + 6  # 6 factors, -Min/-Avg/-Max each; real time
    assert _physical(settings.observations_dir) == stored  # not one row more
    read = store.scan(None, None, None)
    assert len(read) == len(stored) and set(read["source"]) == {
        f"RESEND01:{parse(f).qn}" for f in [*hours, rtd]
    }
