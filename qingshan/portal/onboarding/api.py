"""The enterprise-accounts API (``/api/v1/portal/onboarding``, issue #23): an enterprise applies
for an account without login (rate-limited per address) and reads its application's state with
its username and password; bureau accounts list the applications of their region, approve or
reject them (with a reason), list and create enterprise accounts. The work is
:mod:`qingshan.portal.onboarding.service`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ClientAddress, ScopeDep, SessionDep, require_roles
from qingshan.api.limits import Id, NoNul
from qingshan.portal.onboarding import service as svc
from qingshan.portal.onboarding.errors import RegistrationNotFound
from qingshan.portal.onboarding.guard import RegistrationGuard, guard_for

router = APIRouter(prefix="/portal/onboarding", tags=["portal onboarding 企业账号"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Short = Annotated[str, StringConstraints(max_length=64), NoNul]
Secret = Annotated[str, StringConstraints(max_length=128), NoNul]


def guard_of(request: Request) -> RegistrationGuard:
    return guard_for(request.app.state)


class RegistrationIn(BaseModel):
    credit_code: Annotated[
        str, StringConstraints(pattern=r"^[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{18}$")
    ] = Field(description="统一社会信用代码 (GB 32100-2015; position 18 its check character) "
              "of an enterprise in the archive")  # fmt: skip
    contact_name: Annotated[str, StringConstraints(min_length=1, max_length=64), NoNul]
    contact_phone: Annotated[str, StringConstraints(pattern=r"^[0-9+\- ]{7,20}$")]
    contact_email: Annotated[str, StringConstraints(max_length=128), NoNul] = ""
    username: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$")]
    password: Annotated[str, StringConstraints(min_length=8, max_length=128), NoNul]


class StatusIn(BaseModel):
    username: Short
    password: Secret


class RegistrationOut(BaseModel):
    id: int
    credit_code: str
    enterprise_id: int
    enterprise_name: str
    region_code: str
    contact_name: str
    contact_phone: str
    username: str
    state: str
    submitted_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    reason: str


class RejectIn(BaseModel):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000), NoNul]


class AccountIn(BaseModel):
    username: Short
    password: Secret
    enterprise_ids: list[Id] = Field(min_length=1, max_length=100)
    display_name: Annotated[str, StringConstraints(max_length=128), NoNul] = ""


class AccountOut(BaseModel):
    id: int
    username: str
    display_name: str
    region_code: str
    active: bool
    enterprise_ids: list[int]


def _out(v: svc.RegistrationView) -> RegistrationOut:
    return RegistrationOut(**{k: getattr(v, k) for k in RegistrationOut.model_fields})


def _acc(a: svc.AccountView) -> AccountOut:
    return AccountOut(id=a.id, username=a.username, display_name=a.display_name,
                      region_code=a.region_code, active=a.active,
                      enterprise_ids=[e for e, _ in a.enterprises])  # fmt: skip


@router.post("/registrations", response_model=RegistrationOut, status_code=201)
def apply(body: RegistrationIn, request: Request, session: SessionDep,
          address: ClientAddress) -> RegistrationOut:  # fmt: skip
    """Apply for an enterprise account (no login; at most a few per address and hour). The
    account exists once a bureau account of the enterprise's region approves."""
    guard = guard_of(request)
    guard.check_submission(address)
    session.info["actor"] = f"applicant:{body.username}"[:64]
    view = svc.register(
        session, credit_code=body.credit_code, contact_name=body.contact_name,
        contact_phone=body.contact_phone, contact_email=body.contact_email,
        username=body.username, password=body.password, address=address,
    )  # fmt: skip
    guard.submitted(address)
    return _out(view)


@router.post("/registrations/status", response_model=RegistrationOut)
def status(body: StatusIn, request: Request, session: SessionDep,
           address: ClientAddress) -> RegistrationOut:  # fmt: skip
    """The state of one's own application (username and password; failed lookups limited)."""
    guard = guard_of(request)
    guard.check_lookup(address)
    try:
        return _out(svc.registration_status(session, body.username, body.password))
    except RegistrationNotFound:
        guard.failed_lookup(address)
        raise


@router.get("/registrations", response_model=list[RegistrationOut])
def registrations(user: Officer, scope: ScopeDep, session: SessionDep,
                  state: Annotated[Literal["pending", "approved", "rejected"] | None,
                                   Query()] = None) -> list[RegistrationOut]:  # fmt: skip
    """The applications of the officer's region, newest first."""
    return [_out(v) for v in svc.list_registrations(session, scope, state=state)]


@router.post("/registrations/{registration_id}/approve", response_model=RegistrationOut)
def approve(registration_id: Id, user: Officer, scope: ScopeDep,
            session: SessionDep) -> RegistrationOut:  # fmt: skip
    """Approve: the enterprise account is created and can log in."""
    return _out(svc.approve(session, scope, registration_id))


@router.post("/registrations/{registration_id}/reject", response_model=RegistrationOut)
def reject(registration_id: Id, body: RejectIn, user: Officer, scope: ScopeDep,
           session: SessionDep) -> RegistrationOut:  # fmt: skip
    return _out(svc.reject(session, scope, registration_id, reason=body.reason))


@router.get("/accounts", response_model=list[AccountOut])
def accounts(user: Officer, scope: ScopeDep, session: SessionDep) -> list[AccountOut]:
    """The enterprise accounts of the officer's region."""
    return [_acc(a) for a in svc.enterprise_accounts(session, scope)]


@router.post("/accounts", response_model=AccountOut, status_code=201)
def create_account(body: AccountIn, user: Officer, scope: ScopeDep,
                   session: SessionDep) -> AccountOut:  # fmt: skip
    """Create an enterprise account for enterprises of the officer's region."""
    return _acc(svc.create_enterprise_account(
        session, scope, username=body.username, password=body.password,
        enterprise_ids=body.enterprise_ids, display_name=body.display_name,
    ))  # fmt: skip
