"""Coastal water quality (近岸海域, issue #25): the rules that take a session.

- sea-area stations: monitoring sites of kind ``sea_station`` (stream ``sea``, HJ 212-2017 ST
  26). A station lies offshore; its ``region_code`` is the nearest coastal county (GB/T 2260),
  found by :func:`qingshan.geo.counties.county_at` within :data:`NEAREST_COUNTY_KM`, and its
  attrs say so (``region_note``). Each station stands for a sea area [km²] (``area_km2``) —
  the area share of the coastal-quality evaluation;
- samples: the values of a survey by GB 3097-1997 indicator, stored as daily observations (one
  series per indicator, platform parameters ``idx-sw-…``), classed by
  :func:`qingshan.standards.seawater.classify_seawater` (single factor, worst class);
- coastal quality: the station areas summed by class → :func:`~qingshan.standards.seawater.coastal_quality`
  (shares, I+II share and grade);
- the 20 river-mouth (入海河流/溪闸) sections of plan item 12.4: water-section sites with monthly
  TN (w21001) and TP (w21011) and their control targets (data/river_mouths.json), their
  compliance (annual mean ≤ target) and the KPI of target 12.4.

Officers read their region (an enterprise account has no sea records); province, city and
county officers write samples in their region.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.errors import PermissionDenied
from qingshan.geo.counties import county_at
from qingshan.geo.regions import REGIONS, in_scope
from qingshan.marine.coastal.errors import MarineError, MarineImportRejected, MarineNotFound
from qingshan.marine.coastal.river_import import parse_river_months
from qingshan.marine.coastal.sea import (
    STREAM,
    RiverMouth,
    check_sample,
    indicator_of,
    meets_targets,
    parameter_code,
    river_mouths,
)
from qingshan.marine.coastal.survey_import import parse_samples
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Series, Site, SiteKind
from qingshan.monitoring.registry import ensure_derived_parameter, ensure_series, write_values
from qingshan.standards import seawater
from qingshan.standards.errors import StandardsError
from qingshan.tablefile import (
    TableFileError,
    read_table,
)
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

__all__ = [
    "NEAREST_COUNTY_KM",
    "StationView",
    "CoastalSummary",
    "RiverMouthStatus",
    "ensure_station",
    "add_sample",
    "import_samples",
    "import_river_months",
    "write_samples",
    "stations",
    "coastal_summary",
    "station_samples",
    "ensure_river_mouths",
    "write_river_months",
    "river_mouth_status",
    "river_mouth_figures",
    "trailing_months",
]

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: how far offshore a station may lie and still be given its nearest county [km]
NEAREST_COUNTY_KM = 80.0
TN, TP = "w21001", "w21011"  # HJ 212-2017 Appendix B: 总氮, 总磷


def _reader(scope: Scope) -> None:
    if scope.role not in OFFICERS:
        raise PermissionDenied("coastal waters are read by province, city and county officers")


def _writer(scope: Scope, region_code: str) -> None:
    _reader(scope)
    if not in_scope(region_code, scope.region_code):
        raise PermissionDenied(f"county {region_code} is outside your region ({scope.region_code})")


# --------------------------------------------------------------------------- stations
def ensure_station(session: Session, code: str, name: str, lon: float, lat: float, *,
                   area_km2: float, sea_area: str, synthetic: bool = False) -> Site:  # fmt: skip
    """The sea station ``code`` (kind ``sea_station``), created if absent: its region is the
    nearest coastal county (the station lies offshore; said in ``attrs.region_note``); it stands
    for ``area_km2`` [km² > 0] of ``sea_area``."""
    site = session.scalar(select(Site).where(Site.code == code))
    if site is not None:
        if site.kind is not SiteKind.SEA_STATION:
            raise MarineError(f"code: {code!r} is a site of kind {site.kind}", field="code")
        return site
    if not (area_km2 > 0):
        raise MarineError(f"area_km2: {area_km2!r} must be > 0", field="area_km2")
    if not sea_area.strip():
        raise MarineError("sea_area: missing", field="sea_area")
    county = county_at(float(lon), float(lat), tolerance_km=NEAREST_COUNTY_KM)
    if county is None:
        raise MarineError(f"lon/lat: ({lon}, {lat}) is more than {NEAREST_COUNTY_KM:g} km from "
                          "every county of Zhejiang", field="lon")  # fmt: skip
    inside = county_at(float(lon), float(lat), tolerance_km=0.0)
    site = Site(code=code, name=name, kind=SiteKind.SEA_STATION,
                control_level=ControlLevel.PROVINCIAL, region_code=str(county),
                longitude=float(lon), latitude=float(lat),
                attrs={"area_km2": float(area_km2), "sea_area": sea_area.strip(),
                       "offshore": inside is None,
                       "region_note": "最近的沿海县（点位位于海上） · nearest coastal county (offshore)",
                       "synthetic": synthetic})  # fmt: skip
    session.add(site)
    session.flush()
    return site


def _ensure_parameters(session: Session, indicators: Iterable[str]) -> None:
    for key in indicators:
        unit = seawater.UNITS.get(key) or "mg/L"
        ensure_derived_parameter(session, parameter_code(key),
                                 str(seawater.NAMES_ZH.get(key, key))[:64], key[:64], str(unit)[:16])  # fmt: skip


def _classify(values: Mapping[str, float]) -> Any:
    try:
        return seawater.classify_seawater(values)
    except StandardsError as exc:
        raise MarineError(f"values: {exc}", field="values") from None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=CST).astimezone(UTC)


def _station(session: Session, scope: Scope, code: str) -> Site:
    site = session.scalar(select(Site).where(Site.code == code, Site.kind == SiteKind.SEA_STATION,
                                             scope.where(Site.region_code)))  # fmt: skip
    if site is None:
        raise MarineNotFound(f"no sea station {code!r} in your region", code=code)
    return site


def write_samples(session: Session, store: ObservationStore,
                  samples: Sequence[tuple[Site, date, Mapping[str, Any]]], *, source: str) -> int:  # fmt: skip
    """Write checked samples (station, sampling day (CST), values by indicator) as daily
    observations in one store write and advance each series' latest value. Every sample is
    checked before anything is written (:func:`check_sample`); returns rows written."""
    checked = [(site, day, check_sample(values)) for site, day, values in samples]
    for _, _, values in checked:
        _classify(values)
    keys = sorted({k for _, _, v in checked for k in v})
    _ensure_parameters(session, keys)
    made = ensure_series(session, [(site.id, parameter_code(k), Period.DAY, None)
                                   for site, _, v in checked for k in v])  # fmt: skip
    rows: list[tuple[int, datetime, float]] = []
    for site, day, values in checked:
        t = _day_start(day)
        for k, v in values.items():
            rows.append((made[(site.id, parameter_code(k), Period.DAY)].id, t, v))
    return write_values(session, store, rows, period="day", stream=STREAM, source=source)


def add_sample(session: Session, store: ObservationStore, scope: Scope, code: str,
               values: Mapping[str, Any], sampled_on: date, *, source: str = "api") -> StationView:  # fmt: skip
    """One survey's values at the sea station ``code`` (an officer of its region): checked
    (an unknown indicator or a negative value is refused naming it, nothing stored), stored as
    daily observations, and the station as it now stands."""
    site = _station(session, scope, code)
    _writer(scope, site.region_code)
    write_samples(session, store, [(site, sampled_on, values)], source=source)
    return next(v for v in stations(session, scope) if v.code == code)


def import_samples(session: Session, store: ObservationStore, scope: Scope, data: bytes, *,
                   today: date, max_bytes: int, source: str) -> int:  # fmt: skip
    """An officer imports a survey table (CSV or .xlsx,
    :mod:`~qingshan.marine.coastal.survey_import`) for the sea stations of the region: every row
    checked, every bad row named (:class:`MarineImportRejected`), all stored or none. Returns
    the number of surveys stored."""
    if scope.role not in OFFICERS:
        raise PermissionDenied("surveys are imported by province, city and county officers")
    sites = {s.code: s for s in session.scalars(select(Site).where(
        Site.kind == SiteKind.SEA_STATION, scope.where(Site.region_code)))}  # fmt: skip
    try:
        sheet, rows = read_table(data, max_bytes=max_bytes)
        parsed = parse_samples(sheet, rows, stations=frozenset(sites), today=today)
    except TableFileError as exc:
        raise MarineError(f"file: {exc}", field="file") from None
    if parsed.problems:
        raise MarineImportRejected([str(p) for p in parsed.problems], what="survey import")
    if not parsed.rows:
        raise MarineError("file: no rows below the header", field="file")
    write_samples(session, store, [(sites[c], d, v) for _, c, d, v in parsed.rows], source=source)
    return len(parsed.rows)


@dataclass(frozen=True)
class StationView:
    """A sea station with its newest values by indicator and their GB 3097-1997 class."""

    code: str
    name: str
    region_code: str
    lon: float | None
    lat: float | None
    area_km2: float
    sea_area: str
    synthetic: bool
    time: datetime | None
    values: Mapping[str, float] = field(default_factory=dict)
    klass: str | None = None
    deciding: tuple[str, ...] = ()


def stations(session: Session, scope: Scope) -> list[StationView]:
    """The sea stations of the scope's region, each with its newest value per indicator and
    the class of those values (the newest survey)."""
    _reader(scope)
    sites = list(session.scalars(select(Site).where(
        Site.kind == SiteKind.SEA_STATION, scope.where(Site.region_code)).order_by(Site.code)))  # fmt: skip
    by_site: dict[int, dict[str, tuple[datetime, float]]] = {s.id: {} for s in sites}
    if sites:
        q = (select(Series.site_id, Series.parameter_code, LatestValue.time, LatestValue.value)
             .join(LatestValue, LatestValue.series_id == Series.id)
             .where(Series.site_id.in_(list(by_site)), Series.period == Period.DAY))  # fmt: skip
        for site_id, pcode, t, v in session.execute(q):
            key = indicator_of(pcode)
            if key is not None and v is not None:
                by_site[site_id][key] = (t, float(v))
    out = []
    for s in sites:
        vals = by_site[s.id]
        attrs = s.attrs or {}
        newest: datetime | None = max((x[0] for x in vals.values()), default=None)
        values = {k: x[1] for k, x in vals.items()}
        klass, deciding = None, ()
        if values:
            r = _classify(values)
            klass, deciding = str(r.klass), tuple(r.deciding)
        out.append(StationView(s.code, s.name, s.region_code, s.longitude, s.latitude,
                               float(attrs.get("area_km2") or 0.0), str(attrs.get("sea_area", "")),
                               bool(attrs.get("synthetic")), newest, values, klass, deciding))  # fmt: skip
    return out


@dataclass(frozen=True)
class CoastalSummary:
    """Area [km²] by class, stations by class, and the coastal quality (shares, I+II share,
    grade) of :func:`qingshan.standards.seawater.coastal_quality`; ``quality`` None when no
    station is classed."""

    area_by_class: Mapping[str, float]
    count_by_class: Mapping[str, int]
    classed: int
    quality: Any


def coastal_summary(views: Sequence[StationView]) -> CoastalSummary:
    """The coastal quality of ``views`` by the area each station stands for."""
    area = {c: 0.0 for c in seawater.CLASSES}
    count = {c: 0 for c in seawater.CLASSES}
    for v in views:
        if v.klass is not None:
            area[v.klass] += v.area_km2
            count[v.klass] += 1
    classed = sum(count.values())
    quality = seawater.coastal_quality(area) if classed and sum(area.values()) > 0 else None
    return CoastalSummary(area, count, classed, quality)


def station_samples(session: Session, store: ObservationStore, scope: Scope, code: str) -> tuple[StationView, pd.DataFrame]:  # fmt: skip
    """A station and every survey it has: a frame with one row per sampling time, a column per
    indicator, and ``class`` (GB 3097-1997) per row."""
    site = _station(session, scope, code)
    view = next(v for v in stations(session, scope) if v.code == code)
    ids = {s.id: indicator_of(s.parameter_code) for s in session.scalars(
        select(Series).where(Series.site_id == site.id, Series.period == Period.DAY))}  # fmt: skip
    data = store.scan(list(ids), None, None, period="day", streams=[STREAM], columns=["value"])
    if data.empty:
        return view, pd.DataFrame()
    data["indicator"] = data["series_id"].map(ids)
    wide = data.pivot_table(
        index="time", columns="indicator", values="value", aggfunc="last"
    ).sort_index()
    wide["class"] = [str(_classify({k: float(v) for k, v in row.items() if pd.notna(v)}).klass)
                     for _, row in wide.iterrows()]  # fmt: skip
    return view, wide


# --------------------------------------------------------------------------- river mouths
def ensure_river_mouths(session: Session, *, synthetic: bool = False) -> dict[str, Site]:
    """The 20 river-mouth sections of plan item 12.4 as water-section sites (created if
    absent; the county from their point) with monthly TN and TP series. Code → site."""
    out: dict[str, Site] = {}
    have = {s.code: s for s in session.scalars(select(Site).where(
        Site.code.in_([m.code for m in river_mouths()])))}  # fmt: skip
    for m in river_mouths():
        site = have.get(m.code)
        if site is None:
            county = county_at(m.lon, m.lat)
            if county is None:  # pragma: no cover - the data file's points are checked by a test
                raise MarineError(
                    f"river mouth {m.code}: ({m.lon}, {m.lat}) lies in no county", field="lon"
                )
            site = Site(code=m.code, name=m.name, kind=SiteKind.WATER_SECTION,
                        control_level=ControlLevel.PROVINCIAL, region_code=str(county),
                        longitude=m.lon, latitude=m.lat,
                        attrs={"river": m.river, "river_mouth": True, "plan_item": "12.4",
                               "tn_target": m.tn_target, "tp_target": m.tp_target,
                               "synthetic": synthetic})  # fmt: skip
            session.add(site)
            session.flush()
        out[m.code] = site
    ensure_series(
        session, [(s.id, p, Period.MONTH, "mg/L") for s in out.values() for p in (TN, TP)]
    )
    return out


def _month_start(month: date) -> datetime:
    return _day_start(month.replace(day=1))


def write_river_months(session: Session, store: ObservationStore,
                       rows: Sequence[tuple[str, date, float, float]], *, source: str) -> int:  # fmt: skip
    """Monthly TN and TP [mg/L] of river-mouth sections: (section code, month, TN, TP), each
    value finite and ≥ 0 (else :class:`MarineError` naming it, nothing written)."""
    sites = ensure_river_mouths(session)
    for code, month, tn, tp in rows:
        if code not in sites:
            raise MarineError(
                f"section: {code!r} is not one of the 20 river-mouth sections", field="section"
            )
        for name, v in (("tn", tn), ("tp", tp)):
            if not (np.isfinite(v) and v >= 0):
                raise MarineError(
                    f"{name}: {v!r} at {code} {month:%Y-%m} must be a number ≥ 0", field=name
                )
    series = {(s.site_id, s.parameter_code): s.id for s in session.scalars(select(Series).where(
        Series.site_id.in_([s.id for s in sites.values()]), Series.period == Period.MONTH))}  # fmt: skip
    out = []
    for code, month, tn, tp in rows:
        t = _month_start(month)
        out.append((series[(sites[code].id, TN)], t, float(tn)))
        out.append((series[(sites[code].id, TP)], t, float(tp)))
    return write_values(session, store, out, period="month", stream="water", source=source)


def import_river_months(session: Session, store: ObservationStore, scope: Scope, data: bytes, *,
                        today: date, max_bytes: int, source: str) -> int:  # fmt: skip
    """An officer imports monthly TN/TP of the region's river-mouth sections (CSV or .xlsx,
    :mod:`~qingshan.marine.coastal.river_import`): every row checked, every bad row named
    (:class:`MarineImportRejected`), all stored or none. Returns the section-months stored."""
    if scope.role not in OFFICERS:
        raise PermissionDenied(
            "river-mouth data are imported by province, city and county officers"
        )
    # the sections' counties from their points (as ensure_river_mouths places them): nothing is
    # created before the whole file is checked
    mine = frozenset(m.code for m in river_mouths()
                     if in_scope(str(county_at(m.lon, m.lat) or ""), scope.region_code))  # fmt: skip
    try:
        sheet, rows = read_table(data, max_bytes=max_bytes)
        parsed = parse_river_months(sheet, rows, sections=mine, today=today)
    except TableFileError as exc:
        raise MarineError(f"file: {exc}", field="file") from None
    if parsed.problems:
        raise MarineImportRejected([str(p) for p in parsed.problems], what="river-mouth import")
    if not parsed.rows:
        raise MarineError("file: no rows below the header", field="file")
    write_river_months(session, store, parsed.rows, source=source)
    return len(parsed.rows)


@dataclass(frozen=True)
class RiverMouthStatus:
    """A river-mouth section's year: monthly TN and TP [mg/L] (NaN where missing), their
    means, the control targets (data) and whether the means meet them (None: no data)."""

    section: RiverMouth
    region_code: str
    months: list[date]
    tn: list[float | None]
    tp: list[float | None]
    tn_mean: float | None
    tp_mean: float | None
    meets: bool | None
    months_meeting: int
    months_assessed: int


def trailing_months(until: date, n: int = 12) -> list[date]:
    """The first days of the ``n`` months ending with ``until``'s month, oldest first."""
    y, m = until.year, until.month
    out = []
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def river_mouth_status(session: Session, store: ObservationStore, scope: Scope, *,
                       until: date) -> list[RiverMouthStatus]:  # fmt: skip
    """The river-mouth sections of the scope's region over the 12 months ending with
    ``until``'s month (CST months): monthly TN/TP, their means against the targets."""
    _reader(scope)
    plan = {m.code: m for m in river_mouths()}
    sites = list(session.scalars(select(Site).where(Site.code.in_(list(plan)), scope.where(Site.region_code))
                                 .order_by(Site.code)))  # fmt: skip
    if not sites:
        return []
    series = {s.id: (s.site_id, s.parameter_code) for s in session.scalars(select(Series).where(
        Series.site_id.in_([s.id for s in sites]), Series.period == Period.MONTH))}  # fmt: skip
    months = trailing_months(until)
    last = months[-1]
    t0 = _month_start(months[0])
    t1 = _month_start(date(last.year + (last.month == 12), last.month % 12 + 1, 1))
    data = store.scan(list(series), t0, t1, period="month", streams=["water"], columns=["value"])
    vals: dict[tuple[int, str, date], float] = {}
    for sid, t, v in zip(data["series_id"], data["time"], data["value"], strict=True):
        site_id, pcode = series[int(sid)]
        if pd.notna(v):
            vals[(site_id, pcode, pd.Timestamp(t).tz_convert(CST).date().replace(day=1))] = float(v)
    out = []
    for s in sites:
        m = plan[s.code]
        tn = [vals.get((s.id, TN, mo)) for mo in months]
        tp = [vals.get((s.id, TP, mo)) for mo in months]
        tn_ok = [x for x in tn if x is not None]
        tp_ok = [x for x in tp if x is not None]
        tn_mean = float(np.mean(tn_ok)) if tn_ok else None
        tp_mean = float(np.mean(tp_ok)) if tp_ok else None
        pairs = [meets_targets(a, b, m.tn_target, m.tp_target) for a, b in zip(tn, tp, strict=True)]
        out.append(RiverMouthStatus(m, s.region_code, months, tn, tp, tn_mean, tp_mean,
                                    meets_targets(tn_mean, tp_mean, m.tn_target, m.tp_target),
                                    sum(1 for p in pairs if p), sum(1 for p in pairs if p is not None)))  # fmt: skip
    return out


def river_mouth_figures(rows: Sequence[RiverMouthStatus]) -> dict[str, Any]:
    """(sections, under control = assessed, meeting both targets, share meeting [%] or None)."""
    assessed = [r for r in rows if r.meets is not None]
    meeting = sum(1 for r in assessed if r.meets)
    return {"sections": len(rows), "controlled": len(assessed), "meeting": meeting,
            "share": None if not assessed else 100.0 * meeting / len(assessed)}  # fmt: skip


def region_name(code: str) -> str:
    r = REGIONS.get(code)
    return code if r is None else r.name
