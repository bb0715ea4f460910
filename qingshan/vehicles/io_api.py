"""``/api/v1/vehicles`` (issue #21), the routes beside :mod:`qingshan.vehicles.api`: imports of
vehicles, I/M tests, remote-sensing readings and OBD samples (``POST /vehicles/import/{kind}``, province and city officers — all rows or none, 422 with every
problem by row and field in ``context.problems``; ``GET /vehicles/import/{kind}/template``),
remote sensing (a plate's or a site's readings with validity and screening verdicts; the repeat
high emitters, also as CSV / Excel) and OBD (a truck's summary; the flagged trucks, also as a
file). Officers only (province, city, county), each reading its own region: a site in it, a
truck registered in it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.export import FILE_RESPONSES, table_download
from qingshan.api.limits import Day
from qingshan.timeutil import utcnow
from qingshan.vehicles import rs_obd_read as rd
from qingshan.vehicles.import_service import Kind, import_file, template_headers
from qingshan.vehicles.schemas import VinText
from qingshan.vehicles.service import get_store

router = APIRouter(prefix="/vehicles", tags=["vehicles 机动车排气"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Importer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY)]
Fmt = Literal["csv", "xlsx"]
PlateText = Annotated[str, StringConstraints(max_length=16)]
SiteText = Annotated[str, StringConstraints(max_length=32)]
Days = Annotated[int, Query(ge=1, le=366, description="CST days back from today")]


class ImportOut(BaseModel):
    kind: str
    filename: str
    batch: str
    rows: int
    counts: dict[str, int] = Field(description="vehicles by fuel; tests passed / failed; "
                                   "readings valid / invalid / high; OBD trucks / days")  # fmt: skip


class RSReadingOut(BaseModel):
    reading_id: str
    site_code: str
    site_name: str
    plate: str
    at: str = Field(description="China Standard Time")
    speed_kmh: float | None
    accel_ms2: float | None
    vsp_kwt: float | None
    wind_ms: float | None
    co_pct: float | None
    hc_ppm: float | None
    no_ppm: float | None
    opacity_pct: float | None
    valid: bool = Field(description="inside the validity window (speed, acceleration, VSP, wind)")
    high: bool = Field(description="a valid reading over a screening value")
    over: list[str] = Field(description="the pollutants over their screening values")
    synthetic: bool


class Offender(BaseModel):
    pollutants: list[str]
    runs: int
    max_multiple: float
    first_at: str
    last_at: str


class RSReadingsOut(BaseModel):
    plate: str
    site_code: str
    since: str
    until: str
    total: int
    readings: list[RSReadingOut]
    offender: Offender | None = Field(description="a plate's repeat-rule verdict over the window")
    rule: str
    thresholds: dict[str, float]


class EmitterOut(BaseModel):
    plate: str
    vin: str
    pollutants: str
    runs: int
    max_multiple: float
    first_at: str
    last_at: str
    site: str


class EmittersOut(BaseModel):
    since: str
    until: str
    rule: str
    emitters: list[EmitterOut]


class Episode(BaseModel):
    start: str
    end: str
    minutes: float
    detail: dict[str, Any]


class OBDTruckOut(BaseModel):
    vin: str
    plate: str
    region_code: str
    since: str
    until: str
    samples: int
    first: str
    last: str
    nox_ppm_median: float | None
    urea_level_pct_min: float | None
    dosing_share: float | None
    flagged: list[str]
    scr: list[Episode]
    gaps: list[Episode]
    scr_rule: str
    gap_rule: str


class FlaggedTruck(BaseModel):
    vin: str
    plate: str
    region_code: str
    check: str
    episodes: int
    minutes: float
    first: str
    last: str


class FlaggedOut(BaseModel):
    since: str
    until: str
    trucks: list[FlaggedTruck]


@router.post("/import/{kind}", response_model=ImportOut, status_code=201)
def import_rows(kind: Kind, user: Importer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
                file: Annotated[UploadFile, File(description="CSV or .xlsx: vehicles, I/M tests, "
                                                 "remote-sensing readings or OBD samples")]) -> ImportOut:  # fmt: skip
    """Import a file of vehicles, I/M tests, remote-sensing readings or OBD samples for your
    region: every row checked, all stored as one batch or none (422, every problem in
    ``context.problems`` as ``row <n>: <field>: <what>``)."""
    data = file.file.read(settings.max_file_bytes + 1)
    r = import_file(get_store(settings.data_dir), session, scope, kind, data,
                    max_bytes=settings.max_file_bytes)  # fmt: skip
    return ImportOut(kind=kind, filename=file.filename or "", batch=r.batch, rows=r.rows,
                     counts=dict(r.counts))  # fmt: skip


@router.get("/import/{kind}/template", responses=FILE_RESPONSES, response_class=Response)
def import_template(
    kind: Kind, user: Officer, format: Annotated[Fmt, Query()] = "xlsx"
) -> Response:
    """The blank import file of ``kind`` with the headers the reader knows."""
    return table_download(f"vehicles-{kind}-template", template_headers(kind), [], format)


@router.get("/rs/readings", response_model=RSReadingsOut)
def rs_readings(user: Officer, scope: ScopeDep, settings: SettingsDep,
                plate: Annotated[PlateText, Query(description="a plate (浙A12345)")] = "",
                site: Annotated[SiteText, Query(description="a site code of your region")] = "",
                start: Annotated[Day | None, Query(description="first CST day (default 365 days back)")] = None,
                end: Annotated[Day | None, Query(description="last CST day (default today)")] = None,
                ) -> RSReadingsOut:  # fmt: skip
    """A plate's or a site's remote-sensing readings at your region's sites, newest first (at
    most 5,000; ``total`` counts all), each with its validity and screening verdict; for a plate
    also the repeat rule's verdict over the window."""
    r = rd.rs_readings(get_store(settings.data_dir), scope, plate=plate, site=site, now=utcnow(),
                       start=start, end=end)  # fmt: skip
    return RSReadingsOut.model_validate(r, from_attributes=True)


@router.get("/rs/emitters", response_model=EmittersOut, responses=FILE_RESPONSES)
def rs_emitters(user: Officer, scope: ScopeDep, settings: SettingsDep,
                format: Annotated[Fmt | None, Query(description="csv or xlsx: the list as a file")] = None,
                ) -> EmittersOut | Response:  # fmt: skip
    """The repeat high emitters (the same pollutant over on 2 consecutive valid readings within 6
    natural months) seen at your region's sites over the last 365 days, largest excess first."""
    rows, since, until, rule = rd.rs_emitters(get_store(settings.data_dir), scope, now=utcnow())
    if format is not None:
        return table_download(f"遥感高排放车-{scope.region_code}", [h for h, _ in rd.EMITTER_COLUMNS],
                              [[r[k] for _, k in rd.EMITTER_COLUMNS] for r in rows], format)  # fmt: skip
    return EmittersOut(since=since, until=until, rule=rule,
                       emitters=[EmitterOut.model_validate(r) for r in rows])  # fmt: skip


@router.get("/obd/trucks/{vin}", response_model=OBDTruckOut)
def obd_truck(
    vin: VinText, user: Officer, scope: ScopeDep, settings: SettingsDep, days: Days = 30
) -> OBDTruckOut:
    """A truck registered in your region: its OBD samples over the last ``days`` CST days, the
    SCR-failure and data-gap episodes and the checks that flag it."""
    t = rd.obd_truck(get_store(settings.data_dir), scope, vin, now=utcnow(), days=days)
    return OBDTruckOut.model_validate(t, from_attributes=True)


@router.get("/obd/flagged", response_model=FlaggedOut, responses=FILE_RESPONSES)
def obd_flagged(user: Officer, scope: ScopeDep, settings: SettingsDep, days: Days = 30,
                format: Annotated[Fmt | None, Query(description="csv or xlsx: the list as a file")] = None,
                ) -> FlaggedOut | Response:  # fmt: skip
    """The trucks registered in your region flagged by the SCR-failure or data-gap check over
    the last ``days`` CST days, one row per truck and check, longest first."""
    rows, since, until = rd.obd_flagged(
        get_store(settings.data_dir), scope, now=utcnow(), days=days
    )
    if format is not None:
        return table_download(f"重型柴油车疑似问题-{scope.region_code}", [h for h, _ in rd.FLAGGED_COLUMNS],
                              [[r[k] for _, k in rd.FLAGGED_COLUMNS] for r in rows], format)  # fmt: skip
    return FlaggedOut(
        since=since, until=until, trucks=[FlaggedTruck.model_validate(r) for r in rows]
    )
