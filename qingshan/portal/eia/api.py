"""The EIA and permit API (``/api/v1/portal/eia``, issue #23): one enterprise's EIA file, the
approvals and applications of the caller's region (and recording them), the "最多跑一次"
statistics, the computed warnings and opening a case for one (once).

Officers (province, city, county) read their region and record; an enterprise account reads only
its own file (``/enterprises/{id}``). Another region's enterprise is 404; bad input is 422 naming
the field (``context.problems`` lists every one)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, require_roles
from qingshan.api.limits import Day, Id, NoNul
from qingshan.cases.service import CASES_SINK
from qingshan.portal.eia import rules
from qingshan.portal.eia import service as svc
from qingshan.timeutil import as_cst, utcnow

router = APIRouter(prefix="/portal/eia", tags=["portal eia 环评与许可"])

Reader = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)]
Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Text = Annotated[str, StringConstraints(max_length=200), NoNul]
Short = Annotated[str, StringConstraints(max_length=64), NoNul]
Code = Annotated[str, StringConstraints(max_length=16), NoNul]
Tonnes = Annotated[float, Field(ge=0, le=1e7)]


class ApprovalOut(BaseModel):
    id: int
    enterprise_id: int
    region_code: str
    project: str
    longitude: float
    latitude: float
    industry_code: str
    doc_type: str
    approval_no: str
    authority: str
    approved_on: date
    conditions: list[str]
    totals: dict[str, float] = Field(description="HJ 212-2017 code → approved t/a")
    permit_id: int | None
    synthetic: bool


class ApplicationOut(BaseModel):
    id: int
    enterprise_id: int
    region_code: str
    kind: str
    permit_number: str | None
    checklist: list[dict]
    submitted_on: date
    accepted_on: date | None
    decided_on: date | None
    decision: str | None
    days: int | None = Field(description="calendar days from submission to decision")
    trips: int
    synthetic: bool


class PermitOut(BaseModel):
    number: str
    version: int
    valid_from: date
    valid_to: date
    caps: dict[str, float]


class WarningOut(BaseModel):
    kind: str
    key: str
    enterprise_id: int
    detail: str
    enterprise: str = ""
    region_code: str = ""
    case_id: int | None = None


class RecordsOut(BaseModel):
    enterprise_id: int
    enterprise: str
    approvals: list[ApprovalOut]
    applications: list[ApplicationOut]
    permit: PermitOut | None
    warnings: list[WarningOut]


class ApprovalIn(BaseModel):
    enterprise_id: Id
    project: Text
    longitude: float = Field(ge=-180, le=180)
    latitude: float = Field(ge=-90, le=90)
    industry_code: Code = Field(description="GB/T 4754-2017 小类, 4 digits")
    doc_type: Literal["report", "table", "registration"]
    approval_no: Short = Field(description="批复文号 like 浙环建〔2023〕12号; a 登记表's 备案号")
    authority: Short
    approved_on: Day
    conditions: list[Text] = Field(default=[], max_length=50)
    totals: dict[Code, Tonnes] = Field(default={}, description="pollutant → t/a", max_length=30)


class ApplicationIn(BaseModel):
    enterprise_id: Id
    kind: Literal["apply", "change", "renew"]
    submitted_on: Day
    provided: list[Literal[tuple(rules.MATERIALS)]] = Field(default=[], max_length=20)  # type: ignore[valid-type]
    accepted_on: Day | None = None
    decided_on: Day | None = None
    decision: Literal["granted", "refused"] | None = None
    trips: int = Field(0, ge=0, le=20)
    permit_number: Annotated[str, StringConstraints(max_length=32), NoNul] | None = None
    note: Annotated[str, StringConstraints(max_length=500), NoNul] = ""


class StatOut(BaseModel):
    key: list[str] = Field(description="city code and/or month (YYYY-MM), by the grouping")
    applications: int
    decided: int
    median_days: float | None
    p90_days: float | None
    one_trip_share: float | None = Field(description="decided with at most one trip")
    within_limit: int = Field(description="decided within 20 days (排污许可管理条例 第十五条)")


class CaseOut(BaseModel):
    key: str
    case_id: int


def approval_out(a) -> ApprovalOut:  # noqa: ANN001
    return ApprovalOut.model_validate(a, from_attributes=True)


def application_out(a) -> ApplicationOut:  # noqa: ANN001
    return ApplicationOut(
        id=a.id, enterprise_id=a.enterprise_id, region_code=a.region_code, kind=a.kind,
        permit_number=a.permit_number, checklist=a.checklist, submitted_on=a.submitted_on,
        accepted_on=a.accepted_on, decided_on=a.decided_on, decision=a.decision,
        days=rules.application_days(a.submitted_on, a.decided_on), trips=a.trips,
        synthetic=a.synthetic,
    )  # fmt: skip


@router.get("/enterprises/{enterprise_id}", response_model=RecordsOut)
def records(enterprise_id: Id, user: Reader, scope: ScopeDep, session: SessionDep) -> RecordsOut:
    """One enterprise's EIA approvals, permit applications, current permit and warnings."""
    r = svc.records_for(session, scope, enterprise_id)
    p = r.permit
    return RecordsOut(
        enterprise_id=r.enterprise_id, enterprise=r.enterprise,
        approvals=[approval_out(a) for a in r.approvals],
        applications=[application_out(a) for a in r.applications],
        permit=None if p is None else PermitOut(number=p.number, version=p.version,
                                                 valid_from=p.valid_from, valid_to=p.valid_to,
                                                 caps=dict(p.caps)),
        warnings=[WarningOut(**w.__dict__) for w in r.warnings],
    )  # fmt: skip


@router.get("/approvals", response_model=list[ApprovalOut])
def list_approvals(user: Officer, scope: ScopeDep, session: SessionDep) -> list[ApprovalOut]:
    """The approvals of the caller's region, newest first (at most 500)."""
    return [approval_out(a) for a in svc.list_approvals(session, scope)]


@router.post("/approvals", response_model=ApprovalOut, status_code=201)
def record_approval(body: ApprovalIn, user: Officer, scope: ScopeDep,
                    session: SessionDep) -> ApprovalOut:  # fmt: skip
    """Record an approval (linked to the enterprise's current permit); 422 naming every bad
    field."""
    totals = {svc.pollutant_code(k): v for k, v in body.totals.items()}
    a = svc.record_approval(session, scope, svc.ApprovalInput(
        body.enterprise_id, body.project, body.longitude, body.latitude, body.industry_code,
        body.doc_type, body.approval_no, body.authority, body.approved_on, body.conditions,
        totals))  # fmt: skip
    return approval_out(a)


@router.get("/applications", response_model=list[ApplicationOut])
def list_applications(user: Officer, scope: ScopeDep,
                      session: SessionDep) -> list[ApplicationOut]:  # fmt: skip
    """The permit applications of the caller's region, newest first (at most 500)."""
    return [application_out(a) for a in svc.list_applications(session, scope)]


@router.post("/applications", response_model=ApplicationOut, status_code=201)
def record_application(body: ApplicationIn, user: Officer, scope: ScopeDep,
                       session: SessionDep) -> ApplicationOut:  # fmt: skip
    """Record a permit application as a service record (dates in order; 422 otherwise)."""
    a = svc.record_application(session, scope, svc.ApplicationInput(
        body.enterprise_id, body.kind, body.submitted_on, list(body.provided), body.accepted_on,
        body.decided_on, body.decision, body.trips, body.permit_number, body.note))  # fmt: skip
    return application_out(a)


@router.get("/statistics", response_model=list[StatOut])
def statistics(user: Officer, scope: ScopeDep, session: SessionDep,
               since: Annotated[Day | None, Query()] = None,
               until: Annotated[Day | None, Query()] = None,
               by: Annotated[Literal["region", "county", "month", "region_month", "all"], Query()] = "region_month",
               ) -> list[StatOut]:  # fmt: skip
    """ "最多跑一次": applications, median and p90 days, share decided with ≤ 1 trip — of the
    applications submitted in [since, until] (default: the last 365 days)."""
    today = as_cst(utcnow()).date()
    until = until or today
    since = since or date.fromordinal(until.toordinal() - 365)
    return [StatOut(key=list(s.key), applications=s.applications, decided=s.decided,
                    median_days=s.median_days, p90_days=s.p90_days,
                    one_trip_share=s.one_trip_share, within_limit=s.within_limit)
            for s in svc.service_statistics(session, scope, since=since, until=until, by=by)]  # fmt: skip


@router.get("/warnings", response_model=list[WarningOut])
def list_warnings(user: Officer, scope: ScopeDep, session: SessionDep,
                  kind: Annotated[Literal["no_eia", "permit_older", "totals_above"] | None,
                                  Query()] = None) -> list[WarningOut]:  # fmt: skip
    """The computed warnings of the caller's region with the case each opened."""
    return [WarningOut(**r.warning.__dict__, enterprise=r.enterprise, region_code=r.region_code,
                       case_id=r.case_id) for r in svc.warnings(session, scope, kind=kind)]  # fmt: skip


@router.post("/warnings/{key}/case", response_model=CaseOut)
def open_case(key: Annotated[str, StringConstraints(max_length=96), NoNul], user: Officer,
              scope: ScopeDep, session: SessionDep) -> CaseOut:  # fmt: skip
    """Open a case (source big_data) for a standing warning — once: again returns its case."""
    return CaseOut(key=key, case_id=svc.open_warning_case(session, scope, key, CASES_SINK,
                                                          now=utcnow()))  # fmt: skip
