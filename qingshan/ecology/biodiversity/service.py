"""The biodiversity survey service (生物多样性调查, issue #25; plan item 9.1): the key survey
areas and their progress, species occurrence records (Darwin Core shape) with their protected /
invasive flags, the records' import (all rows or none) and the Darwin Core CSV export.

Who: province, city and county officers read their region and record species there (a survey
is field work: counties write their own); survey areas and their dates are set by province and
city officers. Enterprise and public callers are refused. Every record carries the county its
coordinates fall in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.ecology.biodiversity import lists
from qingshan.ecology.biodiversity.models import EcoOccurrence, EcoSurveyArea
from qingshan.ecology.biodiversity.progress import Progress, area_status, progress
from qingshan.ecology.biodiversity.records import (
    ALIASES,
    COLUMNS,
    DWC_EXPORT_TERMS,
    REQUIRED,
    Known,
    check_record,
    dwc_row,
)
from qingshan.ecology.errors import EcologyError, EcologyNotFound, ImportRejected
from qingshan.ecology.table import ImportReport, RowError, parse_file
from qingshan.errors import PermissionDenied
from qingshan.geo.counties import county_at
from qingshan.geo.regions import REGIONS, in_scope
from qingshan.tablefile import RowProblem
from qingshan.timeutil import cst_today, utcnow

__all__ = [
    "ImportReport",
    "area_detail",
    "area_progress",
    "can_manage_areas",
    "export_dwc",
    "import_records",
    "list_areas",
    "record_one",
    "save_area",
    "save_records",
    "set_area_dates",
    "today_cst",
]

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
AREA_WRITERS = (Role.PROVINCE, Role.CITY)


def today_cst() -> date:
    """Today in China Standard Time (survey dates are calendar days in Zhejiang)."""
    return cst_today()


def _officer(scope: Scope) -> None:
    if scope.role not in OFFICERS:
        raise PermissionDenied(
            f"biodiversity surveys are for province, city and county officers, not {scope.role}"
        )


def can_manage_areas(scope: Scope) -> bool:
    """Whether ``scope`` may set survey areas and their dates (province and city officers)."""
    return scope.role in AREA_WRITERS


def _flags(name: str) -> dict[str, Any]:
    found = lists.flag_of(name)
    prot = next((f for f in found if f.kind == "protected"), None)
    inv = next((f for f in found if f.kind == "invasive"), None)
    return {"protected": None if prot is None else prot.level,
            "protected_list": None if prot is None else prot.list_key,
            "invasive": inv is not None,
            "confidence": ", ".join(sorted({f.confidence for f in found}))}  # fmt: skip


def _area_dict(a: EcoSurveyArea, on: date) -> dict[str, Any]:
    return {"id": a.id, "code": a.code, "name": a.name, "name_en": a.name_en,
            "ecosystem": a.ecosystem, "region_code": a.region_code, "lon": a.lon, "lat": a.lat,
            "area_km2": a.area_km2, "geometry": a.geometry, "planned_start": a.planned_start,
            "started_on": a.started_on, "finished_on": a.finished_on,
            "status": area_status(a.started_on, a.finished_on, on),
            "synthetic": a.synthetic}  # fmt: skip


def list_areas(session: Session, scope: Scope, *, on: date | None = None) -> list[dict[str, Any]]:
    """The survey areas of the caller's region (by code) with their status on ``on`` (default
    today, CST) and their records, species, protected and invasive species counts."""
    _officer(scope)
    day = on or today_cst()
    areas = list(
        session.scalars(
            select(EcoSurveyArea)
            .where(scope.where(EcoSurveyArea.region_code))
            .order_by(EcoSurveyArea.code)
        )
    )
    names: dict[int, dict[str, int]] = {}
    q = (
        select(EcoOccurrence.survey_area_id, EcoOccurrence.scientific_name, func.count())
        .where(EcoOccurrence.survey_area_id.in_([a.id for a in areas]))
        .group_by(EcoOccurrence.survey_area_id, EcoOccurrence.scientific_name)
    )
    for area_id, name, n in session.execute(q):
        if area_id is not None:
            names.setdefault(area_id, {})[name] = n
    out = []
    for a in areas:
        sp = names.get(a.id, {})
        flags = [_flags(n) for n in sp]
        out.append(_area_dict(a, day) | {
            "records": sum(sp.values()), "species": len(sp),
            "protected": sum(1 for f in flags if f["protected"]),
            "invasive": sum(1 for f in flags if f["invasive"])})  # fmt: skip
    return out


def area_progress(session: Session, region_code: str, on: date) -> Progress:
    """The survey areas of ``region_code`` (their centre's county within it) by status on
    ``on`` — the basis of KPI ``ecology.survey_areas_done`` (plan 9.1)."""
    rows = session.execute(
        select(EcoSurveyArea.region_code, EcoSurveyArea.started_on, EcoSurveyArea.finished_on)
    )
    return progress(area_status(s, f, on) for code, s, f in rows if in_scope(code, region_code))


def _area(session: Session, scope: Scope, area_id: int) -> EcoSurveyArea:
    a = session.get(EcoSurveyArea, area_id)
    if a is None or not in_scope(a.region_code, scope.region_code):
        raise EcologyNotFound(f"no survey area {area_id} in your region {scope.region_code}")
    return a


def area_detail(
    session: Session, scope: Scope, area_id: int, *, on: date | None = None, limit: int = 200
) -> dict[str, Any]:
    """One survey area: its status, the species recorded (records, individuals, last seen,
    protected level, invasive flag; protected first, then invasive, then by records) and the
    latest ``limit`` records. 404 outside the caller's region."""
    _officer(scope)
    a = _area(session, scope, area_id)
    day = on or today_cst()
    q = (
        select(
            EcoOccurrence.scientific_name,
            func.max(EcoOccurrence.vernacular_name),
            func.max(EcoOccurrence.class_name),
            func.count(),
            func.sum(EcoOccurrence.individual_count),
            func.max(EcoOccurrence.event_date),
        )
        .where(EcoOccurrence.survey_area_id == a.id)
        .group_by(EcoOccurrence.scientific_name)
    )
    species: list[dict[str, Any]] = []
    for name, zh, cls, n, ind, last in session.execute(q):
        species.append({"scientific_name": name, "vernacular_name": zh or "", "class_name": cls or "",
                        "records": n, "individuals": ind, "last_seen": last} | _flags(name))  # fmt: skip
    species.sort(key=lambda s: (s["protected"] is None, s["protected"] or "", not s["invasive"],
                                -s["records"], s["scientific_name"]))  # fmt: skip
    recs = session.scalars(
        select(EcoOccurrence)
        .where(EcoOccurrence.survey_area_id == a.id)
        .order_by(EcoOccurrence.event_date.desc(), EcoOccurrence.id.desc())
        .limit(limit)
    )
    records = [_record_dict(r) for r in recs]
    return _area_dict(a, day) | {
        "species_list": species, "records_list": records,
        "records": sum(s["records"] for s in species), "species": len(species),
        "protected": sum(1 for s in species if s["protected"]),
        "invasive": sum(1 for s in species if s["invasive"]),
    }  # fmt: skip


def _record_dict(r: EcoOccurrence) -> dict[str, Any]:
    return {"id": r.id, "occurrence_id": r.occurrence_id, "scientific_name": r.scientific_name,
            "vernacular_name": r.vernacular_name, "taxon_rank": r.taxon_rank,
            "class_name": r.class_name, "family": r.family, "event_date": r.event_date,
            "lat": r.lat, "lon": r.lon, "recorded_by": r.recorded_by,
            "basis_of_record": r.basis_of_record, "individual_count": r.individual_count,
            "region_code": r.region_code, "synthetic": r.synthetic} | _flags(r.scientific_name)  # fmt: skip


def _known(session: Session, scope: Scope, today: date | None) -> Known:
    areas = session.execute(
        select(EcoSurveyArea.code, EcoSurveyArea.id).where(scope.where(EcoSurveyArea.region_code))
    )
    return Known(areas={c: i for c, i in areas}, today=today or today_cst())


def save_records(
    session: Session, scope: Scope, rows: Sequence[Mapping[str, Any]], *, synthetic: bool = False
) -> ImportReport:
    """Store checked records (:func:`~qingshan.ecology.biodiversity.records.check_record`)
    lying in the caller's region; a stored occurrenceID is replaced. Commits once."""
    _officer(scope)
    for r in rows:
        if not in_scope(r["region_code"], scope.region_code):
            raise EcologyError(f"record {r['occurrence_id']} lies in county {r['region_code']}, "
                               f"outside your region {scope.region_code}", field="lon")  # fmt: skip
    stored = {
        o.occurrence_id: o
        for o in session.scalars(
            select(EcoOccurrence).where(
                EcoOccurrence.occurrence_id.in_([r["occurrence_id"] for r in rows])
            )
        )
    }
    now = utcnow()
    created = updated = 0
    for r in rows:
        o = stored.get(r["occurrence_id"])
        if o is None:
            o = EcoOccurrence(occurrence_id=r["occurrence_id"], created_at=now)
            session.add(o)
            created += 1
        else:
            if not in_scope(o.region_code, scope.region_code):
                raise EcologyError(f"occurrenceID {o.occurrence_id} is a record of another "
                                   "region", field="occurrence_id")  # fmt: skip
            updated += 1
        for key, value in r.items():
            if key != "occurrence_id":
                setattr(o, key, value)
        o.synthetic = synthetic
    session.commit()
    return ImportReport(created, updated)


def import_records(
    session: Session, scope: Scope, data: bytes, *, max_bytes: int, today: date | None = None
) -> ImportReport:
    """Import a CSV / .xlsx of records with Darwin Core headers (:data:`COLUMNS`): every row
    or none — :class:`ImportRejected` names every bad row (no place, no date, outside Zhejiang,
    outside the caller's region, …)."""
    _officer(scope)
    known = _known(session, scope, today)
    sheet, parsed = parse_file(
        data,
        max_bytes=max_bytes,
        what="species records",
        columns=COLUMNS,
        required=REQUIRED,
        check=lambda c: check_record(c, known),
        identity=lambda r: r["occurrence_id"],
        aliases=ALIASES,
        blank_check=False,
    )
    problems = list(parsed.problems)
    for n, r in parsed.rows:
        if not in_scope(r["region_code"], scope.region_code):
            problems.append(RowProblem(sheet, n, "", "decimalLongitude",
                                       f"({r['lon']}, {r['lat']}) lies in county "
                                       f"{r['region_code']}, outside your region "
                                       f"{scope.region_code}"))  # fmt: skip
    other = set(
        session.scalars(
            select(EcoOccurrence.occurrence_id).where(
                EcoOccurrence.occurrence_id.in_([r["occurrence_id"] for _, r in parsed.rows]),
                ~scope.where(EcoOccurrence.region_code),
            )
        )
    )
    for n, r in parsed.rows:
        if r["occurrence_id"] in other:
            problems.append(RowProblem(sheet, n, "A", "occurrenceID",
                                       f"occurrenceID {r['occurrence_id']} is a record of "
                                       "another region"))  # fmt: skip
    if problems:
        raise ImportRejected("species records", sorted(problems, key=lambda p: p.row))
    if not parsed.rows:
        raise ImportRejected("species records", [RowProblem(sheet, 0, "", "", "no data row")])
    return save_records(session, scope, [r for _, r in parsed.rows])


def record_one(
    session: Session, scope: Scope, values: Mapping[str, Any], *, today: date | None = None
) -> ImportReport:
    """One record from a form or the API (the keys of :data:`COLUMNS`' values)."""
    _officer(scope)
    try:
        row = check_record(values, _known(session, scope, today))
    except RowError as exc:
        raise EcologyError(str(exc), field=exc.key) from None
    return save_records(session, scope, [row])


def export_dwc(
    session: Session, scope: Scope, *, area_id: int | None = None
) -> tuple[tuple[str, ...], list[list[Any]]]:
    """The records of the caller's region (or all of one survey area of the region when
    ``area_id``, as its page shows them) as Darwin Core CSV columns (:data:`DWC_EXPORT_TERMS`) and rows; occurrenceRemarks carries the list flags
    and "synthetic" for demo records."""
    _officer(scope)
    if area_id is None:
        q = select(EcoOccurrence).where(scope.where(EcoOccurrence.region_code))
    else:  # an area of the caller's region: all its records, as its page shows them (an
        # outline may cross into a neighbouring county)
        q = select(EcoOccurrence).where(
            EcoOccurrence.survey_area_id == _area(session, scope, area_id).id
        )
    areas = {a.id: a for a in session.scalars(select(EcoSurveyArea))}
    out = []
    for r in session.scalars(q.order_by(EcoOccurrence.event_date, EcoOccurrence.occurrence_id)):
        a = areas.get(r.survey_area_id) if r.survey_area_id is not None else None
        region = REGIONS.get(r.region_code)
        remarks = []
        f = _flags(r.scientific_name)
        if f["protected"]:
            remarks.append(f"国家{f['protected']}级重点保护 ({f['protected_list']})")
        if f["invasive"]:
            remarks.append("重点管理外来入侵物种 (invasive_2022)")
        if r.synthetic:
            remarks.append("synthetic")
        out.append(dwc_row(r, county="" if region is None else region.name,
                           area_code="" if a is None else a.code,
                           area_name="" if a is None else a.name, remarks=remarks))  # fmt: skip
    return DWC_EXPORT_TERMS, out


def save_area(
    session: Session, scope: Scope, values: Mapping[str, Any], *, synthetic: bool = False
) -> int:
    """Create or update (same code) a survey area: code, name, name_en, ecosystem, geometry
    (a GeoJSON Polygon in lon/lat), area_km2, planned_start, started_on, finished_on. Its
    county is the one of the outline's centre, which must lie in Zhejiang and the caller's
    region. Returns the id."""
    if not can_manage_areas(scope):
        raise PermissionDenied(
            f"survey areas are set by province and city officers, not {scope.role}"
        )
    geom = values.get("geometry")
    if not isinstance(geom, dict) or geom.get("type") != "Polygon" or not geom.get("coordinates"):
        raise EcologyError("geometry must be a GeoJSON Polygon", field="geometry")
    ring = geom["coordinates"][0]
    if len(ring) < 4:
        raise EcologyError("a polygon's ring needs at least 4 positions", field="geometry")
    lon = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
    lat = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
    county = county_at(lon, lat)
    if county is None:
        raise EcologyError(f"the area's centre ({lon:.4f}, {lat:.4f}) lies outside Zhejiang",
                           field="geometry")  # fmt: skip
    if not in_scope(str(county), scope.region_code):
        raise EcologyError(
            f"the area lies in county {county}, outside your region", field="geometry"
        )
    _check_dates(values.get("started_on"), values.get("finished_on"))
    code = str(values["code"])
    a = session.scalar(select(EcoSurveyArea).where(EcoSurveyArea.code == code))
    if a is None:
        a = EcoSurveyArea(code=code)
        session.add(a)
    a.name, a.name_en = str(values["name"]), str(values.get("name_en", ""))
    a.ecosystem = str(values.get("ecosystem", ""))
    a.geometry, a.lon, a.lat, a.region_code = geom, lon, lat, str(county)
    a.area_km2 = float(values.get("area_km2") or 0.0)
    a.planned_start = values.get("planned_start")
    a.started_on, a.finished_on = values.get("started_on"), values.get("finished_on")
    a.synthetic = synthetic
    a.updated_at = utcnow()
    session.commit()
    return a.id


def _check_dates(started: date | None, finished: date | None) -> None:
    if finished is not None and started is None:
        raise EcologyError("a survey cannot finish before it starts: started_on is missing",
                           field="started_on")  # fmt: skip
    if started is not None and finished is not None and finished < started:
        raise EcologyError(f"finished_on {finished} is before started_on {started}",
                           field="finished_on")  # fmt: skip


def set_area_dates(
    session: Session, scope: Scope, area_id: int, *, started_on: date | None,
    finished_on: date | None, today: date | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Set a survey area's start and finish (its status follows): a finish without a start,
    before the start, or a date after today is refused."""
    if not can_manage_areas(scope):
        raise PermissionDenied(
            f"survey dates are set by province and city officers, not {scope.role}"
        )
    a = _area(session, scope, area_id)
    day = today or today_cst()
    for name, d in (("started_on", started_on), ("finished_on", finished_on)):
        if d is not None and d > day:
            raise EcologyError(f"{name} {d} is after today {day}", field=name)
    _check_dates(started_on, finished_on)
    a.started_on, a.finished_on = started_on, finished_on
    a.updated_at = utcnow()
    session.commit()
    return _area_dict(a, day)
