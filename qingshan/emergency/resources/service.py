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
from qingshan.emergency.resources import catalog
from qingshan.emergency.resources.distance import ROAD_NOTE, k_nearest
from qingshan.emergency.resources.errors import ResourceError
from qingshan.emergency.resources.models import EmresDepot, EmresExpert, EmresMaterial, EmresTeam
from qingshan.errors import PermissionDenied
from qingshan.geo.counties import region_extent
from qingshan.timeutil import CST, utcnow

__all__ = ["NearestResult", "Nearby", "nearest", "today_cst"]

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
