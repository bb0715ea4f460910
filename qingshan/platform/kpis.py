"""The KPI providers the targets read (:class:`qingshan.targets.kpi.KpiProvider`), each through
the public functions of the domain holding the data, and their registry
(:func:`kpi_registry`, handed to the app by :func:`qingshan.platform.app.providers`).

Computed now: cases (closure rate, closed on time), monitoring (national water sections and
drinking-water sources analysed, class I–III share, air stations reporting, air good-day rate
and PM2.5 mean), waste (utilisation and disposal rate, collection coverage of counties and of
small producers, new capacity), zones (zero-direct-discharge parks accepted in the year),
emergency (spent radioactive sources collected, plan main goal 3).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases.service import closed_on_time, count_by_state
from qingshan.config import get_settings
from qingshan.ecology.biodiversity.service import area_progress
from qingshan.emergency.radiation.service import spent_figures
from qingshan.emergency.risk.service import plans_current_share
from qingshan.geo.regions import CITY_CODES
from qingshan.marine.coastal.service import river_mouth_figures, river_mouth_status
from qingshan.marine.outfalls.service import outfall_figures
from qingshan.monitoring.air_history import city_history
from qingshan.monitoring.models import ControlLevel, SiteKind
from qingshan.monitoring.service import get_latest_hour
from qingshan.monitoring.water import get_sections_latest, summarise_sections
from qingshan.soil.sites.service import safe_use
from qingshan.soil.units.service import overdue_checks
from qingshan.standards.air_assessment import compliance_rate
from qingshan.standards.aqi import aqi_frame
from qingshan.targets.kpi import KpiRegistry, KpiValue, Period
from qingshan.targets.ranking_service import air_days
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST
from qingshan.vehicles.nonroad_kpis import vehicle_kpis
from qingshan.vehicles.store import VehicleStore
from qingshan.waste.ledger_service import waste_kpis
from qingshan.waste.manifest_service import transfers_frame
from qingshan.zones.parks_service import PLAN_TARGET, accepted_parks

__all__ = ["kpi_registry", "province_air", "reader_scope"]

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


#: the ranking's stored city-day columns → the daily AQI's indicator keys (HJ 633-2012 Table 1)
_DAILY_KEYS = {"so2": "SO2_24h", "no2": "NO2_24h", "pm10": "PM10_24h", "pm25": "PM2.5_24h",
               "co": "CO_24h", "o3_8h": "O3_8h"}  # fmt: skip


def province_air(city_days: list[dict]) -> dict[str, float | None]:
    """The province's 优良天数比例 [%] and PM2.5 [µg/m³] from its cities' daily means (pure).

    Each city's rate is the share of its days with a daily AQI ≤ 100 (HJ 633-2012 Table 1,
    the edition in force on the day; :func:`~qingshan.standards.air_assessment.compliance_rate`)
    and its PM2.5 the mean of its days; the province's figure is the arithmetic mean over the
    cities that have days — the 设区城市平均 the plan's target is set on, so each city weighs
    the same whatever its number of days. ``city_days``: rows with ``region_code``, ``day``
    and the ranking's daily columns (``so2`` … ``o3_8h`` [µg/m³; CO mg/m³]; None = no valid
    value). Returns ``{"compliance_rate", "pm25_mean", "cities"}`` (None without days).
    """
    if not city_days:
        return {"compliance_rate": None, "pm25_mean": None, "cities": 0}
    frame = pd.DataFrame(city_days)
    daily = frame.rename(columns=_DAILY_KEYS)[list(_DAILY_KEYS.values())].astype("float64")
    frame["aqi"] = (
        aqi_frame(daily, report="daily", date=pd.to_datetime(frame["day"]))["aqi"]
        .astype("Float64")
        .to_numpy(dtype="float64", na_value=float("nan"))
    )
    rates, pm = [], []
    for _, days in frame.groupby("region_code"):
        valid = days["aqi"].dropna()
        if len(valid):
            rates.append(compliance_rate(valid.to_numpy()))
        if days["pm25"].notna().any():
            pm.append(float(days["pm25"].astype("float64").mean()))
    return {
        "compliance_rate": sum(rates) / len(rates) if rates else None,
        "pm25_mean": sum(pm) / len(pm) if pm else None,
        "cities": len(rates),
    }


@dataclass
class AirPeriod:
    """The air figures of a city over the last ``days`` days of the period (优良天数比例 [%] with
    AQI ≤ 100 per HJ 633-2012; PM2.5 mean [µg/m³] of valid days, GB 3095-2012): the air
    history of the city's national stations (:func:`city_history`). The province: the mean of
    its cities (:func:`province_air`) from the ranking's stored city days (measured, not the
    synthetic previous year) — one table read instead of eleven cities' hours. Counties:
    None. Cached for ``ttl`` seconds."""

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
        if region_code != PROVINCE and region_code not in CITY_CODES:
            return None
        start = max(period.start, period.end - timedelta(days=self.days - 1))
        key = (region_code, start, period.end)
        with self._lock:
            hit = self._cache.get(key)
        if hit is None or time.monotonic() - hit[0] > self.ttl:
            hit = (time.monotonic(), self._figures(session, region_code, start, period.end))
            with self._lock:
                self._cache[key] = hit
        v = hit[1][self.field_name]
        if v is None:
            return None
        basis = f"{start} – {period.end}"
        if region_code == PROVINCE:
            basis += f"，{hit[1]['cities']} 个设区城市平均"
        return KpiValue(round(float(v), 1), self.unit, basis)

    def _figures(self, session: Session, region_code: str, start: date, end: date) -> dict:
        if region_code == PROVINCE:
            rows = [r for r in air_days(session, start, end, level="city") if not r["synthetic"]]
            return province_air(rows)
        store = self.store()
        try:
            s = city_history(session, reader_scope(region_code), store, region_code, start, end)
        finally:
            store.close()
        return {"compliance_rate": s.summary.compliance_rate, "pm25_mean": s.summary.pm25_mean}


@dataclass(frozen=True)
class WasteKpi:
    """A figure of :func:`qingshan.waste.ledger_service.waste_kpis` for the calendar year of
    the period's end, by county, city or province: 利用处置率 [%] (the environmental-statistics
    formula, shared/reference/waste.md §7), counties with a collection point [%], small
    producers (< 10 t/yr) served [%], capacity newly licensed in the year [万吨/年]. None when
    the figure has no denominator (nothing generated, no county, no small producer)."""

    name: str
    unit: str
    label: str
    key: str
    basis_keys: tuple[str, str]
    scale: float = 1.0

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        # one computation per region and year within a session (a board reads four figures of
        # twelve regions), reading the year's transfers once
        cache = session.info.setdefault("platform.waste_kpis", {})
        key = (region_code, period.end.year)
        if key not in cache:
            cache[key] = waste_kpis(session, region_code, period.end.year,
                                    transfers=_session_transfers)  # fmt: skip
        k = cache[key]
        v = k[self.key]
        if v is None:
            return None
        a, b = (k[x] for x in self.basis_keys)
        return KpiValue(round(float(v) * self.scale, 1), self.unit,
                        f"{period.end.year}: {a:g} / {b:g}")  # fmt: skip


def _session_transfers(session: Session, scope: Scope, year: int) -> pd.DataFrame:
    """The manifests' transfers of ``year`` read once per session (the KPIs' reader)."""
    cache = session.info.setdefault("platform.waste_transfers", {})
    if year not in cache:
        cache[year] = transfers_frame(session, scope, year)
    return cache[year]


#: the waste KPIs (plan main.2, 14.1–14.3)
WASTE_KPIS = (
    WasteKpi("waste.utilisation_rate", "%", "tg.kpi.waste.utilisation_rate", "utilisation_rate",
             ("utilised_disposed_t", "rate_denominator_t")),
    WasteKpi("waste.collection_county_coverage", "%", "tg.kpi.waste.collection_county_coverage",
             "county_coverage", ("counties_with_point", "counties")),
    WasteKpi("waste.small_producer_coverage", "%", "tg.kpi.waste.small_producer_coverage",
             "small_producer_coverage", ("small_covered", "small_producers")),
    WasteKpi("waste.capacity_t", "万吨/年", "tg.kpi.waste.capacity_t", "capacity_new_t",
             ("capacity_new_t", "capacity_t"), scale=1e-4),
)  # fmt: skip


@dataclass(frozen=True)
class ParksAccepted:
    """污水零直排区 accepted [个]: parks of the 工业园区（工业集聚区）类 in the region whose
    provincial acceptance (省级验收通过) is dated in the calendar year of the period's end, up
    to that day, and that are not downgraded (反复) by then — an annual count, as plan 12.2's
    "完成44个" of 2021 is read (shared/reference/zones-emergency.md §1.2 [U]: how the 44 relate
    to the 313 completed by end-2021 is not stated); the basis gives the cumulative count too
    (:func:`qingshan.zones.parks_service.accepted_parks`). None when the region has no park
    record."""

    name: str = "zones.parks_accepted"
    unit: str = "个"
    label: str = "tg.kpi.zones.parks_accepted"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        year = period.end.year
        n = accepted_parks(session, region_code, year, period.end)
        if n["parks"] == 0:
            return None  # no park recorded in the region: no data, not zero
        return KpiValue(float(n["annual"]), self.unit,
                        f"{year} 年省级验收 {n['annual']} 个（{PLAN_TARGET['unit_type']}，年度）；"
                        f"累计 {n['cumulative']} 个")  # fmt: skip


@dataclass(frozen=True)
class SpentSourcesCollected:
    """废旧放射源"应收尽收率" [%]: sources of the region that became disused up to the period's
    end and were collected (returned to the producer or taken into storage) by then, among all
    that became disused — plan main goal 3 (100 %); the basis names the overdue ones (past the
    3-month deadline, 国务院令第449号 Art. 32 [U]). None when no source became disused
    (:func:`qingshan.emergency.radiation.service.spent_figures`)."""

    name: str = "emergency.spent_sources_collected"
    unit: str = "%"
    label: str = "emrad.kpi.spent_sources_collected"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        f = spent_figures(session, region_code, on=period.end)
        if f["rate"] is None:
            return None
        return KpiValue(f["rate"], self.unit,
                        f"{f['collected']} / {f['disused']}（逾期未收 {f['overdue']}）")  # fmt: skip


@dataclass(frozen=True)
class SurveyAreasDone:
    """Key biodiversity survey areas done [个]: survey areas of the region (their centre's
    county within it) whose survey finished on or before the period's end — plan target 9.1
    (深入推进29个重点区域生物多样性调查评估, ≥ 29); the basis gives those surveying and planned
    (:func:`qingshan.ecology.biodiversity.service.area_progress`). None when the region holds no
    survey area."""

    name: str = "ecology.survey_areas_done"
    unit: str = "个"
    label: str = "eco.kpi.survey_areas_done"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        p = area_progress(session, region_code, period.end)
        if p.total == 0:
            return None
        return KpiValue(float(p.done), self.unit,
                        f"已完成 {p.done} / {p.total}（调查中 {p.surveying}，计划 {p.planned}）")  # fmt: skip


@dataclass(frozen=True)
class PlansCurrent:
    """Graded risk enterprises (HJ 941-2018) of the region with a current emergency plan [%] —
    not superseded and not past its review date (reviewed at least every 3 years, 环发〔2015〕4号
    [U]) on the period's end. Dashboard only: the plan (item 17) names no figure. None when no
    enterprise is graded (:func:`qingshan.emergency.risk.service.plans_current_share`)."""

    name: str = "emergency.plans_current"
    unit: str = "%"
    label: str = "emp.kpi"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        ok, graded = plans_current_share(session, reader_scope(region_code), period.end)
        if not graded:
            return None
        return KpiValue(100.0 * ok / graded, self.unit, f"{ok} / {graded}")


@dataclass(frozen=True)
class ChecksOverdue:
    """Hidden-danger checks of the region's key soil-supervised units past their due date and
    not done on the period's end (《工矿用地土壤环境管理办法(试行)》第十一条; due 31 December of
    the check's year, the programme's rule [U]). Dashboard only: the plan (item 13) names no
    figure (:func:`qingshan.soil.units.service.overdue_checks`)."""

    name: str = "soil.checks_overdue"
    unit: str = "项"
    label: str = "soilu.kpi"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        n = overdue_checks(session, reader_scope(region_code), period.end)
        return KpiValue(float(n), self.unit, f"{n}")


@dataclass(frozen=True)
class SafeUseRate:
    """污染地块安全利用率 [%] on the period's end — plan main goal 1 (≥ 92 %): first-category
    sites of the register re-used after meeting their risk-control or remediation targets ÷
    all first-category sites re-used (:mod:`qingshan.soil.sites.safe_use`, definition after
    土壤污染防治行动计划, 国发〔2016〕31号 [MC] and its assessment rules [U]). None when the
    region has no such re-used site."""

    name: str = "soil.safe_use_rate"
    unit: str = "%"
    label: str = "soils.kpi.safe_use_rate"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        r = safe_use(session, region_code, period.end)
        if r.rate is None:
            return None
        unsafe = f"（未达标即利用：{'、'.join(r.unsafe)}）" if r.unsafe else ""
        return KpiValue(r.rate, self.unit, f"{r.safe} / {r.reused}{unsafe}")


@dataclass(frozen=True)
class OutfallsRemediated:
    """Sea outfalls of the region closed (销号, the last of 排查 → 监测 → 溯源 → 整治 → 销号) [%]
    of all registered (:func:`qingshan.marine.outfalls.service.outfall_figures`). Dashboard
    only: plan item 12 names no figure. None when the region has no outfall."""

    name: str = "marine.outfalls_remediated"
    unit: str = "%"
    label: str = "mar.kpi.remediated"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        f = outfall_figures(session, reader_scope(region_code))
        if f["remediated_share"] is None:
            return None
        return KpiValue(f["remediated_share"], self.unit,
                        f"{f['closed']} / {f['total']}（最新监测超标 {f['exceeding']}）")  # fmt: skip


@dataclass(frozen=True)
class RiverMouthControl:
    """Plan target 12.4 (开展全省20个主要河流（溪闸）断面总氮、总磷排放浓度控制) [个断面]: the
    river-mouth sections of the region under TN/TP control — with monthly TN and TP over the 12
    months ending with the period's end — and, in the basis, how many meet their targets on the
    mean (:func:`qingshan.marine.coastal.service.river_mouth_status`; targets are data, tagged
    U). None when the region has none of the 20 sections."""

    store: Callable[[], ObservationStore]
    name: str = "marine.river_mouth_tn_tp"
    unit: str = "个断面"
    label: str = "mar.kpi.river_mouth"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        store = self.store()
        try:
            rows = river_mouth_status(session, store, reader_scope(region_code), until=period.end)
        finally:
            store.close()
        if not rows:
            return None
        f = river_mouth_figures(rows)
        return KpiValue(float(f["controlled"]), self.unit,
                        f"{f['controlled']} / {f['sections']} 断面开展控制，{f['meeting']} 个均值达标")  # fmt: skip


@dataclass(frozen=True)
class VehicleKpi:
    """A vehicle figure of :func:`qingshan.vehicles.nonroad_kpis.vehicle_kpis` over the period
    (CST days), by province, city or county [%]: 国III diesel share of the diesel fleet, I/M
    initial-test failure rate, heavy diesel goods vehicles with OBD data. Dashboard only — no
    target of the 2021 plan names a vehicle figure. None without a denominator or a store."""

    name: str
    label: str
    key: str
    data_dir: Callable[[], Path] = lambda: get_settings().data_dir
    unit: str = "%"

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        cache = session.info.setdefault("platform.vehicle_kpis", {})
        key = (region_code, period.start, period.end)
        if key not in cache:
            store = VehicleStore.in_data_dir(self.data_dir())
            cache[key] = vehicle_kpis(store, region_code, period.start, period.end)
        v, n, d = cache[key][self.key]
        return None if v is None else KpiValue(v, self.unit, f"{n:,} / {d:,}")


#: the vehicle KPIs (issue #21; plan items 18, 20 — no figure in the plan)
VEHICLE_KPIS = (
    VehicleKpi("vehicles.diesel_old_share", "tg.kpi.vehicles.diesel_old_share", "diesel_old_share"),
    VehicleKpi("vehicles.im_initial_failure_rate", "tg.kpi.vehicles.im_initial_failure_rate",
               "im_initial_failure_rate"),
    VehicleKpi("vehicles.obd_coverage", "tg.kpi.vehicles.obd_coverage", "obd_coverage"),
)  # fmt: skip


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
            *WASTE_KPIS,
            ParksAccepted(),
            SpentSourcesCollected(),
            SurveyAreasDone(),
            PlansCurrent(),
            SafeUseRate(),
            ChecksOverdue(),
            OutfallsRemediated(),
            RiverMouthControl(store),
            *VEHICLE_KPIS,
        ]
    )
