"""The key soil-supervised units API (``/api/v1/soil/units``, issue #24): the units of the
caller's region with their flags, one unit's file, listing a unit (city/province officers), and
recording its hidden-danger checks, self-monitoring samples (judged on storing: GB 36600-2018
second-category land / GB/T 14848-2017) and yearly discharge reports (the unit's enterprise or a
county/city officer). Another region's unit is 404; bad input 422 naming the field (samples:
every bad row in ``context.problems``, nothing stored)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, require_roles
from qingshan.api.limits import Day, Id, NoNul
from qingshan.soil.units import service as svc
from qingshan.timeutil import cst_today

router = APIRouter(prefix="/soil/units", tags=["soil units 土壤污染重点监管单位"])

Reader = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)]
Writer = Annotated[User, require_roles(Role.CITY, Role.COUNTY, Role.ENTERPRISE)]
Lister = Annotated[User, require_roles(Role.PROVINCE, Role.CITY)]
Text = Annotated[str, StringConstraints(max_length=200), NoNul]
LongText = Annotated[str, StringConstraints(max_length=4000), NoNul]
Year = Annotated[int, Field(ge=2017, le=2100)]
Flag = Literal["overdue", "exceeding", "report_missing", "any"]
Region = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Num = Annotated[float, Field(allow_inf_nan=False, strict=True)]


class UnitOut(BaseModel):
    id: int
    enterprise_id: int
    name: str
    region_code: str
    industry: str
    listed_year: int
    delisted_year: int | None
    reason: str
    check_year: int | None
    check_state: str
    checks_overdue: int
    items_overdue: int
    samples: int
    exceeding: int
    worst_soil: str | None
    worst_groundwater: str | None
    reports_missing: list[int]
    overdue: bool


class CheckOut(BaseModel):
    id: int
    year: int
    due_on: date
    done_on: date | None
    state: str
    findings: str
    items: list[dict[str, Any]]
    items_overdue: int
    case_id: int | None


class SampleOut(BaseModel):
    id: int
    medium: str
    point: str
    sampled_on: date
    depth_m: float
    unit: str
    ph: float | None
    values: dict[str, float]
    result: str
    deciding: list[str]
    exceeding: bool
    standard: str
    case_id: int | None


class ReportOut(BaseModel):
    id: int
    year: int
    submitted_on: date
    substances: list[dict[str, Any]]
    note: str


class CaseOut(BaseModel):
    id: int
    number: str | None
    title: str
    state: str


class UnitFileOut(BaseModel):
    unit: UnitOut
    checks: list[CheckOut]
    samples: list[SampleOut]
    reports: list[ReportOut]
    reports_missing: list[int]
    cases: list[CaseOut]


def _unit_out(r: svc.UnitRow) -> UnitOut:
    u = r.unit
    return UnitOut(id=u.id, enterprise_id=u.enterprise_id, name=r.name, region_code=u.region_code,
                   industry=r.industry, listed_year=u.listed_year, delisted_year=u.delisted_year,
                   reason=u.reason, check_year=r.check_year, check_state=r.check_state,
                   checks_overdue=r.checks_overdue,
                   items_overdue=r.items_overdue, samples=r.samples, exceeding=r.exceeding,
                   worst_soil=r.worst_soil, worst_groundwater=r.worst_groundwater,
                   reports_missing=list(r.reports_missing), overdue=r.overdue)  # fmt: skip


def _sample_out(s: Any) -> SampleOut:
    return SampleOut(id=s.id, medium=s.medium, point=s.point, sampled_on=s.sampled_on,
                     depth_m=s.depth_m, unit=s.unit, ph=s.ph, values=s.values, result=s.result,
                     deciding=s.deciding, exceeding=s.exceeding, standard=s.standard,
                     case_id=s.case_id)  # fmt: skip


@router.get("", response_model=list[UnitOut])
def list_units(user: Reader, scope: ScopeDep, session: SessionDep,
               flag: Annotated[Flag | None, Query()] = None,
               region: Annotated[Region | None, Query()] = None) -> list[UnitOut]:  # fmt: skip
    """The units of the caller's region (an enterprise: its own) with their overdue / exceeding
    / report-missing flags; flagged units first."""
    return [_unit_out(r) for r in svc.unit_list(session, scope, today=cst_today(), flag=flag,
                                                region=region)]  # fmt: skip


@router.get("/{unit_id}", response_model=UnitFileOut)
def get_unit(unit_id: Id, user: Reader, scope: ScopeDep, session: SessionDep) -> UnitFileOut:
    """One unit's file: checks with their state, samples with their judgement, reports, cases."""
    today = cst_today()
    d = svc.unit_file(session, scope, unit_id, today=today)
    row = next(r for r in svc.unit_list(session, scope, today=today) if r.unit.id == unit_id)
    return UnitFileOut(
        unit=_unit_out(row),
        checks=[CheckOut(id=c.id, year=c.year, due_on=c.due_on, done_on=c.done_on, state=st,
                         findings=c.findings, items=c.items, items_overdue=len(late),
                         case_id=c.case_id) for c, st, late in d["checks"]],
        samples=[_sample_out(s) for s in d["samples"]],
        reports=[ReportOut(id=r.id, year=r.year, submitted_on=r.submitted_on,
                           substances=r.substances, note=r.note) for r in d["reports"]],
        reports_missing=list(d["reports_missing"]),
        cases=[CaseOut(id=c.id, number=c.number, title=c.title, state=c.state)
               for c in d["cases"]],
    )  # fmt: skip


class ListIn(BaseModel):
    enterprise_id: Id
    year: Year
    reason: Text


class Created(BaseModel):
    id: int


@router.post("", response_model=Created, status_code=201)
def list_unit(body: ListIn, user: Lister, scope: ScopeDep, session: SessionDep) -> Created:
    """Put an enterprise of the caller's region on the list from ``year``."""
    u = svc.list_unit(session, scope, body.enterprise_id, year=body.year, reason=body.reason,
                      actor=user.username)  # fmt: skip
    return Created(id=u.id)


class ItemIn(BaseModel):
    item: Annotated[str, StringConstraints(max_length=300), NoNul]
    deadline: Day
    status: Literal["open", "done"] = "open"
    done_on: Day | None = None


class CheckIn(BaseModel):
    year: Year
    due_on: Day | None = None
    done_on: Day | None = None
    findings: LongText = ""
    items: list[ItemIn] = Field(default=[], max_length=100)


@router.post("/{unit_id}/checks", response_model=CheckOut, status_code=201)
def record_check(unit_id: Id, body: CheckIn, user: Writer, scope: ScopeDep,
                 session: SessionDep) -> CheckOut:  # fmt: skip
    """Record (or complete) the hidden-danger check of a year; a done date before the year, a
    year the unit is not listed in, an item without deadline: 422, nothing stored."""
    c = svc.record_check(session, scope, unit_id, year=body.year, due_on=body.due_on,
                         done_on=body.done_on, findings=body.findings,
                         items=[i.model_dump() for i in body.items], actor=user.username)  # fmt: skip
    today = cst_today()
    from qingshan.soil.units import rules

    return CheckOut(id=c.id, year=c.year, due_on=c.due_on, done_on=c.done_on,
                    state=rules.check_state(c.due_on, c.done_on, today), findings=c.findings,
                    items=c.items, items_overdue=len(rules.open_items_overdue(c.items, today)),
                    case_id=c.case_id)  # fmt: skip


class SampleIn(BaseModel):
    point: Annotated[str, StringConstraints(min_length=1, max_length=64), NoNul]
    medium: Literal["soil", "groundwater"]
    sampled_on: Day
    depth_m: Num | None = Field(None, description="sampling depth [m]; required")
    unit: Annotated[str, StringConstraints(max_length=16), NoNul] | None = Field(
        None, description="mg/kg (soil) or mg/L (groundwater); required"
    )
    ph: Num | None = None
    values: dict[Annotated[str, StringConstraints(max_length=40), NoNul], Num] = Field(
        description="item key (GB 36600 / GB/T 14848) → value in ``unit``", max_length=200
    )


class SamplesIn(BaseModel):
    samples: list[SampleIn] = Field(min_length=1, max_length=500)


@router.post("/{unit_id}/samples", response_model=list[SampleOut], status_code=201)
def add_samples(unit_id: Id, body: SamplesIn, user: Writer, scope: ScopeDep,
                session: SessionDep) -> list[SampleOut]:  # fmt: skip
    """Store self-monitoring samples, judged on storing; all or nothing — a sample without depth
    or unit, a pH outside 0–14, an unknown item: 422 naming every bad row."""
    rows = []
    for s in body.samples:
        row: dict[str, Any] = {"point": s.point, "medium": s.medium, "sampled_on": s.sampled_on,
                               "depth_m": s.depth_m, "unit": s.unit, "ph": s.ph}  # fmt: skip
        row.update(s.values)
        rows.append(row)
    stored = svc.add_samples(session, scope, unit_id, rows, actor=user.username)
    return [_sample_out(s) for s in stored]


class SubstanceIn(BaseModel):
    substance: Annotated[str, StringConstraints(min_length=1, max_length=100), NoNul]
    amount_kg: Annotated[float, Field(ge=0, le=1e11, allow_inf_nan=False, strict=True)]
    medium: Literal["air", "water", "solid"] = "water"


class ReportIn(BaseModel):
    year: Year
    submitted_on: Day | None = None
    substances: list[SubstanceIn] = Field(min_length=1, max_length=200)
    note: LongText = ""


@router.post("/{unit_id}/reports", response_model=ReportOut, status_code=201)
def submit_report(unit_id: Id, body: ReportIn, user: Writer, scope: ScopeDep,
                  session: SessionDep) -> ReportOut:  # fmt: skip
    """File the yearly report of toxic and harmful substance discharges (once per year)."""
    r = svc.submit_report(session, scope, unit_id, year=body.year,
                          substances=[s.model_dump() for s in body.substances],
                          submitted_on=body.submitted_on, note=body.note,
                          actor=user.username)  # fmt: skip
    return ReportOut(id=r.id, year=r.year, submitted_on=r.submitted_on,
                     substances=r.substances, note=r.note)  # fmt: skip
