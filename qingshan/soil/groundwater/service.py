"""Groundwater (地下水, issue #24): the rules that take a session.

- wells: monitoring sites of kind ``groundwater_well`` (:mod:`qingshan.monitoring.registry`),
  aquifer, depth and network in the site's ``attrs`` (:mod:`~qingshan.soil.groundwater.wells`);
- samples: each indicator value an observation (stream ``groundwater``, period ``day`` at the
  sample's date 00:00 China Standard Time), and one ``soil_gw_sample`` row with the sample's
  GB/T 14848-2017 class (§8.2 single-factor: the worst indicator's class), the class of each
  indicator and the deciding ones — a well's class history;
- :func:`wells_by_class`: the wells of a scope by the class of their newest sample (the soil
  overview's figure);
- pollution-prevention zones (保护区 / 防控区 / 治理区) as validated polygons, one by one or from a
  GeoJSON file (:mod:`~qingshan.soil.groundwater.zoning`).

Officers (province, city, county) read their region; province and city write in theirs, a county
writes samples and wells of its own region (the field work is the county's). An enterprise
account reads the pollution-source wells of its own enterprises. Everything written is checked
first: a bad row refuses the whole lot, nothing is half-stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.errors import PermissionDenied
from qingshan.monitoring.models import ControlLevel, Period, Series, Site, SiteKind
from qingshan.monitoring.registry import ensure_derived_parameter, ensure_series, write_values
from qingshan.soil.groundwater.errors import (
    GroundwaterError,
    ImportRejected,
    WellNotFound,
    ZoneNotFound,
)
from qingshan.soil.groundwater.models import GroundwaterSample, GroundwaterZone
from qingshan.soil.groundwater.sample_import import parse_samples
from qingshan.soil.groundwater.wells import (
    CLASSES,
    DERIVED_PREFIX,
    SampleResult,
    WellInput,
    check_sample,
    check_well,
    indicator_unit,
    parameter_code,
    worst_class,
)
from qingshan.soil.groundwater.zoning import (
    ZONE_KINDS,
    ZoneInput,
    check_zone,
    read_zones_geojson,
    zone_area_km2,
)
from qingshan.standards import groundwater as gbt14848
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

__all__ = [
    "STREAM",
    "WellView",
    "add_samples",
    "add_zone",
    "class_counts_by_county",
    "get_well",
    "import_samples",
    "import_zones",
    "list_wells",
    "list_zones",
    "register_well",
    "well_file",
    "wells_by_class",
    "wells_by_year_class",
    "zones_geojson",
]

STREAM = "groundwater"
OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: control level of a well's site by its network
_LEVEL = {
    "national": ControlLevel.NATIONAL,
    "provincial": ControlLevel.PROVINCIAL,
    "regional": ControlLevel.CITY,
    "pollution_source": ControlLevel.ENTERPRISE,
}


def _readers(scope: Scope) -> None:
    if scope.role not in (*OFFICERS, Role.ENTERPRISE):
        raise PermissionDenied("groundwater records are for officers and well owners")


def _can_write(scope: Scope, region_code: str) -> None:
    if scope.role not in OFFICERS:
        raise PermissionDenied("only officers record groundwater wells, samples and zones")
    scope.check_region(region_code)


def _wells_query(scope: Scope) -> Any:
    return select(Site).where(
        Site.kind == SiteKind.GROUNDWATER_WELL, scope.where(Site.region_code, Site.enterprise_id)
    )


# ---------------------------------------------------------------------------------------------
# wells
# ---------------------------------------------------------------------------------------------
def register_well(session: Session, scope: Scope, inp: WellInput) -> Site:
    """Register well ``inp`` as a monitoring site of kind ``groundwater_well`` (a code already
    used by any site is refused)."""
    w = check_well(inp)
    _can_write(scope, w.region_code)
    if session.scalar(select(Site.id).where(Site.code == w.code)) is not None:
        raise GroundwaterError(f"code: a site {w.code!r} already exists", field="code")
    site = Site(code=w.code, name=w.name, kind=SiteKind.GROUNDWATER_WELL,
                control_level=_LEVEL[w.well_type], region_code=w.region_code,
                enterprise_id=w.enterprise_id, longitude=w.lon, latitude=w.lat,
                attrs={"well_type": w.well_type, "aquifer": w.aquifer, "depth_m": w.depth_m})  # fmt: skip
    session.add(site)
    session.flush()
    return site


@dataclass(frozen=True)
class WellView:
    """A well as pages and the API show it, with its newest sample's class."""

    id: int
    code: str
    name: str
    region_code: str
    lon: float | None
    lat: float | None
    well_type: str
    aquifer: str
    depth_m: float | None
    enterprise_id: int | None
    latest_class: str | None
    latest_on: date | None
    deciding: tuple[str, ...]
    samples: int


def _latest_samples(session: Session, site_ids: list[int]) -> dict[int, GroundwaterSample]:
    out: dict[int, GroundwaterSample] = {}
    for i in range(0, len(site_ids), 500):
        rows = session.scalars(
            select(GroundwaterSample)
            .where(GroundwaterSample.site_id.in_(site_ids[i : i + 500]))
            .order_by(GroundwaterSample.site_id, GroundwaterSample.sampled_on)
        )
        for r in rows:
            out[r.site_id] = r  # ordered by date: the newest stays
    return out


def _counts(session: Session, site_ids: list[int]) -> Counter[int]:
    c: Counter[int] = Counter()
    for i in range(0, len(site_ids), 500):
        c.update(session.scalars(select(GroundwaterSample.site_id).where(
            GroundwaterSample.site_id.in_(site_ids[i : i + 500]))))  # fmt: skip
    return c


def _view(s: Site, latest: GroundwaterSample | None, n: int) -> WellView:
    a = s.attrs or {}
    return WellView(
        id=s.id, code=s.code, name=s.name, region_code=s.region_code, lon=s.longitude,
        lat=s.latitude, well_type=str(a.get("well_type", "")), aquifer=str(a.get("aquifer", "")),
        depth_m=a.get("depth_m"), enterprise_id=s.enterprise_id,
        latest_class=latest.klass if latest else None,
        latest_on=latest.sampled_on if latest else None,
        deciding=tuple(latest.deciding) if latest else (), samples=n,
    )  # fmt: skip


def list_wells(session: Session, scope: Scope, *, klass: str | None = None,
               well_type: str | None = None, region_code: str | None = None) -> list[WellView]:  # fmt: skip
    """The wells of the scope (optionally of one class, network or region), by code."""
    _readers(scope)
    q = _wells_query(scope)
    if region_code:
        q = q.where(Site.region_code.startswith(region_code.rstrip("0") or "33"))
    sites = list(session.scalars(q.order_by(Site.code)))
    ids = [s.id for s in sites]
    latest, counts = _latest_samples(session, ids), _counts(session, ids)
    out = [_view(s, latest.get(s.id), counts[s.id]) for s in sites]
    if klass is not None:
        out = [v for v in out if v.latest_class == klass]
    if well_type is not None:
        out = [v for v in out if v.well_type == well_type]
    return out


def wells_by_class(session: Session, scope: Scope) -> dict[str, int]:
    """How many of the scope's wells are in each GB/T 14848-2017 class (I … V) by their newest
    sample; every class is a key (0 when none), wells never sampled are not counted."""
    counts = {k: 0 for k in CLASSES}
    for v in list_wells(session, scope):
        if v.latest_class in counts:
            counts[v.latest_class] += 1
    return counts


def wells_by_year_class(session: Session, scope: Scope, year: int) -> dict[str, int]:
    """How many of the scope's wells are in each class for ``year``: a well's yearly class is
    the worst of its samples of that year (:func:`~qingshan.soil.groundwater.wells.worst_class`);
    wells without a sample that year are not counted."""
    ids = [v.id for v in list_wells(session, scope)]
    by_well: dict[int, list[str]] = {}
    for i in range(0, len(ids), 500):
        for site_id, klass in session.execute(
            select(GroundwaterSample.site_id, GroundwaterSample.klass).where(
                GroundwaterSample.site_id.in_(ids[i : i + 500]),
                GroundwaterSample.sampled_on >= date(year, 1, 1),
                GroundwaterSample.sampled_on <= date(year, 12, 31),
            )
        ):
            by_well.setdefault(site_id, []).append(klass)
    counts = {k: 0 for k in CLASSES}
    for classes in by_well.values():
        worst = worst_class(classes)
        if worst is not None:
            counts[worst] += 1
    return counts


def class_counts_by_county(views: Iterable[WellView]) -> dict[str, dict[str, int]]:
    """region code → class → wells (newest sample), plus ``none`` for wells without a sample."""
    out: dict[str, dict[str, int]] = {}
    for v in views:
        row = out.setdefault(v.region_code, {k: 0 for k in (*CLASSES, "none")})
        row[v.latest_class or "none"] += 1
    return dict(sorted(out.items()))


def _site(session: Session, scope: Scope, ref: int | str) -> Site:
    q = _wells_query(scope)
    q = q.where(Site.id == ref) if isinstance(ref, int) else q.where(Site.code == ref)
    site = session.scalar(q)
    if site is None:
        raise WellNotFound(ref)
    return site


def get_well(session: Session, scope: Scope, ref: int | str) -> WellView:
    _readers(scope)
    site = _site(session, scope, ref)
    return _view(site, _latest_samples(session, [site.id]).get(site.id),
                 _counts(session, [site.id])[site.id])  # fmt: skip


# ---------------------------------------------------------------------------------------------
# samples
# ---------------------------------------------------------------------------------------------
def _ensure_parameters(session: Session, keys: Iterable[str]) -> None:
    for key in keys:
        code = parameter_code(key)
        if code.startswith(DERIVED_PREFIX):
            name_zh = str(gbt14848.NAMES_ZH.get(key, key))
            ensure_derived_parameter(session, code, name_zh[:64], key[:64], indicator_unit(key))


def _time_of(day: date) -> datetime:
    """A sample's observation time: its day's start in China Standard Time, as UTC."""
    return datetime.combine(day, time(0), CST).astimezone(UTC)


@dataclass
class SampleRow:
    """One sample to store: the well's code, the date and the values (indicator → value)."""

    well_code: str
    sampled_on: date | None
    values: Mapping[str, object]
    where: str = ""  # "row 3" in a file; "" for the API
    synthetic: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def add_samples(session: Session, store: ObservationStore, scope: Scope,
                rows: Sequence[SampleRow], *, actor: str, now: datetime) -> int:  # fmt: skip
    """Check every sample (known well in the writer's region, date, GB/T 14848 indicators and
    values, not already stored), then store them all: a ``soil_gw_sample`` row each with its
    class, and the values as observations. One bad sample refuses the lot, naming each
    (:class:`ImportRejected`); nothing is stored. Returns the samples stored."""
    if scope.role not in OFFICERS:
        raise PermissionDenied("only officers record groundwater samples")
    today = now.astimezone(CST).date()
    codes = sorted({r.well_code for r in rows})
    sites = {s.code: s for s in session.scalars(_wells_query(scope).where(Site.code.in_(codes)))}
    existing = {
        (sid, d)
        for sid, d in session.execute(
            select(GroundwaterSample.site_id, GroundwaterSample.sampled_on).where(
                GroundwaterSample.site_id.in_([s.id for s in sites.values()])
            )
        )
    }
    problems: list[str] = []
    checked: list[tuple[Site, SampleResult, SampleRow]] = []
    seen: set[tuple[str, date]] = set()
    for n, r in enumerate(rows, start=1):
        where = r.where or f"sample {n}"
        site = sites.get(r.well_code)
        if site is None:
            problems.append(f"{where}: well {r.well_code!r} is not a groundwater well of "
                            f"region {scope.region_code}")  # fmt: skip
            continue
        try:
            res = check_sample(r.sampled_on, r.values, today=today)
        except GroundwaterError as exc:
            problems.append(f"{where} ({r.well_code}): {exc.message}")
            continue
        key = (site.code, res.sampled_on)
        if (site.id, res.sampled_on) in existing or key in seen:
            problems.append(f"{where} ({r.well_code}): a sample of {res.sampled_on} is already "
                            "stored for this well")  # fmt: skip
            continue
        seen.add(key)
        checked.append((site, res, r))
    if not rows:
        problems.append("no sample given")
    if problems:
        raise ImportRejected(problems, what="groundwater samples")
    for site, _, _ in checked:
        _can_write(scope, site.region_code)
    keys = sorted({k for _, res, _ in checked for k in res.values})
    _ensure_parameters(session, keys)
    wanted = sorted({(site.id, parameter_code(k), Period.DAY, indicator_unit(k) or None)
                     for site, res, _ in checked for k in res.values})  # fmt: skip
    made = ensure_series(session, wanted)
    series_id = {(sid, code): s.id for (sid, code, _), s in made.items()}
    obs: list[tuple[int, datetime, float]] = []
    for site, res, r in checked:
        session.add(GroundwaterSample(
            site_id=site.id, region_code=site.region_code, sampled_on=res.sampled_on,
            klass=res.klass, by_indicator=dict(res.by_indicator), deciding=list(res.deciding),
            synthetic=r.synthetic, created_at=now, created_by=actor))  # fmt: skip
        t = _time_of(res.sampled_on)
        for k, v in res.values.items():
            obs.append((series_id[(site.id, parameter_code(k))], t, v))
    session.flush()
    write_values(session, store, obs, period="day", stream=STREAM, source=f"gw:{actor}")
    return len(checked)


def import_samples(session: Session, store: ObservationStore, scope: Scope, data: bytes, *,
                   actor: str, now: datetime, max_bytes: int = 20_000_000) -> int:  # fmt: skip
    """Store the samples of a CSV or .xlsx file (one row a sample: well code, date, one column
    per indicator; :mod:`~qingshan.soil.groundwater.sample_import`): all rows or none, every bad
    row named."""
    parsed = parse_samples(data, max_bytes=max_bytes)
    rows = [SampleRow(p.well_code, p.sampled_on, p.values, where=p.where) for p in parsed]
    return add_samples(session, store, scope, rows, actor=actor, now=now)


# ---------------------------------------------------------------------------------------------
# a well's file
# ---------------------------------------------------------------------------------------------
def well_file(session: Session, store: ObservationStore, scope: Scope,
              ref: int | str) -> dict[str, Any]:  # fmt: skip
    """A well's file: the well, its class history (each sample's class and deciding
    indicators), its class by year (the worst sample of the year) and the series of each
    indicator it has values of (dates in CST, values in the indicator's unit)."""
    _readers(scope)
    site = _site(session, scope, ref)
    samples = list(session.scalars(select(GroundwaterSample).where(
        GroundwaterSample.site_id == site.id).order_by(GroundwaterSample.sampled_on)))  # fmt: skip
    by_year: dict[int, list[str]] = {}
    for s in samples:
        by_year.setdefault(s.sampled_on.year, []).append(s.klass)
    yearly = {y: worst_class(c) for y, c in sorted(by_year.items())}
    series = {s.id: s.parameter_code for s in session.scalars(select(Series).where(
        Series.site_id == site.id, Series.period == Period.DAY))}  # fmt: skip
    code_to_key = {parameter_code(k): k for k in gbt14848.INDICATORS}
    data = store.scan(list(series), None, None, period="day", streams=[STREAM],
                      columns=["value"]) if series else pd.DataFrame()  # fmt: skip
    out: dict[str, list[tuple[date, float]]] = {}
    for sid, part in data.groupby("series_id") if len(data) else []:
        key = code_to_key.get(series.get(int(sid), ""), series.get(int(sid), ""))
        times = pd.to_datetime(part["time"], utc=True).dt.tz_convert(CST)
        out[key] = [(t.date(), float(v)) for t, v in zip(times, part["value"], strict=True)
                    if not pd.isna(v)]  # fmt: skip
    view = _view(site, samples[-1] if samples else None, len(samples))
    return {"well": view, "samples": samples, "yearly": yearly,
            "series": dict(sorted(out.items()))}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# zones
# ---------------------------------------------------------------------------------------------
def _zone_rows(session: Session, scope: Scope) -> Any:
    return select(GroundwaterZone).where(scope.where(GroundwaterZone.region_code))


def add_zone(session: Session, scope: Scope, inp: ZoneInput, *, actor: str, now: datetime,
             synthetic: bool = False) -> GroundwaterZone:  # fmt: skip
    """Store one zone (its polygon checked; a code already used is refused)."""
    z = check_zone(inp)
    _can_write(scope, z.region_code)
    if session.scalar(select(GroundwaterZone.id).where(GroundwaterZone.code == z.code)):
        raise GroundwaterError(f"code: a zone {z.code!r} already exists", field="code")
    row = GroundwaterZone(code=z.code, name=z.name, kind=z.kind, region_code=z.region_code,
                          geometry=dict(z.geometry), area_km2=zone_area_km2(z.geometry),
                          note=z.note, synthetic=synthetic, updated_at=now, updated_by=actor)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def import_zones(session: Session, scope: Scope, data: bytes, *, actor: str, now: datetime,
                 replace: bool = False) -> int:  # fmt: skip
    """Store the zones of a GeoJSON FeatureCollection: every feature checked (polygon, kind,
    region in the writer's scope, code new unless ``replace``), all or none."""
    zones = read_zones_geojson(data)
    problems: list[str] = []
    for n, z in enumerate(zones, start=1):
        try:
            _can_write(scope, z.region_code)
        except Exception as exc:  # OutOfScope / PermissionDenied: named per feature
            problems.append(f"feature {n} ({z.code}): {exc}")
    existing = set(session.scalars(select(GroundwaterZone.code).where(
        GroundwaterZone.code.in_([z.code for z in zones]))))  # fmt: skip
    if existing and not replace:
        problems += [f"feature {n} ({z.code}): a zone of this code already exists"
                     for n, z in enumerate(zones, start=1) if z.code in existing]  # fmt: skip
    if problems:
        raise ImportRejected(problems, what="zone import")
    if existing:
        session.execute(delete(GroundwaterZone).where(GroundwaterZone.code.in_(sorted(existing))))
    for z in zones:
        add_zone(session, scope, z, actor=actor, now=now)
    return len(zones)


def list_zones(session: Session, scope: Scope, kind: str | None = None) -> list[GroundwaterZone]:
    _readers(scope)
    q = _zone_rows(session, scope)
    if kind is not None:
        if kind not in ZONE_KINDS:
            raise GroundwaterError(f"kind: unknown {kind!r}; known: {', '.join(ZONE_KINDS)}",
                                   field="kind")  # fmt: skip
        q = q.where(GroundwaterZone.kind == kind)
    return list(session.scalars(q.order_by(GroundwaterZone.code)))


def get_zone(session: Session, scope: Scope, ref: int | str) -> GroundwaterZone:
    _readers(scope)
    q = _zone_rows(session, scope)
    q = q.where(GroundwaterZone.id == ref) if isinstance(ref, int) else q.where(
        GroundwaterZone.code == ref)  # fmt: skip
    row = session.scalar(q)
    if row is None:
        raise ZoneNotFound(ref)
    return row


def zones_geojson(zones: Iterable[GroundwaterZone]) -> dict[str, Any]:
    """The zones as a GeoJSON FeatureCollection (RFC 7946; lon/lat)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": z.geometry,
                "properties": {
                    "id": z.id,
                    "code": z.code,
                    "name": z.name,
                    "kind": z.kind,
                    "kind_zh": ZONE_KINDS[z.kind][0],
                    "region_code": z.region_code,
                    "area_km2": z.area_km2,
                    "synthetic": z.synthetic,
                },
            }  # fmt: skip
            for z in zones
        ],
    }
