"""Responsible units (责任单位) and acceptance signers (签字人): who a case is dispatched to,
and who may sign its acceptance in which capacity for which region.

The ``*_in_scope`` functions are what an administrator (a province or city account) does on
the units page and through the API: everything within their region, and errors that say what
is wrong (a region outside it, a department without a category, a name already used, an
account that cannot sign)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.cases.errors import BadCaseInput, CaseConflict, CaseNotFound, NotPermitted
from qingshan.cases.models import CaseRecord, CaseSigner, ResponsibleUnit
from qingshan.cases.rules import check_category
from qingshan.cases.workflow import OPEN_STATES, Capacity
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import REGIONS, get_region, in_scope
from qingshan.timeutil import utcnow

__all__ = [
    "add_unit",
    "list_units",
    "grant_signer",
    "grant_signer_in_scope",
    "revoke_signer",
    "list_signers",
    "ADMINS",
    "check_admin",
    "add_unit_in_scope",
    "update_unit_in_scope",
    "units_in_scope",
    "open_cases_per_unit",
    "SignerGrantRow",
    "signers_in_scope",
    "revoke_signer_in_scope",
    "unsigned_regions",
    "regions_under",
]

#: who keeps the units and signers of their region
ADMINS = frozenset({Role.PROVINCE, Role.CITY})


def _region(field: str, code: str) -> str:
    try:
        get_region(code)
    except GeoError as exc:
        raise BadCaseInput(field, str(exc)) from exc
    return code


def add_unit(
    session: Session,
    name: str,
    kind: Capacity | str,
    region_code: str,
    categories: Iterable[str] = ("*",),
) -> ResponsibleUnit:
    """Add a responsible unit: a department (``kind="department"``) competent for
    ``categories`` (``"*"``: all), or a local government (``"government"``) of ``region_code``."""
    if not name.strip():
        raise BadCaseInput("name", "must not be empty")
    try:
        kind = Capacity(kind)
    except ValueError:
        raise BadCaseInput("kind", f"{kind!r}: department or government") from None
    cats = [c if c == "*" else check_category(c) for c in categories]
    unit = ResponsibleUnit(
        name=name.strip(), kind=kind, region_code=_region("region_code", region_code),
        categories=cats, active=True,
    )  # fmt: skip
    session.add(unit)
    session.flush()
    return unit


def list_units(session: Session, region_prefix: str = "") -> list[ResponsibleUnit]:
    """Active units whose region code starts with ``region_prefix``, by region and name."""
    return list(
        session.scalars(
            select(ResponsibleUnit)
            .where(
                ResponsibleUnit.active.is_(True),
                ResponsibleUnit.region_code.startswith(region_prefix, autoescape=True),
            )
            .order_by(ResponsibleUnit.region_code, ResponsibleUnit.name)
        )
    )


def grant_signer(
    session: Session,
    user: User,
    capacity: Capacity | str,
    region_code: str,
    *,
    by: str,
    now: datetime | None = None,
) -> CaseSigner:
    """Entitle ``user`` to sign acceptances as ``capacity`` (department or government) for cases
    in ``region_code`` and the regions under it (idempotent). Enterprise and public accounts
    are never signers."""
    if user.role in (Role.ENTERPRISE, Role.PUBLIC):
        raise BadCaseInput("user", f"{user.username} ({user.role.value}) cannot sign acceptances")
    try:
        capacity = Capacity(capacity)
    except ValueError:
        raise BadCaseInput("capacity", f"{capacity!r}: department or government") from None
    _region("region_code", region_code)
    row = session.scalar(
        select(CaseSigner).where(
            CaseSigner.user_id == user.id,
            CaseSigner.capacity == capacity,
            CaseSigner.region_code == region_code,
        )
    )
    if row is None:
        row = CaseSigner(
            user_id=user.id, capacity=capacity, region_code=region_code, granted_by=by,
            granted_at=now or utcnow(),
        )  # fmt: skip
        session.add(row)
        session.flush()
    return row


def revoke_signer(session: Session, user: User, capacity: Capacity | str, region_code: str) -> None:
    """Withdraw an entitlement (sign-offs already given stay)."""
    row = session.scalar(
        select(CaseSigner).where(
            CaseSigner.user_id == user.id,
            CaseSigner.capacity == Capacity(capacity),
            CaseSigner.region_code == region_code,
        )
    )
    if row is not None:
        session.delete(row)
        session.flush()


def list_signers(session: Session, user: User) -> list[CaseSigner]:
    return list(session.scalars(select(CaseSigner).where(CaseSigner.user_id == user.id)))


def grant_signer_in_scope(
    session: Session,
    scope: Scope,
    username: str,
    capacity: Capacity | str,
    region_code: str,
    *,
    now: datetime | None = None,
) -> CaseSigner:
    """An administrator (``scope``: province or city) entitles the account ``username`` of
    their region to sign for ``region_code`` within it (:func:`grant_signer`)."""
    if scope.role not in (Role.PROVINCE, Role.CITY):
        raise NotPermitted(f"{scope.username}: only province and city accounts grant signers")
    _region("region_code", region_code)
    scope.check_region(region_code)
    user = session.scalar(
        select(User).where(User.username == username, scope.where(User.region_code))
    )
    if user is None:
        raise CaseConflict("username", f"no account {username!r} in your region")
    if not in_scope(region_code, user.region_code):
        raise CaseConflict(
            "region_code",
            f"{username} ({user.region_code}) does not see the cases of {region_code}: an "
            "account signs for its own region or one under it",
        )
    return grant_signer(session, user, capacity, region_code, by=scope.username, now=now)


def check_admin(scope: Scope) -> None:
    """Raise :class:`NotPermitted` unless ``scope`` is a province or city account's."""
    if scope.role not in ADMINS:
        raise NotPermitted(
            f"{scope.username}: only province and city accounts keep units and signers"
        )


def _categories(kind: Capacity, categories: Iterable[str]) -> list[str]:
    cats = list(dict.fromkeys(c.strip() for c in categories if c.strip()))
    if "*" in cats:
        return ["*"]
    if not cats:
        if kind is Capacity.GOVERNMENT:
            return ["*"]  # the local government answers for every category of its region
        raise BadCaseInput(
            "categories",
            "a department needs the categories it is competent for (or all, '*')",
        )
    return [check_category(c) for c in cats]


def _check_name(session: Session, name: str, region_code: str, unit_id: int | None) -> str:
    name = name.strip()
    if not name:
        raise BadCaseInput("name", "must not be empty")
    if len(name) > 128:
        raise BadCaseInput("name", f"at most 128 characters, got {len(name)}")
    other = session.scalar(
        select(ResponsibleUnit.id).where(
            ResponsibleUnit.name == name,
            ResponsibleUnit.region_code == region_code,
            ResponsibleUnit.id != (unit_id or 0),
        )
    )
    if other is not None:
        raise CaseConflict("name", f"{region_code} already has a unit named {name!r} ({other})")
    return name


def add_unit_in_scope(
    session: Session,
    scope: Scope,
    name: str,
    kind: Capacity | str,
    region_code: str,
    categories: Iterable[str] = (),
) -> ResponsibleUnit:
    """An administrator adds a unit of a region within theirs: a department with the
    categories it is competent for (at least one, or ``*`` for all), or a local government
    (every category)."""
    check_admin(scope)
    try:
        kind = Capacity(kind)
    except ValueError:
        raise BadCaseInput("kind", f"{kind!r}: department or government") from None
    _region("region_code", region_code)
    scope.check_region(region_code)
    cats = _categories(kind, categories)
    name = _check_name(session, name, region_code, None)
    return add_unit(session, name, kind, region_code, cats)


def update_unit_in_scope(
    session: Session,
    scope: Scope,
    unit_id: int,
    *,
    name: str | None = None,
    categories: Iterable[str] | None = None,
    active: bool | None = None,
) -> ResponsibleUnit:
    """Rename a unit, change its categories, deactivate it (no longer offered for 交办 nor
    routed to; its cases keep it) or reactivate it. Its region and kind stay: a unit of
    another region or kind is another unit."""
    check_admin(scope)
    unit = session.get(ResponsibleUnit, unit_id)
    if unit is None or not in_scope(unit.region_code, scope.region_code):
        raise CaseNotFound(f"unit {unit_id}")
    if name is not None:
        unit.name = _check_name(session, name, unit.region_code, unit.id)
    if categories is not None:
        unit.categories = _categories(unit.kind, categories)
    if active is not None:
        unit.active = active
    session.flush()
    return unit


def units_in_scope(
    session: Session, scope: Scope, *, include_inactive: bool = True
) -> list[ResponsibleUnit]:
    """The units of ``scope``'s region and the regions under it, by region, kind and name
    (with the inactive ones, for the page that reactivates them)."""
    q = select(ResponsibleUnit).where(scope.where(ResponsibleUnit.region_code))
    if not include_inactive:
        q = q.where(ResponsibleUnit.active.is_(True))
    return list(
        session.scalars(
            q.order_by(ResponsibleUnit.region_code, ResponsibleUnit.kind, ResponsibleUnit.name)
        )
    )


def open_cases_per_unit(session: Session, unit_ids: Iterable[int]) -> dict[int, int]:
    """Open cases (registered … submitted, reopened) dispatched or routed to each unit."""
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(CaseRecord.unit_id, func.count())
        .where(CaseRecord.unit_id.in_(ids), CaseRecord.state.in_(OPEN_STATES))
        .group_by(CaseRecord.unit_id)
    ).all()
    return {int(u): int(n) for u, n in rows if u is not None}


@dataclass(frozen=True)
class SignerGrantRow:
    """A signer entitlement as the units page lists it."""

    id: int
    username: str
    role: Role
    user_region: str
    capacity: Capacity
    region_code: str
    granted_by: str
    granted_at: datetime


def signers_in_scope(session: Session, scope: Scope) -> list[SignerGrantRow]:
    """The entitlements for regions within ``scope``'s, by region, capacity and account."""
    rows = session.execute(
        select(CaseSigner, User.username, User.role, User.region_code)
        .join(User, User.id == CaseSigner.user_id)
        .where(scope.where(CaseSigner.region_code))
        .order_by(CaseSigner.region_code, CaseSigner.capacity, User.username)
    ).all()
    return [
        SignerGrantRow(
            g.id, name, role, region, g.capacity, g.region_code, g.granted_by, g.granted_at
        )  # fmt: skip
        for g, name, role, region in rows
    ]


def revoke_signer_in_scope(session: Session, scope: Scope, signer_id: int) -> SignerGrantRow:
    """An administrator withdraws an entitlement for a region within theirs (sign-offs given
    stay); returns what was withdrawn."""
    check_admin(scope)
    row = session.get(CaseSigner, signer_id)
    if row is None or not in_scope(row.region_code, scope.region_code):
        raise CaseNotFound(f"signer entitlement {signer_id}")
    user = session.get_one(User, row.user_id)
    out = SignerGrantRow(row.id, user.username, user.role, user.region_code, row.capacity,
                         row.region_code, row.granted_by, row.granted_at)  # fmt: skip
    session.delete(row)
    session.flush()
    return out


def unsigned_regions(
    grants: Iterable[SignerGrantRow], regions: Iterable[str]
) -> dict[str, list[Capacity]]:
    """Region → the capacities nobody may sign in there (an entitlement covers its region and
    those under it): where a case could not be accepted. Pure."""
    grants = list(grants)
    out = {}
    for code in regions:
        missing = [
            cap
            for cap in Capacity
            if not any(g.capacity is cap and in_scope(code, g.region_code) for g in grants)
        ]
        if missing:
            out[code] = missing
    return out


def regions_under(code: str) -> list[str]:
    """``code`` and every region under it (the province: its cities and counties)."""
    return [r for r in REGIONS if in_scope(r, code)]
