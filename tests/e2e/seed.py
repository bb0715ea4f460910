"""A handful of air stations with latest hourly values, one per AQI level plus one without
data, for the browser tests (until the fixture switches to the small demo province)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import (
    ControlLevel,
    LatestValue,
    Parameter,
    Period,
    Series,
    Site,
    SiteKind,
)

PARAMETERS = {
    "a21026": ("二氧化硫", "SO2", "μg/m³"),
    "a21004": ("二氧化氮", "NO2", "μg/m³"),
    "a21005": ("一氧化碳", "CO", "mg/m³"),
    "a05024": ("臭氧", "O3", "μg/m³"),
    "a34002": ("PM10", "PM10", "μg/m³"),
    "a34004": ("PM2.5", "PM2.5", "μg/m³"),
}

#: code, name, county, control level, lon, lat, PM2.5 1-h [µg/m³] (None: no data)
STATIONS = [
    ("E2E01A", "西溪", "330106", ControlLevel.NATIONAL, 120.063, 30.274, 20.0),
    ("E2E02A", "滨江", "330108", ControlLevel.NATIONAL, 120.211, 30.209, 60.0),
    ("E2E03A", "市监测站", "330203", ControlLevel.NATIONAL, 121.545, 29.870, 100.0),
    ("E2E04A", "南浦", "330302", ControlLevel.NATIONAL, 120.664, 28.004, 130.0),
    ("E2E05A", "嘉兴学院", "330402", ControlLevel.NATIONAL, 120.729, 30.764, 200.0),
    ("E2E06A", "城西", "330502", ControlLevel.PROVINCIAL, 120.079, 30.872, 300.0),
    ("E2E07A", "袍江", "330602", ControlLevel.PROVINCIAL, 120.621, 30.066, 30.0),
    ("E2E08A", "金华监测站", "330702", ControlLevel.NATIONAL, 119.649, 29.090, 45.0),
    ("E2E09A", "衢州学院", "330802", ControlLevel.PROVINCIAL, 118.873, 28.942, None),
    ("E2E10A", "临城", "330902", ControlLevel.NATIONAL, 122.107, 30.016, 12.0),
    ("E2E11A", "椒江区环保局", "331002", ControlLevel.NATIONAL, 121.430, 28.660, 40.0),
    ("E2E12A", "丽水监测站", "331102", ControlLevel.NATIONAL, 119.922, 28.452, 18.0),
]

HOUR = datetime(2026, 2, 4, 6, tzinfo=UTC)  # 14:00 CST

#: a city user of 杭州市 (username, password)
CITY_USER = ("hz-e2e", "e2e-password-330100")


def seed_air_stations(session: Session, time: datetime = HOUR) -> None:
    """Regions, the six air parameters, :data:`STATIONS` and their latest hourly values."""
    seed_regions(session)
    for code, (name, name_en, unit) in PARAMETERS.items():
        if session.get(Parameter, code) is None:
            session.add(Parameter(code=code, name=name, name_en=name_en, unit=unit))
    session.flush()
    for code, name, county, control, lon, lat, pm25 in STATIONS:
        site = Site(
            code=code,
            name=name,
            kind=SiteKind.AIR_STATION,
            control_level=control,
            region_code=county,
            longitude=lon,
            latitude=lat,
            attrs={},
        )
        session.add(site)
        session.flush()
        if pm25 is None:
            continue
        values = {"a21026": 6.0, "a21004": 20.0, "a21005": 0.5, "a05024": 60.0,
                  "a34002": pm25 * 1.3, "a34004": pm25}  # fmt: skip
        for pcode, value in values.items():
            series = Series(
                site_id=site.id, parameter_code=pcode, period=Period.HOUR, unit=PARAMETERS[pcode][2]
            )
            session.add(series)
            session.flush()
            session.add(LatestValue(series_id=series.id, time=time, value=value, qc_flag=0))
    session.flush()


def seed_users(session: Session) -> None:
    """One city user (:data:`CITY_USER`, scope 330100)."""
    from qingshan.accounts.models import Role
    from qingshan.accounts.service import create_user

    create_user(session, *CITY_USER, Role.CITY, "330100")
    session.flush()
