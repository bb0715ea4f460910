"""-Min/-Max/-Cou/-Zs* values stored as observations of their own parameter, and the emission
totals [kg per day and month] made from -Cou — packets in the standard's format, through the
real listener (HJ 212-2017 Appendix C.16–C.18, Appendix D)."""

import asyncio
from datetime import date

import pytest
from hj212.helpers import register
from sqlalchemy import select

from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.hj212.codec import encode, parse
from qingshan.hj212.logger_sim import LoggerSpec
from qingshan.ingest.runtime import run_listener
from qingshan.monitoring.emissions import EmissionTotal, emission_totals
from qingshan.monitoring.models import Parameter, Series, SiteKind
from qingshan.timeseries.store import ObservationStore

MN = "010000A8900016F000169DC0"  # the standard's examples
WATER = LoggerSpec(MN, "123456", st="32")
GAS = LoggerSpec("GAS-COU-01", "654321", st="31")

#: HJ 212-2017 Tables C.16, C.17, C.18 as printed, without their "…"
C16 = (
    "QN=20160801085000001;ST=32;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&DataTime=20160801084000;w00000-Cou=10.5,w00000-Min=16.4,w00000-Avg=17.5,"
    "w00000-Max=20.1,w00000-Flag=N;w01001-Min=7.1,w01001-Avg=7.5,w01001-Max=7.8,"
    "w01001-Flag=N;w01018-Cou=10.5,w01018-Min=40.1,w01018-Avg=40.1,w01018-Max=40.1,"
    "w01018-Flag=N&&"
)
C17 = (
    "QN=20160801090000001;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&DataTime=20160801080000;w00000-Cou=63.0,w00000-Min=16.4,w00000-Avg=17.5,"
    "w00000-Max=20.1,w00000-Flag=N;w01001-Min=7.1,w01001-Avg=7.5,w01001-Max=7.8,"
    "w01001-Flag=N;w01018-Cou=63.0,w01018-Min=40.1,w01018-Avg=40.1,w01018-Max=40.1,"
    "w01018-Flag=N&&"
)
C18 = (
    "QN=20160802000000001;ST=32;CN=2031;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&DataTime=20160801000000;w00000-Cou=1512.0,w00000-Min=16.4,w00000-Avg=17.5,"
    "w00000-Max=20.1,w00000-Flag=N;w01001-Min=7.1,w01001-Avg=7.5,w01001-Max=7.8,"
    "w01001-Flag=N;w01018-Cou=2142.0,w01018-Min=40.1,w01018-Avg=40.1,w01018-Max=40.1,"
    "w01018-Flag=N&&"
)


def _gas_hour(day: int, hour: int, cou: float, flag: str = "N") -> bytes:
    """An hourly packet of a stack (Table C.17's shape, ST=31) with SO2 -Cou and -ZsAvg."""
    return encode(
        f"QN=202603{day:02d}{hour:02d}5900000;ST=31;CN=2061;PW=654321;MN=GAS-COU-01;Flag=5;"
        f"CP=&&DataTime=202603{day:02d}{hour:02d}0000;a21026-Cou={cou},a21026-Min=20.0,"
        f"a21026-Avg=30.0,a21026-Max=40.0,a21026-ZsAvg=33.3,a21026-Flag={flag};"
        f"a00000-Cou=432000.0,a00000-Avg=120.0,a00000-Flag=N&&"
    )


def _gas_day(day: int, cou: float) -> bytes:
    return encode(
        f"QN=202603{day + 1:02d}000000001;ST=31;CN=2031;PW=654321;MN=GAS-COU-01;Flag=5;"
        f"CP=&&DataTime=202603{day:02d}000000;a21026-Cou={cou},a21026-Avg=30.0,a21026-Flag=N&&"
    )


def _water_hour(hour: int, grams: float) -> bytes:
    """Mercury (w20111, discharge unit g in Table B.1) of the water outlet."""
    return encode(
        f"QN=20260301{hour:02d}5900000;ST=32;CN=2061;PW=123456;MN={MN};Flag=5;"
        f"CP=&&DataTime=20260301{hour:02d}0000;w20111-Cou={grams},w20111-Avg=0.001,"
        f"w20111-Flag=N&&"
    )


def _send_all(engine, tmp_path, frames: list[bytes]) -> ObservationStore:
    settings = Settings(data_dir=tmp_path)
    store = ObservationStore(settings.observations_dir)

    async def main():
        stop = asyncio.Event()
        ready = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            run_listener(settings, engine, store, stop, port=0, ready=ready.set_result,
                         ingest="thread", ingest_interval=0.2)
        )  # fmt: skip
        listener = await ready
        reader, writer = await asyncio.open_connection("127.0.0.1", listener.port)
        for f in frames:
            writer.write(f)
        answers = [parse(await asyncio.wait_for(reader.readuntil(b"\r\n"), 10)) for _ in frames]
        writer.close()
        await writer.wait_closed()
        stop.set()
        await task  # ingests the rest on stop
        assert [a.qn for a in answers] == [parse(f).qn for f in frames]

    asyncio.run(main())
    return store


def _series(engine) -> dict[tuple[str, str], int]:
    with session_scope(engine) as s:
        return {(r.parameter_code, r.period.value): r.id for r in s.scalars(select(Series))}


def test_min_max_cou_values_are_stored_and_read_back(engine, tmp_path):
    register(engine, [WATER], SiteKind.WATER_OUTLET)
    store = _send_all(engine, tmp_path, [encode(C16), encode(C17), encode(C18)])
    ids = _series(engine)
    rows = store.scan(None, None, None)
    got = {
        (code, period): (v, f)
        for (code, period), sid in ids.items()
        for v, f in rows.loc[rows.series_id == sid, ["value", "source_flag"]].itertuples(
            index=False
        )
    }
    assert got == {
        # Table C.16 (minute, 2016-08-01 08:40 CST)
        ("w00000-Cou", "min"): (10.5, "N"), ("w00000-Min", "min"): (16.4, "N"),
        ("w00000", "min"): (17.5, "N"), ("w00000-Max", "min"): (20.1, "N"),
        ("w01001-Min", "min"): (7.1, "N"), ("w01001", "min"): (7.5, "N"),
        ("w01001-Max", "min"): (7.8, "N"),
        ("w01018-Cou", "min"): (10.5, "N"), ("w01018-Min", "min"): (40.1, "N"),
        ("w01018", "min"): (40.1, "N"), ("w01018-Max", "min"): (40.1, "N"),
        # Table C.17 (hour, 08:00 CST)
        ("w00000-Cou", "hour"): (63.0, "N"), ("w00000-Min", "hour"): (16.4, "N"),
        ("w00000", "hour"): (17.5, "N"), ("w00000-Max", "hour"): (20.1, "N"),
        ("w01001-Min", "hour"): (7.1, "N"), ("w01001", "hour"): (7.5, "N"),
        ("w01001-Max", "hour"): (7.8, "N"),
        ("w01018-Cou", "hour"): (63.0, "N"), ("w01018-Min", "hour"): (40.1, "N"),
        ("w01018", "hour"): (40.1, "N"), ("w01018-Max", "hour"): (40.1, "N"),
        # Table C.18 (day, 2016-08-01 CST)
        ("w00000-Cou", "day"): (1512.0, "N"), ("w00000-Min", "day"): (16.4, "N"),
        ("w00000", "day"): (17.5, "N"), ("w00000-Max", "day"): (20.1, "N"),
        ("w01001-Min", "day"): (7.1, "N"), ("w01001", "day"): (7.5, "N"),
        ("w01001-Max", "day"): (7.8, "N"),
        ("w01018-Cou", "day"): (2142.0, "N"), ("w01018-Min", "day"): (40.1, "N"),
        ("w01018", "day"): (40.1, "N"), ("w01018-Max", "day"): (40.1, "N"),
    }  # fmt: skip
    hour = rows[rows.series_id == ids[("w01018-Cou", "hour")]]
    assert hour.time.iloc[0].isoformat() == "2016-08-01T00:00:00+00:00"  # 08:00 CST
    with session_scope(engine) as s:  # each statistic is a parameter of its own, with its unit
        params = {p.code: (p.name, p.unit) for p in s.scalars(select(Parameter))}
    assert params["w01018-Cou"] == ("化学需氧量排放量", "kg")
    assert params["w00000-Cou"] == ("污水排放量", "m³")
    assert params["w01018-Max"] == ("化学需氧量最大值", "mg/L")


def test_emission_totals_from_cou_hand_worked(engine, tmp_path):
    register(engine, [GAS])
    register(engine, [WATER], SiteKind.WATER_OUTLET)
    frames = [_gas_hour(1, h, round(1.5 + 0.1 * h, 1), "M" if h == 5 else "N") for h in range(23)]
    frames += [_gas_day(1, 99.0), _gas_day(2, 40.0)]  # day 1's own total is not used
    frames += [_water_hour(h, 250.0) for h in range(4)]
    store = _send_all(engine, tmp_path, frames)
    ids = _series(engine)
    zs = store.scan([ids[("a21026-ZsAvg", "hour")]], None, None)
    assert len(zs) == 23 and set(zs.value) == {33.3}
    with session_scope(engine) as s:
        gas_site, water_site = (
            s.get(Series, ids[("a21026", "hour")]).site_id,
            s.get(Series, ids[("w20111", "hour")]).site_id,
        )
        days = emission_totals(s, store, [gas_site, water_site], date(2026, 3, 1),
                               date(2026, 3, 3))  # fmt: skip
        months = emission_totals(s, store, [gas_site, water_site], date(2026, 3, 1),
                                 date(2026, 4, 1), freq="month")  # fmt: skip
    # day 1 (CST): hours 0-22, SO2 1.5 + 0.1 h kg; hour 5 (2.0 kg) flagged M is left out:
    # 23 × 1.5 + 0.1 × (0 + 1 + … + 22) − 2.0 = 34.5 + 25.3 − 2.0 = 57.8 kg from 22 hours.
    # day 2: no hourly value, the logger's daily -Cou: 40.0 kg.
    # mercury: 4 hours × 250 g = 1.0 kg. The flue-gas flow (m³) is not a mass: absent.
    clause_air = "HJ 212-2017 Appendix D.2.5, eq. (33)-(34): sum of the valid hourly amounts"
    clause_water = "HJ 212-2017 Appendix D.1.2.2, eq. (9)-(11): sum of the valid hourly amounts"
    assert [
        (t.site_id, t.code, t.start, t.freq, t.hours, t.days, t.from_daily, t.invalid, t.clause)
        for t in days
    ] == [
        (gas_site, "a21026", date(2026, 3, 1), "day", 22, 1, 0, 1, clause_air),
        (gas_site, "a21026", date(2026, 3, 2), "day", 0, 1, 1, 0, clause_air),
        (water_site, "w20111", date(2026, 3, 1), "day", 4, 1, 0, 0, clause_water),
    ]  # fmt: skip
    assert [t.kg for t in days] == pytest.approx([57.8, 40.0, 1.0])
    assert months == [
        EmissionTotal(gas_site, "a21026", date(2026, 3, 1), "month", pytest.approx(97.8), 22, 2,
                      1, 1, clause_air),
        EmissionTotal(water_site, "w20111", date(2026, 3, 1), "month", pytest.approx(1.0), 4, 1,
                      0, 0, clause_water),
    ]  # fmt: skip
