"""The ecological-status API (``/api/v1/ecology/status``, issue #25): the EI of a year by county
with the change classes against a base year (HJ 192-2015), one county's years, and the EI inputs
— one county and year, or an import (CSV / .xlsx, all rows or none, every bad row named).

Province, city and county officers read their region; province and city officers write; others
get 403; a county outside the region is 404; bad input 422 naming the field (an import: every
problem in ``context.problems``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.limits import NoNul
from qingshan.ecology.status import service as svc

router = APIRouter(prefix="/ecology/status", tags=["ecology status 生态状况"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Writer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY)]
County = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Year = Annotated[int, Field(ge=2000, le=2035)]
Sub = Annotated[float, Field(ge=0, le=100, description="a sub-index, 0–100 (HJ 192-2015 §5.2)")]


class ChangeOut(BaseModel):
    delta: float = Field(description="ΔEI = EI of the year − EI of the base year")
    magnitude: str = Field(description="no_obvious | slight | obvious | significant")
    direction: str = Field(description="better | worse | '' (no obvious change)")
    key: str


class CountyOut(BaseModel):
    region_code: str
    ei: float | None
    grade: str | None = Field(
        description="excellent | good | fair | poor | bad, after the restriction index"
    )
    sub: dict[str, Any]
    base_ei: float | None
    base_grade: str | None
    change: ChangeOut | None
    synthetic: bool
    source: str


class MapOut(BaseModel):
    region_code: str
    year: int | None
    base_year: int | None
    years: list[int]
    counties: list[CountyOut]


class YearOut(BaseModel):
    year: int
    ei: float
    grade: str
    index_grade: str = Field(description="the grade of the EI alone, before the restriction index")
    sub: dict[str, Any]
    source: str
    synthetic: bool
    change: dict[str, Any] | None


class CountyDetailOut(BaseModel):
    region_code: str
    years: list[YearOut]


class InputIn(BaseModel):
    """One county's EI inputs for a year (HJ 192-2015 §5.2; the restriction events of its
    Table 5 as keys or Chinese names, several separated by ``,`` — blank for none)."""

    region: County = Field(description="the county (GB/T 2260)")
    year: Year
    biological_abundance: Sub
    vegetation_cover: Sub
    water_network_density: Sub
    land_stress: Sub
    pollution_load: Sub
    restriction: Annotated[str, StringConstraints(max_length=200), NoNul] = ""
    source: Annotated[str, StringConstraints(max_length=200), NoNul] = ""


class SavedOut(BaseModel):
    created: int
    updated: int


@router.get("", response_model=MapOut)
def ei_map(user: Officer, session: SessionDep, scope: ScopeDep,
           year: Annotated[Year | None, Query(description="default: the latest with inputs")] = None,
           base_year: Annotated[Year | None, Query(description="default: the earliest before year")] = None,
           ) -> MapOut:  # fmt: skip
    """The EI of every county of your region for ``year`` with its grade and sub-indices, and
    the change class from ``base_year`` (HJ 192-2015 §5.3)."""
    m = svc.ei_map(session, scope, year=year, base_year=base_year)
    return MapOut(region_code=m.region_code, year=m.year, base_year=m.base_year, years=m.years,
                  counties=[CountyOut(**c.as_dict()) for c in m.counties])  # fmt: skip


@router.get("/counties/{region_code}", response_model=CountyDetailOut)
def county(region_code: County, user: Officer, session: SessionDep,
           scope: ScopeDep) -> CountyDetailOut:  # fmt: skip
    """One county's EI inputs of every year and the change from the year before."""
    return CountyDetailOut(**svc.county_detail(session, scope, region_code))


@router.post("/inputs", response_model=SavedOut, status_code=201)
def record(body: InputIn, user: Writer, session: SessionDep, scope: ScopeDep) -> SavedOut:
    """Record (or replace) one county's EI inputs for a year; the EI and grade are derived."""
    return SavedOut(**svc.record_input(session, scope, body.model_dump()).as_dict())


@router.post("/import", response_model=SavedOut, status_code=201)
def import_file(user: Writer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
                file: Annotated[UploadFile, File(description="CSV or .xlsx: 区县代码, 年份, the five sub-indices, 环境限制指数, 来源")],
                ) -> SavedOut:  # fmt: skip
    """Import EI inputs: every row checked, all stored or none (422, every bad row in
    ``context.problems``)."""
    data = file.file.read(settings.max_file_bytes + 1)
    r = svc.import_inputs(session, scope, data, max_bytes=settings.max_file_bytes)
    return SavedOut(**r.as_dict())
