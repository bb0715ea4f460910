"""The big screen's summary (大屏, issue #14): one region's air and water now, by city (or by
county within a city), the outlets above their limits now, the open and overdue cases, data
freshness and two trends — gathered from the other domains' public service functions, computed
once per region and data store for :data:`SUMMARY_TTL` seconds (a wall of screens refreshing
every minute must not recompute it for each).

Definitions
-----------
- AQI levels: the real-time AQI of each station at its newest hour (HJ 633-2026 §5, Table 1
  levels 1–6; withheld by §5.3.1 counts as ``none``), from the maps' layer
  (:func:`qingshan.monitoring.layers.air_layer`).
- Water classes: GB 3838-2002 Table 1 class of each national and provincial section at its
  newest hour (:func:`qingshan.monitoring.layers.water_layer`); Ⅰ～Ⅲ类比例 of the assessed ones.
- 超标: outlets above their permit limit now, as the enterprise list counts them
  (:func:`qingshan.archive.service.list_enterprises`).
- 在办 / 超期: the case statistics' open and overdue (:func:`qingshan.cases.stats.case_stats`).
- Trends: each city's hourly real-time AQI and daily AQI from the air history
  (:func:`qingshan.monitoring.air_history.city_history`, national stations, HJ 633 edition in
  force); the region's hourly value is the mean over its cities; a day's 优良 share is the share
  of the cities with a daily AQI ≤ 100, and 优良天数比例 over 30 days is good city-days over
  city-days with an AQI (HJ 663-2013 §5.3 counts 达标天数 per city).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import OutletCounts, list_enterprises
from qingshan.cases.stats import cached_case_stats
from qingshan.cases.workflow import OPEN_STATES, CaseState
from qingshan.errors import PermissionDenied
from qingshan.geo.models import RegionLevel
from qingshan.geo.regions import CITY_CODES, get_region, in_scope
from qingshan.monitoring.air_history import city_history
from qingshan.monitoring.freshness import LoggerStates, Thresholds, freshness_report, region_scope
from qingshan.monitoring.layers import air_layer, water_layer
from qingshan.screen.schemas import (
    AreaCounts,
    CaseFigures,
    FreshnessFigures,
    ScreenSummary,
    Trend,
)
from qingshan.standards.air_assessment import compliance_rate
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

__all__ = ["SUMMARY_TTL", "TREND_DAYS", "ScreenRefused", "screen_summary", "check_screen"]

#: how long one region's summary is served from memory [s]
SUMMARY_TTL = 30.0
#: days of the 优良 trend; hours of the AQI trend
TREND_DAYS = 30
TREND_HOURS = 24
AQI_LEVELS = ("1", "2", "3", "4", "5", "6", "none")
WATER_CLASSES = ("I", "II", "III", "IV", "V", "劣V", "none")
BUREAU_ROLES = (Role.PROVINCE, Role.CITY, Role.COUNTY)


class ScreenRefused(PermissionDenied):
    """The big screen is for bureau accounts (province, city, county)."""


def check_screen(scope: Scope, message: str | None = None) -> None:
    """Raise :class:`ScreenRefused` (with ``message``, e.g. the page's words in its language)
    unless ``scope`` is a bureau account's: an enterprise sees its own outlets on its outlet
    pages; the wall display is the bureau's region at a glance."""
    if scope.role not in BUREAU_ROLES:
        raise ScreenRefused(
            message
            or f"{scope.username}: the big screen (大屏) shows a region to bureau accounts; "
            "enterprise accounts see their own outlets under 污染源"
        )


def _area_of(region_code: str, scope_code: str) -> str:
    """The bar a site counts in: its city in the province's view, its county otherwise."""
    if get_region(scope_code).level is RegionLevel.PROVINCE:
        return region_code[:4] + "00"
    return region_code


def _areas(
    items: Sequence[tuple[str, str, bool]], region: str, keys: Sequence[str]
) -> list[AreaCounts]:
    """(site region code, key, context) → one :class:`AreaCounts` per area, in code order; the
    province's view lists every city, a city's view every county with a site."""
    out: dict[str, AreaCounts] = {}
    if get_region(region).level is RegionLevel.PROVINCE:
        for c in CITY_CODES:
            r = get_region(c)
            out[c] = AreaCounts(
                code=c, name=r.name, name_en=r.name_en, counts=dict.fromkeys(keys, 0)
            )
    for code, key, context in items:
        area = code[:4] + "00" if context else _area_of(code, region)
        if area not in out:
            r = get_region(area)
            out[area] = AreaCounts(
                code=area, name=r.name, name_en=r.name_en, context=context,
                counts=dict.fromkeys(keys, 0),
            )  # fmt: skip
        out[area].counts[key] += 1
    return sorted(out.values(), key=lambda a: (a.context, a.code))


def _trend_cities(region: str) -> list[str]:
    level = get_region(region).level
    if level is RegionLevel.PROVINCE:
        return list(CITY_CODES)
    return [region[:4] + "00"]


def _trends(
    session: Session, store: ObservationStore, scope: Scope, region: str, end: date,
    last_hour: datetime | None,
) -> tuple[Trend, Trend, float | None]:  # fmt: skip
    start = end - timedelta(days=TREND_DAYS - 1)
    hourly: dict[datetime, list[float]] = {}
    daily: dict[date, list[float]] = {}
    for city in _trend_cities(region):
        h = city_history(session, scope, store, city, start, end)
        for t, v in zip(h.hourly_time, h.hourly["aqi"], strict=True):
            if v is not None:
                hourly.setdefault(t, []).append(v)
        for d in h.daily:
            if d.aqi is not None:
                daily.setdefault(d.date, []).append(float(d.aqi))
    if last_hour is None:
        last_hour = max(hourly) if hourly else datetime.combine(end, datetime.min.time(), UTC)
    hours = [last_hour - timedelta(hours=TREND_HOURS - 1 - i) for i in range(TREND_HOURS)]
    aqi = [round(float(np.mean(hourly[t])), 1) if t in hourly else None for t in hours]
    days = [start + timedelta(days=i) for i in range(TREND_DAYS)]
    shares: list[float | None] = []
    every: list[float] = []
    for day in days:
        got = daily.get(day, [])
        every += got
        shares.append(None if not got else round(compliance_rate(got), 1))
    rate = round(compliance_rate(every), 1) if every else None
    day_starts = [datetime(d.year, d.month, d.day, tzinfo=CST).astimezone(UTC) for d in days]
    return Trend(time=hours, values=aqi), Trend(time=day_starts, values=shares), rate


def compute_summary(
    session: Session,
    store: ObservationStore,
    scope: Scope,
    region: str,
    *,
    thresholds: Thresholds,
    loggers: LoggerStates | None,
    counts: OutletCounts,
    now: datetime,
) -> ScreenSummary:
    """The summary of ``region`` (within ``scope``) at ``now`` [UTC], computed afresh."""
    here = get_region(region)
    air = air_layer(session, store, scope, "latest", region=region)
    water = water_layer(session, store, scope, "latest", region=region)
    own = [s for s in air.stations if not s.context]
    aqis = [s.aqi for s in own if s.aqi is not None]
    levels = [s.level for s in own if s.level is not None]
    air_times = [s.time for s in own if s.time is not None] or [
        s.time for s in air.stations if s.time is not None
    ]
    air_time = max(air_times) if air_times else None
    own_sections = [s for s in water.sections if not s.context]
    sec_times = [s.time for s in own_sections if s.time is not None]

    narrowed = region_scope(scope, region)
    ents = list_enterprises(
        session, narrowed, today=now.astimezone(CST).date(), limit=1, counts=counts
    )
    stats = cached_case_stats(session, narrowed)
    fresh = freshness_report(session, narrowed, now, thresholds, loggers, states=())
    by_kind = {
        k: {
            "total": c.total,
            "ok": c.total - c.late - c.missing,
            "late": c.late,
            "missing": c.missing,
        }
        for k, c in fresh.totals.items()
    }
    end = (air_time or now).astimezone(CST).date()
    aqi_24h, good_30d, rate = _trends(session, store, scope, region, end, air_time)
    return ScreenSummary(
        region=here.code,
        region_name=here.name,
        region_name_en=here.name_en,
        context_region=air.context_region or water.context_region,
        as_of=now,
        air_time=air_time,
        water_time=max(sec_times) if sec_times else None,
        stations=len(own),
        aqi_mean=round(float(np.mean(aqis)), 1) if aqis else None,
        good_share=round(100.0 * sum(lv <= 2 for lv in levels) / len(levels), 1)
        if levels
        else None,
        sections=len(own_sections),
        water_good_rate=water.summary.good_rate,
        outlets=ents.summary.outlets,
        exceeding_outlets=ents.summary.exceeding_outlets,
        cases=CaseFigures(
            open=stats.total.open,
            overdue=stats.total.overdue,
            by_state={
                s.value: stats.by_state.get(s.value, 0) for s in CaseState if s in OPEN_STATES
            },
        ),
        freshness=FreshnessFigures(
            total=sum(v["total"] for v in by_kind.values()),
            ok=sum(v["ok"] for v in by_kind.values()),
            late=sum(v["late"] for v in by_kind.values()),
            missing=sum(v["missing"] for v in by_kind.values()),
            by_kind=by_kind,
        ),
        air_by_area=_areas(
            [
                (s.region_code, str(s.level) if s.level is not None else "none", s.context)
                for s in air.stations
            ],
            region,
            AQI_LEVELS,
        ),  # fmt: skip
        water_by_area=_areas(
            [(s.region_code, s.section_class or "none", s.context) for s in water.sections],
            region,
            WATER_CLASSES,
        ),  # fmt: skip
        aqi_24h=aqi_24h,
        good_days_30d=good_30d,
        good_rate_30d=rate,
    )


_cache: dict[tuple, tuple[float, ScreenSummary]] = {}
_lock = threading.Lock()


def screen_summary(
    session: Session,
    store: ObservationStore,
    scope: Scope,
    region: str | None,
    *,
    thresholds: Thresholds,
    loggers: LoggerStates | None,
    counts: OutletCounts,
    now: Callable[[], datetime] = utcnow,
    ttl: float = SUMMARY_TTL,
) -> ScreenSummary:
    """The big screen's summary of ``region`` (default: the scope's region) for a bureau
    ``scope``; an enterprise is :class:`ScreenRefused` (403), a region outside the scope
    :class:`~qingshan.accounts.errors.OutOfScope` (403), a code not of Zhejiang 404. Served
    from memory for ``ttl`` seconds per database, store and region."""
    check_screen(scope)
    code = scope.region_code if region is None else get_region(region).code
    scope.check_region(code)
    assert in_scope(code, scope.region_code)
    bind = session.get_bind()
    key = (str(getattr(bind, "url", bind)), str(store.root), code)
    with _lock:
        hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < ttl:
        return hit[1]
    summary = compute_summary(
        session, store, scope, code, thresholds=thresholds, loggers=loggers, counts=counts,
        now=now(),
    )  # fmt: skip
    with _lock:
        _cache[key] = (time.monotonic(), summary)
    return summary


def clear_cache() -> None:
    """Forget every computed summary (tests)."""
    with _lock:
        _cache.clear()
