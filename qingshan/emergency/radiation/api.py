"""The radiation API (``/api/v1/emergency/radiation``, issue #22): the sealed-source register
(decayed to a day, with its class then), registering a source, mobile-source position reports
(JSON from the tracking device, or a CSV import: all rows or none), the excursion alerts, the
tracks and fences, the dose-rate stations with their latest value, and one station's hourly
series with its QC flags and baseline.

Officers (province, city, county) read and write in their region; an enterprise account reads
and reports for its own sources; others get 403. Bad input is 422 naming the field (an import:
every bad row in ``context.problems``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.export import FILE_RESPONSES, table_download
from qingshan.api.limits import AwareTime, Day, NoNul
from qingshan.emergency.radiation import service as svc
from qingshan.emergency.radiation.errors import RadiationError
from qingshan.emergency.radiation.nuclides import nuclides
from qingshan.emergency.radiation.register import SourceInput, Status
from qingshan.emergency.radiation.source_import import TEMPLATE_HEADERS
from qingshan.errors import UnreadableText, decode_table_text
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

router = APIRouter(prefix="/emergency/radiation", tags=["emergency radiation 辐射安全"])

Reader = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)]
Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32), NoNul]
Text = Annotated[str, StringConstraints(max_length=300), NoNul]
Lon = Annotated[float, Field(ge=-180, le=180, description="longitude [degrees, CGCS2000]")]
Lat = Annotated[float, Field(ge=-90, le=90, description="latitude [degrees, CGCS2000]")]
StatusLit = Literal["in_use", "in_storage", "mobile", "disused", "collected"]
CategoryLit = Literal["I", "II", "III", "IV", "V", "exempt"]
#: a nuclide of the table (data/nuclides.json), as a filter; a body's nuclide is checked by the
#: service, whose error names an unknown one
NuclideCode = Annotated[str, StringConstraints(pattern="^(" + "|".join(sorted(nuclides())) + ")$")]


class SourceOut(BaseModel):
    id: int
    code: str
    nuclide: str
    a0_bq: float = Field(description="activity on the reference date [Bq]")
    reference_date: date
    on: date = Field(description="the day the activity is decayed to")
    activity_bq: float = Field(description="A0·2^(−t/T½) on `on` [Bq]")
    category: str | None = Field(
        description="I–V by A/D on `on` (62号 / RS-G-1.9); None: below exemption"
    )
    category_at_reference: str | None
    status: str
    use: str
    licence_no: str
    licence_expiry: date | None
    enterprise_id: int | None
    holder: str | None
    region_code: str
    location: str
    lon: float | None
    lat: float | None
    disused_on: date | None
    collection_deadline: date | None
    overdue: bool
    collected_on: date | None
    facility_kind: str | None
    facility_name: str | None
    synthetic: bool


def _out(v: svc.SourceView) -> SourceOut:
    r = v.row
    return SourceOut(
        id=r.id, code=r.code, nuclide=r.nuclide, a0_bq=r.a0_bq, reference_date=r.reference_date,
        on=v.on, activity_bq=v.activity_bq, category=v.category,
        category_at_reference=v.category_at_reference, status=r.status, use=r.use,
        licence_no=r.licence_no, licence_expiry=r.licence_expiry, enterprise_id=r.enterprise_id,
        holder=v.holder, region_code=r.region_code, location=r.location, lon=r.lon, lat=r.lat,
        disused_on=r.disused_on, collection_deadline=v.deadline, overdue=v.overdue,
        collected_on=r.collected_on, facility_kind=r.facility_kind, facility_name=r.facility_name,
        synthetic=r.synthetic,
    )  # fmt: skip


class SourceIn(BaseModel):
    """A source to register. The activity needs its reference date (出厂/标定日期)."""

    code: Code
    nuclide: Annotated[str, StringConstraints(min_length=1, max_length=16), NoNul]
    a0_bq: float = Field(gt=0, le=1e20, description="activity on the reference date [Bq]")
    reference_date: Day | None = None
    region_code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
    status: StatusLit = "in_use"
    use: Text = ""
    licence_no: Annotated[str, StringConstraints(max_length=64), NoNul] = ""
    enterprise_id: int | None = Field(None, ge=1, le=2**31 - 1)
    licence_expiry: Day | None = None
    location: Text = ""
    lon: Lon | None = None
    lat: Lat | None = None
    disused_on: Day | None = None
    fence: dict[str, Any] | None = Field(
        None, description="GeoJSON Polygon of the licensed work area (mobile)"
    )


class PositionIn(BaseModel):
    source: Code
    time: AwareTime
    lon: Lon
    lat: Lat
    dose_usv_h: float | None = Field(
        None, ge=0, le=1e7, description="dose rate at the container [µSv/h]"
    )


class PositionsOut(BaseModel):
    added: int
    duplicates: int


class AlertOut(BaseModel):
    id: int
    source: str
    nuclide: str
    kind: str = Field(description="fence (越出围栏) | dose (剂量率异常)")
    region_code: str
    started_at: datetime
    last_at: datetime
    ended_at: datetime | None
    reports: int
    lon: float
    lat: float
    distance_m: float | None
    max_dose_usv_h: float | None
    case_ref: str | None
    incident_id: int | None


class StationOut(BaseModel):
    code: str
    name: str
    region_code: str
    lon: float | None
    lat: float | None
    time: datetime | None
    dose_ngy_h: float | None
    reports_rain: bool


class SeriesPoint(BaseModel):
    time: datetime
    dose_ngy_h: float | None
    rain_mm: float | None
    flag: int = Field(description="qingshan.qc.flags.Flag: 1 pass, 3 suspect, 4 fail, 9 missing")
    above_baseline: bool
    rain_flag: bool


class SeriesOut(BaseModel):
    code: str
    baseline_mean: float | None
    baseline_sd: float | None
    baseline_level: float | None = Field(description="mean + 3σ over the trailing year [nGy/h] (U)")
    points: list[SeriesPoint]


def _today() -> date:
    return utcnow().astimezone(CST).date()


@router.get("/sources", response_model=list[SourceOut])
def sources(user: Reader, session: SessionDep, scope: ScopeDep,
            on: Annotated[Day | None, Query(description="decay to this day (default today, CST)")] = None,
            status: Annotated[StatusLit | None, Query()] = None,
            category: Annotated[CategoryLit | None, Query()] = None,
            nuclide: Annotated[NuclideCode | None, Query()] = None,
            ) -> list[SourceOut]:  # fmt: skip
    """The register of your region (an enterprise: its own sources), decayed to ``on``."""
    views = svc.list_sources(session, scope, on=on or _today(), status=status, category=category,
                             nuclide_code=nuclide)  # fmt: skip
    return [_out(v) for v in views]


@router.get("/sources/{code}", response_model=SourceOut)
def source(code: Code, user: Reader, session: SessionDep, scope: ScopeDep,
           on: Annotated[Day | None, Query()] = None) -> SourceOut:  # fmt: skip
    """One source, decayed to ``on`` (default today)."""
    return _out(svc.get_source(session, scope, code, on=on or _today()))


@router.post("/sources", response_model=SourceOut, status_code=201)
def register(body: SourceIn, user: Reader, session: SessionDep, scope: ScopeDep) -> SourceOut:
    """Register a source: an unknown nuclide, a missing reference date, a mobile source without
    its fence, a holder outside your scope are refused naming the field; nothing is stored."""
    now = utcnow()
    inp = SourceInput(**body.model_dump(exclude={"fence"}))
    row = svc.register_source(session, scope, inp, actor=user.username, now=now, fence=body.fence)
    return _out(svc.get_source(session, scope, row.id, on=now.astimezone(CST).date()))


class SourcesImportOut(BaseModel):
    filename: str
    created: int
    codes: list[str]


@router.post("/sources/import", response_model=SourcesImportOut, status_code=201)
def import_sources(user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
                   file: Annotated[UploadFile, File(description="CSV or .xlsx in the template's layout")],
                   ) -> SourcesImportOut:  # fmt: skip
    """Import sources into the register of your region (officers): every row checked — an
    unknown nuclide, no reference date, an activity ≤ 0, an expired licence, coordinates
    outside Zhejiang, a code already registered are named — and all stored or none (422,
    every bad row in ``context.problems``)."""
    data = file.file.read(settings.max_file_bytes + 1)
    if len(data) > settings.max_file_bytes:
        raise RadiationError(f"file: larger than {settings.max_file_bytes} bytes", field="file")
    rows = svc.import_sources(session, scope, data, actor=user.username, now=utcnow(),
                              max_bytes=settings.max_file_bytes)  # fmt: skip
    return SourcesImportOut(filename=file.filename or "", created=len(rows),
                            codes=[r.code for r in rows])  # fmt: skip


@router.get("/sources/import/template", responses=FILE_RESPONSES, response_class=Response)
def sources_template(
    user: Officer, format: Annotated[Literal["csv", "xlsx"], Query()] = "xlsx"
) -> Response:
    """The blank register import file (headers Chinese; the English keys are accepted too)."""
    return table_download("emergency-radiation-sources-template", TEMPLATE_HEADERS, [], format)


@router.post("/positions", response_model=PositionsOut, status_code=201)
def positions(body: Annotated[list[PositionIn], Field(min_length=1, max_length=5000)], user: Reader,
              session: SessionDep, scope: ScopeDep) -> PositionsOut:  # fmt: skip
    """Position reports of mobile sources (the tracking device posts here): all stored or none;
    a report already stored (same source and time) is skipped. The ``emergency-radiation`` job
    judges them within 5 minutes."""
    r = svc.add_positions(
        session, scope, [p.model_dump() for p in body], origin="api", now=utcnow()
    )
    return PositionsOut(**r)


@router.post("/positions/import", response_model=PositionsOut, status_code=201)
def import_positions(user: Reader, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
                     file: Annotated[UploadFile, File(description="CSV: source,time,lon,lat,dose_usv_h")],
                     ) -> PositionsOut:  # fmt: skip
    """Position reports from a CSV file (time ISO 8601; without an offset: China Standard
    Time): every row checked, all stored or none."""
    data = file.file.read(settings.max_file_bytes + 1)
    if len(data) > settings.max_file_bytes:
        raise RadiationError(f"file: larger than {settings.max_file_bytes} bytes", field="file")
    try:
        text = decode_table_text(data)
    except UnreadableText as exc:
        raise RadiationError(f"file: {exc}", field="file") from exc
    r = svc.import_positions_csv(session, scope, text, now=utcnow())
    return PositionsOut(**r)


@router.get("/alerts", response_model=list[AlertOut])
def alert_list(user: Reader, session: SessionDep, scope: ScopeDep,
               open_only: Annotated[bool, Query()] = False) -> list[AlertOut]:  # fmt: skip
    """Excursions of mobile sources (out of fence, abnormal dose), newest first (at most 200)."""
    return [
        AlertOut(
            id=a.id,
            source=s.code,
            nuclide=s.nuclide,
            kind=a.kind,
            region_code=a.region_code,
            started_at=a.started_at,
            last_at=a.last_at,
            ended_at=a.ended_at,
            reports=a.reports,
            lon=a.lon,
            lat=a.lat,
            distance_m=a.distance_m,
            max_dose_usv_h=a.max_dose_usv_h,
            case_ref=a.case_ref,
            incident_id=a.incident_id,
        )  # fmt: skip
        for a, s in svc.alerts(session, scope, open_only=open_only)
    ]


@router.get("/tracks")
def track_list(user: Reader, session: SessionDep, scope: ScopeDep,
               hours: Annotated[int, Query(ge=1, le=24 * 31)] = 48) -> list[dict[str, Any]]:  # fmt: skip
    """The mobile sources with their fence (GeoJSON) and their reports of the last ``hours``
    (``[lon, lat, time, dose µSv/h]``)."""
    return svc.tracks(session, scope, since=utcnow() - timedelta(hours=hours))


@router.get("/stations", response_model=list[StationOut])
def stations(user: Reader, session: SessionDep, scope: ScopeDep) -> list[StationOut]:
    """The ambient γ dose-rate stations of your region with their newest hourly value [nGy/h]."""
    return [StationOut(code=s.code, name=s.name, region_code=s.region_code, lon=s.lon, lat=s.lat,
                       time=s.time, dose_ngy_h=s.value, reports_rain=s.reports_rain)
            for s in svc.stations_latest(session, scope)]  # fmt: skip


@router.get("/stations/{code}/series", response_model=SeriesOut)
def station_series(code: Code, user: Reader, session: SessionDep, scope: ScopeDep,
                   settings: SettingsDep, days: Annotated[int, Query(ge=1, le=92)] = 7) -> SeriesOut:  # fmt: skip
    """A station's last ``days`` of hourly dose rate with its QC flags (physical range,
    national survey range 2.4–340.8 nGy/h [MC], baseline mean + 3σ [U], rain) and baseline."""
    store = ObservationStore(settings.observations_dir)
    try:
        out = svc.station_series(session, store, scope, code, now=utcnow(), days=days)
    finally:
        store.close()
    f, b = out["flags"], out["baseline"]
    rain = out["rain"]
    return SeriesOut(code=code, baseline_mean=b.mean, baseline_sd=b.sd, baseline_level=b.level, points=[
        SeriesPoint(time=t, dose_ngy_h=_num(out["dose"][i]), rain_mm=None if rain is None else _num(rain[i]),
                    flag=int(f.flag[i]), above_baseline=bool(f.above_baseline[i]), rain_flag=bool(f.rain[i]))
        for i, t in enumerate(out["times"])])  # fmt: skip


def _num(x: Any) -> float | None:
    x = float(x)
    return None if x != x else x


STATUSES = tuple(Status)
