"""The public portal's reads (issue #23, no login): today's air and water, the rankings, the
published spot-check results — each from the service that owns it, in the public scope
(:data:`~qingshan.accounts.scope.PUBLIC_SCOPE`: air stations and water sections, never
outlets). Nothing here computes an index: the numbers are those the map, the city pages, the
open-data API and the ranking publish.

- **Air now**: every air station's real-time AQI at its newest hour (HJ 633-2026 §5; withheld
  per §5.3.1), exactly the map's layer (:func:`qingshan.monitoring.layers.air_layer`,
  ``latest``), summed up per city (stations reporting, best and worst AQI) and per AQI level.
- **A city's day**: the daily AQI of the newest stored CST day with a published value (HJ 633
  daily report of the edition in force; the city = the mean of its national stations, HJ
  663-2013 §4), from :func:`qingshan.monitoring.air_history.city_history` — what the city page
  and ``/api/v1/open/indices/air/cities/{code}/daily`` answer.
- **Water**: every national and provincial section at its newest hour classed by GB 3838-2002
  Table 1 (:func:`qingshan.monitoring.layers.water_layer`, the water map's layer).
- **Rankings**: the newest month of the public ranking (:func:`qingshan.targets.ranking_service.
  get_ranking`: air comprehensive index, 环办监测〔2018〕19号; water CWQI, 环办监测〔2017〕51号).
- **Notices**: the bureau's published public notices, newest first
  (:func:`qingshan.portal.notices.service.public_notices`).
- **一公开**: the drawn spot-check plans and their recorded results
  (:func:`qingshan.enforcement.service.public_listing`), and the newest administrative
  penalty decisions not revoked (:func:`qingshan.archive.records.published_penalties`,
  《行政处罚法》(2021) 第四十八条).

The expensive reads (cities' days, rankings) are kept :data:`CACHE_SECONDS` in process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from qingshan.accounts.scope import PUBLIC_SCOPE
from qingshan.archive.records import published_penalties
from qingshan.enforcement import service as enforcement
from qingshan.errors import QingshanError
from qingshan.geo.regions import CITY_CODES, REGIONS
from qingshan.monitoring import air_history, layers
from qingshan.monitoring import service as monitoring
from qingshan.monitoring.models import SiteKind
from qingshan.portal.notices.service import NoticeView, public_notices
from qingshan.targets.ranking_service import get_ranking
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import as_cst, utcnow

__all__ = [
    "CACHE",
    "CACHE_SECONDS",
    "AirCity",
    "PublicHome",
    "air_cities",
    "home",
]

#: seconds the cities' daily AQI and the rankings are kept in process (new hours arrive hourly)
CACHE_SECONDS = 300.0
CACHE = layers.LayerCache(maxsize=64)


@dataclass
class AirCity:
    code: str
    name: str
    name_en: str
    stations: int = 0
    reporting: int = 0
    aqi_min: int | None = None
    aqi_max: int | None = None
    time: datetime | None = None
    day: date | None = None
    day_aqi: int | None = None
    day_level: int | None = None
    day_primary: list[str] = field(default_factory=list)


@dataclass
class PublicHome:
    air_time: datetime | None
    air_levels: dict[int, int]
    air_withheld: int
    air_stations: int
    cities: list[AirCity]
    water: dict
    water_sections: list[dict]
    rankings: dict[str, dict | None]
    spot_plans: list[dict]
    spot_results: list[dict]
    penalties: list[dict]
    notices: list[NoticeView]
    last_modified: datetime | None


def _city_day(session: Session, store: ObservationStore, code: str, today: date) -> dict | None:
    """The newest day of the last week with a published daily AQI of city ``code`` (None: no
    national station, or no published day)."""
    try:
        hist = air_history.city_history(
            session, PUBLIC_SCOPE, store, code, today - timedelta(days=6), today
        )
    except QingshanError:
        return None
    for d in reversed(hist.daily):
        if d.aqi is not None:
            return {"date": d.date, "aqi": d.aqi, "level": d.level, "primary": list(d.primary)}
    return None


def city_days(session: Session, store: ObservationStore, today: date) -> dict[str, dict | None]:
    """Each city's newest published daily AQI (cached :data:`CACHE_SECONDS`)."""
    key = ("city-days", str(store.root), today.isoformat())
    return CACHE.get_or_compute(
        key, CACHE_SECONDS, lambda: {c: _city_day(session, store, c, today) for c in CITY_CODES}
    )


def air_cities(session: Session, store: ObservationStore) -> tuple[list[AirCity], dict]:
    """The map's newest-hour layer of the province summed up per city, with each city's
    newest daily AQI; and the province's counts (per level, withheld, stations)."""
    layer = layers.air_layer(session, store, PUBLIC_SCOPE, "latest")
    cities = {
        c: AirCity(c, REGIONS[c].name, REGIONS[c].name_en) for c in CITY_CODES
    }  # fmt: skip
    levels = {lv: 0 for lv in range(1, 7)}
    withheld = 0
    newest: datetime | None = None
    for s in layer.stations:
        city = cities.get(s.city_code)
        if city is None:
            continue
        city.stations += 1
        if s.aqi_withheld:
            withheld += 1
        if s.aqi is None:
            continue
        city.reporting += 1
        city.aqi_min = s.aqi if city.aqi_min is None else min(city.aqi_min, s.aqi)
        city.aqi_max = s.aqi if city.aqi_max is None else max(city.aqi_max, s.aqi)
        if s.time is not None:
            city.time = s.time if city.time is None else max(city.time, s.time)
            newest = s.time if newest is None else max(newest, s.time)
        if s.level is not None:  # HJ 633 Table 2, as the layer gives it
            levels[s.level] += 1
    today = as_cst(utcnow()).date()
    for code, day in city_days(session, store, today).items():
        if day is not None:
            c = cities[code]
            c.day, c.day_aqi, c.day_level = day["date"], day["aqi"], day["level"]
            c.day_primary = day["primary"]
    summary = {
        "levels": levels,
        "withheld": withheld,
        "stations": len(layer.stations),
        "time": newest,
    }
    return list(cities.values()), summary


def _ranking(session: Session, kind: str) -> dict | None:
    def compute() -> dict | None:
        try:
            r = get_ranking(session, kind, "city", "month", None)
        except QingshanError:
            return None  # no month stored yet: the page says so
        return r.model_dump(mode="json")

    return CACHE.get_or_compute(("ranking", kind), CACHE_SECONDS, compute)


def rankings(session: Session) -> dict[str, dict | None]:
    """The newest month's city ranking, air and water (cached :data:`CACHE_SECONDS`)."""
    return {"air": _ranking(session, "air"), "water": _ranking(session, "water")}


def spot_checks(session: Session, *, limit: int = 5) -> tuple[list[dict], list[dict]]:
    """一公开: the ``limit`` newest drawn plans and the ``2 × limit`` newest results recorded on
    them (the full listing: ``/spot-checks/public``)."""
    plans = enforcement.public_listing(session)
    plans.sort(key=lambda p: p.created_at, reverse=True)
    results = [
        t.model_dump(mode="json") | {"plan_title": p.title}
        for p in plans
        for t in p.task_list
        if t.outcome is not None
    ]
    results.sort(key=lambda t: t["checked_on"] or "", reverse=True)
    return [p.model_dump(mode="json", exclude={"task_list"}) for p in plans[:limit]], results[
        : limit * 2
    ]


def home(session: Session, store: ObservationStore) -> PublicHome:
    """Everything the public home shows (see the module)."""
    cities, air = air_cities(session, store)
    water = layers.water_layer(session, store, PUBLIC_SCOPE, "latest")
    plans, results = spot_checks(session)
    notices = public_notices(session, limit=5)
    times = [t for t in (air["time"], water.summary.latest_time) if t is not None]
    times += [n.published_at for n in notices if n.published_at is not None]
    sections = sorted(
        (s.model_dump() for s in water.sections),
        key=lambda s: (s["class_rank"] or 9, s["city_code"], s["code"]),
    )
    return PublicHome(
        air_time=air["time"],
        air_levels=air["levels"],
        air_withheld=air["withheld"],
        air_stations=air["stations"],
        cities=cities,
        water=water.summary.model_dump(),
        water_sections=sections,
        rankings=rankings(session),
        spot_plans=plans,
        spot_results=results,
        penalties=published_penalties(session, limit=10),
        notices=notices,
        last_modified=max(times) if times else None,
    )


def open_sites(session: Session) -> dict[str, list[dict]]:
    """The public's air stations and water sections (code, name, city) for the open-data form's
    pickers — the sites the open-data API serves anonymous callers."""
    out: dict[str, list[dict]] = {}
    for kind, key in ((SiteKind.AIR_STATION, "station"), (SiteKind.WATER_SECTION, "section")):
        out[key] = [
            {"code": s.code, "name": s.name, "city": s.region_code[:4] + "00"}
            for s in monitoring.get_sites(session, PUBLIC_SCOPE, kind)
        ]
    return out
