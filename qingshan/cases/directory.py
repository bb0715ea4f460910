"""Responsible units (责任单位) and acceptance signers (签字人): who a case is dispatched to,
and who may sign its acceptance in which capacity for which region."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.cases.errors import BadCaseInput, CaseConflict, NotPermitted
from qingshan.cases.models import CaseSigner, ResponsibleUnit
from qingshan.cases.rules import check_category
from qingshan.cases.workflow import Capacity
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import get_region
from qingshan.timeutil import utcnow

__all__ = [
    "add_unit",
    "list_units",
    "grant_signer",
    "grant_signer_in_scope",
    "revoke_signer",
    "list_signers",
]


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
    return grant_signer(session, user, capacity, region_code, by=scope.username, now=now)
