"""The ranking's roll-ups from the observation store (issue #16): a city is the mean of its
national stations, a county of all its air stations; the ``ranking-rollups`` job."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pandas as pd
from sqlalchemy import select

from qingshan.config import Settings
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Parameter, Period, Series, Site, SiteKind
from qingshan.targets.ranking_jobs import run_ranking_rollups
from qingshan.targets.ranking_models import RankingAirDay
from qingshan.targets.ranking_service import refresh_air_days
from qingshan.timeseries.store import ObservationStore

CODES = {"a21026": 6.0, "a21004": 20.0, "a34002": 35.0, "a34004": 21.0, "a21005": 0.8,
         "a05024": 80.0}  # fmt: skip


def _station(session, code: str, level: ControlLevel, scale: float) -> dict[int, float]:
    site = Site(code=code, name=code, kind=SiteKind.AIR_STATION, control_level=level,
                region_code="330106", attrs={})  # fmt: skip
    session.add(site)
    session.flush()
    out = {}
    for pcode, value in CODES.items():
        s = Series(site_id=site.id, parameter_code=pcode, period=Period.HOUR, unit="µg/m³")
        session.add(s)
        session.flush()
        out[s.id] = value * scale
    return out


def test_city_and_county_days_from_the_store(session, tmp_path):
    seed_regions(session)
    for pcode in CODES:
        session.add(Parameter(code=pcode, name=pcode, name_en=pcode, unit="µg/m³"))
    national = _station(session, "N1", ControlLevel.NATIONAL, 1.0)
    provincial = _station(session, "P1", ControlLevel.PROVINCIAL, 2.0)
    # two CST days, 2026-04-01 and -02: 48 hours from 2026-03-31 16:00 UTC, constant values
    times = pd.date_range(datetime(2026, 3, 31, 16, tzinfo=UTC), periods=48, freq="h")
    rows = pd.DataFrame(
        [(sid, t, "hour", v) for sid, v in (national | provincial).items() for t in times],
        columns=["series_id", "time", "period", "value"],
    )
    store = ObservationStore(tmp_path / "obs")
    store.append(rows, "air")
    assert refresh_air_days(session, store, date(2026, 4, 1), date(2026, 4, 2)) == 4
    got = {
        (r.level, r.region_code, r.day): (r.so2, r.pm25, r.co, r.o3_8h, r.sites)
        for r in session.scalars(select(RankingAirDay))
    }
    # 西湖区's city 杭州 takes only the national station: its 24-h means and MDA8 as stored
    assert got[("city", "330100", date(2026, 4, 1))] == (6.0, 21.0, 0.8, 80.0, 1)
    # the county takes both stations: (6 + 12)/2 = 9, (21 + 42)/2 = 31.5, (80 + 160)/2 = 120
    assert got[("county", "330106", date(2026, 4, 2))] == (9.0, 31.5, 1.2, 120.0, 2)
    session.commit()
    # the job over a store without those days: nothing of April is touched
    settings = Settings(data_dir=tmp_path)
    message = run_ranking_rollups(SimpleNamespace(engine=session.get_bind(), settings=settings))
    assert message.startswith("ranking roll-ups ") and "0 region-days, 0 section-months" in message
    assert len(session.scalars(select(RankingAirDay)).all()) == 4
