"""The sea-outfall API (``/api/v1/marine/outfalls``, issue #25): the register (filters), an
outfall's file (traced sources, limits, timeline), registering an outfall (no responsible
party, an unknown enterprise, a point outside Zhejiang: 422 naming the field, nothing stored),
moving it to its next stage (整治 opens its case), and monitoring samples (an exceeding one
opens a case).

Officers read and write in their region; an enterprise account reads the outfalls it is
responsible for; others get 403."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, provided, require_roles
from qingshan.api.export import FILE_RESPONSES, table_download
from qingshan.api.limits import Day, Id, NoNul
from qingshan.marine.coastal.errors import MarineError
from qingshan.marine.outfalls import service as svc
from qingshan.marine.outfalls.outfall_import import COLUMNS
from qingshan.marine.outfalls.register import OutfallInput
from qingshan.qc.supervision import CaseSink
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow

router = APIRouter(prefix="/marine/outfalls", tags=["marine outfalls 入海排污口"])

Reader = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)]
Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
SinkDep = Annotated[CaseSink, provided(CaseSink)]
Text = Annotated[str, StringConstraints(max_length=500), NoNul]
Name = Annotated[str, StringConstraints(max_length=128), NoNul]
KindLit = Literal["industrial", "sewage_plant", "agricultural", "other"]
StageLit = Literal["survey", "monitoring", "tracing", "remediation", "closed"]
ParamLit = Literal["w01018", "w21003", "w21001", "w21011"]
#: a value: a number, never true/false read as 1/0
Num = Annotated[float, Field(strict=True)]


class OutfallOut(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    region_code: str
    lon: float
    lat: float
    sea_area: str
    responsible_enterprise_id: int | None
    responsible_plant: str
    responsible: str = Field(description="the responsible enterprise's name, or the plant's")
    stage: str
    latest_time: datetime | None
    latest: dict[str, float] = Field(description="newest sample by HJ 212-2017 code [mg/L]")
    exceeding: list[str] = Field(description="parameters of the newest sample above their limit")
    synthetic: bool


def _out(v: svc.OutfallView) -> OutfallOut:
    r = v.row
    return OutfallOut(id=r.id, code=r.code, name=r.name, kind=r.kind, region_code=r.region_code,
                      lon=r.longitude, lat=r.latitude, sea_area=r.sea_area,
                      responsible_enterprise_id=r.responsible_enterprise_id,
                      responsible_plant=r.responsible_plant, responsible=v.responsible, stage=r.stage,
                      latest_time=v.latest_time, latest=dict(v.latest),
                      exceeding=[e.parameter for e in v.exceedances], synthetic=r.synthetic)  # fmt: skip


@router.get("", response_model=list[OutfallOut])
def outfalls(user: Reader, session: SessionDep, scope: ScopeDep,
             kind: Annotated[KindLit | None, Query()] = None,
             stage: Annotated[StageLit | None, Query()] = None,
             exceeding: Annotated[bool | None, Query()] = None) -> list[OutfallOut]:  # fmt: skip
    """The outfalls in your scope (an enterprise: those it is responsible for), filtered."""
    return [
        _out(v)
        for v in svc.list_outfalls(session, scope, kind=kind, stage=stage, exceeding=exceeding)
    ]


class SourceOut(BaseModel):
    enterprise_id: int
    name: str
    region_code: str
    relation: str = Field(description="responsible | connected (纳管) | upstream")
    outlet_codes: list[str] = Field(description="the enterprise's archive water outlets")
    permit_number: str | None


class StepOut(BaseModel):
    stage: str
    on: date
    actor: str
    note: str
    case_id: int | None


class FileOut(BaseModel):
    outfall: OutfallOut
    sources: list[SourceOut]
    limits: dict[str, float] = Field(description="limit applied by HJ 212-2017 code [mg/L]")
    limit_basis: dict[str, str]
    timeline: list[StepOut]


def _file(f: svc.OutfallFile) -> FileOut:
    return FileOut(
        outfall=_out(f.view),
        sources=[SourceOut(enterprise_id=s.enterprise_id, name=s.name, region_code=s.region_code,
                           relation=s.relation, outlet_codes=list(s.outlet_codes),
                           permit_number=s.permit_number) for s in f.sources],
        limits={k: v[0] for k, v in f.limits.items()}, limit_basis={k: v[1] for k, v in f.limits.items()},
        timeline=[StepOut(stage=t.stage, on=t.on, actor=t.actor, note=t.note, case_id=t.case_id)
                  for t in f.timeline],
    )  # fmt: skip


class ImportOut(BaseModel):
    filename: str
    created: int
    codes: list[str]


@router.post("/import", response_model=ImportOut, status_code=201)
def import_outfalls(user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
                    file: Annotated[UploadFile, File(description="CSV or .xlsx in the template's layout")],
                    ) -> ImportOut:  # fmt: skip
    """Import an outfall list (排查名录) into the register of your region (officers): every row
    checked — no responsible party, an unknown credit code, a point outside your region, a code
    on file — and all stored or none (422, every bad row in ``context.problems``)."""
    data = file.file.read(settings.max_file_bytes + 1)
    if len(data) > settings.max_file_bytes:
        raise MarineError(f"file: larger than {settings.max_file_bytes} bytes", field="file")
    rows = svc.import_outfalls(session, scope, data, actor=user.username, now=utcnow(),
                               max_bytes=settings.max_file_bytes)  # fmt: skip
    return ImportOut(filename=file.filename or "", created=len(rows), codes=[r.code for r in rows])


@router.get("/import/template", responses=FILE_RESPONSES, response_class=Response)
def import_template(
    user: Officer, format: Annotated[Literal["csv", "xlsx"], Query()] = "xlsx"
) -> Response:
    """The blank outfall-list import file (headers Chinese; the English keys are accepted too)."""
    return table_download("marine-outfalls-template", list(COLUMNS), [], format)


@router.get("/{outfall_id:int}", response_model=FileOut)
def outfall(outfall_id: Id, user: Reader, session: SessionDep, scope: ScopeDep) -> FileOut:
    """An outfall's file (404 when missing or outside your scope)."""
    return _file(svc.get_outfall(session, None, scope, outfall_id))


class OutfallIn(BaseModel):
    code: Annotated[str, StringConstraints(min_length=1, max_length=28), NoNul]
    name: Name
    kind: KindLit
    lon: float = Field(ge=-180, le=180, description="longitude [degrees, WGS-84]")
    lat: float = Field(ge=-90, le=90, description="latitude [degrees, WGS-84]")
    sea_area: Annotated[str, StringConstraints(max_length=64), NoNul]
    responsible_enterprise_id: Id | None = None
    responsible_plant: Name = ""
    connected_enterprise_ids: list[Id] = Field(default_factory=list, max_length=50)
    note: Text = ""


@router.post("", response_model=FileOut, status_code=201)
def register(body: OutfallIn, user: Officer, session: SessionDep, scope: ScopeDep) -> FileOut:
    """Register an outfall: the responsible party (an archive enterprise or a sewage plant) is
    required; an unknown enterprise, a point outside Zhejiang or a code on file is refused
    naming the field; nothing is stored on an error."""
    inp = OutfallInput(
        **{**body.model_dump(), "connected_enterprise_ids": tuple(body.connected_enterprise_ids)}
    )
    row = svc.register_outfall(session, scope, inp, actor=user.username, now=utcnow())
    return _file(svc.get_outfall(session, None, scope, row.id))


class StageIn(BaseModel):
    stage: StageLit
    on: Day
    note: Text = ""


@router.post("/{outfall_id:int}/stage", response_model=FileOut)
def stage(outfall_id: Id, body: StageIn, user: Officer, session: SessionDep, scope: ScopeDep,
          sink: SinkDep) -> FileOut:  # fmt: skip
    """Move the outfall to its next stage (排查 → 监测 → 溯源 → 整治 → 销号); entering 整治 opens
    the remediation case. A skip, a step back or a date in the future is refused (422)."""
    svc.advance_stage(session, scope, outfall_id, body.stage, on=body.on, note=body.note,
                      actor=user.username, now=utcnow(), sink=sink)  # fmt: skip
    return _file(svc.get_outfall(session, None, scope, outfall_id))


class SampleIn(BaseModel):
    sampled_on: Day
    values: dict[ParamLit, Num] = Field(description="value by HJ 212-2017 code [mg/L]")


@router.post("/{outfall_id:int}/samples", response_model=OutfallOut, status_code=201)
def samples(outfall_id: Id, body: SampleIn, user: Officer, session: SessionDep, scope: ScopeDep,
            settings: SettingsDep, sink: SinkDep) -> OutfallOut:  # fmt: skip
    """A monitoring sample at the outfall (officers of its region): a negative value is refused
    naming it; a value above its limit opens a case (one per outfall and day)."""
    row = svc.get_outfall(session, None, scope, outfall_id).view.row
    svc.check_writer(scope, row.region_code)
    store = ObservationStore(settings.observations_dir)
    try:
        values: dict[str, float] = {str(k): v for k, v in body.values.items()}
        svc.add_outfall_samples(session, store, [(row, body.sampled_on, values)],
                                source=f"api:{user.username}", sink=sink, now=utcnow())  # fmt: skip
    finally:
        store.close()
    return next(_out(v) for v in svc.list_outfalls(session, scope) if v.row.id == outfall_id)
