"""The incidents API (``/api/v1/emergency/incidents``, issue #22): the list (level, stage, region,
year), one incident with its command log, temporary points and affected sites, an officer's report,
a stage step, an order and its done marking, facts (the level judged again), and the Word report.

Officers (province, city, county) read their region and act as the service allows (stages after
``verified`` and orders: the leading tier or above); an enterprise account reads its own
enterprises' incidents; anonymous callers get 401. An incident outside the caller's reach is 404,
an out-of-order stage 409 naming the current and the requested stage, bad input 422 naming the
field."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import CurrentUser, ScopeDep, SessionDep, StoreDep, require_roles
from qingshan.api.limits import AwareTime, Id, NoNul
from qingshan.emergency.incidents import service as svc
from qingshan.emergency.incidents.types import IncidentDraft
from qingshan.errors import PermissionDenied
from qingshan.timeutil import utcnow

router = APIRouter(prefix="/emergency/incidents", tags=["emergency incidents 突发环境事件"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Text = Annotated[str, StringConstraints(max_length=4000), NoNul]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200), NoNul]
Who = Annotated[str, StringConstraints(min_length=1, max_length=200), NoNul]
RegionCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Level = Literal["I", "II", "III", "IV"]
Stage = Literal["reported", "verified", "responding", "monitoring", "recovering", "closed"]
Fact = int | float | str | None


class IncidentRow(BaseModel):
    id: int
    code: str
    title: str
    occurred_at: datetime
    region_code: str
    longitude: float | None
    latitude: float | None
    enterprise_id: int | None
    origin: str
    origin_key: str | None
    level: str = Field(description="I 特别重大 | II 重大 | III 较大 | IV 一般")
    response_level: str
    lead_tier: str = Field(description="province | city | county")
    lead_region_code: str
    stage: str
    closed_at: datetime | None
    synthetic: bool


class LogEntry(BaseModel):
    id: int
    seq: int
    at: datetime
    actor: str
    kind: str
    to_whom: str
    content: str
    due_at: datetime | None
    order_id: int | None
    done_at: datetime | None = Field(None, description="an order: when it was marked done")
    data: dict[str, Any]


class PointOut(BaseModel):
    id: int
    site_code: str
    name: str
    parameter: str
    unit: str
    standard_value: float | None
    standard_label: str
    readings: int
    max: float | None
    last: float | None
    exceeding: int


class AffectedOut(BaseModel):
    kind: str
    name: str
    code: str
    distance_km: float
    method: str = Field(description="monitoring_site | zones_layer (straight line, no flow)")


class IncidentOut(IncidentRow):
    description: str
    facts: dict[str, Any]
    level_basis: list[dict[str, Any]]
    log: list[LogEntry]
    points: list[PointOut]
    affected: list[AffectedOut]


class ReportIn(BaseModel):
    title: Title
    occurred_at: AwareTime
    region_code: RegionCode
    longitude: float | None = Field(None, ge=118.0, le=123.5)
    latitude: float | None = Field(None, ge=27.0, le=31.5)
    enterprise_id: Id | None = None
    description: Text = ""
    facts: dict[Annotated[str, StringConstraints(max_length=64)], Fact] = Field(
        default_factory=dict
    )


class StageIn(BaseModel):
    stage: Stage
    note: Text = ""


class OrderIn(BaseModel):
    to_whom: Who
    content: Annotated[str, StringConstraints(min_length=1, max_length=4000), NoNul]
    due_at: AwareTime | None = None


class DoneIn(BaseModel):
    note: Text = ""


class FactsIn(BaseModel):
    facts: dict[Annotated[str, StringConstraints(max_length=64)], Fact]
    note: Text = ""


class CreatedOut(BaseModel):
    id: int


def _row(r: Any) -> dict[str, Any]:
    return {k: getattr(r, k) for k in IncidentRow.model_fields}


def _reader(user: User) -> None:
    if user.role not in (*svc.OFFICERS, Role.ENTERPRISE):
        raise PermissionDenied("incidents are read by officers and enterprise accounts")


@router.get("", response_model=list[IncidentRow])
def list_incidents(user: CurrentUser, session: SessionDep, scope: ScopeDep,
                   level: Level | None = None, stage: Stage | None = None,
                   region: RegionCode | None = None,
                   year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> list[dict]:  # fmt: skip
    """The incidents in your reach, newest first."""
    _reader(user)
    rows = svc.list_incidents(session, scope, level=level, stage=stage, region=region, year=year)
    return [_row(r) for r in rows]


def _detail(session: Any, store: Any, scope: Any, incident_id: int) -> dict[str, Any]:
    inc = svc.get_incident(session, scope, incident_id)
    log = [LogEntry(id=e.entry.id, seq=e.entry.seq, at=e.entry.at, actor=e.entry.actor,
                    kind=e.entry.kind, to_whom=e.entry.to_whom, content=e.entry.content,
                    due_at=e.entry.due_at, order_id=e.entry.order_id,
                    done_at=e.done.at if e.done else None, data=e.entry.data)
           for e in svc.timeline(session, inc)]  # fmt: skip
    points = [PointOut(id=p.point.id, site_code=p.site.code, name=p.site.name,
                       parameter=p.point.parameter_code, unit=p.unit,
                       standard_value=p.point.standard_value,
                       standard_label=p.point.standard_label, readings=len(p.values),
                       max=p.max, last=p.last, exceeding=p.exceeding)
              for p in svc.point_readings(session, store, inc)]  # fmt: skip
    affected = [AffectedOut(kind=a.kind, name=a.name, code=a.code,
                            distance_km=round(a.distance_km, 3), method=a.method)
                for a in svc.affected(session, scope, inc)]  # fmt: skip
    return _row(inc) | {"description": inc.description, "facts": inc.facts,
                        "level_basis": inc.level_basis, "log": log, "points": points,
                        "affected": affected}  # fmt: skip


@router.get("/{incident_id}", response_model=IncidentOut)
def get_incident(incident_id: Id, user: CurrentUser, session: SessionDep, store: StoreDep,
                 scope: ScopeDep) -> dict[str, Any]:  # fmt: skip
    """One incident: facts, level and basis, command log, temporary points, affected sites."""
    _reader(user)
    return _detail(session, store, scope, incident_id)


@router.post("", response_model=CreatedOut, status_code=201)
def report_incident(body: ReportIn, user: Officer, session: SessionDep,
                    scope: ScopeDep) -> CreatedOut:  # fmt: skip
    """An officer's report (接报) in your region; the level is judged from ``facts``."""
    draft = IncidentDraft(title=body.title, occurred_at=body.occurred_at,
                          region_code=body.region_code, origin="report",
                          longitude=body.longitude, latitude=body.latitude,
                          enterprise_id=body.enterprise_id, description=body.description,
                          facts=dict(body.facts))  # fmt: skip
    return CreatedOut(id=svc.report_incident(session, scope, draft, now=utcnow()))


@router.post("/{incident_id}/stage", response_model=IncidentRow)
def advance_stage(incident_id: Id, body: StageIn, user: Officer, session: SessionDep,
                  scope: ScopeDep) -> dict[str, Any]:  # fmt: skip
    """The next stage (409 when out of order, naming the current and the requested stage)."""
    return _row(svc.advance_stage(session, scope, incident_id, body.stage, note=body.note,
                                  now=utcnow()))  # fmt: skip


@router.post("/{incident_id}/facts", response_model=IncidentRow)
def update_facts(incident_id: Id, body: FactsIn, user: Officer, session: SessionDep,
                 scope: ScopeDep) -> dict[str, Any]:  # fmt: skip
    """New facts (null removes one); the level, response level and leading tier follow."""
    return _row(svc.update_facts(session, scope, incident_id, dict(body.facts), note=body.note,
                                 now=utcnow()))  # fmt: skip


@router.post("/{incident_id}/orders", response_model=LogEntry, status_code=201)
def issue_order(incident_id: Id, body: OrderIn, user: Officer, session: SessionDep,
                scope: ScopeDep) -> LogEntry:  # fmt: skip
    """An order (leading tier or above)."""
    e = svc.issue_order(session, scope, incident_id, to_whom=body.to_whom, content=body.content,
                        due_at=body.due_at, now=utcnow())  # fmt: skip
    return LogEntry.model_validate(e, from_attributes=True)


@router.post("/{incident_id}/orders/{order_id}/done", response_model=LogEntry, status_code=201)
def mark_done(incident_id: Id, order_id: Id, body: DoneIn, user: Officer, session: SessionDep,
              scope: ScopeDep) -> LogEntry:  # fmt: skip
    """Mark an order done: a new log entry; the order is never edited."""
    e = svc.mark_done(session, scope, incident_id, order_id, note=body.note, now=utcnow())
    return LogEntry.model_validate(e, from_attributes=True)


@router.get("/{incident_id}/report.docx", response_class=Response,
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}}})  # fmt: skip
def report_docx(incident_id: Id, user: CurrentUser, session: SessionDep, store: StoreDep,
                scope: ScopeDep) -> Response:  # fmt: skip
    """The incident report (Word)."""
    _reader(user)
    name, data = svc.incident_report(session, store, scope, incident_id, now=utcnow())
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
