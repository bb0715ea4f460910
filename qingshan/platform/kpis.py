"""The KPI providers the targets read (:class:`qingshan.targets.kpi.KpiProvider`), each through
the public functions of the domain holding the data, and their registry
(:func:`kpi_registry`, handed to the app by :func:`qingshan.platform.app.providers`).

Computed now: cases (closure rate, closed on time), monitoring (national water sections and
drinking-water sources analysed, class I–III share, air stations reporting, air good-day rate
and PM2.5 mean). Reported by hand until their modules land: hazardous-waste rates, small-producer
coverage and capacity (waste), zero-direct-discharge parks (zones), radioactive sources
(emergency) — see ``docs/targets.md``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases.service import closed_on_time, count_by_state
from qingshan.config import get_settings
from qingshan.geo.regions import CITY_CODES
from qingshan.monitoring.air_history import city_history
from qingshan.monitoring.models import ControlLevel, SiteKind
from qingshan.monitoring.service import get_latest_hour
from qingshan.monitoring.water import get_sections_latest, summarise_sections
from qingshan.targets.kpi import KpiRegistry, KpiValue, Period
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

__all__ = ["kpi_registry", "reader_scope"]

PROVINCE = "330000"


def reader_scope(region_code: str) -> Scope:
    """An officer's scope of ``region_code`` (the KPIs read as the region's bureau would)."""
    if region_code == PROVINCE:
        role = Role.PROVINCE
    elif region_code.endswith("00"):
        role = Role.CITY
    else:
        role = Role.COUNTY
    return Scope(region_code, role, username="kpi")


def _utc(day, *, end: bool = False) -> datetime:
    d = datetime.combine(day, dtime(0), tzinfo=CST)
    return (d + timedelta(days=1) if end else d).astimezone(UTC)


def _pct(n: int, d: int) -> float | None:
    return None if d == 0 else round(100.0 * n / d, 1)


@dataclass(frozen=True)
class ClosureRate:
    """办结率: cases closed among those registered to date that are neither merged nor
    cancelled [%] (the cases' states, :func:`qingshan.cases.service.count_by_state`)."""

    name: str = "cases.closure_rate"
    unit: str = "%"
    label: str = "tg.kpi.cases.closure_rate"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        counts = count_by_state(session, reader_scope(region_code))
        live = sum(n for s, n in counts.items() if s not in ("merged", "cancelled"))
        rate = _pct(counts.get("closed", 0), live)
        if rate is None:
            return None
        return KpiValue(rate, self.unit, f"{counts.get('closed', 0)} / {live}")


@dataclass(frozen=True)
class ClosedOnTime:
    """按期办结率: cases closed within the period that were closed by their deadline [%]."""

    name: str = "cases.closed_on_time"
    unit: str = "%"
    label: str = "tg.kpi.cases.closed_on_time"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        closed, timely = closed_on_time(session, reader_scope(region_code),
                                        _utc(period.start), _utc(period.end, end=True))  # fmt: skip
        rate = _pct(timely, closed)
        return None if rate is None else KpiValue(rate, self.unit, f"{timely} / {closed}")


@dataclass(frozen=True)
class SectionsAnalysed:
    """National (国控) water sections of the region with an assessed newest hour [个]."""

    name: str = "water.national_sections_analysed"
    unit: str = "个断面"
    label: str = "tg.kpi.water.national_sections_analysed"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        sections = get_sections_latest(session, reader_scope(region_code), (ControlLevel.NATIONAL,))
        n = sum(1 for s in sections if s.result is not None)
        return KpiValue(float(n), self.unit, f"{n} / {len(sections)}")


@dataclass(frozen=True)
class SitesReporting:
    """Sites of one kind in the region with values at their newest hour [个] (drinking-water
    sources analysed, air stations reporting)."""

    kind: SiteKind
    name: str
    label: str
    unit: str = "个"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        rows = get_latest_hour(session, reader_scope(region_code), self.kind)
        n = sum(1 for r in rows if any(v is not None for v in r.values.values()))
        return KpiValue(float(n), self.unit, f"{n} / {len(rows)}")


@dataclass(frozen=True)
class WaterGoodShare:
    """Ⅰ～Ⅲ类比例: sections of classes I–III among those assessed at their newest hour [%]
    (GB 3838-2002, the 2011 evaluation method; :func:`summarise_sections`)."""

    name: str = "water.good_share"
    unit: str = "%"
    label: str = "tg.kpi.water.good_share"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        summary = summarise_sections(get_sections_latest(session, reader_scope(region_code)))
        if summary.good_rate is None:
            return None
        good = sum(summary.by_class.get(c, 0) for c in ("I", "II", "III"))
        return KpiValue(summary.good_rate, self.unit, f"{good} / {summary.assessed}")


@dataclass
class AirPeriod:
    """The air figures of a city over the last ``days`` days of the period (优良天数比例 [%] with
    AQI ≤ 100 per HJ 633-2012; PM2.5 mean [µg/m³] of valid days, GB 3095-2012): the air
    history of the city's national stations (:func:`city_history`). A city only (the province
    and counties: None); cached for ``ttl`` seconds."""

    name: str
    unit: str
    label: str
    field_name: str  # "compliance_rate" or "pm25_mean"
    store: Callable[[], ObservationStore]
    days: int = 30
    ttl: float = 600.0
    _cache: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        if region_code not in CITY_CODES:
            return None
        start = max(period.start, period.end - timedelta(days=self.days - 1))
        key = (region_code, start, period.end)
        with self._lock:
            hit = self._cache.get(key)
        if hit is None or time.monotonic() - hit[0] > self.ttl:
            store = self.store()
            try:
                history = city_history(session, reader_scope(region_code), store, region_code,
                                       start, period.end)  # fmt: skip
            finally:
                store.close()
            hit = (time.monotonic(), history.summary)
            with self._lock:
                self._cache[key] = hit
        summary = hit[1]
        v = getattr(summary, self.field_name)
        if v is None:
            return None
        return KpiValue(round(float(v), 1), self.unit, f"{start} – {period.end}")


def _store() -> ObservationStore:
    return ObservationStore(get_settings().observations_dir)


def kpi_registry(store: Callable[[], ObservationStore] = _store) -> KpiRegistry:
    """Every KPI provider of the platform (new modules add theirs here)."""
    return KpiRegistry(
        [
            ClosureRate(),
            ClosedOnTime(),
            SectionsAnalysed(),
            SitesReporting(
                SiteKind.DRINKING_WATER_SOURCE,
                "water.drinking_sources_analysed",
                "tg.kpi.water.drinking_sources_analysed",
            ),
            WaterGoodShare(),
            SitesReporting(
                SiteKind.AIR_STATION, "air.stations_reporting", "tg.kpi.air.stations_reporting"
            ),
            AirPeriod(
                "air.good_day_rate", "%", "tg.kpi.air.good_day_rate", "compliance_rate", store
            ),  # fmt: skip
            AirPeriod("air.pm25_mean", "µg/m³", "tg.kpi.air.pm25_mean", "pm25_mean", store),
        ]
    )
