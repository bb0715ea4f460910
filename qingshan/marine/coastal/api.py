"""The coastal-waters API (``/api/v1/marine``, issue #25): the sea stations with their newest
survey and GB 3097-1997 class, a survey recorded at a station (an unknown indicator or a
negative value: 422 naming it, nothing stored), the coastal quality by area share, and the
river-mouth sections' TN/TP against their targets (plan item 12.4).

Province, city and county officers read and write in their region; others get 403."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.export import FILE_RESPONSES, table_download
from qingshan.api.limits import Day, NoNul
from qingshan.marine.coastal import service as svc
from qingshan.marine.coastal.errors import MarineError
from qingshan.marine.coastal.survey_import import template_headers
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import cst_today

router = APIRouter(prefix="/marine", tags=["marine coastal 近岸海域"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32), NoNul]
Key = Annotated[str, StringConstraints(min_length=1, max_length=40), NoNul]
#: a value: a number, never true/false read as 1/0
Num = Annotated[float, Field(strict=True)]


class StationOut(BaseModel):
    code: str
    name: str
    region_code: str = Field(description="the nearest coastal county (the station lies offshore)")
    lon: float | None
    lat: float | None
    area_km2: float = Field(description="the sea area the station stands for [km²]")
    sea_area: str
    synthetic: bool
    time: datetime | None = Field(description="the newest survey (UTC)")
    values: dict[str, float] = Field(
        description="newest value by GB 3097-1997 indicator [mg/L; pH]"
    )
    klass: str | None = Field(description="GB 3097-1997 class (I … IV, 劣IV), worst indicator")
    deciding: list[str]


def _out(v: svc.StationView) -> StationOut:
    return StationOut(code=v.code, name=v.name, region_code=v.region_code, lon=v.lon, lat=v.lat,
                      area_km2=v.area_km2, sea_area=v.sea_area, synthetic=v.synthetic, time=v.time,
                      values=dict(v.values), klass=v.klass, deciding=list(v.deciding))  # fmt: skip


@router.get("/stations", response_model=list[StationOut])
def stations(user: Officer, session: SessionDep, scope: ScopeDep) -> list[StationOut]:
    """The sea stations of your region with their newest survey and class."""
    return [_out(v) for v in svc.stations(session, scope)]


class SampleIn(BaseModel):
    sampled_on: Day = Field(description="the sampling day (CST)")
    values: dict[Key, Num] = Field(description="value by GB 3097-1997 indicator key (DIN, PO4_P, DO, pH …)",
                                     max_length=40)  # fmt: skip


@router.post("/stations/{code}/samples", response_model=StationOut, status_code=201)
def add_sample(code: Code, body: SampleIn, user: Officer, session: SessionDep, scope: ScopeDep,
               settings: SettingsDep) -> StationOut:  # fmt: skip
    """Record a survey at a station of your region: an unknown indicator, a negative value or a
    pH outside 0–14 is refused naming it (422) and nothing is stored."""
    store = ObservationStore(settings.observations_dir)
    try:
        return _out(svc.add_sample(session, store, scope, code, body.values, body.sampled_on,
                                   source=f"api:{user.username}"))  # fmt: skip
    finally:
        store.close()


class ImportOut(BaseModel):
    filename: str
    surveys: int


@router.post("/stations/import", response_model=ImportOut, status_code=201)
def import_samples(user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
                   file: Annotated[UploadFile, File(description="CSV or .xlsx: 点位编码, 采样日期, indicators")],
                   ) -> ImportOut:  # fmt: skip
    """Import a survey table for the sea stations of your region (officers): every row checked
    — an unknown station, a future date, an unknown indicator column, a negative value — and
    all stored or none (422, every bad row in ``context.problems``)."""
    data = file.file.read(settings.max_file_bytes + 1)
    if len(data) > settings.max_file_bytes:
        raise MarineError(f"file: larger than {settings.max_file_bytes} bytes", field="file")
    store = ObservationStore(settings.observations_dir)
    try:
        n = svc.import_samples(session, store, scope, data, today=cst_today(),
                               max_bytes=settings.max_file_bytes, source=f"import:{user.username}")  # fmt: skip
    finally:
        store.close()
    return ImportOut(filename=file.filename or "", surveys=n)


@router.get("/stations/import/template", responses=FILE_RESPONSES, response_class=Response)
def import_template(
    user: Officer, format: Annotated[Literal["csv", "xlsx"], Query()] = "xlsx"
) -> Response:
    """The blank survey import file (station code, date and the usual indicators by key; any
    GB 3097-1997 indicator may be added as a column)."""
    return table_download("marine-surveys-template", template_headers(), [], format)


class QualityOut(BaseModel):
    area_by_class: dict[str, float] = Field(description="km² by GB 3097-1997 class")
    count_by_class: dict[str, int]
    classed: int
    shares: dict[str, float] | None = Field(description="% of area by class")
    good_share: float | None = Field(description="classes I and II [% of area]")
    worst_share: float | None = Field(description="劣四类 [% of area]")
    grade: str | None


@router.get("/quality", response_model=QualityOut)
def quality(user: Officer, session: SessionDep, scope: ScopeDep) -> QualityOut:
    """Coastal water quality of your region by the stations' areas, and its grade."""
    s = svc.coastal_summary(svc.stations(session, scope))
    q = s.quality
    return QualityOut(area_by_class=dict(s.area_by_class), count_by_class=dict(s.count_by_class),
                      classed=s.classed, shares=None if q is None else dict(q.shares),
                      good_share=None if q is None else q.good_share,
                      worst_share=None if q is None else q.worst_share,
                      grade=None if q is None else q.grade)  # fmt: skip


class RiverImportOut(BaseModel):
    filename: str
    months: int


@router.post("/rivers/import", response_model=RiverImportOut, status_code=201)
def import_rivers(user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
                  file: Annotated[UploadFile, File(description="CSV or .xlsx: 断面编码, 月份, 总氮, 总磷")],
                  ) -> RiverImportOut:  # fmt: skip
    """Import monthly TN/TP [mg/L] of your region's river-mouth sections (officers): every row
    checked and all stored or none (422, every bad row in ``context.problems``)."""
    data = file.file.read(settings.max_file_bytes + 1)
    if len(data) > settings.max_file_bytes:
        raise MarineError(f"file: larger than {settings.max_file_bytes} bytes", field="file")
    store = ObservationStore(settings.observations_dir)
    try:
        n = svc.import_river_months(session, store, scope, data, today=cst_today(),
                                    max_bytes=settings.max_file_bytes, source=f"import:{user.username}")  # fmt: skip
    finally:
        store.close()
    return RiverImportOut(filename=file.filename or "", months=n)


class RiverOut(BaseModel):
    code: str
    name: str
    river: str
    region_code: str
    tn_target: float = Field(description="TN control target [mg/L] (data, tagged U)")
    tp_target: float = Field(description="TP control target [mg/L] (data, tagged U)")
    months: list[date]
    tn: list[float | None]
    tp: list[float | None]
    tn_mean: float | None
    tp_mean: float | None
    meets: bool | None


@router.get("/rivers", response_model=list[RiverOut])
def rivers(user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
           until: Annotated[Day | None, Query(description="the last month's day (default today)")] = None,
           ) -> list[RiverOut]:  # fmt: skip
    """The river-mouth sections of your region: 12 months of TN and TP ending with ``until``'s
    month against their targets (plan item 12.4)."""
    store = ObservationStore(settings.observations_dir)
    try:
        rows = svc.river_mouth_status(session, store, scope, until=until or cst_today())
    finally:
        store.close()
    return [RiverOut(code=r.section.code, name=r.section.name, river=r.section.river,
                     region_code=r.region_code, tn_target=r.section.tn_target,
                     tp_target=r.section.tp_target, months=r.months, tn=r.tn, tp=r.tp,
                     tn_mean=r.tn_mean, tp_mean=r.tp_mean, meets=r.meets) for r in rows]  # fmt: skip
