"""Enterprise accounts (企业账号): the bureau creates them, or an enterprise applies at
/register and a bureau account of its region approves or rejects the application.

- :func:`register` — no login: the 统一社会信用代码 must pass the GB 32100-2015 check
  (:func:`qingshan.archive.credit_code.validate_credit_code`) and name an enterprise of the
  archive; the username must be free (accounts and pending applications); the password follows
  the house rules (:func:`qingshan.accounts.service.check_password`) and is stored only as its
  Argon2 hash. One pending application per enterprise at a time. No account exists until
  approval, so a pending applicant cannot log in.
- :func:`registration_status` — the applicant's own view (username and password).
- :func:`approve` / :func:`reject` — a province, city or county account whose region holds the
  enterprise; rejecting needs a reason; approving creates the enterprise account (the
  application's password hash, bound to the enterprise through the accounts' user–enterprise
  link).
- :func:`create_enterprise_account` — the bureau creates an account for one or more enterprises
  of its region.

Every change is a row change and so audited (:mod:`qingshan.audit.log`); the web and API layers
set who acted (the officer, or ``applicant:<username>``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.errors import AccountError, DuplicateUser
from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.accounts.security import hash_password, verify_dummy, verify_password
from qingshan.accounts.service import check_password, create_user, link_enterprise
from qingshan.archive.credit_code import validate_credit_code
from qingshan.archive.errors import InvalidCreditCode
from qingshan.archive.service import directory_entry, find_enterprise
from qingshan.geo.regions import in_scope
from qingshan.portal.onboarding.errors import (
    OnboardingError,
    OnboardingNotPermitted,
    RegistrationDecided,
    RegistrationNotFound,
)
from qingshan.portal.onboarding.models import Registration
from qingshan.timeutil import utcnow

__all__ = [
    "RegistrationView",
    "AccountView",
    "register",
    "registration_status",
    "pending_registrations",
    "list_registrations",
    "approve",
    "reject",
    "create_enterprise_account",
    "enterprise_accounts",
]

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$")
_PHONE = re.compile(r"^[0-9+\- ]{7,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class RegistrationView:
    """An application as the pages show it (never the password hash)."""

    id: int
    credit_code: str
    enterprise_id: int
    enterprise_name: str
    region_code: str
    contact_name: str
    contact_phone: str
    contact_email: str
    username: str
    state: str
    submitted_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    reason: str
    synthetic: bool


@dataclass(frozen=True)
class AccountView:
    """An enterprise account and the enterprises it acts for."""

    id: int
    username: str
    display_name: str
    region_code: str
    active: bool
    enterprises: list[tuple[int, str]]
    created_at: datetime


def _view(session: Session, r: Registration) -> RegistrationView:
    entry = directory_entry(session, r.enterprise_id)
    return RegistrationView(
        id=r.id, credit_code=r.credit_code, enterprise_id=r.enterprise_id,
        enterprise_name=entry.name if entry else str(r.enterprise_id), region_code=r.region_code,
        contact_name=r.contact_name, contact_phone=r.contact_phone,
        contact_email=r.contact_email, username=r.username, state=r.state,
        submitted_at=r.submitted_at, reviewed_by=r.reviewed_by, reviewed_at=r.reviewed_at,
        reason=r.reason, synthetic=r.synthetic,
    )  # fmt: skip


def _username_taken(session: Session, username: str) -> bool:
    low = username.lower()
    if session.scalar(select(User.id).where(func.lower(User.username) == low)) is not None:
        return True
    pending = select(Registration.id).where(
        func.lower(Registration.username) == low, Registration.state == "pending"
    )
    return session.scalar(pending) is not None


def _check_username(username: str) -> str:
    username = username.strip()
    if not _USERNAME.match(username):
        raise OnboardingError(
            f"username {username!r}: 3–32 letters, digits, '_', '.' or '-', starting with a "
            "letter or digit",
            field="username",
        )
    return username


def register(
    session: Session,
    *,
    credit_code: str,
    contact_name: str,
    contact_phone: str,
    username: str,
    password: str,
    contact_email: str = "",
    address: str = "",
    synthetic: bool = False,
    now: datetime | None = None,
) -> RegistrationView:
    """File an enterprise's application for an account (see the module)."""
    try:
        code = validate_credit_code(credit_code).code
    except InvalidCreditCode as exc:
        raise OnboardingError(str(exc), field="credit_code") from exc
    found = find_enterprise(session, code)
    if found is None:
        raise OnboardingError(
            f"统一社会信用代码 {code} is not in the enterprise archive (一企一档): ask the "
            "bureau to file the enterprise first",
            field="credit_code",
        )
    enterprise_id, region_code = found
    contact_name = " ".join(contact_name.split())
    if not contact_name or len(contact_name) > 64:
        raise OnboardingError("contact name: 1–64 characters", field="contact_name")
    contact_phone = contact_phone.strip()
    if not _PHONE.match(contact_phone):
        raise OnboardingError(
            f"contact phone {contact_phone!r}: 7–20 digits (with +, - or spaces)",
            field="contact_phone",
        )
    contact_email = contact_email.strip()
    if contact_email and (len(contact_email) > 128 or not _EMAIL.match(contact_email)):
        raise OnboardingError(
            f"contact email {contact_email!r} is not an address", field="contact_email"
        )
    username = _check_username(username)
    try:
        check_password(password, username)
    except AccountError as exc:
        raise OnboardingError(str(exc), field="password") from exc
    if _username_taken(session, username):
        raise OnboardingError(f"username {username!r} is taken", field="username")
    open_one = session.scalar(
        select(Registration.id).where(
            Registration.enterprise_id == enterprise_id, Registration.state == "pending"
        )
    )
    if open_one is not None:
        raise OnboardingError(
            f"enterprise {code} already has an application waiting for the bureau "
            f"(no. {open_one}): its state is on /register/status",
            field="credit_code",
        )
    r = Registration(
        credit_code=code, enterprise_id=enterprise_id, region_code=region_code,
        contact_name=contact_name, contact_phone=contact_phone, contact_email=contact_email,
        username=username, password_hash=hash_password(password), state="pending",
        submitted_at=now or utcnow(), address=address[:64], reason="", synthetic=synthetic,
    )  # fmt: skip
    session.add(r)
    session.flush()
    return _view(session, r)


def registration_status(session: Session, username: str, password: str) -> RegistrationView:
    """The newest application of ``username`` if ``password`` is its password;
    :class:`RegistrationNotFound` otherwise (one answer, one Argon2 check's time, for an
    unknown username and a wrong password)."""
    r = session.scalar(
        select(Registration)
        .where(func.lower(Registration.username) == username.strip().lower())
        .order_by(Registration.submitted_at.desc(), Registration.id.desc())
        .limit(1)
    )
    if r is None:
        verify_dummy(password)
        raise RegistrationNotFound("no application with this username and password")
    if not verify_password(password, r.password_hash):
        raise RegistrationNotFound("no application with this username and password")
    return _view(session, r)


def _officer(scope: Scope) -> None:
    if scope.role not in OFFICERS:
        raise OnboardingNotPermitted(
            f"{scope.username} ({scope.role.value}): only bureau accounts review applications "
            "and create enterprise accounts"
        )


def list_registrations(
    session: Session, scope: Scope, *, state: str | None = None, limit: int = 100
) -> list[RegistrationView]:
    """Applications of enterprises in the officer's region, newest first."""
    _officer(scope)
    q = select(Registration).where(scope.where(Registration.region_code))
    if state is not None:
        q = q.where(Registration.state == state)
    q = q.order_by(Registration.submitted_at.desc(), Registration.id.desc()).limit(
        max(1, min(limit, 500))
    )
    return [_view(session, r) for r in session.scalars(q)]


def pending_registrations(session: Session, scope: Scope) -> list[RegistrationView]:
    """The applications waiting for a bureau account of the officer's region."""
    return list_registrations(session, scope, state="pending")


def _pending(session: Session, scope: Scope, registration_id: int, event: str) -> Registration:
    _officer(scope)
    r = session.get(Registration, registration_id)
    if r is None or not in_scope(r.region_code, scope.region_code):
        raise RegistrationNotFound(
            f"application {registration_id} not found in {scope.region_code}"
        )
    if r.state != "pending":
        raise RegistrationDecided(event, r.state)
    return r


def approve(
    session: Session, scope: Scope, registration_id: int, *, now: datetime | None = None
) -> RegistrationView:
    """Approve an application: the enterprise account is created with the applicant's
    password, bound to the enterprise; the applicant can log in from now on."""
    r = _pending(session, scope, registration_id, "approve")
    if (
        session.scalar(select(User.id).where(func.lower(User.username) == r.username.lower()))
        is not None
    ):
        raise OnboardingError(f"username {r.username!r} was taken meanwhile: reject the "
                              "application with a reason so the enterprise applies again",
                              field="username")  # fmt: skip
    entry = directory_entry(session, r.enterprise_id)
    # a throwaway password passes the house rules; the applicant's own hash replaces it
    user = create_user(
        session, r.username, secrets.token_urlsafe(24), Role.ENTERPRISE, r.region_code,
        enterprise_id=r.enterprise_id, display_name=entry.name if entry else r.username,
        within=scope,
    )  # fmt: skip
    user.password_hash = r.password_hash
    r.state, r.user_id = "approved", user.id
    r.reviewed_by, r.reviewed_at = scope.username, now or utcnow()
    session.flush()
    return _view(session, r)


def reject(
    session: Session,
    scope: Scope,
    registration_id: int,
    *,
    reason: str,
    now: datetime | None = None,
) -> RegistrationView:
    """Reject an application with a reason the applicant reads on /register/status."""
    reason = reason.strip()
    if not reason:
        raise OnboardingError("rejecting an application needs a reason", field="reason")
    r = _pending(session, scope, registration_id, "reject")
    r.state, r.reason = "rejected", reason[:2000]
    r.reviewed_by, r.reviewed_at = scope.username, now or utcnow()
    session.flush()
    return _view(session, r)


def create_enterprise_account(
    session: Session,
    scope: Scope,
    *,
    username: str,
    password: str,
    enterprise_ids: Sequence[int],
    display_name: str = "",
) -> AccountView:
    """The bureau creates an enterprise account acting for ``enterprise_ids`` (every one in
    the officer's region; the account's region is the first one's county)."""
    _officer(scope)
    username = _check_username(username)
    ids = list(dict.fromkeys(int(i) for i in enterprise_ids))
    if not ids:
        raise OnboardingError("an enterprise account acts for at least one enterprise",
                              field="enterprise_ids")  # fmt: skip
    entries = []
    for eid in ids:
        entry = directory_entry(session, eid)
        if entry is None:
            raise OnboardingError(f"enterprise {eid} is not in the archive", field="enterprise_ids")
        if not in_scope(entry.region_code, scope.region_code):
            raise OnboardingNotPermitted(
                f"enterprise {eid} ({entry.name}, {entry.region_code}) is outside the region "
                f"{scope.region_code} of {scope.username}"
            )
        entries.append(entry)
    if _username_taken(session, username):
        raise OnboardingError(f"username {username!r} is taken", field="username")
    try:
        user = create_user(
            session, username, password, Role.ENTERPRISE, entries[0].region_code,
            enterprise_id=ids[0], display_name=display_name.strip() or entries[0].name,
            within=scope,
        )  # fmt: skip
    except DuplicateUser as exc:
        raise OnboardingError(str(exc), field="username") from exc
    except AccountError as exc:
        raise OnboardingError(str(exc), field="password") from exc
    for eid in ids[1:]:
        link_enterprise(session, user, eid)
    return _account(session, user)


def _account(session: Session, user: User) -> AccountView:
    ids = sorted(user.enterprise_ids)
    names = {}
    for eid in ids:
        entry = directory_entry(session, eid)
        names[eid] = entry.name if entry else str(eid)
    return AccountView(
        id=user.id, username=user.username, display_name=user.display_name,
        region_code=user.region_code, active=user.active,
        enterprises=[(eid, names[eid]) for eid in ids], created_at=user.created_at,
    )  # fmt: skip


def enterprise_accounts(session: Session, scope: Scope) -> list[AccountView]:
    """The enterprise accounts of the officer's region, by username."""
    _officer(scope)
    users = session.scalars(
        select(User)
        .where(User.role == Role.ENTERPRISE, scope.where(User.region_code))
        .order_by(User.username)
    )
    return [_account(session, u) for u in users]
