"""Map layers: every air station or water section of a region at one hour or one day of the
stored history, for the maps' time slider.

A layer is read from the observation store in one query (the hourly values of every station
in the hour or CST day, and the stored daily roll-ups of that day), computed once for the whole
province and kept in :data:`CACHE` per time; a request then only picks the region's sites. A
county with no national site of its own gets its city's national sites as *context* (flagged,
so the map draws them apart): a county officer sees the nearest relevant values, not nothing.

Air: the hour layer is the real-time AQI CNEMC publishes (HJ 633-2026 §5, 1-h values, as
:func:`qingshan.monitoring.service.air_stations_latest`); the day layer is the daily report
(日报, HJ 633-2026 §5.1, :func:`~qingshan.standards.aqi.aqi_frame` ``report="daily"`` with the
edition in force on that day) on 24-h means of ≥ 20 valid hours (GB 3095-2012 §8.2 Table 4,
:func:`~qingshan.standards.air_assessment.daily_mean`; the stored roll-up where one exists) and
the O3 daily maximum 8-h mean (HJ 663-2013 §6.1.2, :func:`~qingshan.standards.air_assessment.o3_mda8`).
Where HJ 633-2026 §5.3.1 withholds the AQI (an indicator missing, the rest ≤ 100) the station
keeps its concentrations and says so (``aqi_withheld``).

Water: the day layer classifies each section (GB 3838-2002 Table 1, single-factor) on the
day's mean of each indicator (the stored daily roll-up where one exists, else the mean of the
day's hourly values: a day is a display aggregate, the assessment periods of 环办〔2011〕22号
are months), exactly as :func:`qingshan.monitoring.water.assess_section` does for the newest hour.
"""

from __future__ import annotations

import threading
import time as _time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import PUBLIC_SCOPE, Scope
from qingshan.geo.regions import REGIONS, RegionLevel, get_region, in_scope
from qingshan.monitoring.layer_schemas import (
    AirLayer,
    LayerRange,
    LayerSection,
    LayerStation,
    WaterLayer,
)
from qingshan.monitoring.models import (
    STREAM_OF_KIND,
    ControlLevel,
    LatestValue,
    Period,
    Series,
    Site,
    SiteKind,
)
from qingshan.monitoring.schemas import WaterSummary
from qingshan.monitoring.service import AIR_REALTIME_KEYS, SiteLatest, get_latest_hour
from qingshan.monitoring.water import (
    SECTION_LEVELS,
    WATER_KEYS,
    SectionLatest,
    assess_section,
    summarise_sections,
)
from qingshan.monitoring.water import _public as section_public
from qingshan.standards.air_assessment import daily_mean, o3_mda8
from qingshan.standards.aqi import aqi_frame
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, as_utc, utcnow

#: HJ 212-2017 Appendix B codes of the six pollutants → their HJ 633 daily-report keys
#: (O3's hourly values give both the daily maximum 1-h value and the MDA8)
AIR_DAILY_KEYS = {
    "a21026": "SO2_24h",
    "a21004": "NO2_24h",
    "a21005": "CO_24h",
    "a34002": "PM10_24h",
    "a34004": "PM2.5_24h",
}
O3_CODE = "a05024"

T = TypeVar("T")

#: layers of times this close to now are recomputed after :data:`RECENT_TTL` (late data
#: arrive); older layers are kept for :data:`OLD_TTL`
RECENT = timedelta(days=2)
RECENT_TTL = 300.0  # [s]
OLD_TTL = 24 * 3600.0  # [s]


class LayerCache:
    """A small LRU of computed values, each kept for the ``ttl`` [s] it was computed with:
    here the province-wide layers, keyed by (store, kind, period, time); the public portal keeps
    its expensive reads in one too. ``clock`` is monotonic seconds (a test passes its own)."""

    def __init__(self, maxsize: int = 512, clock: Callable[[], float] = _time.monotonic) -> None:
        self.maxsize = maxsize
        self._clock = clock
        self._items: OrderedDict[tuple, tuple[float, float, object]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: tuple, ttl: float, compute: Callable[[], T]) -> T:
        if ttl <= 0:
            raise ValueError(f"ttl must be positive seconds, got {ttl!r}")
        now = self._clock()
        with self._lock:
            item = self._items.get(key)
            if item is not None and now - item[0] < item[1]:
                self._items.move_to_end(key)
                self.hits += 1
                return item[2]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self.misses += 1
            self._items[key] = (now, ttl, value)
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


CACHE = LayerCache()
"""The layers computed in this process (one per store, kind, period and time)."""


@dataclass(frozen=True)
class _Network:
    """The sites of a kind and their series: site id → site; (site id, code, period) → series."""

    sites: dict[int, Site]
    series: dict[tuple[int, str, Period], int]

    def ids(self, codes: Iterable[str], periods: Iterable[Period]) -> dict[int, tuple[int, str]]:
        want_codes, want_periods = set(codes), set(periods)
        return {
            sid: (site_id, code)
            for (site_id, code, period), sid in self.series.items()
            if code in want_codes and period in want_periods
        }


def _network(session: Session, kind: SiteKind, levels: Sequence[ControlLevel] | None) -> _Network:
    stmt = select(Site).where(Site.kind == kind, PUBLIC_SCOPE.where(Site.region_code))
    if levels is not None:
        stmt = stmt.where(Site.control_level.in_(list(levels)))
    sites = {s.id: s for s in session.scalars(stmt.order_by(Site.code))}
    rows = session.execute(
        select(Series.id, Series.site_id, Series.parameter_code, Series.period).where(
            Series.site_id.in_(list(sites)), Series.period.in_([Period.HOUR, Period.DAY])
        )
    ).all()
    return _Network(sites, {(site_id, code, period): sid for sid, site_id, code, period in rows})


def _city(code: str) -> str:
    return code[:4] + "00"


def _city_name(code: str) -> str:
    rec = REGIONS.get(_city(code))
    return rec.name if rec is not None else ""


def _approximate(site: Site) -> bool:
    return (site.attrs or {}).get("placement") == "approximate"


def cst_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants of a CST day's start and end (China's days, GB 3095-2012 §3.8)."""
    start = datetime(day.year, day.month, day.day, tzinfo=CST)
    return as_utc(start), as_utc(start + timedelta(days=1))


def _ttl(t: datetime) -> float:
    return RECENT_TTL if t > utcnow() - RECENT else OLD_TTL


# ---------------------------------------------------------------------------- air
def _air_stations(
    sites: list[Site], times: list[datetime | None], conc: pd.DataFrame, report: str
) -> list[LayerStation]:
    """AQI of each row of ``conc`` (one per site, columns HJ 633 keys) as layer stations."""
    if not sites:
        return []
    dates = [t.astimezone(CST).date() if t is not None else utcnow().date() for t in times]
    result = aqi_frame(conc, report=report, date=pd.Series(dates, index=conc.index))
    out = []
    for i, site in enumerate(sites):
        row = result.iloc[i]
        values = {k: (None if pd.isna(v) else float(v)) for k, v in conc.iloc[i].items()}
        present = any(v is not None for v in values.values())
        a = None if pd.isna(row["aqi"]) else int(row["aqi"])
        primary = str(row["primary_pollutants"]) if not pd.isna(row["primary_pollutants"]) else ""
        indicators = (
            str(row["primary_indicators"]) if not pd.isna(row["primary_indicators"]) else ""
        )
        out.append(
            LayerStation(
                code=site.code,
                name=site.name,
                region_code=site.region_code,
                city_code=_city(site.region_code),
                city_name=_city_name(site.region_code),
                control_level=site.control_level.value,
                longitude=site.longitude,
                latitude=site.latitude,
                approximate=_approximate(site),
                context=False,
                replayed=bool((site.attrs or {}).get("replayed_from")),
                time=times[i],
                aqi=a,
                aqi_withheld=a is None and present,
                level=None if pd.isna(row["level"]) else int(row["level"]),
                primary_pollutants=[p for p in primary.split(",") if p],
                primary_indicators=[p for p in indicators.split(",") if p],
                missing=[k for k, v in values.items() if v is None] if present else [],
                concentrations=values,
            )
        )
    return out


def air_hour_all(session: Session, store: ObservationStore, hour: datetime) -> list[LayerStation]:
    """Every air station of the province at ``hour`` (start, UTC): one store query for the six
    pollutants' hourly values, the real-time AQI (HJ 633-2026 §5) per station."""
    net = _network(session, SiteKind.AIR_STATION, None)
    ids = net.ids(AIR_REALTIME_KEYS, [Period.HOUR])
    frame = store.query(
        list(ids), hour, hour + timedelta(hours=1), period="hour", columns=["value"]
    )
    sites = list(net.sites.values())
    conc = pd.DataFrame(
        np.nan, index=[s.id for s in sites], columns=list(AIR_REALTIME_KEYS.values())
    )
    for sid, value in zip(frame["series_id"], frame["value"], strict=True):
        site_id, code = ids[int(sid)]
        conc.loc[site_id, AIR_REALTIME_KEYS[code]] = value
    has = conc.notna().any(axis=1)
    times = [hour if has[s.id] else None for s in sites]
    return _air_stations(sites, times, conc, "realtime")


def air_day_all(session: Session, store: ObservationStore, day: date) -> list[LayerStation]:
    """Every air station of the province on the CST day ``day``: one store query for the day's
    hourly values and stored daily roll-ups, the daily report's AQI (HJ 633-2026 §5.1)."""
    t0, t1 = cst_day_bounds(day)
    net = _network(session, SiteKind.AIR_STATION, None)
    codes = [*AIR_DAILY_KEYS, O3_CODE]
    ids = net.ids(codes, [Period.HOUR, Period.DAY])
    frame = store.query(list(ids), t0, t1, columns=["value", "period"])
    sites = list(net.sites.values())
    index = {s.id: i for i, s in enumerate(sites)}
    hourly = {code: np.full((len(sites), 24), np.nan) for code in codes}
    stored = {code: np.full(len(sites), np.nan) for code in AIR_DAILY_KEYS}
    hours = ((frame["time"] - pd.Timestamp(t0)) // pd.Timedelta(hours=1)).to_numpy()
    for sid, period, h, value in zip(
        frame["series_id"], frame["period"], hours, frame["value"], strict=True
    ):
        site_id, code = ids[int(sid)]
        if period == "hour" and 0 <= h < 24:
            hourly[code][index[site_id], h] = value
        elif period == "day" and code in stored:
            stored[code][index[site_id]] = value
    conc = pd.DataFrame(index=[s.id for s in sites])
    for code, key in AIR_DAILY_KEYS.items():
        computed = daily_mean(hourly[code])
        conc[key] = np.where(np.isnan(stored[code]), computed, stored[code])
    o3 = hourly[O3_CODE]
    conc["O3_8h"] = o3_mda8(o3)[0]
    with warnings.catch_warnings():  # stations without any O3 hour: an all-NaN row
        warnings.simplefilter("ignore", RuntimeWarning)
        conc["O3_1h"] = np.nanmax(o3, axis=1)
    has = conc.notna().any(axis=1)
    times = [t0 if has[s.id] else None for s in sites]
    return _air_stations(sites, times, conc, "daily")


def air_latest_all(session: Session) -> list[LayerStation]:
    """Every air station of the province at its newest hour (as the real-time map shows it)."""
    items = get_latest_hour(session, PUBLIC_SCOPE, SiteKind.AIR_STATION)
    conc = pd.DataFrame(
        [{key: item.values.get(code) for code, key in AIR_REALTIME_KEYS.items()} for item in items],
        index=[item.site.id for item in items],
        columns=list(AIR_REALTIME_KEYS.values()),
        dtype="float64",
    )
    return _air_stations([i.site for i in items], [i.time for i in items], conc, "realtime")


def air_layer(
    session: Session,
    store: ObservationStore,
    scope: Scope,
    period: str,
    when: datetime | date | None = None,
    region: str | None = None,
) -> AirLayer:
    """The air layer of ``region`` (default: the scope's) for ``period`` ``"latest"``,
    ``"hour"`` (``when`` a datetime, floored to the hour) or ``"day"`` (``when`` a CST date).

    ``region`` outside ``scope`` raises :class:`~qingshan.accounts.errors.OutOfScope`."""
    code = _check_region(scope, region)
    t, d = _when(period, when)
    if period == "latest":
        stations = air_latest_all(session)
    elif period == "hour":
        assert t is not None
        key = (str(store.root), "air", "hour", t.isoformat())
        stations = CACHE.get_or_compute(key, _ttl(t), lambda: air_hour_all(session, store, t))
    else:
        assert d is not None and t is not None
        key = (str(store.root), "air", "day", d.isoformat())
        stations = CACHE.get_or_compute(key, _ttl(t), lambda: air_day_all(session, store, d))
    own, context, context_region = _pick(stations, code)
    return AirLayer(
        period=period,
        time=t,
        date=d,
        region=code,
        context_region=context_region,
        stations=own + [s.model_copy(update={"context": True}) for s in context],
    )


# ---------------------------------------------------------------------------- water
def water_day_all(session: Session, store: ObservationStore, day: date) -> list[SectionLatest]:
    """Every national and provincial section of the province on the CST day ``day``, assessed
    on the day's mean of each indicator (one store query)."""
    t0, t1 = cst_day_bounds(day)
    net = _network(session, SiteKind.WATER_SECTION, SECTION_LEVELS)
    ids = net.ids(WATER_KEYS, [Period.HOUR, Period.DAY])
    frame = store.query(list(ids), t0, t1, columns=["value", "period"])
    sums: dict[tuple[int, str], list[float]] = {}
    stored: dict[tuple[int, str], float] = {}
    for sid, period, value in zip(frame["series_id"], frame["period"], frame["value"], strict=True):
        if pd.isna(value):
            continue
        site_id, code = ids[int(sid)]
        if period == "day":
            stored[(site_id, code)] = float(value)
        else:
            sums.setdefault((site_id, code), []).append(float(value))
    out = []
    for site in net.sites.values():
        values: dict[str, float | None] = {}
        for code in WATER_KEYS:
            key = (site.id, code)
            if key in stored:
                values[code] = stored[key]
            elif key in sums:
                values[code] = float(np.mean(sums[key]))
        latest = SiteLatest(
            site, _city(site.region_code), _city_name(site.region_code),
            t0 if values else None, values,
        )  # fmt: skip
        out.append(assess_section(latest))
    return out


def water_latest_all(session: Session) -> list[SectionLatest]:
    """Every national and provincial section at its newest hour."""
    return [
        assess_section(item)
        for item in get_latest_hour(session, PUBLIC_SCOPE, SiteKind.WATER_SECTION)
        if item.site.control_level in SECTION_LEVELS
    ]


def _section(s: SectionLatest, context: bool) -> LayerSection:
    fields = section_public(s).model_dump()
    fields.update(approximate=_approximate(s.latest.site), context=context)
    return LayerSection(**fields)


def water_layer(
    session: Session,
    store: ObservationStore,
    scope: Scope,
    period: str,
    when: date | None = None,
    region: str | None = None,
) -> WaterLayer:
    """The water layer of ``region`` (default: the scope's): ``"latest"`` or ``"day"``
    (``when`` a CST date); counts over the region's own sections."""
    code = _check_region(scope, region)
    t, d = _when(period, when)
    if period == "latest":
        sections = water_latest_all(session)
    else:
        assert d is not None and t is not None
        key = (str(store.root), "water", "day", d.isoformat())
        sections = CACHE.get_or_compute(key, _ttl(t), lambda: water_day_all(session, store, d))
    own, context, context_region = _pick(sections, code)
    summary = summarise_sections(own)
    return WaterLayer(
        period=period,
        time=t,
        date=d,
        region=code,
        context_region=context_region,
        summary=WaterSummary(**vars(summary)),
        sections=[_section(s, False) for s in own] + [_section(s, True) for s in context],
    )


# ---------------------------------------------------------------------------- shared
def layer_range(session: Session, store: ObservationStore, kind: SiteKind) -> LayerRange:
    """The stored history of ``kind``: its first CST day (from the store's partitions) and its
    newest hour (from the latest values)."""
    parts = store.partitions(STREAM_OF_KIND[kind])
    last = session.scalar(
        select(func.max(LatestValue.time))
        .join(Series, Series.id == LatestValue.series_id)
        .join(Site, Site.id == Series.site_id)
        .where(Site.kind == kind, Series.period == Period.HOUR)
    )
    first = None
    if parts:
        # a partition is a UTC date: its first hours may belong to the CST day before
        first = date.fromisoformat(min(p.date for p in parts)) + timedelta(days=1)
    last_utc = None if last is None else as_utc(last, naive_is=UTC)  # stored naive as UTC
    return LayerRange(
        first_date=first,
        last_time=last_utc,
        last_date=last_utc.astimezone(CST).date() if last_utc is not None else None,
    )


def _check_region(scope: Scope, region: str | None) -> str:
    code = scope.region_code if region is None else get_region(region).code
    scope.check_region(code)
    return code


def _when(period: str, when: datetime | date | None) -> tuple[datetime | None, date | None]:
    if period == "latest":
        return None, None
    if period == "hour":
        if not isinstance(when, datetime):
            raise TypeError("an hour layer needs a datetime")
        t = as_utc(when).replace(minute=0, second=0, microsecond=0)
        return t, None
    if period == "day":
        if isinstance(when, datetime) or not isinstance(when, date):
            raise TypeError("a day layer needs a date")
        return cst_day_bounds(when)[0], when
    raise ValueError(f"unknown layer period {period!r}; valid: latest, hour, day")


def _pick(items: list, region: str) -> tuple[list, list, str | None]:
    """The items (stations or sections) in ``region`` and, for a county without a national
    site of its own, its city's national sites as context."""

    def site_of(item: LayerStation | SectionLatest) -> tuple[str, str]:
        if isinstance(item, LayerStation):
            return item.region_code, item.control_level
        return item.latest.site.region_code, item.latest.site.control_level.value

    own = [i for i in items if in_scope(site_of(i)[0], region)]
    if get_region(region).level is not RegionLevel.COUNTY:
        return own, [], None
    if any(site_of(i)[1] == ControlLevel.NATIONAL.value for i in own):
        return own, [], None
    city = _city(region)
    context = [
        i
        for i in items
        if in_scope(site_of(i)[0], city)
        and site_of(i)[0] != region
        and site_of(i)[1] == ControlLevel.NATIONAL.value
    ]
    return own, context, city if context else None
