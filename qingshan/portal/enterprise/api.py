"""``/api/v1/portal/enterprise``: the compliance certificate (合规证明) — issued by an enterprise
account for one month (``POST /certificates``), checked by anyone by its code
(``GET /certificates/{code}``, no login; failed lookups limited per address, counted with the
``/verify`` page's). The work is :mod:`qingshan.portal.enterprise.service`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from qingshan.accounts.models import Role, User
from qingshan.api.deps import (
    ClientAddress,
    ScopeDep,
    SessionDep,
    SettingsDep,
    provided,
    require_roles,
)
from qingshan.api.limits import Id
from qingshan.archive.findings import CreditSummary, EnterpriseRecordSources
from qingshan.archive.service import OutletCounts
from qingshan.cases.service import evidence_limits
from qingshan.errors import NotFound
from qingshan.portal.enterprise import service as svc
from qingshan.portal.enterprise.models import PortalCertificate
from qingshan.portal.enterprise.verify_guard import guard_of

router = APIRouter(prefix="/portal/enterprise", tags=["portal enterprise 企业服务"])

EnterpriseUser = Annotated[User, require_roles(Role.ENTERPRISE)]
#: a verification code as issued: 16 URL-safe characters (at most 32 are looked up)
Code = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


class CertificateOut(BaseModel):
    """A certificate as recorded: its code, the facts it states, the PDF's digest."""

    code: str
    enterprise_name: str
    credit_code: str
    period_start: date
    period_end: date
    permit_number: str | None
    outlets: list[dict[str, Any]] = Field(description="code, name, exceedance_dates (CST days)")
    exceedance_days: int = Field(description="distinct CST days with an exceedance event")
    open_cases: int = Field(description="cases not closed when issued")
    penalties: list[dict[str, Any]] = Field(description="penalties decided in the period")
    compliant: bool
    statement: str
    issued_at: datetime
    pdf_sha256: str
    synthetic: bool


class CertificateIn(BaseModel):
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    enterprise_id: Id | None = Field(None, description="default: the account's first enterprise")


def _out(c: PortalCertificate) -> CertificateOut:
    f = c.facts
    return CertificateOut(
        code=c.code, enterprise_name=f["enterprise_name"], credit_code=f["credit_code"],
        period_start=c.period_start, period_end=c.period_end,
        permit_number=f.get("permit_number"), outlets=f["outlets"],
        exceedance_days=f["exceedance_days"], open_cases=f["open_cases"],
        penalties=f["penalties"], compliant=f["compliant"], statement=f["statement"],
        issued_at=c.issued_at, pdf_sha256=c.pdf_sha256, synthetic=c.synthetic,
    )  # fmt: skip


@router.post("/certificates", response_model=CertificateOut, status_code=201)
def issue_certificate(
    body: CertificateIn,
    request: Request,
    user: EnterpriseUser,
    scope: ScopeDep,
    session: SessionDep,
    settings: SettingsDep,
    counts: Annotated[OutletCounts, provided(OutletCounts)],
    sources: Annotated[EnterpriseRecordSources, provided(EnterpriseRecordSources)],
    credit: Annotated[CreditSummary, provided(CreditSummary)],
) -> CertificateOut:
    """开具合规证明: a certificate of one month for one of the account's enterprises; the facts
    are computed, the PDF (download it from ``/portal/certificates/{code}.pdf``) is kept and
    its SHA-256 recorded."""
    first, last = svc.month_range(body.month)
    cert, _pdf = svc.issue_certificate(
        session, scope, user, svc.pick_enterprise(scope, body.enterprise_id), first, last,
        verify_base=str(request.base_url), limits=evidence_limits(settings), counts=counts,
        sources=sources, credit=credit, synthetic=settings.demo,
    )  # fmt: skip
    return _out(cert)


@router.get("/certificates/{code}", response_model=CertificateOut)
def verify_certificate(
    code: Code, request: Request, session: SessionDep, address: ClientAddress
) -> CertificateOut:
    """合规证明核验 (no login): the stored facts of the certificate with this code; 404 when
    none has it (failed lookups are limited per address: 429 past the limit)."""
    guard = guard_of(request.app.state)
    guard.check(address)
    cert = svc.verify(session, code)
    if cert is None:
        guard.failed(address)
        raise NotFound(f"no certificate has the code {code!r}", code=code)
    return _out(cert)
