"""A small network for the open-data tests: two air stations (西湖区 330106 and 海曙区 330203),
a water section (海曙区), an outlet in 西湖区 owned by an enterprise, hourly values, a day
series rolled up by the platform's own roll-up job from hand-made hours; users of each role."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import dispose_engines, make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series, update_latest
from qingshan.platform.app import create_app
from qingshan.timeseries.rollup_job import rollup
from qingshan.timeseries.store import ObservationStore

STATION, STATION_NB, SECTION, OUTLET = "1224A", "1276A", "W0001", "E1-001"
MN = "33010600000001PQ0010"
#: CST day 2026-11-28 starts at 2026-11-27T16:00Z; 2026-11-29 at 2026-11-28T16:00Z
DAY1 = pd.Timestamp("2026-11-27T16:00:00Z")
DAY2 = pd.Timestamp("2026-11-28T16:00:00Z")
#: hours of DAY1 marked D (故障, HJ 212-2017 Table 5): invalid for the daily mean
INVALID_HOURS = (5, 6)
POSTGRES_URL = os.environ.get("QINGSHAN_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
USERS = {
    "province": ("prov", "province-pass", Role.PROVINCE, "330000"),
    "city": ("hz", "hangzhou-pass", Role.CITY, "330100"),
    "county": ("xihu", "xihu-pass-1", Role.COUNTY, "330106"),
}


def _hours(series_id: int, scale: float = 1.0) -> list[dict]:
    """DAY1: 24 hours 10, 11, … 33 (× ``scale``) with hours 5 and 6 flagged D (22 valid);
    DAY2: hours 0–14 at 50 (× ``scale``; 15 valid of 24)."""
    rows = []
    for h in range(24):
        rows.append(dict(series_id=series_id, time=DAY1 + pd.Timedelta(hours=h), period="hour",
                         value=(10.0 + h) * scale, raw_value=(10.0 + h) * scale,
                         source_flag="D" if h in INVALID_HOURS else "N", source="test"))  # fmt: skip
    for h in range(15):
        rows.append(dict(series_id=series_id, time=DAY2 + pd.Timedelta(hours=h), period="hour",
                         value=50.0 * scale, raw_value=50.0 * scale, source_flag="N", source="test"))  # fmt: skip
    return rows


def seed(s, store: ObservationStore) -> dict[str, int]:
    seed_regions(s)
    ent = Enterprise(credit_code="91330106MA2XXXXX01", name="青山热电",
                     industry=next(iter(Industry)), region_code="330106")  # fmt: skip
    s.add(ent)
    s.flush()
    for name, password, role, region in USERS.values():
        create_user(s, name, password, role, region)
    sites = {
        STATION: Site(code=STATION, name="西溪", kind=SiteKind.AIR_STATION, region_code="330106",
                      control_level=ControlLevel.NATIONAL, longitude=120.063, latitude=30.2747),
        STATION_NB: Site(code=STATION_NB, name="市监测站", kind=SiteKind.AIR_STATION,
                         region_code="330203", control_level=ControlLevel.NATIONAL,
                         longitude=121.55, latitude=29.87),
        SECTION: Site(code=SECTION, name="姚江", kind=SiteKind.WATER_SECTION,
                      region_code="330203", control_level=ControlLevel.NATIONAL,
                      longitude=121.5, latitude=29.9, attrs={"placement": "approximate"}),
        OUTLET: Site(code=OUTLET, name="1号排口", kind=SiteKind.GAS_OUTLET, region_code="330106",
                     control_level=ControlLevel.PROVINCIAL, enterprise_id=ent.id,
                     longitude=120.1, latitude=30.3, attrs={"mn": MN}),
    }  # fmt: skip
    s.add_all(sites.values())
    s.flush()
    ids = {}
    frames = []
    for code, param, unit, stream in (
        (STATION, "a34004", "µg/m³", "air"),
        (STATION_NB, "a34004", "µg/m³", "air"),
        (SECTION, "w21003", "mg/L", "water"),  # NH3-N 0.10–0.33, then 0.5
        (OUTLET, "a21026", "mg/m³", "gas_outlet"),
    ):
        sid = get_or_create_series(s, sites[code], param, Period.HOUR, unit).id
        ids[code] = sid
        frame = pd.DataFrame(_hours(sid, 0.01 if code == SECTION else 1.0))
        store.append(frame, stream)
        frames.append(frame)
    update_latest(s, pd.concat(frames))
    day = get_or_create_series(s, sites[STATION], "a34004", Period.DAY, "µg/m³")
    ids["day"] = day.id
    rollup(store, "air", "hour", "day", DAY1.to_pydatetime(),
           (DAY2 + pd.Timedelta(days=1)).to_pydatetime(), {ids[STATION]: day.id},
           received_at=datetime(2026, 11, 30, tzinfo=UTC))  # fmt: skip
    return ids


@pytest.fixture(scope="module", params=BACKENDS)
def api(request, tmp_path_factory, postgres_engines):
    """``api(role, path, **params)`` → response; roles: anonymous and :data:`USERS`. One
    seeded database and app per test module and backend (the tests only read)."""
    from qingshan.config import Settings

    tmp = tmp_path_factory.mktemp("opendata")
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp / 'test.db'}")
        pg = None
    else:
        pg = postgres_engines()
        engine = next(pg)
    upgrade(engine)
    settings = Settings(
        data_dir=tmp,
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key="test-secret-key-0123456789abcdef",
        scheduler=False,
        cookie_secure=False,
    )
    with session_scope(engine) as s:
        ids = seed(s, ObservationStore(settings.observations_dir))
    with TestClient(create_app(settings)) as client:
        headers: dict[str, dict[str, str]] = {"anonymous": {}}
        for role, (name, password, _, _) in USERS.items():
            r = client.post("/api/v1/auth/login", data={"username": name, "password": password})
            assert r.status_code == 200, r.text
            headers[role] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        client.cookies.clear()

        def get(role: str, path: str, **params):
            return client.get(path, headers=headers[role], params=params)

        get.ids = ids  # type: ignore[attr-defined]
        yield get
    engine.dispose()
    dispose_engines()
    if pg is not None:
        pg.close()
