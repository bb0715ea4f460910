"""The emergency resources API (``/api/v1/emergency/resources``, issue #22): depots and their
materials, rescue teams and experts — lists with filters, one depot, create (one record, same
code updates), import from CSV / Excel (all rows or none, every bad row named), the blank import
files — and the nearest-resource query. Road distance is approximated by the straight-line
(great-circle) distance: the answer says so in ``note``.

Province, city and county officers read and write in their region; others get 403; a depot
outside the region is 404; bad input is 422 naming the field (an import: every problem in
``context.problems``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.export import FILE_RESPONSES, table_download
from qingshan.api.limits import Day, Id, NoNul
from qingshan.emergency.resources import catalog
from qingshan.emergency.resources import service as svc
from qingshan.emergency.resources.distance import ROAD_NOTE
from qingshan.emergency.resources.importer import COLUMNS

router = APIRouter(prefix="/emergency/resources", tags=["emergency resources 应急资源"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Kind = Literal["depots", "materials", "teams", "experts"]
Fmt = Literal["csv", "xlsx"]
Text = Annotated[str, StringConstraints(max_length=300), NoNul]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32), NoNul]


def _pattern(terms: tuple[catalog.Term, ...], *, names: bool = False) -> str:
    """A pattern matching the vocabulary's codes (and, with ``names``, its Chinese names, as
    the import accepts them): the schema lists what is accepted."""
    words = [t.code for t in terms] + (
        [w for t in terms for w in (t.zh, *t.aliases_zh)] if names else []
    )
    return "^(" + "|".join(words) + ")$"


Category = Annotated[str, StringConstraints(pattern=_pattern(catalog.categories()))]
CategoryText = Annotated[str, StringConstraints(pattern=_pattern(catalog.categories(), names=True))]
HoldingText = Annotated[str, StringConstraints(pattern=_pattern(catalog.holdings(), names=True))]
Speciality = Annotated[str, StringConstraints(pattern=_pattern(catalog.specialities()))]
ExpertField = Annotated[str, StringConstraints(pattern=_pattern(catalog.fields()))]
RegionCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Lon = Annotated[float, Field(ge=-180, le=180, description="longitude [degrees, WGS 84]")]
Lat = Annotated[float, Field(ge=-90, le=90, description="latitude [degrees, WGS 84]")]


class Term(BaseModel):
    code: str
    zh: str
    en: str
    confidence: str = ""


class CatalogOut(BaseModel):
    """The vocabularies; categories per 《环境应急资源调查指南（试行）》 with their confidence."""

    categories: list[Term]
    holdings: list[Term]
    specialities: list[Term]
    fields: list[Term]


class DepotRow(BaseModel):
    id: int
    code: str
    name: str
    owner_kind: str = Field(description="bureau | enterprise")
    owner_name: str
    enterprise_id: int | None
    region_code: str
    lon: float
    lat: float
    address: str
    custodian: str
    phone: str
    synthetic: bool
    lines: int = 0
    expired: int = 0
    expiring: int = Field(0, description="lines expiring within 30 days")


class MaterialRow(BaseModel):
    id: int
    depot_id: int
    depot_code: str
    depot_name: str
    region_code: str
    category: str
    name: str
    specification: str
    quantity: float
    unit: str
    custodian: str
    produced_on: date | None
    expires_on: date | None
    holding: str
    status: str = Field(description="expired | expiring (within 30 days) | ok | none")
    synthetic: bool


class DepotOut(DepotRow):
    materials: list[MaterialRow]


class TeamRow(BaseModel):
    id: int
    code: str
    name: str
    size: int
    specialities: list[str]
    contact: str
    phone: str
    base: str
    region_code: str
    lon: float
    lat: float
    synthetic: bool


class ExpertRow(BaseModel):
    id: int
    code: str
    name: str
    fields: list[str]
    organisation: str
    phone: str
    region_code: str
    lon: float | None
    lat: float | None
    synthetic: bool


class NearbyOut(BaseModel):
    kind: str
    id: int
    code: str
    name: str
    region_code: str
    lon: float
    lat: float
    distance_km: float = Field(description="great-circle distance [km]")
    detail: dict[str, Any]


class NearestOut(BaseModel):
    lon: float
    lat: float
    k: int
    category: str | None
    speciality: str | None
    field: str | None
    distance: str = Field(description="great_circle: " + ROAD_NOTE)
    note: str
    depots: list[NearbyOut]
    teams: list[NearbyOut]
    experts: list[NearbyOut]


class CreatedOut(BaseModel):
    kind: str
    id: int


class ImportOut(BaseModel):
    kind: str
    filename: str
    created: int
    updated: int


class DepotIn(BaseModel):
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), NoNul]
    owner_kind: Literal["bureau", "enterprise"]
    owner_name: Text = ""
    credit_code: Annotated[str, StringConstraints(max_length=18), NoNul] = ""
    lon: Lon
    lat: Lat
    address: Text = ""
    custodian: Text = ""
    phone: Annotated[str, StringConstraints(max_length=32), NoNul] = ""


class MaterialIn(BaseModel):
    depot_code: Code
    category: CategoryText = Field(description="a category code of /catalog (or its Chinese name)")
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), NoNul]
    specification: Text = ""
    quantity: float = Field(ge=0, le=1e12)
    unit: Annotated[str, StringConstraints(min_length=1, max_length=16), NoNul]
    custodian: Text = ""
    produced_on: Day | None = None
    expires_on: Day | None = None
    holding: HoldingText = Field(
        description="self (自储) | entrusted (代储) | agreement (协议储备)"
    )


class TeamIn(BaseModel):
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), NoNul]
    size: int = Field(ge=1, le=100_000)
    specialities: list[Speciality] = Field(min_length=1, max_length=20)
    contact: Text = ""
    phone: Annotated[str, StringConstraints(max_length=32), NoNul] = ""
    base: Text = ""
    lon: Lon
    lat: Lat


class ExpertIn(BaseModel):
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=100), NoNul]
    fields: list[ExpertField] = Field(min_length=1, max_length=20)
    organisation: Text = ""
    phone: Annotated[str, StringConstraints(max_length=32), NoNul] = ""
    region: RegionCode = Field(description="the county (GB/T 2260)")
    lon: Lon | None = None
    lat: Lat | None = None


def _terms(terms: tuple[catalog.Term, ...]) -> list[Term]:
    return [Term(code=t.code, zh=t.zh, en=t.en, confidence=t.confidence) for t in terms]


@router.get("/catalog", response_model=CatalogOut)
def vocabularies(user: Officer) -> CatalogOut:
    """The material categories (《环境应急资源调查指南（试行）》, with confidence), holdings, team
    specialities and expert fields."""
    return CatalogOut(categories=_terms(catalog.categories()), holdings=_terms(catalog.holdings()),
                      specialities=_terms(catalog.specialities()), fields=_terms(catalog.fields()))  # fmt: skip


@router.get("/nearest", response_model=NearestOut)
def nearest(user: Officer, session: SessionDep, scope: ScopeDep, lon: Annotated[Lon, Query()],
            lat: Annotated[Lat, Query()],
            category: Annotated[Category | None, Query(description="material category code")] = None,
            speciality: Annotated[Speciality | None, Query(description="team speciality code")] = None,
            field: Annotated[ExpertField | None, Query(description="expert field code")] = None,
            k: Annotated[int, Query(ge=1, le=svc.MAX_K)] = 5) -> NearestOut:  # fmt: skip
    """The k nearest depots (holding usable stock of ``category`` when given: quantity above
    zero, not expired), teams and experts of your region to (lon, lat), nearest first. Road
    distance is approximated by the straight-line (great-circle) distance."""
    r = svc.nearest(session, scope, lon, lat, category=category, k=k, speciality=speciality,
                    field=field)  # fmt: skip
    return NearestOut.model_validate(r.as_dict())


@router.get("/depots", response_model=list[DepotRow])
def depots(user: Officer, session: SessionDep, scope: ScopeDep,
           region: Annotated[RegionCode | None, Query(description="a region within yours")] = None,
           owner_kind: Annotated[Literal["bureau", "enterprise"] | None, Query()] = None,
           ) -> list[DepotRow]:  # fmt: skip
    """The depots of your region, with their stock lines and how many have expired or expire
    within 30 days."""
    if region is not None:
        scope.check_region(region)
    return [
        DepotRow(**d) for d in svc.list_depots(session, scope, region=region, owner_kind=owner_kind)
    ]


@router.get("/depots/{depot_id}", response_model=DepotOut)
def depot(depot_id: Id, user: Officer, session: SessionDep, scope: ScopeDep) -> DepotOut:
    """One depot of your region with all its stock lines (expired first)."""
    d = svc.depot_detail(session, scope, depot_id)
    summary = svc.stock_summary(session, scope, [d["id"]]).get(d["id"], {})
    return DepotOut(**(d | summary))


@router.get("/materials", response_model=list[MaterialRow])
def materials(user: Officer, session: SessionDep, scope: ScopeDep,
              category: Annotated[Category | None, Query()] = None,
              depot_id: Annotated[Id | None, Query()] = None,
              status: Annotated[Literal["expired", "expiring", "ok", "none"] | None, Query()] = None,
              q: Annotated[Annotated[str, StringConstraints(max_length=100), NoNul] | None,
                           Query(description="part of the name")] = None,
              region: Annotated[RegionCode | None, Query()] = None) -> list[MaterialRow]:  # fmt: skip
    """The stock lines of your region (at most 2,000), expired first, then by expiry; each with
    its status today (expired / expiring within 30 days / ok / none)."""
    if region is not None:
        scope.check_region(region)
    rows = svc.list_materials(session, scope, category=category, depot_id=depot_id, status=status,
                              q=q, region=region)  # fmt: skip
    return [MaterialRow(**r) for r in rows]


@router.get("/teams", response_model=list[TeamRow])
def teams(user: Officer, session: SessionDep, scope: ScopeDep,
          speciality: Annotated[Speciality | None, Query()] = None,
          region: Annotated[RegionCode | None, Query()] = None) -> list[TeamRow]:  # fmt: skip
    """The rescue teams of your region."""
    if region is not None:
        scope.check_region(region)
    return [
        TeamRow(**t) for t in svc.list_teams(session, scope, speciality=speciality, region=region)
    ]


@router.get("/experts", response_model=list[ExpertRow])
def experts(user: Officer, session: SessionDep, scope: ScopeDep,
            field: Annotated[ExpertField | None, Query()] = None,
            region: Annotated[RegionCode | None, Query()] = None) -> list[ExpertRow]:  # fmt: skip
    """The experts of your region."""
    if region is not None:
        scope.check_region(region)
    return [ExpertRow(**e) for e in svc.list_experts(session, scope, field=field, region=region)]


def _create(session: Any, scope: Any, kind: str, values: dict[str, Any]) -> CreatedOut:
    return CreatedOut(kind=kind, id=svc.create_record(session, scope, kind, values))


@router.post("/depots", response_model=CreatedOut, status_code=201)
def create_depot(body: DepotIn, user: Officer, session: SessionDep, scope: ScopeDep) -> CreatedOut:
    """Register a depot (or update the one with this code) in your region; its county is found
    from the coordinates, which must lie in Zhejiang."""
    return _create(session, scope, "depots", body.model_dump())


@router.post("/materials", response_model=CreatedOut, status_code=201)
def create_material(
    body: MaterialIn, user: Officer, session: SessionDep, scope: ScopeDep
) -> CreatedOut:
    """Add a stock line to a depot of your region (the same name and specification updates it)."""
    return _create(session, scope, "materials", body.model_dump())


@router.post("/teams", response_model=CreatedOut, status_code=201)
def create_team(body: TeamIn, user: Officer, session: SessionDep, scope: ScopeDep) -> CreatedOut:
    """Register a rescue team (or update the one with this code) in your region."""
    values = body.model_dump() | {"specialities": ",".join(body.specialities)}
    return _create(session, scope, "teams", values)


@router.post("/experts", response_model=CreatedOut, status_code=201)
def create_expert(
    body: ExpertIn, user: Officer, session: SessionDep, scope: ScopeDep
) -> CreatedOut:
    """Register an expert (or update the one with this code) in your region."""
    return _create(session, scope, "experts", body.model_dump() | {"fields": ",".join(body.fields)})


@router.post("/import/{kind}", response_model=ImportOut, status_code=201)
def import_rows(kind: Kind, user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
                file: Annotated[UploadFile, File(description="CSV or .xlsx in the template's layout")],
                ) -> ImportOut:  # fmt: skip
    """Import depots, materials, teams or experts for your region: every row checked, all
    stored or none (422, every bad row in ``context.problems``)."""
    data = file.file.read(settings.max_file_bytes + 1)
    r = svc.import_table(session, scope, kind, data, max_bytes=settings.max_file_bytes)
    return ImportOut(kind=kind, filename=file.filename or "", created=r.created, updated=r.updated)


@router.get("/import/{kind}/template", responses=FILE_RESPONSES, response_class=Response)
def import_template(
    kind: Kind, user: Officer, format: Annotated[Fmt, Query()] = "xlsx"
) -> Response:
    """The blank import file of ``kind`` (headers Chinese; the English keys are accepted too)."""
    return table_download(f"emergency-resources-{kind}-template", list(COLUMNS[kind]), [], format)
