"""The farmland API (``/api/v1/soil/farmland``, issue #24): plots with their GB 15618-2018
category, counts and area by category and county, a plot's file (samples, category history,
measures), registering a plot, samples (JSON or a CSV/.xlsx file: all rows or none, every bad
row named), measures and the safe-use rate of polluted farmland for a year.

Officers (province, city, county) read and write their region; another region's plot is 404;
bad input is 422 naming the field (samples: every bad row in ``context.problems``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.limits import Day, Id, NoNul
from qingshan.soil.farmland import service as svc
from qingshan.soil.farmland.errors import FarmlandError
from qingshan.soil.farmland.models import FarmMeasure, FarmPlot, FarmSample
from qingshan.soil.farmland.plots import PlotInput, SampleInput, mu_of
from qingshan.soil.farmland.safeuse import __doc__ as RATE_DEFINITION
from qingshan.timeutil import as_cst, utcnow

router = APIRouter(prefix="/soil/farmland", tags=["soil farmland 农用地"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32), NoNul]
Name = Annotated[str, StringConstraints(min_length=1, max_length=128), NoNul]
Text = Annotated[str, StringConstraints(max_length=500), NoNul]
County = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Category = Literal["priority_protection", "safe_use", "strict_control", "none"]
LandUse = Literal["paddy", "other", "orchard", "rotation"]
Measure = Literal["fertilisation", "water_management", "low_accumulation", "soil_conditioner",
                  "lime", "bioremediation", "crop_change", "no_production_zone",
                  "return_to_forest", "fallow"]  # fmt: skip
ItemKey = Annotated[str, StringConstraints(min_length=1, max_length=40), NoNul]


class PlotOut(BaseModel):
    id: int
    code: str
    name: str
    region_code: str
    land_use: str
    area_m2: float
    area_mu: float = Field(description="1 亩 = 10 000/15 m²")
    lon: float
    lat: float
    category: str | None = Field(description="GB 15618-2018 category of the newest sample")
    category_since: date | None
    synthetic: bool
    boundary: dict[str, Any] | None = None


class PlotIn(BaseModel):
    code: Code
    name: Name
    region_code: County
    land_use: LandUse
    lon: float = Field(ge=117, le=124)
    lat: float = Field(ge=26, le=32)
    area_m2: float | None = Field(None, gt=0, le=1e9, description="area [m²]")
    area_mu: float | None = Field(None, gt=0, le=1.5e6, description="area [亩], if no area_m2")
    boundary: dict[str, Any] | None = None


class SampleIn(BaseModel):
    plot_code: Code
    sampled_on: Day
    depth_top_cm: float | None = Field(None, ge=0, le=500, description="required [cm]")
    depth_bottom_cm: float | None = Field(None, ge=0, le=500, description="required [cm]")
    unit: Annotated[str, StringConstraints(max_length=16), NoNul] | None = Field(
        None, description="mg/kg (or µg/kg), required"
    )
    ph: float | None = Field(None, description="soil pH, required, 0–14")
    values: dict[ItemKey, float] = Field(description="GB 15618-2018 item → content", max_length=20)


class SamplesIn(BaseModel):
    samples: list[SampleIn] = Field(
        min_length=1, max_length=200, description="at most 200 a request; more by a file"
    )


class SampleOut(BaseModel):
    sampled_on: date
    depth_top_cm: float
    depth_bottom_cm: float
    unit: str
    ph: float
    values: dict[str, float]
    category: str
    deciding: list[str]


class ChangeOut(BaseModel):
    on: date
    category_from: str | None
    category_to: str
    reason: str


class MeasureIn(BaseModel):
    kind: Measure
    year: int = Field(ge=2000, le=2100)
    area_m2: float | None = Field(None, gt=0, le=1e9)
    started_on: Day
    effective: bool | None = Field(None, description="produce met the food standard (safe use)")
    note: Text = ""


class MeasureOut(BaseModel):
    id: int
    kind: str
    year: int
    area_m2: float
    started_on: date
    effective: bool | None
    note: str


class PlotFileOut(BaseModel):
    plot: PlotOut
    samples: list[SampleOut]
    history: list[ChangeOut]
    measures: list[MeasureOut]


class StoredOut(BaseModel):
    stored: int


class RateOut(BaseModel):
    region_code: str
    year: int
    b_m2: float
    c_m2: float
    d_m2: float
    e_m2: float
    rate: float | None = Field(description="(B + C + D) / E × 100 [%]")
    definition: str


def _plot_out(p: FarmPlot, *, boundary: bool = False) -> PlotOut:
    return PlotOut(id=p.id, code=p.code, name=p.name, region_code=p.region_code,
                   land_use=p.land_use, area_m2=p.area_m2, area_mu=round(mu_of(p.area_m2), 2),
                   lon=p.lon, lat=p.lat, category=p.category, category_since=p.category_since,
                   synthetic=p.synthetic, boundary=p.boundary if boundary else None)  # fmt: skip


def _sample_out(x: FarmSample) -> SampleOut:
    return SampleOut(sampled_on=x.sampled_on, depth_top_cm=x.depth_top_cm,
                     depth_bottom_cm=x.depth_bottom_cm, unit=x.unit, ph=x.ph, values=x.values,
                     category=x.category, deciding=list(x.deciding))  # fmt: skip


def _measure_out(m: FarmMeasure) -> MeasureOut:
    return MeasureOut(id=m.id, kind=m.kind, year=m.year, area_m2=m.area_m2,
                      started_on=m.started_on, effective=m.effective, note=m.note)  # fmt: skip


@router.get("/plots", response_model=list[PlotOut])
def list_plots(user: Officer, scope: ScopeDep, session: SessionDep,
               category: Annotated[Category | None, Query()] = None,
               region: Annotated[County | None, Query()] = None) -> list[PlotOut]:  # fmt: skip
    """The plots of the caller's region, by category and county/city."""
    return [_plot_out(p) for p in svc.list_plots(session, scope, category=category,
                                                  region_code=region)]  # fmt: skip


@router.get("/summary")
def summary(user: Officer, scope: ScopeDep, session: SessionDep) -> dict[str, Any]:
    """Plots and area [亩] by category, for the region and each county."""
    plots = svc.list_plots(session, scope)
    return {"total": svc.category_counts(plots), "by_county": svc.county_summary(plots)}


@router.post("/plots", response_model=PlotOut, status_code=201)
def register_plot(body: PlotIn, user: Officer, scope: ScopeDep, session: SessionDep) -> PlotOut:
    """Register a plot (area in m², or 亩)."""
    p = svc.register_plot(session, scope, PlotInput(**body.model_dump()), actor=user.username,
                          now=utcnow())  # fmt: skip
    return _plot_out(p, boundary=True)


@router.get("/plots/{plot_id}", response_model=PlotFileOut)
def plot_file(plot_id: Id, user: Officer, scope: ScopeDep, session: SessionDep) -> PlotFileOut:
    """A plot's file: samples (newest first), category history, measures."""
    f = svc.plot_file(session, scope, plot_id)
    return PlotFileOut(plot=_plot_out(f.plot, boundary=True),
                       samples=[_sample_out(x) for x in f.samples],
                       history=[ChangeOut(on=h.on, category_from=h.category_from,
                                          category_to=h.category_to, reason=h.reason)
                                for h in f.history],
                       measures=[_measure_out(m) for m in f.measures])  # fmt: skip


@router.post("/plots/{plot_id}/measures", response_model=MeasureOut, status_code=201)
def add_measure(plot_id: Id, body: MeasureIn, user: Officer, scope: ScopeDep,
                session: SessionDep) -> MeasureOut:  # fmt: skip
    """Record a safe-use (安全利用类 plot) or strict-control (严格管控类 plot) measure."""
    m = svc.add_measure(session, scope, plot_id, **body.model_dump(), actor=user.username,
                        now=utcnow())  # fmt: skip
    return _measure_out(m)


@router.post("/samples", response_model=StoredOut, status_code=201)
def add_samples(body: SamplesIn, user: Officer, scope: ScopeDep, session: SessionDep) -> StoredOut:
    """Store samples (categorised by GB 15618-2018): all or none, every bad sample named."""
    rows = [SampleInput(**x.model_dump()) for x in body.samples]
    return StoredOut(
        stored=svc.add_samples(session, scope, rows, actor=user.username, now=utcnow())
    )


@router.post("/samples/file", response_model=StoredOut, status_code=201,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "text/csv": {"schema": {"type": "string"}}}}})  # fmt: skip
async def import_samples(request: Request, user: Officer, scope: ScopeDep, session: SessionDep,
                         settings: SettingsDep) -> StoredOut:  # fmt: skip
    """Samples from a CSV or .xlsx body (plot_code, sampled_on, depth, unit, pH, one column per
    item); an .xlsx body is read by its content too. The whole file is refused naming every bad
    row."""
    data = await request.body()
    if len(data) > settings.max_file_bytes:
        raise FarmlandError(f"file: more than {settings.max_file_bytes} bytes", field="file")
    return StoredOut(stored=svc.import_samples(session, scope, data, actor=user.username,
                                               now=utcnow(),
                                               max_bytes=settings.max_file_bytes))  # fmt: skip


@router.get("/safe-use-rate", response_model=RateOut)
def safe_use_rate(user: Officer, scope: ScopeDep, session: SessionDep,
                  year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> RateOut:  # fmt: skip
    """受污染耕地安全利用率 of the caller's region for ``year`` (default this year)."""
    y = year or as_cst(utcnow()).year
    r = svc.safe_use_rate_of(session, scope, y)
    return RateOut(region_code=scope.region_code, year=y, b_m2=r.b_m2, c_m2=r.c_m2, d_m2=r.d_m2,
                   e_m2=r.e_m2, rate=r.rate, definition=(RATE_DEFINITION or "").strip())  # fmt: skip
