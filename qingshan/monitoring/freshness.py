"""数据时效: which air stations, water sections and data loggers are late or missing, since
when, by region (issue #13).

A site's newest data is the end of its newest reported hour (``latest_value``: the newest
start over its hourly series, plus one hour); a logger's is the DataTime of its newest packet
(the status the devices page shows, given by the HJ 212 intake through :class:`LoggerStates`,
a Protocol this module publishes and the registry implements). Its *age* is ``now`` minus that
time; it is *late* past the late threshold and *missing* past the missing threshold or when it
never reported (:class:`Thresholds`, from the settings ``QINGSHAN_FRESHNESS_*``).

- Air stations report every hour (the hourly values of the real-time AQI, HJ 633-2012 5.3):
  late after 2 h, missing after 24 h by default.
- Surface-water automatic stations: every 4 h by default — the national automatic stations'
  usual publication cycle, a setting, not a clause of a standard [U]; a section's
  ``report_hours`` attribute overrides it. Late after two periods, missing after 48 h.
- Loggers send at their own interval, read from the finest data upload they have sent
  (HJ 212-2017 Appendix B command codes: CN 2011 real-time, 2051 minute, 2061 hourly, 2031
  daily data): late after three intervals, missing after 24 h (or three intervals, if
  longer). All the thresholds are settings, not figures of a standard.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.config import Settings
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import PROVINCE_CODE, REGIONS, get_region, in_scope
from qingshan.monitoring.history_schemas import (
    FreshnessCount,
    FreshnessItem,
    FreshnessReport,
    Place,
)
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Series, Site, SiteKind
from qingshan.monitoring.places import place_of

KINDS: tuple[str, ...] = ("air_station", "water_section", "logger")
STATES: tuple[str, ...] = ("missing", "late", "ok")

#: HJ 212-2017 data uploads (CN) → their period [h]: real-time data at the logger's
#: RtdInterval (30 s in the standard's own example, Appendix A), minute data at a 10 min
#: MinInterval (the common setting; 1–30 min allowed), hourly and daily data
CN_PERIOD_HOURS: Mapping[str, float] = {
    "2011": 30 / 3600,
    "2051": 10 / 60,
    "2061": 1.0,
    "2031": 24.0,
}


@dataclass(frozen=True)
class Thresholds:
    """When data are late or missing [h] (see the module docstring for the defaults)."""

    air_late_hours: float = 2.0
    air_missing_hours: float = 24.0
    water_period_hours: float = 4.0
    water_late_periods: float = 2.0
    water_missing_hours: float = 48.0
    logger_late_intervals: float = 3.0
    logger_missing_hours: float = 24.0

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class LoggerState:
    """A data logger as the HJ 212 intake knows it (times UTC)."""

    mn: str
    name: str | None
    site_code: str | None
    site_name: str | None
    region_code: str | None
    last_data_time: datetime | None
    packets_by_cn: Mapping[str, int]


class LoggerStates(Protocol):
    """The loggers ``scope`` sees with their newest data time (implemented by the registry
    from the HJ 212 intake's device status)."""

    def __call__(self, session: Session, scope: Scope) -> list[LoggerState]: ...


# --- pure core ---------------------------------------------------------------------------


def state_of(age_hours: float | None, late_after: float, missing_after: float) -> str:
    """``ok``, ``late`` (age > late_after) or ``missing`` (age > missing_after, or never)."""
    if age_hours is None or age_hours > missing_after:
        return "missing"
    return "late" if age_hours > late_after else "ok"


def logger_interval_hours(packets_by_cn: Mapping[str, int]) -> float:
    """The logger's data interval [h]: the period of the finest upload it has sent
    (:data:`CN_PERIOD_HOURS`); one hour when it has sent none."""
    periods = [
        CN_PERIOD_HOURS[cn] for cn, n in packets_by_cn.items() if cn in CN_PERIOD_HOURS and n
    ]
    return min(periods) if periods else 1.0


def thresholds_for(kind: str, t: Thresholds, *, period_hours: float = 1.0) -> tuple[float, float]:
    """(late after, missing after) [h] for an item of ``kind`` reporting every
    ``period_hours`` (water sections and loggers; air stations report hourly)."""
    if kind == "air_station":
        return t.air_late_hours, t.air_missing_hours
    if kind == "water_section":
        late = t.water_late_periods * period_hours
        return late, max(t.water_missing_hours, late)
    late = t.logger_late_intervals * period_hours
    return late, max(t.logger_missing_hours, late)


def _age(now: datetime, last: datetime | None) -> float | None:
    return None if last is None else round(max(0.0, (now - last).total_seconds()) / 3600, 2)


def item_of(
    kind: str,
    code: str,
    name: str,
    region_code: str | None,
    last: datetime | None,
    now: datetime,
    late_after: float,
    missing_after: float,
    url: str | None,
) -> FreshnessItem:
    age = _age(now, last)
    return FreshnessItem(
        kind=kind,
        code=code,
        name=name,
        place=place_of(region_code) if region_code else None,
        last_time=last,
        age_hours=age,
        state=state_of(age, late_after, missing_after),
        late_after_hours=late_after,
        missing_after_hours=missing_after,
        url=url,
    )


def _group_of(place: Place | None, scope_code: str) -> str:
    """The summary row an item counts in: its city for a province-wide scope, else its
    county (a site placed only in its city counts in the city's own row)."""
    if place is None or place.city_code is None:
        return PROVINCE_CODE
    if scope_code == PROVINCE_CODE:
        return place.city_code
    return place.county_code or place.city_code


def summarise(items: Sequence[FreshnessItem], scope_code: str) -> list[FreshnessCount]:
    """Counts (total, late, missing) per city — per county within a city's scope."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for it in items:
        c = counts[_group_of(it.place, scope_code)]
        c[0] += 1
        c[1] += it.state == "late"
        c[2] += it.state == "missing"
    out = []
    for code in sorted(counts):
        r = REGIONS.get(code)
        total, late, missing = counts[code]
        out.append(
            FreshnessCount(
                region_code=code,
                name=r.name if r else code,
                name_en=r.name_en if r else code,
                total=total,
                late=late,
                missing=missing,
                city_level=scope_code != PROVINCE_CODE and code == scope_code[:4] + "00",
            )
        )
    return out


def totals(items: Sequence[FreshnessItem], scope_code: str) -> dict[str, FreshnessCount]:
    """Counts per kind over the scope."""
    r = REGIONS[scope_code]
    out = {}
    for kind in KINDS:
        mine = [i for i in items if i.kind == kind]
        out[kind] = FreshnessCount(
            region_code=scope_code,
            name=r.name,
            name_en=r.name_en,
            total=len(mine),
            late=sum(1 for i in mine if i.state == "late"),
            missing=sum(1 for i in mine if i.state == "missing"),
        )
    return out


def sort_items(items: Iterable[FreshnessItem]) -> list[FreshnessItem]:
    """Missing first, then late, then on time; the oldest first within each."""
    return sorted(
        items,
        key=lambda i: (
            STATES.index(i.state),
            -(i.age_hours if i.age_hours is not None else 1e12),
            i.kind,
            i.code,
        ),
    )


CSV_COLUMNS = (
    "state",
    "kind",
    "code",
    "name",
    "city",
    "county",
    "last_time_cst",
    "age_hours",
    "late_after_hours",
    "missing_after_hours",
    "url",
)


def report_csv(report: FreshnessReport) -> str:
    """The report's items as CSV (UTF-8; times in China Standard Time)."""
    cst = timedelta(hours=8)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for i in report.items:
        w.writerow(
            [
                i.state,
                i.kind,
                i.code,
                i.name,
                i.place.city_name if i.place else "",
                (i.place.county_name or "") if i.place else "",
                (i.last_time + cst).strftime("%Y-%m-%d %H:%M") if i.last_time else "",
                "" if i.age_hours is None else i.age_hours,
                i.late_after_hours,
                i.missing_after_hours,
                i.url or "",
            ]
        )
    return buf.getvalue()


# --- reading ------------------------------------------------------------------------------

SITE_KINDS: Mapping[SiteKind, str] = {
    SiteKind.AIR_STATION: "air_station",
    SiteKind.WATER_SECTION: "water_section",
}
#: the networks whose timeliness is watched
LEVELS = (ControlLevel.NATIONAL, ControlLevel.PROVINCIAL, ControlLevel.CITY)


def _utc(t: datetime | None) -> datetime | None:
    return None if t is None else t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def site_items(session: Session, scope: Scope, now: datetime, t: Thresholds) -> list[FreshnessItem]:
    """Air stations and water sections of ``scope`` with the end of their newest hour."""
    newest = dict(
        session.execute(
            select(Series.site_id, func.max(LatestValue.time))
            .join(LatestValue, LatestValue.series_id == Series.id)
            .join(Site, Site.id == Series.site_id)
            .where(Series.period == Period.HOUR, Site.kind.in_(list(SITE_KINDS)))
            .where(scope.where(Site.region_code, Site.enterprise_id))
            .group_by(Series.site_id)
        ).all()
    )
    sites = session.scalars(
        select(Site)
        .where(Site.kind.in_(list(SITE_KINDS)), Site.control_level.in_(LEVELS))
        .where(scope.where(Site.region_code, Site.enterprise_id))
        .order_by(Site.code)
    )
    out = []
    for s in sites:
        kind = SITE_KINDS[s.kind]
        start = _utc(newest.get(s.id))
        last = None if start is None else start + timedelta(hours=1)
        period = float((s.attrs or {}).get("report_hours") or t.water_period_hours)
        late, missing = thresholds_for(kind, t, period_hours=period)
        url = f"/air/stations/{s.code}" if kind == "air_station" else f"/water/sections/{s.code}"
        out.append(item_of(kind, s.code, s.name, s.region_code, last, now, late, missing, url))
    return out


def logger_items(
    loggers: Iterable[LoggerState], now: datetime, t: Thresholds
) -> list[FreshnessItem]:
    """Loggers with their newest DataTime, judged by their own interval."""
    out = []
    for lg in loggers:
        late, missing = thresholds_for(
            "logger", t, period_hours=logger_interval_hours(lg.packets_by_cn)
        )
        name = lg.name or lg.site_name or lg.mn
        out.append(
            item_of(
                "logger",
                lg.mn,
                name,
                lg.region_code,
                _utc(lg.last_data_time),
                now,
                late,
                missing,
                f"/devices?q={lg.mn}",
            )
        )
    return out


def region_scope(scope: Scope, region: str | None) -> Scope:
    """``scope`` narrowed to ``region`` (a city or county within it, for the drill-down
    province → city → county); a region outside it is :class:`PermissionDenied` (403)."""
    if region is None or region == scope.region_code:
        return scope
    get_region(region)  # 422 for a malformed code, 404 for one that is not Zhejiang's
    if not in_scope(region, scope.region_code):
        raise PermissionDenied(
            f"region {region} is outside your region {scope.region_code}", code=region
        )
    return replace(scope, region_code=region)


def freshness_report(
    session: Session,
    scope: Scope,
    now: datetime,
    thresholds: Thresholds,
    loggers: LoggerStates | None = None,
    kinds: Sequence[str] = KINDS,
    states: Sequence[str] = STATES,
) -> FreshnessReport:
    """Every station, section and logger of ``scope`` with its state at ``now`` [UTC], the
    counts per city (per county within a city) and per kind; ``kinds`` and ``states`` filter
    the list (the summary always counts everything)."""
    items = site_items(session, scope, now, thresholds)
    if loggers is not None:
        items += logger_items(loggers(session, scope), now, thresholds)
    shown = [i for i in sort_items(items) if i.kind in kinds and i.state in states]
    return FreshnessReport(
        now=now,
        thresholds=thresholds.as_dict(),
        summary=summarise(items, scope.region_code),
        totals=totals(items, scope.region_code),
        items=shown,
    )


def thresholds_of(settings: Settings) -> Thresholds:
    """The thresholds the settings give (``QINGSHAN_FRESHNESS_*``)."""
    return Thresholds(
        **{f.name: float(getattr(settings, f"freshness_{f.name}")) for f in fields(Thresholds)}
    )
