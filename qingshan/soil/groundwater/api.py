"""The groundwater API (``/api/v1/soil/groundwater``, issue #24): monitoring wells with their
newest GB/T 14848-2017 class, the counts by class, a well's file (class history, yearly class,
series of each indicator), registering a well, samples (JSON or a CSV/.xlsx file: all rows or
none, every bad row named) and the pollution-prevention zones (GeoJSON out; one zone or a
GeoJSON FeatureCollection in).

Officers (province, city, county) read their region; province and city write in theirs, a county
its own. An enterprise account reads its own pollution-source wells. Bad input is 422 naming the
field (an import: every bad row in ``context.problems``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, StoreDep, require_roles
from qingshan.api.limits import Day, Id, NoNul
from qingshan.soil.groundwater import service as svc
from qingshan.soil.groundwater.errors import GroundwaterError
from qingshan.soil.groundwater.service import SampleRow, WellView
from qingshan.soil.groundwater.wells import WellInput
from qingshan.soil.groundwater.zoning import ZoneInput
from qingshan.timeutil import utcnow

router = APIRouter(prefix="/soil/groundwater", tags=["soil groundwater 地下水"])

Reader = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)]
Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32), NoNul]
Name = Annotated[str, StringConstraints(min_length=1, max_length=128), NoNul]
Text = Annotated[str, StringConstraints(max_length=500), NoNul]
County = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Klass = Literal["I", "II", "III", "IV", "V"]
WellType = Literal["national", "provincial", "regional", "pollution_source"]
Aquifer = Literal["phreatic", "confined", "fissure", "karst"]
ZoneKind = Literal["protection", "prevention", "remediation"]
IndicatorKey = Annotated[str, StringConstraints(min_length=1, max_length=40), NoNul]


class WellOut(BaseModel):
    id: int
    code: str
    name: str
    region_code: str
    lon: float | None
    lat: float | None
    well_type: str
    aquifer: str
    depth_m: float | None
    enterprise_id: int | None
    latest_class: str | None = Field(description="GB/T 14848-2017 class of the newest sample")
    latest_on: date | None
    deciding: list[str]
    samples: int


class WellIn(BaseModel):
    code: Code
    name: Name
    region_code: County
    lon: float = Field(ge=117, le=124, description="longitude [degrees, CGCS2000]")
    lat: float = Field(ge=26, le=32, description="latitude [degrees, CGCS2000]")
    well_type: WellType
    aquifer: Aquifer
    depth_m: float = Field(gt=0, le=2000, description="well depth [m]")
    enterprise_id: Id | None = None


class SampleOut(BaseModel):
    sampled_on: date
    klass: str
    by_indicator: dict[str, str]
    deciding: list[str]
    synthetic: bool


class WellFileOut(BaseModel):
    well: WellOut
    samples: list[SampleOut]
    yearly: dict[int, str | None] = Field(description="year → worst sample class of the year")
    series: dict[str, list[tuple[date, float]]] = Field(
        description="indicator → [(date, value in the standard's unit)]"
    )


class SampleIn(BaseModel):
    well_code: Code
    sampled_on: Day
    values: dict[IndicatorKey, float] = Field(
        description="GB/T 14848-2017 indicator key → value in the standard's unit", max_length=100
    )


class SamplesIn(BaseModel):
    samples: list[SampleIn] = Field(
        min_length=1, max_length=200, description="at most 200 a request; more by a file"
    )


class StoredOut(BaseModel):
    stored: int


class ZoneIn(BaseModel):
    code: Code
    name: Name
    kind: ZoneKind
    region_code: County
    geometry: dict[str, Any] = Field(description="GeoJSON Polygon or MultiPolygon, lon/lat")
    note: Text = ""


class ZoneOut(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    region_code: str
    area_km2: float
    synthetic: bool


def _well_out(v: WellView) -> WellOut:
    return WellOut(id=v.id, code=v.code, name=v.name, region_code=v.region_code, lon=v.lon,
                   lat=v.lat, well_type=v.well_type, aquifer=v.aquifer, depth_m=v.depth_m,
                   enterprise_id=v.enterprise_id, latest_class=v.latest_class,
                   latest_on=v.latest_on, deciding=list(v.deciding), samples=v.samples)  # fmt: skip


@router.get("/wells", response_model=list[WellOut])
def list_wells(user: Reader, scope: ScopeDep, session: SessionDep,
               klass: Annotated[Klass | None, Query()] = None,
               well_type: Annotated[WellType | None, Query()] = None,
               region: Annotated[County | None, Query()] = None) -> list[WellOut]:  # fmt: skip
    """The wells of the caller's region with their newest class, filtered by class, network or
    county/city."""
    return [_well_out(v) for v in svc.list_wells(session, scope, klass=klass, well_type=well_type,
                                                  region_code=region)]  # fmt: skip


@router.get("/wells/by-class", response_model=dict[str, int])
def wells_by_class(user: Reader, scope: ScopeDep, session: SessionDep,
                   year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                   ) -> dict[str, int]:  # fmt: skip
    """How many wells are in each class (I–V): by their newest sample, or with ``year`` by the
    worst of their samples of that year."""
    if year is None:
        return svc.wells_by_class(session, scope)
    return svc.wells_by_year_class(session, scope, year)


@router.post("/wells", response_model=WellOut, status_code=201)
def register_well(body: WellIn, user: Officer, scope: ScopeDep, session: SessionDep) -> WellOut:
    """Register a monitoring well (a site of kind ``groundwater_well``)."""
    site = svc.register_well(session, scope, WellInput(**body.model_dump()))
    return _well_out(svc.get_well(session, scope, site.id))


@router.get("/wells/{well_id}", response_model=WellFileOut)
def well_file(well_id: Id, user: Reader, scope: ScopeDep, session: SessionDep,
              store: StoreDep) -> WellFileOut:  # fmt: skip
    """A well's file: its samples' classes, the yearly class and the series."""
    f = svc.well_file(session, store, scope, well_id)
    return WellFileOut(
        well=_well_out(f["well"]),
        samples=[SampleOut(sampled_on=x.sampled_on, klass=x.klass, by_indicator=x.by_indicator,
                           deciding=list(x.deciding), synthetic=x.synthetic)
                 for x in f["samples"]],
        yearly=f["yearly"], series=f["series"],
    )  # fmt: skip


@router.post("/samples", response_model=StoredOut, status_code=201)
def add_samples(body: SamplesIn, user: Officer, scope: ScopeDep, session: SessionDep,
                store: StoreDep) -> StoredOut:  # fmt: skip
    """Store samples (classed by GB/T 14848-2017, values as observations): all or none."""
    rows = [SampleRow(x.well_code, x.sampled_on, dict(x.values)) for x in body.samples]
    return StoredOut(stored=svc.add_samples(session, store, scope, rows, actor=user.username,
                                            now=utcnow()))  # fmt: skip


@router.post("/samples/file", response_model=StoredOut, status_code=201,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "text/csv": {"schema": {"type": "string"}}}}})  # fmt: skip
async def import_samples(request: Request, user: Officer, scope: ScopeDep, session: SessionDep,
                         store: StoreDep, settings: SettingsDep) -> StoredOut:  # fmt: skip
    """Samples from a CSV or .xlsx body (one row a sample: well_code, sampled_on, one column per
    indicator); an .xlsx body is read by its content too. The whole file is refused naming every
    bad row."""
    data = await request.body()
    if len(data) > settings.max_file_bytes:
        raise GroundwaterError(f"file: more than {settings.max_file_bytes} bytes", field="file")
    return StoredOut(stored=svc.import_samples(session, store, scope, data, actor=user.username,
                                               now=utcnow(),
                                               max_bytes=settings.max_file_bytes))  # fmt: skip


@router.get("/zones")
def zones(user: Reader, scope: ScopeDep, session: SessionDep,
          kind: Annotated[ZoneKind | None, Query()] = None) -> dict[str, Any]:  # fmt: skip
    """The pollution-prevention zones of the caller's region as a GeoJSON FeatureCollection."""
    return svc.zones_geojson(svc.list_zones(session, scope, kind))


@router.post("/zones", response_model=ZoneOut, status_code=201)
def add_zone(body: ZoneIn, user: Officer, scope: ScopeDep, session: SessionDep) -> ZoneOut:
    """Store one zone (its polygon checked)."""
    z = svc.add_zone(session, scope, ZoneInput(**body.model_dump()), actor=user.username,
                     now=utcnow())  # fmt: skip
    return ZoneOut(id=z.id, code=z.code, name=z.name, kind=z.kind, region_code=z.region_code,
                   area_km2=z.area_km2, synthetic=z.synthetic)  # fmt: skip


@router.post("/zones/file", response_model=StoredOut, status_code=201,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/geo+json": {"schema": {"type": "object"}}}}})  # fmt: skip
async def import_zones(request: Request, user: Officer, scope: ScopeDep, session: SessionDep,
                       settings: SettingsDep,
                       replace: Annotated[bool, Query()] = False) -> StoredOut:  # fmt: skip
    """Zones from a GeoJSON FeatureCollection body (properties code, name, kind, region_code):
    every feature checked, all or none; ``replace`` replaces zones of the same code."""
    data = await request.body()
    if len(data) > settings.max_file_bytes:
        raise GroundwaterError(f"file: more than {settings.max_file_bytes} bytes", field="file")
    return StoredOut(stored=svc.import_zones(session, scope, data, actor=user.username,
                                             now=utcnow(), replace=replace))  # fmt: skip
