"""A planted leak through the platform's own HJ 212 intake: real HJ 212-2017 minute packets
(CN 2051, CRC) sent over TCP to the listener (journal → ingest → observation store, stream
park_gas), then the ``emergency-gas`` job: the alarm's data time is the packet's DataTime, it
is raised before the next interval's packet is due (DataTime + 2 min: a minute packet is sent
after its minute ends), a level-2 alarm opens an incident (origin gas_alarm, key the alarm id),
a re-run judges nothing twice, and an officer acknowledges it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.emergency.gas import service as gas
from qingshan.emergency.gas.errors import (
    AlarmNotActive,
    BadGasInput,
    NotAnOfficer,
    UnknownSubstance,
)
from qingshan.emergency.gas.models import GasAlarm, GasPark
from qingshan.emergency.incidents import service as incidents
from qingshan.emergency.incidents.models import EmergencyIncident
from qingshan.geo.regions import seed_regions
from qingshan.hj212.codec import encode, encode_segment, parse
from qingshan.hj212.cp import format_time
from qingshan.ingest.runtime import run_listener
from qingshan.monitoring.models import LatestValue, Series
from qingshan.timeseries.store import ObservationStore

MN = "33060400GAS0000000000001"
RING = [[120.80, 30.10], [120.90, 30.10], [120.90, 30.17], [120.80, 30.17]]


def _packet(data_time: datetime, h2s: float, wind_from: float = 90.0, wind: float = 5.5) -> bytes:
    segment = encode_segment(
        qn=format_time(data_time + timedelta(seconds=61), millis=True), st="22", cn="2051",
        pw="gas123", mn=MN, flag=5,
        cp=[{"DataTime": format_time(data_time)},
            {"a21028-Min": h2s * 0.8, "a21028-Avg": h2s, "a21028-Max": h2s * 1.2, "a21028-Flag": "N"},
            {"a01007-Avg": wind, "a01007-Flag": "N"}, {"a01008-Avg": wind_from, "a01008-Flag": "N"}],
    )  # fmt: skip
    return encode(segment)


def _setup(engine) -> None:
    with session_scope(engine) as s:
        seed_regions(s)
        park = gas.register_park(s, code="TEST-SY", name="测试化工园区", region_code="330604",
                                 boundary=RING)  # fmt: skip
        gas.register_station(s, park, code="GAS-SY-01", name="测试边界站1", longitude=120.85,
                             latitude=30.10, mn=MN, password="gas123", substances=["a21028"])  # fmt: skip


async def _send(port: int, frames: list[bytes]) -> list[bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        answers = []
        for f in frames:
            writer.write(f)
            await writer.drain()
            answers.append(await asyncio.wait_for(reader.readuntil(b"\r\n"), 5))
        return answers
    finally:
        writer.close()
        await writer.wait_closed()


def test_planted_leak_alarms_within_one_interval_and_opens_an_incident(engine, tmp_path):
    _setup(engine)
    settings = Settings(data_dir=tmp_path)
    store = ObservationStore(settings.observations_dir)
    minute = datetime.now(UTC).replace(second=0, microsecond=0)
    before, leak = minute - timedelta(minutes=2), minute - timedelta(minutes=1)
    raised: dict[str, datetime] = {}

    def latest_time() -> datetime | None:
        with session_scope(engine) as s:
            return s.scalar(select(LatestValue.time).join(Series)
                            .where(Series.parameter_code == "a21028"))  # fmt: skip

    async def main() -> None:
        stop = asyncio.Event()
        ready = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            run_listener(settings, engine, store, stop, port=0, ready=ready.set_result,
                         ingest="thread", ingest_interval=0.1, flush_interval=0.5)
        )  # fmt: skip
        listener = await ready
        try:
            acks = await _send(listener.port, [_packet(before, 2.0), _packet(leak, 25.0)])
            assert [parse(a).cn for a in acks] == ["9014", "9014"]
            received = datetime.now(UTC)
            for _ in range(100):  # ingested within a few ingest rounds
                if latest_time() == leak:
                    break
                await asyncio.sleep(0.1)
            result = await asyncio.to_thread(
                gas.judge_now, engine, store, open_incident=incidents.open_incident
            )
            raised["at"] = datetime.now(UTC)
            raised["received"] = received
            assert result.readings == 2 and len(result.raised) == 1
            assert len(result.incidents) == 1
        finally:
            stop.set()
            await task

    asyncio.run(main())
    with session_scope(engine) as s:
        [alarm] = s.scalars(select(GasAlarm)).all()
        assert alarm.data_time == leak  # the packet's DataTime (2051: the minute's start)
        assert (alarm.level, alarm.escalation, alarm.value) == (2, "al2", 25.0)
        assert (alarm.wind_from, alarm.wind_speed) == (90.0, 5.5)
        # raised before the next minute's packet is due (sent after DataTime + 2 min)
        assert alarm.raised_at < leak + timedelta(minutes=2)
        assert alarm.raised_at - raised["received"] < timedelta(minutes=1)
        inc = s.get(EmergencyIncident, alarm.incident_id)
        assert inc is not None and (inc.origin, inc.origin_key) == ("gas_alarm", str(alarm.id))
        alarm_id = alarm.id
    # a re-run judges nothing twice and opens nothing again
    again = gas.judge_now(engine, store, open_incident=incidents.open_incident)
    assert (again.readings, again.raised, again.incidents) == (0, [], [])
    # the plume points downwind (wind from the east → west)
    with session_scope(engine) as s:
        est = gas.alarm_plume(s, s.get(GasAlarm, alarm_id))
        assert est is not None and est.bearing == 270.0
    officer = Scope(region_code="330604", role=Role.COUNTY, username="shangyu")
    with session_scope(engine) as s:
        with pytest.raises(NotAnOfficer, match="officers"):
            gas.acknowledge(s, Scope(region_code="330604", role=Role.ENTERPRISE), alarm_id)
        a = gas.acknowledge(s, officer, alarm_id, note="已通知园区管委会")
        assert (a.acknowledged_by, a.ack_note) == ("shangyu", "已通知园区管委会")
    with session_scope(engine) as s, pytest.raises(AlarmNotActive, match="already acknowledged"):
        gas.acknowledge(s, officer, alarm_id)


def test_unknown_substance_stores_nothing(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        park = gas.register_park(s, code="TEST-ZH", name="测试园区", region_code="330211",
                                 boundary=RING)  # fmt: skip
    with session_scope(engine) as s, pytest.raises(UnknownSubstance, match="'a99999'"):
        park = s.scalars(select(GasPark)).one()
        gas.register_station(s, park, code="GAS-X", name="x", longitude=121.6, latitude=30.0,
                             mn="X" * 24, password="gas123", substances=["a21028", "a99999"])  # fmt: skip
    with session_scope(engine) as s:
        assert s.scalars(select(GasPark)).one().code == "TEST-ZH"
        from qingshan.monitoring.models import Site

        assert s.scalars(select(Site).where(Site.code == "GAS-X")).all() == []


def test_park_linked_to_the_zones_park_of_its_name_and_county(engine):
    from qingshan.zones.parks_service import ParkDraft, create_park

    with session_scope(engine) as s:
        seed_regions(s)
        scope = Scope(region_code="330211", role=Role.COUNTY, username="zh")
        zp = create_park(s, scope, ParkDraft(code="ZP-1", name="宁波石化经济技术开发区",
                                             region_code="330211", park_type="park",
                                             level="national", batch_year=2021,
                                             boundary={"type": "Polygon", "coordinates": [RING]}),
                         actor="zh", now=datetime(2026, 6, 1, tzinfo=UTC))  # fmt: skip
        park = gas.register_park(s, code="ZH", name="宁波石化经济技术开发区（演示）",
                                 region_code="330211", boundary=RING)  # fmt: skip
        other = gas.register_park(s, code="ZH2", name="另一个园区", region_code="330211",
                                  boundary=RING)  # fmt: skip
        assert (park.zones_park_id, other.zones_park_id) == (zp.id, None)


def test_a_ppm_analyser_is_judged_in_mg_m3(engine, tmp_path):
    """A Cl2 analyser reporting ppm: 0.5 ppm = 0.5 × 70.90 / 24.055 = 1.474 mg/m³ at 20 ℃ — over
    AL1 (1 mg/m³) though the raw number is not; a bad ppm code is refused."""
    import pyarrow as pa

    from qingshan.monitoring import registry
    from qingshan.monitoring.models import Period
    from qingshan.timeseries.schema import OBSERVATION_SCHEMA

    with session_scope(engine) as s:
        seed_regions(s)
        park = gas.register_park(s, code="P", name="园区", region_code="330211", boundary=RING)
        with pytest.raises(BadGasInput, match="ppm substance 'a21028'"):
            gas.register_station(s, park, code="G1", name="x", longitude=121.6, latitude=30.0,
                                 mn="G1MN", password="pw1234", substances=["a21022"],
                                 ppm=["a21028"])  # fmt: skip
        st = gas.register_station(s, park, code="G2", name="东站", longitude=121.6, latitude=30.0,
                                  mn="G2MN", password="pw1234", substances=["a21022"],
                                  ppm=["a21022"])  # fmt: skip
        [series] = registry.ensure_series(s, [(st.site_id, "a21022", Period.MIN, None)]).values()
        sid = series.id
    store = ObservationStore(tmp_path / "obs")
    t = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    row = {"series_id": [sid], "time": [t], "period": ["min"], "value": [0.5], "raw_value": [0.5],
           "source_flag": ["N"], "qc_flag": [0], "source": ["test"], "received_at": [t],
           "revision": [0]}  # fmt: skip
    store.append(pa.Table.from_pydict(row, schema=OBSERVATION_SCHEMA), "park_gas")
    result = gas.judge_now(engine, store)
    assert len(result.raised) == 1
    with session_scope(engine) as s:
        alarm = s.get(GasAlarm, result.raised[0])
        assert alarm is not None and alarm.value == pytest.approx(0.5 * 70.90 / 24.055, rel=1e-4)
    store.close()
