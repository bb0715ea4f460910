"""Officers register chemical parks and their boundary stations (issue #22 follow-up, area
gas): through the service, the API and the page. A park's boundary is checked (GeoJSON, a
closed valid ring, inside Zhejiang, in its county) and a station's position (inside the park or
within 1 km), MN (HJ 212-2017 Table 3, by the device registry) and substances; bad input is
refused naming what is wrong and nothing is stored; county officers read only. A station
registered this way has its HJ 212 device: its real minute packet (CN 2051, CRC), sent over TCP
to the platform's listener, is ingested and judged by the ``emergency-gas`` job."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.emergency.gas import service as gas
from qingshan.emergency.gas.errors import BadGasInput, NotAnOfficer, UnknownSubstance
from qingshan.emergency.gas.models import GasAlarm, GasPark, GasStation
from qingshan.emergency.gas.thresholds import threshold_of
from qingshan.geo.regions import seed_regions
from qingshan.hj212.codec import encode, encode_segment, parse
from qingshan.hj212.cp import format_time
from qingshan.hj212.errors import DeviceExists
from qingshan.hj212.models import Device
from qingshan.ingest.runtime import run_listener
from qingshan.monitoring.models import LatestValue, Series, Site
from qingshan.platform.app import create_app
from qingshan.timeseries.store import ObservationStore

PASSWORD = "gas-register-pw"
MN = "33060400GASREG000000001"
#: a park in 上虞区 330604 (every vertex checked in the county by qingshan.geo.counties)
RING = [[120.80, 30.10], [120.90, 30.10], [120.90, 30.17], [120.80, 30.17], [120.80, 30.10]]
FEATURE = {"type": "Feature", "properties": {"name": "x"},
           "geometry": {"type": "Polygon", "coordinates": [RING]}}  # fmt: skip
PROVINCE = Scope(region_code="330000", role=Role.PROVINCE, username="zj")
CITY = Scope(region_code="330600", role=Role.CITY, username="sx")
COUNTY = Scope(region_code="330604", role=Role.COUNTY, username="shangyu")


def _counts(s) -> tuple[int, int, int, int]:
    return tuple(s.scalar(select(func.count()).select_from(m))  # type: ignore[return-value]
                 for m in (GasPark, GasStation, Site, Device))  # fmt: skip


def _packet(data_time: datetime, h2s: float) -> bytes:
    segment = encode_segment(
        qn=format_time(data_time + timedelta(seconds=61), millis=True), st="22", cn="2051",
        pw="reg-pw-1", mn=MN, flag=5,
        cp=[{"DataTime": format_time(data_time)},
            {"a21028-Min": h2s * 0.8, "a21028-Avg": h2s, "a21028-Max": h2s * 1.2,
             "a21028-Flag": "N"}],
    )  # fmt: skip
    return encode(segment)


def test_registered_station_packet_is_ingested_and_judged(engine, tmp_path):
    with session_scope(engine) as s:
        seed_regions(s)
        park = gas.create_park(s, CITY, name="上虞测试化工园区", region_code="330604",
                               boundary=json.dumps(FEATURE))  # fmt: skip
        assert (park.code, park.boundary) == ("CP33060401", RING)
        st = gas.create_station(s, CITY, park_id=park.id, name="东门站", longitude=120.85,
                                latitude=30.095, mn=MN, password="reg-pw-1",
                                substances=["a21028"])  # fmt: skip
        site = s.get(Site, st.site_id)
        assert site is not None and (site.code, site.region_code) == ("CP33060401-01", "330604")
        device = s.scalar(select(Device).where(Device.mn == MN))
        assert device is not None and device.site_id == site.id
    settings = Settings(data_dir=tmp_path)
    store = ObservationStore(settings.observations_dir)
    minute = datetime.now(UTC).replace(second=0, microsecond=0)
    leak = minute - timedelta(minutes=1)
    h2s = threshold_of("a21028").al2 + 1.0  # over the data's own level-2 set-point

    async def main() -> None:
        stop = asyncio.Event()
        ready = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            run_listener(settings, engine, store, stop, port=0, ready=ready.set_result,
                         ingest="thread", ingest_interval=0.1, flush_interval=0.5)
        )  # fmt: skip
        listener = await ready
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", listener.port)
            writer.write(_packet(leak, h2s))
            await writer.drain()
            ack = await asyncio.wait_for(reader.readuntil(b"\r\n"), 5)
            writer.close()
            await writer.wait_closed()
            assert parse(ack).cn == "9014"
            for _ in range(100):
                with session_scope(engine) as s:
                    got = s.scalar(select(LatestValue.time).join(Series)
                                   .where(Series.parameter_code == "a21028"))  # fmt: skip
                if got == leak:
                    break
                await asyncio.sleep(0.1)
        finally:
            stop.set()
            await task

    asyncio.run(main())
    result = gas.judge_now(engine, store)
    assert result.readings == 1 and len(result.raised) == 1
    with session_scope(engine) as s:
        [alarm] = s.scalars(select(GasAlarm)).all()
        assert (alarm.data_time, alarm.value, alarm.region_code) == (leak, h2s, "330604")
        assert (alarm.level, alarm.escalation) == (2, "al2")


def test_bad_parks_and_stations_are_refused_naming_what_is_wrong(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        before = _counts(s)
        bad = [
            ("{not json", "not JSON"),
            ({"type": "Point", "coordinates": [120.85, 30.13]}, "type 'Point'"),
            ({"type": "Polygon", "coordinates": [RING[:-1]]}, "not closed"),
            (
                {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [120.80, 30.10],
                            [120.90, 30.17],
                            [120.90, 30.10],
                            [120.80, 30.17],
                            [120.80, 30.10],
                        ]
                    ],
                },
                "Self-intersection",
            ),  # fmt: skip
            ({"type": "Polygon", "coordinates": [RING, RING]}, "1 hole"),
            (
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[121.40, 31.20], [121.50, 31.20], [121.50, 31.25], [121.40, 31.20]]
                    ],
                },
                "position 1 (121.4, 31.2) lies outside Zhejiang",
            ),  # Shanghai  # fmt: skip
        ]
        for boundary, words in bad:
            with pytest.raises(BadGasInput, match=re.escape(words)) as err:
                gas.create_park(s, PROVINCE, name="园区", region_code="330604", boundary=boundary)
            assert err.value.field == "boundary"
        with pytest.raises(BadGasInput, match="not in the park's county region_code 330211"):
            gas.create_park(s, PROVINCE, name="园区", region_code="330211", boundary=FEATURE)
        with pytest.raises(BadGasInput, match="region_code '330600' is not a county"):
            gas.create_park(s, PROVINCE, name="园区", region_code="330600", boundary=FEATURE)
        with pytest.raises(NotAnOfficer, match="province and city officers only"):
            gas.create_park(s, COUNTY, name="园区", region_code="330604", boundary=FEATURE)
        with pytest.raises(NotAnOfficer, match="outside"):
            gas.create_park(s, Scope(region_code="330200", role=Role.CITY, username="nb"),
                            name="园区", region_code="330604", boundary=FEATURE)  # fmt: skip
        assert _counts(s) == before
        park = gas.create_park(s, PROVINCE, name="园区", region_code="330604", boundary=FEATURE)
        with pytest.raises(BadGasInput, match="has a park of that name"):
            gas.create_park(s, PROVINCE, name="园区", region_code="330604", boundary=FEATURE)
        before = _counts(s)
        ok = dict(park_id=park.id, name="站", longitude=120.85, latitude=30.12, mn=MN,
                  password="pw", substances=["a21028"])  # fmt: skip
        with pytest.raises(BadGasInput, match=r"lies 1\.\d\d km outside the park") as err:
            gas.create_station(s, CITY, **{**ok, "latitude": 30.09})
        assert err.value.field == "longitude"
        with pytest.raises(BadGasInput, match="mn: bad MN") as err:
            gas.create_station(s, CITY, **{**ok, "mn": "MN WITH;SEPARATORS"})
        assert err.value.field == "mn"
        with pytest.raises(BadGasInput, match="mn: bad MN"):
            gas.create_station(s, CITY, **{**ok, "mn": "X" * 33})
        with pytest.raises(UnknownSubstance, match="unknown substance 'a99999'"):
            gas.create_station(s, CITY, **{**ok, "substances": ["a99999"]})
        with pytest.raises(BadGasInput, match="at least one substance"):
            gas.create_station(s, CITY, **{**ok, "substances": []})
        with pytest.raises(NotAnOfficer):
            gas.create_station(s, COUNTY, **ok)
        assert _counts(s) == before
        gas.create_station(s, CITY, **ok)
        with pytest.raises(DeviceExists, match=MN):
            gas.create_station(s, CITY, **{**ok, "name": "站2"})
        assert _counts(s)[1:] == (before[1] + 1, before[2] + 1, before[3] + 1)


def test_api_and_page_register_parks_and_stations(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("sx", Role.CITY, "330600"), ("shangyu", Role.COUNTY, "330604")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
    with TestClient(create_app(app_settings)) as c:

        def login(name: str) -> None:
            c.cookies.clear()
            r = c.post("/api/v1/auth/login", data={"username": name, "password": PASSWORD})
            assert r.status_code == 200, r.text

        body = {"name": "API园区", "region_code": "330604", "boundary": FEATURE}
        for who, status in (("shangyu", 403),):
            login(who)
            assert c.post("/api/v1/emergency/gas/parks", json=body).status_code == status
        login("sx")
        r = c.post("/api/v1/emergency/gas/parks",
                   json={**body, "boundary": {"type": "Polygon", "coordinates": [RING[:-1]]}})  # fmt: skip
        assert r.status_code == 422 and "not closed" in r.text
        r = c.post("/api/v1/emergency/gas/parks", json=body)
        assert r.status_code == 201, r.text
        park_id = r.json()["id"]
        st = {"park_id": park_id, "name": "API站", "longitude": 120.9, "latitude": 30.13,
              "mn": "33060400GASAPI0001", "password": "pw-1", "substances": ["a21028", "a21001"]}  # fmt: skip
        r = c.post("/api/v1/emergency/gas/stations", json={**st, "longitude": 121.2})
        assert r.status_code == 422 and "outside the park boundary" in r.text
        r = c.post("/api/v1/emergency/gas/stations", json=st)
        assert r.status_code == 201, r.text
        assert r.json()["substances"] == ["a21028", "a21001"]
        assert (
            c.post("/api/v1/emergency/gas/stations", json={**st, "name": "又一站"}).status_code
            == 409
        )
        # the page: the forms for a city officer; a bad upload re-shows the form naming the fault
        page = c.get("/emergency/gas")
        assert 'id="qs-emg-park-new"' in page.text and 'id="qs-emg-station-new"' in page.text
        r = c.post("/emergency/gas/parks/new",
                   data={"name": "页面园区", "region_code": "330604", "boundary": ""},
                   files={"boundary_file": ("p.geojson", b'{"type": "LineString"}', "application/geo+json")})  # fmt: skip
        assert r.status_code == 422 and 'id="qs-emg-form-error"' in r.text
        assert "type &#39;LineString&#39;" in r.text or "type 'LineString'" in r.text
        r = c.post("/emergency/gas/parks/new",
                   data={"name": "页面园区", "region_code": "330604", "boundary": ""},
                   files={"boundary_file": ("p.geojson", json.dumps(FEATURE).encode(), "application/geo+json")},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303, r.text
        r = c.post("/emergency/gas/stations/new",
                   data={"park_id": str(park_id), "name": "页面站", "longitude": "120.81",
                         "latitude": "30.16", "mn": "bad mn", "password": "pw",
                         "substances": ["a21028"]})  # fmt: skip
        assert r.status_code == 422 and "bad MN" in r.text
        r = c.post("/emergency/gas/stations/new",
                   data={"park_id": str(park_id), "name": "页面站", "longitude": "120.81",
                         "latitude": "30.16", "mn": "33060400GASPAGE01", "password": "pw",
                         "substances": ["a21028"]}, follow_redirects=False)  # fmt: skip
        assert r.status_code == 303 and r.headers["location"] == f"/emergency/gas/parks/{park_id}"
        login("shangyu")
        page = c.get("/emergency/gas")
        assert 'id="qs-emg-readonly"' in page.text and 'id="qs-emg-park-new"' not in page.text
        assert "页面园区" in page.text and "页面站" in page.text
