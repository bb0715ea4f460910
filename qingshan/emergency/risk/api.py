"""The risk-enterprise API (``/api/v1/emergency/risk``, issue #22): the graded enterprises of the
caller's region, one enterprise's grade with its Q/M/E basis, the plans with their status, and
the declare → review workflow (the grade is computed when an officer approves; never typed in).

Officers (province, city, county) read their region; an enterprise account reads and declares
for its own enterprises; county and city officers review. Another region's enterprise is 404;
bad input is 422 naming the field (a declaration: every bad row in ``context.problems``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, require_roles
from qingshan.api.limits import Id, NoNul
from qingshan.emergency.risk import service as svc
from qingshan.timeutil import as_cst, utcnow

router = APIRouter(prefix="/emergency/risk", tags=["emergency risk 风险企业"])

Reader = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)]
Writer = Annotated[User, require_roles(Role.CITY, Role.COUNTY, Role.ENTERPRISE)]
Reviewer = Annotated[User, require_roles(Role.CITY, Role.COUNTY)]
Text = Annotated[str, StringConstraints(max_length=200), NoNul]
Level = Literal["一般", "较大", "重大"]
PlanStatus = Literal["current", "expiring", "expired"]


class RiskOut(BaseModel):
    enterprise_id: int
    name: str
    region_code: str
    industry: str
    level: str
    notation: str
    computed_at: datetime
    plan_status: str


class GradeOut(BaseModel):
    """One enterprise's current grade: the level, the notation, the air and water factors with
    their basis (``result``), what it was computed from (``inputs``) and the grading version."""

    enterprise_id: int
    level: str | None
    notation: str | None
    result: dict[str, Any] | None
    inputs: dict[str, Any] | None
    grading_version: str | None
    computed_at: datetime | None


class PlanOut(BaseModel):
    id: int
    enterprise_id: int
    enterprise: str
    title: str
    revision: int
    status: str
    level: str | None
    signed_on: Any
    filed_on: Any
    filing_due: Any
    filed_late: bool
    review_due: Any
    expired_case_id: int | None


class ChemicalIn(BaseModel):
    substance: Text = Field(description="name, English name or CAS number (HJ 941-2018 附录A)")
    max_stock_t: float = Field(description="the maximum quantity held at once [t], ≥ 0")
    place: Text = ""


class DeclarationIn(BaseModel):
    enterprise_id: Id
    chemicals: list[ChemicalIn] = Field(min_length=1, max_length=500)
    process: dict[
        Annotated[str, StringConstraints(max_length=40)], Annotated[int, Field(ge=0, le=100)]
    ] = {}
    controls: dict[
        Annotated[str, StringConstraints(max_length=40)],
        Annotated[str, StringConstraints(max_length=20)],
    ] = {}
    pop_5km: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    pop_500m: Annotated[int, Field(ge=0, le=100_000_000)] | None = None


class DeclarationOut(BaseModel):
    id: int
    enterprise_id: int
    status: str


class ReviewIn(BaseModel):
    approve: bool
    note: Annotated[str, StringConstraints(max_length=500), NoNul] = ""


class ReviewOut(BaseModel):
    declaration_id: int
    status: str
    grade: GradeOut | None


def _today():  # noqa: ANN202
    return as_cst(utcnow()).date()


@router.get("/enterprises", response_model=list[RiskOut])
def list_risk(user: Reader, scope: ScopeDep, session: SessionDep,
              level: Annotated[Level | None, Query()] = None) -> list[RiskOut]:  # fmt: skip
    """The graded enterprises of the caller's region, highest level first."""
    rows = svc.risk_list(session, scope, today=_today(), level=level)
    return [RiskOut(**r.__dict__) for r in rows]


def _grade_out(enterprise_id: int, g: Any) -> GradeOut:
    if g is None:
        return GradeOut(enterprise_id=enterprise_id, level=None, notation=None, result=None,
                        inputs=None, grading_version=None, computed_at=None)  # fmt: skip
    return GradeOut(enterprise_id=enterprise_id, level=g.level, notation=g.notation,
                    result=g.result, inputs=g.inputs, grading_version=g.grading_version,
                    computed_at=g.computed_at)  # fmt: skip


@router.get("/enterprises/{enterprise_id}", response_model=GradeOut)
def get_grade(enterprise_id: Id, user: Reader, scope: ScopeDep, session: SessionDep) -> GradeOut:
    """One enterprise's current grade with the basis of every factor."""
    d = svc.enterprise_detail(session, scope, enterprise_id)
    return _grade_out(enterprise_id, d["grade"])


@router.get("/plans", response_model=list[PlanOut])
def list_plans(user: Reader, scope: ScopeDep, session: SessionDep,
               status: Annotated[PlanStatus | None, Query()] = None) -> list[PlanOut]:  # fmt: skip
    """The region's emergency plans (latest revision each) with status and filing check."""
    rows = svc.plans(session, scope, today=_today(), status=status)
    return [PlanOut(id=r.plan.id, enterprise_id=r.plan.enterprise_id, enterprise=r.enterprise,
                    title=r.plan.title, revision=r.plan.revision, status=r.status, level=r.level,
                    signed_on=r.plan.signed_on, filed_on=r.plan.filed_on, filing_due=r.filing_due,
                    filed_late=r.filed_late, review_due=r.plan.review_due,
                    expired_case_id=r.plan.expired_case_id) for r in rows]  # fmt: skip


@router.post("/declarations", response_model=DeclarationOut, status_code=201)
def declare(body: DeclarationIn, user: Writer, scope: ScopeDep,
            session: SessionDep) -> DeclarationOut:  # fmt: skip
    """Declare risk substances and M items for review; every bad row is named (422)."""
    d = svc.declare(session, scope, body.enterprise_id, [c.model_dump() for c in body.chemicals],
                    {"process": body.process, "controls": body.controls}, pop_5km=body.pop_5km,
                    pop_500m=body.pop_500m, actor=user.username)  # fmt: skip
    return DeclarationOut(id=d.id, enterprise_id=d.enterprise_id, status=d.status)


@router.post("/declarations/{declaration_id}/review", response_model=ReviewOut)
def review(declaration_id: Id, body: ReviewIn, user: Reviewer, scope: ScopeDep,
           session: SessionDep) -> ReviewOut:  # fmt: skip
    """Approve (the grade is computed and returned) or return (with a note) a declaration."""
    g = svc.review(session, scope, declaration_id, approve=body.approve, note=body.note,
                   actor=user.username)  # fmt: skip
    return ReviewOut(declaration_id=declaration_id, status="approved" if g else "returned",
                     grade=None if g is None else _grade_out(g.enterprise_id, g))  # fmt: skip
