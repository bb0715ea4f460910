"""The biodiversity API (``/api/v1/ecology``, issue #25): the key survey areas and their
progress, one area with its species and flags, the survey dates, species records in Darwin Core
shape (one, or an import of CSV / .xlsx with Darwin Core headers — all rows or none), the Darwin
Core CSV export and the protected / invasive species lists held.

Province, city and county officers read their region and record species there; survey dates are
set by province and city officers; others get 403; an area outside the region is 404; bad input
422 naming the field (an import: every problem in ``context.problems``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.export import FILE_RESPONSES, table_download
from qingshan.api.limits import Day, Id, NoNul
from qingshan.ecology.biodiversity import lists
from qingshan.ecology.biodiversity import service as svc
from qingshan.ecology.biodiversity.progress import PLAN_AREAS, progress
from qingshan.ecology.biodiversity.records import BASIS_OF_RECORD, TAXON_RANKS

router = APIRouter(prefix="/ecology", tags=["ecology biodiversity 生物多样性"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Manager = Annotated[User, require_roles(Role.PROVINCE, Role.CITY)]
Text64 = Annotated[str, StringConstraints(max_length=64), NoNul]


def _choice(words: tuple[str, ...]) -> str:
    return "^(" + "|".join(words) + ")$"


class AreaRow(BaseModel):
    id: int
    code: str
    name: str
    name_en: str
    ecosystem: str
    region_code: str
    lon: float
    lat: float
    area_km2: float
    geometry: dict[str, Any] = Field(description="GeoJSON Polygon, lon/lat")
    planned_start: date | None
    started_on: date | None
    finished_on: date | None
    status: str = Field(description="planned | surveying | done (from the dates)")
    synthetic: bool
    records: int
    species: int
    protected: int
    invasive: int


class AreasOut(BaseModel):
    planned: int
    surveying: int
    done: int
    plan_target: int = Field(description="the plan's key areas (target 9.1)")
    areas: list[AreaRow]


class SpeciesRow(BaseModel):
    scientific_name: str
    vernacular_name: str
    class_name: str
    records: int
    individuals: int | None
    last_seen: date | None
    protected: str | None = Field(description="I | II (national key protection) or null")
    protected_list: str | None
    invasive: bool
    confidence: str


class RecordRow(BaseModel):
    id: int
    occurrence_id: str
    scientific_name: str
    vernacular_name: str
    taxon_rank: str
    class_name: str
    family: str
    event_date: date
    lat: float
    lon: float
    recorded_by: str
    basis_of_record: str
    individual_count: int | None
    region_code: str
    synthetic: bool
    protected: str | None
    protected_list: str | None
    invasive: bool
    confidence: str


class AreaOut(AreaRow):
    species_list: list[SpeciesRow]
    records_list: list[RecordRow] = Field(description="the latest 200 records")


class DatesIn(BaseModel):
    started_on: Day | None = None
    finished_on: Day | None = None


class RecordIn(BaseModel):
    """One occurrence; the fields are Darwin Core's terms (occurrenceID … locationID) in
    snake case. Without a place (both coordinates) or a date it is refused."""

    occurrence_id: Annotated[str, StringConstraints(min_length=1, max_length=100), NoNul]
    scientific_name: Annotated[str, StringConstraints(min_length=1, max_length=200), NoNul]
    vernacular_name: Annotated[str, StringConstraints(max_length=100), NoNul] = ""
    taxon_rank: Annotated[str, StringConstraints(pattern=_choice(TAXON_RANKS))] = "species"
    kingdom: Text64 = ""
    phylum: Text64 = ""
    class_name: Text64 = Field("", description="dwc:class")
    order_name: Text64 = Field("", description="dwc:order")
    family: Text64 = ""
    event_date: Day = Field(description="dwc:eventDate (a day)")
    lat: float = Field(ge=-90, le=90, description="dwc:decimalLatitude")
    lon: float = Field(ge=-180, le=180, description="dwc:decimalLongitude")
    coordinate_uncertainty_m: float | None = Field(None, ge=0, le=1e6)
    recorded_by: Annotated[str, StringConstraints(max_length=200), NoNul] = ""
    basis_of_record: Annotated[str, StringConstraints(pattern=_choice(BASIS_OF_RECORD))] = (
        "HumanObservation"
    )
    individual_count: int | None = Field(None, ge=0, le=10_000_000)
    survey_area: Annotated[str, StringConstraints(max_length=32), NoNul] = Field(
        "", description="dwc:locationID: a survey area's code"
    )


class SavedOut(BaseModel):
    created: int
    updated: int


class ListOut(BaseModel):
    key: str
    kind: str
    name_zh: str
    name_en: str
    issued: str
    source: str
    subset: str
    confidence_note: str
    species: list[dict[str, str]]


@router.get("/surveys", response_model=AreasOut)
def areas(user: Officer, session: SessionDep, scope: ScopeDep) -> AreasOut:
    """The key survey areas of your region with their status today and their counts, and the
    progress against the plan's 29 areas (target 9.1)."""
    rows = svc.list_areas(session, scope)
    p = progress(a["status"] for a in rows)
    return AreasOut(planned=p.planned, surveying=p.surveying, done=p.done, plan_target=PLAN_AREAS,
                    areas=[AreaRow(**a) for a in rows])  # fmt: skip


@router.get("/surveys/{area_id}", response_model=AreaOut)
def area(area_id: Id, user: Officer, session: SessionDep, scope: ScopeDep) -> AreaOut:
    """One survey area: its species (protected first, then invasive) and its latest records."""
    return AreaOut(**svc.area_detail(session, scope, area_id))


@router.put("/surveys/{area_id}/dates", response_model=AreaRow)
def dates(area_id: Id, body: DatesIn, user: Manager, session: SessionDep,
          scope: ScopeDep) -> AreaRow:  # fmt: skip
    """Set the area's start and finish (its status follows): a finish without a start, before
    it, or after today is refused."""
    svc.set_area_dates(session, scope, area_id, started_on=body.started_on,
                       finished_on=body.finished_on)  # fmt: skip
    return next(AreaRow(**a) for a in svc.list_areas(session, scope) if a["id"] == area_id)


@router.post("/records", response_model=SavedOut, status_code=201)
def record(body: RecordIn, user: Officer, session: SessionDep, scope: ScopeDep) -> SavedOut:
    """Record one occurrence in your region (a stored occurrenceID is replaced); its county is
    found from its coordinates, which must lie in Zhejiang."""
    return SavedOut(**svc.record_one(session, scope, body.model_dump()).as_dict())


@router.post("/records/import", response_model=SavedOut, status_code=201)
def import_records(user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
                   file: Annotated[UploadFile, File(description="CSV or .xlsx with Darwin Core headers")],
                   ) -> SavedOut:  # fmt: skip
    """Import occurrences: every row checked, all stored or none (422, every bad row in
    ``context.problems``)."""
    data = file.file.read(settings.max_file_bytes + 1)
    r = svc.import_records(session, scope, data, max_bytes=settings.max_file_bytes)
    return SavedOut(**r.as_dict())


@router.get("/records.csv", responses=FILE_RESPONSES, response_class=Response)
def records_csv(user: Officer, session: SessionDep, scope: ScopeDep,
                area_id: Annotated[Id | None, Query(description="one survey area")] = None) -> Response:  # fmt: skip
    """The occurrences of your region (of one area) as Darwin Core CSV (the term names as
    headers; occurrenceRemarks carries the list flags and "synthetic")."""
    heads, rows = svc.export_dwc(session, scope, area_id=area_id)
    return table_download("occurrence-dwc", list(heads), rows, "csv")


@router.get("/lists", response_model=list[ListOut])
def species_lists(user: Officer) -> list[ListOut]:
    """The protected (2021) and invasive (2022) species lists held — subsets, with their
    sources and each entry's confidence."""
    entries = lists.species()
    return [ListOut(key=i.key, kind=i.kind, name_zh=i.name_zh, name_en=i.name_en,
                    issued=i.issued, source=i.source, subset=i.subset,
                    confidence_note=i.confidence_note,
                    species=[e for e in entries if e["list"] == i.key])
            for i in lists.lists()]  # fmt: skip
