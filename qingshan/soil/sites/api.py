"""The contaminated-sites API (``/api/v1/soil/sites``, issue #24): the register of the caller's
region with filters, one site's file, create and update (the boundary checked, the area
computed), stage moves (forward one step, back with a reason), samples (JSON, or a CSV/.xlsx
file: every bad row named, nothing stored), plan items (一地一策) and the safe-use rate.

Officers (province, city, county) read and write the sites of their region; another region's
site is 404; bad input is 422 naming the field (samples: every bad row in
``context.problems``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.limits import Day, Id, NoNul
from qingshan.soil.sites import service as svc
from qingshan.soil.sites.errors import SiteError
from qingshan.soil.sites.models import SitePlanItem, SiteSample, SiteStage, SoilSite
from qingshan.timeutil import cst_today

router = APIRouter(prefix="/soil/sites", tags=["soil sites 污染地块"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Text = Annotated[str, StringConstraints(max_length=200), NoNul]
LongText = Annotated[str, StringConstraints(max_length=2000), NoNul]
Stage = Literal["investigation", "risk_assessment", "control", "remediation",
                "effect_evaluation", "removed"]  # fmt: skip
PlanStatus = Literal["planned", "in_progress", "done"]
#: the planned uses of :data:`qingshan.soil.sites.landuse.PLANNED_USES` (GB 36600-2018 §3)
PlannedUse = Literal["residential", "school", "medical", "welfare", "community_park",
                     "public_admin", "commercial", "industrial", "logistics", "roads",
                     "utilities", "green_square"]  # fmt: skip


class SiteOut(BaseModel):
    id: int
    code: str
    name: str
    region_code: str
    stage: str
    planned_use: str
    land_category: int
    area_m2: float
    area_declared_m2: float | None
    lon: float
    lat: float
    former_use: str
    industry: str
    enterprise_id: int | None
    party_name: str
    party_uscc: str
    pollutants: list[str]
    risk: dict[str, Any]
    listed_on: date | None
    reused_on: date | None
    documents: list[dict[str, Any]]
    boundary: dict[str, Any] | None = None


class StageOut(BaseModel):
    stage: str
    previous: str | None
    moved_on: date
    reason: str
    moved_by: str


class SampleOut(BaseModel):
    id: int
    point: str
    lon: float | None
    lat: float | None
    depth_m: float
    unit: str
    sampled_on: date
    values: dict[str, float]
    land_category: int
    level: str
    over_screening: list[str]
    over_intervention: list[str]


class PlanOut(BaseModel):
    id: int
    measure: str
    responsible_unit: str
    deadline: date
    status: str
    done_on: date | None


class SiteFileOut(BaseModel):
    site: SiteOut
    stages: list[StageOut]
    samples: list[SampleOut]
    plan: list[PlanOut]


class RiskIn(BaseModel):
    target_risk: float | None = Field(None, description="target carcinogenic risk, e.g. 1e-6")
    target_hq: float | None = Field(None, description="target hazard quotient, e.g. 1")
    levels: dict[Annotated[str, StringConstraints(max_length=60)], float] = Field(
        {}, description="risk-control / remediation target per item [mg/kg]", max_length=100
    )
    summary: LongText = ""


class DocumentIn(BaseModel):
    title: Text
    kind: Annotated[str, StringConstraints(max_length=40), NoNul] = ""
    on: Day | None = None


class SiteIn(BaseModel):
    """A site; ``boundary`` is a GeoJSON Polygon or MultiPolygon (lon, lat)."""

    code: Annotated[str, StringConstraints(min_length=1, max_length=40), NoNul]
    name: Text
    boundary: dict[str, Any]
    region_code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = None
    area_declared_m2: float | None = None
    former_use: Text = ""
    industry: Annotated[str, StringConstraints(max_length=64), NoNul] = ""
    enterprise_id: Id | None = None
    party_name: Text = ""
    party_uscc: Annotated[str, StringConstraints(max_length=18), NoNul] = ""
    planned_use: PlannedUse
    stage: Stage = "investigation"
    pollutants: list[Annotated[str, StringConstraints(max_length=60), NoNul]] = Field(
        [], max_length=100
    )
    risk: RiskIn | None = None
    listed_on: Day | None = None
    reused_on: Day | None = None
    documents: list[DocumentIn] = Field([], max_length=100)


class SiteUpdate(BaseModel):
    name: Text | None = None
    boundary: dict[str, Any] | None = None
    area_declared_m2: float | None = None
    former_use: Text | None = None
    industry: Annotated[str, StringConstraints(max_length=64), NoNul] | None = None
    enterprise_id: Id | None = None
    party_name: Text | None = None
    party_uscc: Annotated[str, StringConstraints(max_length=18), NoNul] | None = None
    planned_use: PlannedUse | None = None
    pollutants: list[Annotated[str, StringConstraints(max_length=60), NoNul]] | None = Field(
        None, max_length=100
    )
    risk: RiskIn | None = None
    listed_on: Day | None = None
    reused_on: Day | None = None
    documents: list[DocumentIn] | None = Field(None, max_length=100)


class StageIn(BaseModel):
    stage: Stage
    on: Day | None = None
    reason: LongText = ""


class SampleIn(BaseModel):
    point: Annotated[str, StringConstraints(max_length=40), NoNul]
    lon: float | None = None
    lat: float | None = None
    depth_m: float | None = Field(None, description="sampling depth [m], required")
    unit: Annotated[str, StringConstraints(max_length=16), NoNul] | None = Field(
        None, description="mg/kg, required"
    )
    sampled_on: Day
    values: dict[Annotated[str, StringConstraints(max_length=60), NoNul], float] = Field(
        description="item (GB 36600 key, Chinese name or CAS) → content [mg/kg]", max_length=100
    )


class SamplesIn(BaseModel):
    samples: list[SampleIn] = Field(min_length=1, max_length=1000)


class PlanIn(BaseModel):
    measure: LongText
    responsible_unit: Text
    deadline: Day
    status: PlanStatus = "planned"


class PlanStatusIn(BaseModel):
    status: PlanStatus
    on: Day | None = None


class SafeUseOut(BaseModel):
    region_code: str
    on: date
    safe: int
    reused: int
    rate: float | None
    unsafe: list[str]
    definition: str


def _site_out(s: SoilSite, *, boundary: bool = False) -> SiteOut:
    return SiteOut(id=s.id, code=s.code, name=s.name, region_code=s.region_code, stage=s.stage,
                   planned_use=s.planned_use, land_category=s.land_category, area_m2=s.area_m2,
                   area_declared_m2=s.area_declared_m2, lon=s.lon, lat=s.lat,
                   former_use=s.former_use, industry=s.industry, enterprise_id=s.enterprise_id,
                   party_name=s.party_name, party_uscc=s.party_uscc,
                   pollutants=list(s.pollutants or []), risk=dict(s.risk or {}),
                   listed_on=s.listed_on, reused_on=s.reused_on,
                   documents=list(s.documents or []),
                   boundary=s.boundary if boundary else None)  # fmt: skip


def _sample_out(x: SiteSample) -> SampleOut:
    return SampleOut(id=x.id, point=x.point, lon=x.lon, lat=x.lat, depth_m=x.depth_m, unit=x.unit,
                     sampled_on=x.sampled_on, values=x.values, land_category=x.land_category,
                     level=x.level, over_screening=list(x.over_screening),
                     over_intervention=list(x.over_intervention))  # fmt: skip


def _stage_out(x: SiteStage) -> StageOut:
    return StageOut(stage=x.stage, previous=x.previous, moved_on=x.moved_on, reason=x.reason,
                    moved_by=x.moved_by)  # fmt: skip


def _plan_out(x: SitePlanItem) -> PlanOut:
    return PlanOut(id=x.id, measure=x.measure, responsible_unit=x.responsible_unit,
                   deadline=x.deadline, status=x.status, done_on=x.done_on)  # fmt: skip


@router.get("", response_model=list[SiteOut])
def list_sites(user: Officer, scope: ScopeDep, session: SessionDep,
               stage: Annotated[Stage | None, Query()] = None,
               region: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
               category: Annotated[Literal[1, 2] | None, Query()] = None,
               q: Annotated[str | None, Query(max_length=100)] = None) -> list[SiteOut]:  # fmt: skip
    """The sites of the caller's region, filtered by stage, county/city, land category, text."""
    rows = svc.list_sites(session, scope, stage=stage, region=region, category=category, q=q)
    return [_site_out(s) for s in rows]


@router.get("/safe-use", response_model=SafeUseOut)
def safe_use(user: Officer, scope: ScopeDep, session: SessionDep,
             on: Annotated[Day | None, Query()] = None) -> SafeUseOut:  # fmt: skip
    """The safe-use rate (污染地块安全利用率) of the caller's region on a day (default today)."""
    from qingshan.soil.sites import safe_use as core

    day = on or cst_today()
    r = svc.safe_use(session, scope.region_code, day)
    return SafeUseOut(region_code=scope.region_code, on=day, safe=r.safe, reused=r.reused,
                      rate=r.rate, unsafe=list(r.unsafe),
                      definition=(core.__doc__ or "").strip().split("\n\n")[1])  # fmt: skip


@router.post("", response_model=SiteOut, status_code=201)
def create_site(body: SiteIn, user: Officer, scope: ScopeDep, session: SessionDep) -> SiteOut:
    """Register a site (its boundary checked and measured); 422 naming the field."""
    data = body.model_dump(exclude_none=True, mode="json")
    s = svc.create_site(session, scope, data, actor=user.username)
    return _site_out(s, boundary=True)


@router.get("/{site_id:int}", response_model=SiteFileOut)
def get_site(site_id: Id, user: Officer, scope: ScopeDep, session: SessionDep) -> SiteFileOut:
    """One site's file: the site with its boundary, stage history, samples, plan."""
    f = svc.site_file(session, scope, site_id)
    return SiteFileOut(site=_site_out(f.site, boundary=True),
                       stages=[_stage_out(x) for x in f.stages],
                       samples=[_sample_out(x) for x in f.samples],
                       plan=[_plan_out(x) for x in f.plan])  # fmt: skip


@router.patch("/{site_id:int}", response_model=SiteOut)
def update_site(site_id: Id, body: SiteUpdate, user: Officer, scope: ScopeDep,
                session: SessionDep) -> SiteOut:  # fmt: skip
    """Change the fields given; a bad one leaves the site as it was."""
    data = body.model_dump(exclude_unset=True, mode="json")
    s = svc.update_site(session, scope, site_id, data, actor=user.username)
    return _site_out(s, boundary=True)


@router.post("/{site_id:int}/stage", response_model=StageOut, status_code=201)
def move_stage(site_id: Id, body: StageIn, user: Officer, scope: ScopeDep,
               session: SessionDep) -> StageOut:  # fmt: skip
    """Move the stage: one step forward, or back with a reason (else 422 naming both)."""
    row = svc.move_stage(session, scope, site_id, body.stage, on=body.on, reason=body.reason,
                         actor=user.username)  # fmt: skip
    return _stage_out(row)


@router.post("/{site_id:int}/samples", response_model=list[SampleOut], status_code=201)
def add_samples(site_id: Id, body: SamplesIn, user: Officer, scope: ScopeDep,
                session: SessionDep) -> list[SampleOut]:  # fmt: skip
    """Add samples judged by GB 36600-2018; every bad row named, nothing stored (422)."""
    rows = [s.model_dump(mode="json") for s in body.samples]
    out = svc.add_samples(session, scope, site_id, rows, actor=user.username)
    return [_sample_out(x) for x in out]


@router.post("/{site_id:int}/samples/file", response_model=list[SampleOut], status_code=201,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "text/csv": {"schema": {"type": "string"}}}}})  # fmt: skip
async def import_samples(site_id: Id, request: Request, user: Officer, scope: ScopeDep,
                         session: SessionDep, settings: SettingsDep,
                         filename: Annotated[str, Query(max_length=200)] = "samples.csv",
                         ) -> list[SampleOut]:  # fmt: skip
    """Samples from a CSV or .xlsx body (one row per sample, one column per item; an .xlsx is
    read by its content too); the whole file is refused naming every bad row."""
    data = await request.body()
    if len(data) > settings.max_file_bytes:
        raise SiteError(f"file: more than {settings.max_file_bytes} bytes", field="file")
    out = svc.import_samples(session, scope, site_id, data, filename,
                             max_bytes=settings.max_file_bytes, actor=user.username)  # fmt: skip
    return [_sample_out(x) for x in out]


@router.post("/{site_id:int}/plan", response_model=PlanOut, status_code=201)
def add_plan_item(site_id: Id, body: PlanIn, user: Officer, scope: ScopeDep,
                  session: SessionDep) -> PlanOut:  # fmt: skip
    """Add a measure to the site's plan (一地一策)."""
    item = svc.add_plan_item(session, scope, site_id, measure=body.measure,
                             responsible_unit=body.responsible_unit, deadline=body.deadline,
                             status=body.status, actor=user.username)  # fmt: skip
    return _plan_out(item)


@router.put("/{site_id:int}/plan/{item_id:int}", response_model=PlanOut)
def set_plan_status(site_id: Id, item_id: Id, body: PlanStatusIn, user: Officer,
                    scope: ScopeDep, session: SessionDep) -> PlanOut:  # fmt: skip
    """Set a plan item's status (``done`` records the day)."""
    item = svc.set_plan_status(session, scope, site_id, item_id, body.status, on=body.on,
                               actor=user.username)  # fmt: skip
    return _plan_out(item)
