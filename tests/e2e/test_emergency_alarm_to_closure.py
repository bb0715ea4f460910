"""An alarm through to incident closure (issue #22), in Debian's Chromium: a leak packet (HJ
212-2017 minute data, CRC) for a chemical park's boundary station goes through the real
listener into the store, the ``emergency-gas`` job's judging raises a level-2 alarm that opens
an incident; the county officer sees it on /emergency/gas (the station red on the map), opens
the alarm (its plume sector drawn), acknowledges it, follows it to the incident, advances the
stages and closes it — at 390 px wide, no console error."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.config import Settings
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.emergency.gas import service as gas
from qingshan.emergency.incidents.service import open_incident
from qingshan.geo.regions import seed_regions
from qingshan.hj212.codec import encode, encode_segment
from qingshan.hj212.cp import format_time
from qingshan.ingest.runtime import run_listener
from qingshan.timeseries.store import ObservationStore

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

USER = ("shangyu", "e2e-gas-pass")
MN = "GASE2ESY01"
RING = [[120.823, 30.104], [120.898, 30.108], [120.901, 30.152], [120.826, 30.150]]


def _packet(data_time: datetime, h2s: float) -> bytes:
    return encode(encode_segment(
        qn=format_time(data_time + timedelta(seconds=61), millis=True), st="22", cn="2051",
        pw="gas123", mn=MN, flag=5,
        cp=[{"DataTime": format_time(data_time)},
            {"a21028-Avg": h2s, "a21028-Flag": "N"},
            {"a01007-Avg": 3.0, "a01007-Flag": "N"}, {"a01008-Avg": 115.0, "a01008-Flag": "N"}],
    ))  # fmt: skip


def _send_leak(settings: Settings, engine, store: ObservationStore) -> None:
    """Two minute packets (background, then the leak) through the listener, then ingested."""
    minute = datetime.now(UTC).replace(second=0, microsecond=0)

    async def main() -> None:
        stop = asyncio.Event()
        ready = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            run_listener(settings, engine, store, stop, port=0, ready=ready.set_result,
                         ingest="thread", ingest_interval=0.1)
        )  # fmt: skip
        listener = await ready
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", listener.port)
            for frame in (_packet(minute - timedelta(minutes=2), 0.004),
                          _packet(minute - timedelta(minutes=1), 26.0)):  # fmt: skip
                writer.write(frame)
                await writer.drain()
                await asyncio.wait_for(reader.readuntil(b"\r\n"), 5)  # the 9014 answer
            writer.close()
            await writer.wait_closed()
        finally:
            stop.set()
            await task  # on stop the listener ingests the rest of its journal

    # in a thread of its own: Playwright's sync API keeps an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, main()).result()


@pytest.fixture(scope="module")
def gas_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("gas")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, USER[0], USER[1], Role.COUNTY, "330604")
        park = gas.register_park(s, code="E2E-SY", name="上虞测试化工园区", region_code="330604",
                                 boundary=RING)  # fmt: skip
        gas.register_station(s, park, code="E2E-SY-01", name="南边界站", longitude=120.862,
                             latitude=30.099, mn=MN, password="gas123", substances=["a21028"])  # fmt: skip
    settings = Settings(data_dir=data_dir)
    store = ObservationStore(settings.observations_dir)
    _send_leak(settings, engine, store)
    result = gas.judge_now(engine, store, open_incident=open_incident)  # the job's round
    assert len(result.raised) == 1 and len(result.incidents) == 1, result.summary()
    store.close()
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def test_leak_alarm_acknowledged_to_incident_closure(browser, gas_site):
    url = gas_site
    page = new_page(browser, 390, 844)
    try:
        login_as(page, url, USER)
        page.goto(f"{url}/emergency/gas")
        row = page.locator("#qs-emg-alarms tr[data-level='2']")
        assert row.count() == 1
        page.wait_for_selector("#qs-emg-map[data-stations='1']")  # drawn
        level = page.evaluate("() => window.qsEmgMap.getOption().series[1].data[0].station.level")
        assert level == 2  # the station red on the map
        row.locator("a.qs-emg-open").click()
        page.wait_for_selector("#qs-emg-alarm[data-level='2']")
        page.wait_for_selector("#qs-emg-map[data-sector='1']")
        page.fill("#qs-emg-ack-note", "已通知园区管委会关阀排查")
        page.click("#qs-emg-ack-form button")
        page.wait_for_selector("#qs-emg-ack:has-text('shangyu')")
        page.click("#qs-emg-incident")
        page.wait_for_selector("#qs-emi-incident[data-stage=reported]")
        for stage in ("verified", "responding", "recovering", "closed"):
            page.click(f"#qs-emi-to-{stage}")
            page.wait_for_selector(f"#qs-emi-incident[data-stage={stage}]")
        assert page.qs_errors == []
    finally:
        page.context.close()
