"""The emergency resources service (应急资源, issue #22): depots and their materials, rescue
teams and experts — listing, creating, importing — and the nearest-resource query.

Who: province, city and county officers read the resources of their region and write there;
enterprise and public callers are refused. Every record carries the county it lies in (placed
from its coordinates, which must lie in Zhejiang).

Road distance is approximated by the straight-line (great-circle) distance
(:mod:`qingshan.emergency.resources.distance`): the nearest query says so in its result.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_directory
from qingshan.emergency.resources import catalog
from qingshan.emergency.resources.distance import ROAD_NOTE, k_nearest
from qingshan.emergency.resources.errors import ImportRejected, ResourceError, ResourceNotFound
from qingshan.emergency.resources.importer import (
    KINDS,
    Known,
    RowError,
    check_row,
    parse_table,
    read_table,
)
from qingshan.emergency.resources.models import EmresDepot, EmresExpert, EmresMaterial, EmresTeam
from qingshan.emergency.resources.stock import expiry_status
from qingshan.errors import PermissionDenied
from qingshan.geo.counties import region_extent
from qingshan.geo.regions import in_scope, scope_prefix
from qingshan.tablefile import RowProblem, TableFileError
from qingshan.timeutil import CST, utcnow

__all__ = [
    "ImportReport",
    "NearestResult",
    "Nearby",
    "create_record",
    "depot_detail",
    "import_table",
    "list_depots",
    "list_experts",
    "list_materials",
    "list_teams",
    "nearest",
    "stock_summary",
    "today_cst",
]

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
MAX_K = 50


def today_cst() -> date:
    """Today in China Standard Time (expiry is a calendar day in Zhejiang)."""
    return utcnow().astimezone(CST).date()


def _officer(scope: Scope) -> None:
    if scope.role not in OFFICERS:
        raise PermissionDenied(
            f"emergency resources are for province, city and county officers, not {scope.role}"
        )


@dataclass(frozen=True)
class Nearby:
    """One resource found near the point: ``kind`` is "depot", "team" or "expert";
    ``distance_km`` the great-circle distance [km]; ``detail`` what the kind carries (a depot:
    owner and the matching usable stock lines; a team: size, specialities, phone; an expert:
    fields, organisation, phone, and whether the position is the region's centre)."""

    kind: str
    id: int
    code: str
    name: str
    region_code: str
    lon: float
    lat: float
    distance_km: float
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "code": self.code, "name": self.name,
                "region_code": self.region_code, "lon": self.lon, "lat": self.lat,
                "distance_km": round(self.distance_km, 2), "detail": self.detail}  # fmt: skip


@dataclass(frozen=True)
class NearestResult:
    """The k nearest depots (holding usable stock of ``category`` when given), teams (with
    ``speciality`` when given) and experts (in ``expert_field`` when given) to (lon, lat)."""

    lon: float
    lat: float
    k: int
    category: str | None
    speciality: str | None
    expert_field: str | None
    depots: list[Nearby]
    teams: list[Nearby]
    experts: list[Nearby]
    distance: str = "great_circle"
    note: str = ROAD_NOTE

    def as_dict(self) -> dict[str, Any]:
        return {"lon": self.lon, "lat": self.lat, "k": self.k, "category": self.category,
                "speciality": self.speciality, "field": self.expert_field,
                "distance": self.distance, "note": self.note,
                "depots": [d.as_dict() for d in self.depots],
                "teams": [t.as_dict() for t in self.teams],
                "experts": [e.as_dict() for e in self.experts]}  # fmt: skip


def _check_point(lon: float, lat: float) -> None:
    if not (isinstance(lon, int | float) and math.isfinite(lon) and -180 <= lon <= 180):
        raise ResourceError(f"longitude {lon!r} is not a degree value in [-180, 180]", field="lon")
    if not (isinstance(lat, int | float) and math.isfinite(lat) and -90 <= lat <= 90):
        raise ResourceError(f"latitude {lat!r} is not a degree value in [-90, 90]", field="lat")


def _check_code(vocabulary: str, code: str | None, name: str) -> None:
    if code is not None and catalog.term(vocabulary, code) is None:
        known = ", ".join(t.code for t in getattr(catalog, vocabulary)())
        raise ResourceError(f"unknown {name} {code!r}; known: {known}", field=name)


def _has(codes: str, code: str) -> bool:
    return code in codes.split(",")


def nearest(
    session: Session,
    scope: Scope,
    lon: float,
    lat: float,
    *,
    category: str | None = None,
    k: int = 5,
    speciality: str | None = None,
    field: str | None = None,
    today: date | None = None,
) -> NearestResult:
    """The ``k`` nearest depots, teams and experts of the caller's region to (``lon``,
    ``lat``) [degrees], nearest first, by great-circle distance (road distance approximated by
    the straight line — :data:`~qingshan.emergency.resources.distance.ROAD_NOTE`).

    ``category`` (a material category code of :func:`catalog.categories`) keeps the depots
    holding a usable line of it: quantity above zero and not expired on ``today`` (CST; default
    today). ``speciality`` keeps the teams with it, ``field`` the experts in it. An expert
    without a position is placed at the centre of their region (said in ``detail``).
    """
    _officer(scope)
    _check_point(lon, lat)
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise ResourceError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}", field="k")
    _check_code("categories", category, "category")
    _check_code("specialities", speciality, "speciality")
    _check_code("fields", field, "field")
    day = today or today_cst()

    depots = list(session.scalars(select(EmresDepot).where(scope.where(EmresDepot.region_code))))
    stock = _usable_stock(session, scope, category, day)
    if category is not None:
        depots = [d for d in depots if d.id in stock]
    teams = [
        t
        for t in session.scalars(select(EmresTeam).where(scope.where(EmresTeam.region_code)))
        if speciality is None or _has(t.specialities, speciality)
    ]
    experts = [
        e
        for e in session.scalars(select(EmresExpert).where(scope.where(EmresExpert.region_code)))
        if field is None or _has(e.fields, field)
    ]
    return NearestResult(
        float(lon), float(lat), k, category, speciality, field,
        _rank(lon, lat, k, [(d, (d.lon, d.lat)) for d in depots],
              lambda d, p, km: _depot_item(d, km, stock.get(d.id, []))),
        _rank(lon, lat, k, [(t, (t.lon, t.lat)) for t in teams], _team_item),
        _rank(lon, lat, k, [(e, _expert_position(e)) for e in experts], _expert_item),
    )  # fmt: skip


def _usable_stock(
    session: Session, scope: Scope, category: str | None, day: date
) -> dict[int, list[EmresMaterial]]:
    """The usable stock lines (quantity above zero, not expired on ``day``) by depot."""
    q = select(EmresMaterial).where(
        scope.where(EmresMaterial.region_code), EmresMaterial.quantity > 0
    )
    if category is not None:
        q = q.where(EmresMaterial.category == category)
    stock: dict[int, list[EmresMaterial]] = {}
    for m in session.scalars(q.order_by(EmresMaterial.id)):
        if m.expires_on is None or m.expires_on >= day:
            stock.setdefault(m.depot_id, []).append(m)
    return stock


def _rank(
    lon: float,
    lat: float,
    k: int,
    rows: list[tuple[Any, tuple[float, float]]],
    make: Callable[[Any, tuple[float, float], float], Nearby],
) -> list[Nearby]:
    if not rows:
        return []
    near = k_nearest(lon, lat, [p[0] for _, p in rows], [p[1] for _, p in rows], k)
    return [make(rows[i][0], rows[i][1], km) for i, km in near]


def _depot_item(d: EmresDepot, km: float, lines: list[EmresMaterial]) -> Nearby:
    items = [{"category": m.category, "name": m.name, "specification": m.specification,
              "quantity": m.quantity, "unit": m.unit,
              "expires_on": None if m.expires_on is None else m.expires_on.isoformat()}
             for m in lines[:10]]  # fmt: skip
    return Nearby("depot", d.id, d.code, d.name, d.region_code, d.lon, d.lat, km,
                  {"owner_kind": d.owner_kind, "owner_name": d.owner_name, "phone": d.phone,
                   "custodian": d.custodian, "lines": len(lines), "items": items})  # fmt: skip


def _team_item(t: EmresTeam, p: tuple[float, float], km: float) -> Nearby:
    return Nearby("team", t.id, t.code, t.name, t.region_code, t.lon, t.lat, km,
                  {"size": t.size, "specialities": t.specialities.split(","),
                   "contact": t.contact, "phone": t.phone, "base": t.base})  # fmt: skip


def _expert_item(e: EmresExpert, p: tuple[float, float], km: float) -> Nearby:
    return Nearby("expert", e.id, e.code, e.name, e.region_code, p[0], p[1], km,
                  {"fields": e.fields.split(","), "organisation": e.organisation,
                   "phone": e.phone, "region_centre": e.lon is None or e.lat is None})  # fmt: skip


def _expert_position(e: EmresExpert) -> tuple[float, float]:
    if e.lon is not None and e.lat is not None:
        return (e.lon, e.lat)
    return region_extent(e.region_code).center


# ---------------------------------------------------------------- writing: import and forms

_MODELS: dict[str, type[EmresDepot] | type[EmresMaterial] | type[EmresTeam] | type[EmresExpert]] = {
    "depots": EmresDepot, "materials": EmresMaterial, "teams": EmresTeam, "experts": EmresExpert}  # fmt: skip


@dataclass(frozen=True)
class ImportReport:
    """What an import stored: ``created`` new records, ``updated`` existing ones (same code;
    for materials the same depot, name and specification), their ids in row order."""

    kind: str
    created: int
    updated: int
    ids: list[int]


def _known(session: Session, scope: Scope) -> Known:
    depots = {d.code: (d.id, d.region_code)
              for d in session.scalars(select(EmresDepot).where(scope.where(EmresDepot.region_code)))}  # fmt: skip
    enterprises = {e.credit_code.upper(): e.id
                   for e in enterprise_directory(session, scope.region_code) if e.credit_code}  # fmt: skip
    return Known(depots=depots, enterprises=enterprises, today=today_cst())


def _existing(session: Session, kind: str, row: dict[str, Any]) -> Any:
    if kind == "materials":
        return session.scalars(select(EmresMaterial).where(
            EmresMaterial.depot_id == row["depot_id"], EmresMaterial.name == row["name"],
            EmresMaterial.specification == row["specification"])).first()  # fmt: skip
    model: Any = _MODELS[kind]
    return session.scalars(select(model).where(model.code == row["code"])).first()


def _store(session: Session, scope: Scope, kind: str, rows: list[tuple[int, dict[str, Any]]],
           sheet: str, *, synthetic: bool = False) -> ImportReport:  # fmt: skip
    """Store checked rows, all or none: a row outside the caller's region, or a code already
    used outside it, refuses the whole batch (:class:`ImportRejected`)."""
    problems: list[RowProblem] = []
    plan: list[tuple[Any, dict[str, Any]]] = []
    for n, row in rows:
        if not in_scope(row["region_code"], scope.region_code):
            problems.append(RowProblem(sheet, n, "", "", f"lies in {row['region_code']}, "
                                       f"outside your region {scope.region_code}"))  # fmt: skip
            continue
        old = _existing(session, kind, row)
        if old is not None and not in_scope(old.region_code, scope.region_code):
            problems.append(RowProblem(sheet, n, "", "", f"code {row.get('code')!r} is taken by "
                                       "a record outside your region"))  # fmt: skip
            continue
        plan.append((old, row))
    if problems:
        raise ImportRejected(kind, problems)
    now = utcnow()
    created = updated = 0
    ids: list[int] = []
    for old, row in plan:
        if old is None:
            old = _MODELS[kind](**row, synthetic=synthetic, updated_at=now)
            session.add(old)
            created += 1
        else:
            for k, v in row.items():
                setattr(old, k, v)
            old.updated_at = now
            updated += 1
        session.flush()
        ids.append(old.id)
    return ImportReport(kind, created, updated, ids)


def import_table(session: Session, scope: Scope, kind: str, data: bytes, *,
                 max_bytes: int) -> ImportReport:  # fmt: skip
    """Import a CSV or .xlsx file of ``kind`` (:data:`~.importer.KINDS`; layouts in
    :mod:`~qingshan.emergency.resources.importer`) for the caller's region: every row checked,
    every bad row named, and all stored or none (:class:`ImportRejected`)."""
    _officer(scope)
    if kind not in KINDS:
        raise ResourceError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}", field="kind")
    try:
        sheet, rows = read_table(data, max_bytes=max_bytes)
        parsed = parse_table(kind, sheet, rows, _known(session, scope))
    except TableFileError as exc:
        raise ResourceError(f"{kind} file: {exc}", field="file") from None
    if parsed.problems:
        raise ImportRejected(kind, parsed.problems)
    if not parsed.rows:
        raise ResourceError(f"{kind} file: no rows below the header", field="file")
    return _store(session, scope, kind, parsed.rows, sheet)


def create_record(session: Session, scope: Scope, kind: str, values: dict[str, Any], *,
                  synthetic: bool = False) -> int:  # fmt: skip
    """Create (or update, same code) one record of ``kind`` from a form or an API body given
    by English key (as the import's columns); :class:`ResourceError` naming the field."""
    _officer(scope)
    if kind not in KINDS:
        raise ResourceError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}", field="kind")
    try:
        row = check_row(kind, values, _known(session, scope))
    except RowError as exc:
        raise ResourceError(f"{kind}: {exc.key}: {exc}", field=exc.key) from None
    try:
        report = _store(session, scope, kind, [(1, row)], "", synthetic=synthetic)
    except ImportRejected as exc:
        raise ResourceError(
            f"{kind}: {exc.problems[0].split(': ', 1)[-1]}", field="region"
        ) from None
    return report.ids[0]


# ---------------------------------------------------------------- reading: lists and details


def list_depots(session: Session, scope: Scope, *, region: str | None = None,
                owner_kind: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The depots of the caller's region (optionally a sub-region or an owner kind), by code,
    each with its number of stock lines and of expired / expiring ones today."""
    _officer(scope)
    q = select(EmresDepot).where(scope.where(EmresDepot.region_code))
    if region:
        q = q.where(EmresDepot.region_code.startswith(scope_prefix(region), autoescape=True))
    if owner_kind:
        q = q.where(EmresDepot.owner_kind == owner_kind)
    depots = list(session.scalars(q.order_by(EmresDepot.code)))
    summary = stock_summary(session, scope, [d.id for d in depots])
    return [_depot_dict(d) | summary.get(d.id, {"lines": 0, "expired": 0, "expiring": 0})
            for d in depots]  # fmt: skip


def stock_summary(session: Session, scope: Scope, depot_ids: list[int],
                  today: date | None = None) -> dict[int, dict[str, int]]:  # fmt: skip
    """depot id → {lines, expired, expiring} (expiring within
    :data:`~qingshan.emergency.resources.stock.EXPIRING_DAYS` days)."""
    day = today or today_cst()
    out: dict[int, dict[str, int]] = {}
    if not depot_ids:
        return out
    q = select(EmresMaterial.depot_id, EmresMaterial.expires_on).where(
        scope.where(EmresMaterial.region_code), EmresMaterial.depot_id.in_(depot_ids)
    )
    for depot_id, expires in session.execute(q):
        s = out.setdefault(depot_id, {"lines": 0, "expired": 0, "expiring": 0})
        s["lines"] += 1
        status = expiry_status(expires, day)
        if status in ("expired", "expiring"):
            s[status] += 1
    return out


def list_materials(session: Session, scope: Scope, *, category: str | None = None,
                   depot_id: int | None = None, status: str | None = None, q: str | None = None,
                   region: str | None = None, today: date | None = None,
                   limit: int = 2000) -> list[dict[str, Any]]:  # fmt: skip
    """The stock lines of the caller's region, filtered by category, depot, expiry status
    ("expired", "expiring", "ok", "none"), a name fragment and a sub-region; each with its
    depot's code and name and its expiry status today. Expired first, then by expiry."""
    _officer(scope)
    _check_code("categories", category, "category")
    if status is not None and status not in ("expired", "expiring", "ok", "none"):
        raise ResourceError(
            f"unknown status {status!r}: expired, expiring, ok or none", field="status"
        )
    day = today or today_cst()
    stmt = (select(EmresMaterial, EmresDepot.code, EmresDepot.name)
            .join(EmresDepot, EmresDepot.id == EmresMaterial.depot_id)
            .where(scope.where(EmresMaterial.region_code)))  # fmt: skip
    if category:
        stmt = stmt.where(EmresMaterial.category == category)
    if depot_id is not None:
        stmt = stmt.where(EmresMaterial.depot_id == depot_id)
    if q:
        stmt = stmt.where(EmresMaterial.name.contains(q, autoescape=True))
    if region:
        stmt = stmt.where(
            EmresMaterial.region_code.startswith(scope_prefix(region), autoescape=True)
        )
    rows: list[dict[str, Any]] = []
    for m, dcode, dname in session.execute(stmt.order_by(EmresMaterial.id)):
        st = expiry_status(m.expires_on, day)
        if status is None or st == status:
            rows.append({"id": m.id, "depot_id": m.depot_id, "depot_code": dcode, "depot_name": dname,
                         "region_code": m.region_code, "category": m.category, "name": m.name,
                         "specification": m.specification, "quantity": m.quantity, "unit": m.unit,
                         "custodian": m.custodian, "produced_on": m.produced_on,
                         "expires_on": m.expires_on, "holding": m.holding, "status": st,
                         "synthetic": m.synthetic})  # fmt: skip
    order = {"expired": 0, "expiring": 1, "ok": 2, "none": 3}
    rows.sort(key=lambda r: (order[r["status"]], r["expires_on"] or date.max, r["id"]))
    return rows[:limit]


def list_teams(session: Session, scope: Scope, *, speciality: str | None = None,
               region: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The rescue teams of the caller's region (optionally with a speciality), by code."""
    _officer(scope)
    _check_code("specialities", speciality, "speciality")
    q = select(EmresTeam).where(scope.where(EmresTeam.region_code))
    if region:
        q = q.where(EmresTeam.region_code.startswith(scope_prefix(region), autoescape=True))
    return [{"id": t.id, "code": t.code, "name": t.name, "size": t.size,
             "specialities": t.specialities.split(","), "contact": t.contact, "phone": t.phone,
             "base": t.base, "region_code": t.region_code, "lon": t.lon, "lat": t.lat,
             "synthetic": t.synthetic}
            for t in session.scalars(q.order_by(EmresTeam.code))
            if speciality is None or _has(t.specialities, speciality)]  # fmt: skip


def list_experts(session: Session, scope: Scope, *, field: str | None = None,
                 region: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The experts of the caller's region (optionally in a field), by code."""
    _officer(scope)
    _check_code("fields", field, "field")
    q = select(EmresExpert).where(scope.where(EmresExpert.region_code))
    if region:
        q = q.where(EmresExpert.region_code.startswith(scope_prefix(region), autoescape=True))
    return [{"id": e.id, "code": e.code, "name": e.name, "fields": e.fields.split(","),
             "organisation": e.organisation, "phone": e.phone, "region_code": e.region_code,
             "lon": e.lon, "lat": e.lat, "synthetic": e.synthetic}
            for e in session.scalars(q.order_by(EmresExpert.code))
            if field is None or _has(e.fields, field)]  # fmt: skip


def _depot_dict(d: EmresDepot) -> dict[str, Any]:
    return {"id": d.id, "code": d.code, "name": d.name, "owner_kind": d.owner_kind,
            "owner_name": d.owner_name, "enterprise_id": d.enterprise_id,
            "region_code": d.region_code, "lon": d.lon, "lat": d.lat, "address": d.address,
            "custodian": d.custodian, "phone": d.phone, "synthetic": d.synthetic}  # fmt: skip


def depot_detail(session: Session, scope: Scope, depot_id: int,
                 today: date | None = None) -> dict[str, Any]:  # fmt: skip
    """One depot of the caller's region with all its stock lines (as :func:`list_materials`);
    :class:`ResourceNotFound` when unknown or outside the region."""
    _officer(scope)
    d = session.get(EmresDepot, depot_id)
    if d is None or not in_scope(d.region_code, scope.region_code):
        raise ResourceNotFound(f"no depot {depot_id} in your region", depot=depot_id)
    return _depot_dict(d) | {
        "materials": list_materials(session, scope, depot_id=d.id, today=today)
    }
