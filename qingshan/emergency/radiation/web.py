"""辐射安全 pages (issue #22):

- ``/emergency/radiation`` — the overview: the dose-rate stations on the map with their newest
  nGy/h, the mobile sources' recent tracks and fences on the same map, the sources by class,
  the alerts (excursions) with their cases, and the spent-source collection progress;
- ``/emergency/radiation/sources`` — the register with activity decayed to today and the class;
- ``/emergency/radiation/sources/{code}`` — one source (decay, class now and at its reference
  date, licence, fence and recent track, alerts; officers mark it disused / record collection);
- ``/emergency/radiation/stations/{code}`` — one station's last days of hourly dose rate with
  its QC flags and baseline.

Officers see their region; an enterprise account sees its own sources. The work is
:mod:`qingshan.emergency.radiation.service`."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.api.export import table_download
from qingshan.emergency.radiation import service as svc
from qingshan.emergency.radiation.errors import ImportRejected, RadiationError
from qingshan.emergency.radiation.gamma import qc_data
from qingshan.emergency.radiation.nuclides import category_thresholds, nuclides
from qingshan.emergency.radiation.register import (
    FacilityKind,
    SourceInput,
    Status,
    collection_deadline,
)
from qingshan.emergency.radiation.source_import import TEMPLATE_HEADERS
from qingshan.errors import NotFound, PermissionDenied
from qingshan.geo.regions import REGIONS, RegionLevel, in_scope
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, as_cst, utcnow
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

READERS = (Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)
OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
_JS_LABELS = ("emrad.map.stations", "emrad.map.tracks", "emrad.map.fence", "emrad.unit.ngy",
              "emrad.map.alert", "emrad.series.dose", "emrad.series.rain", "emrad.series.baseline")  # fmt: skip


def _reader(viewer: Viewer) -> None:
    if viewer.role not in READERS:
        raise PermissionDenied("辐射安全 is for officers and the sources' holders")


def _helpers(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    def bq(x: float | None) -> str:
        if x is None:
            return "—"
        for unit, f in (("TBq", 1e12), ("GBq", 1e9), ("MBq", 1e6), ("kBq", 1e3)):
            if abs(x) >= f:
                return f"{x / f:.3g} {unit}"
        return f"{x:.3g} Bq"

    def cst(t: Any) -> str:
        return "" if t is None else as_cst(t).strftime("%Y-%m-%d %H:%M")

    return {"rname": rname, "bq": bq, "cst": cst, "lang": lang, "api": API,
            "statuses": list(Status), "facility_kinds": list(FacilityKind)}  # fmt: skip


def _today() -> date:
    return utcnow().astimezone(CST).date()


@router.get("/emergency/radiation", response_class=HTMLResponse)
def overview(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """Stations, mobile sources, classes, alerts and spent-source progress of the region."""
    _reader(viewer)
    scope, today, now = viewer.scope, _today(), utcnow()
    stations = svc.stations_latest(session, scope)
    views = svc.list_sources(session, scope, on=today)
    alerts = svc.alerts(session, scope, limit=50)
    tracks = svc.tracks(session, scope, since=now - timedelta(hours=48))
    spent = svc.spent_figures(session, scope.region_code, on=today)
    disused = [v for v in views if v.row.disused_on is not None]
    disused.sort(key=lambda v: (v.row.collected_on is not None, v.deadline or today))
    lang = get_lang(request)
    config = {
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "stations": [{"code": s.code, "name": s.name, "lon": s.lon, "lat": s.lat, "value": s.value}
                     for s in stations if s.lon is not None],
        "tracks": tracks,
        "alerts": [{"source": s.code, "lon": a.lon, "lat": a.lat, "open": a.ended_at is None}
                   for a, s in alerts if a.ended_at is None],
        "labels": {k: translate(k, lang) for k in _JS_LABELS},
    }  # fmt: skip
    context = {
        **_helpers(request), "stations": stations, "counts": svc.category_counts(views),
        "n_sources": len(views), "n_mobile": sum(1 for v in views if v.row.status == Status.MOBILE),
        "alerts": alerts, "open_alerts": sum(1 for a, _ in alerts if a.ended_at is None),
        "spent": spent, "disused": disused[:30], "config": config, "qc": qc_data(),
    }  # fmt: skip
    return render(request, "emergency_radiation.html", context, viewer=viewer)


def _counties(scope_code: str) -> list[str]:
    """The county codes of a region (itself for a county)."""
    return sorted(
        c for c, r in REGIONS.items() if r.level is RegionLevel.COUNTY and in_scope(c, scope_code)
    )


_FORM_FIELDS = ("code", "nuclide", "a0_bq", "reference_date", "region_code", "status", "use", "licence_no",
                "enterprise_id", "licence_expiry", "location", "lon", "lat", "fence")  # fmt: skip


@router.get("/emergency/radiation/sources", response_class=HTMLResponse)
def register_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """The register, each source decayed to today with its class."""
    _reader(viewer)
    return _register(request, viewer, session)


def _register(request: Request, viewer: Viewer, session: Any, *, status_code: int = 200,
              **extra: Any) -> HTMLResponse:  # fmt: skip
    q = request.query_params
    status = q.get("status") or None
    category = q.get("category") or None
    nuc = q.get("nuclide") or None
    error = None
    try:
        views = svc.list_sources(session, viewer.scope, on=_today(), status=status,
                                 category=category, nuclide_code=nuc)  # fmt: skip
    except RadiationError as exc:  # a hand-typed filter
        views, error = [], str(exc)
    context = {**_helpers(request), "views": views, "today": _today(), "error": error,
               "nuclides": sorted(nuclides()), "filters": {"status": status or "",
               "category": category or "", "nuclide": nuc or ""},
               "counties": _counties(viewer.scope.region_code), "officer": viewer.role in OFFICERS,
               "form_values": {}, **extra}  # fmt: skip
    resp = render(request, "emergency_radiation_sources.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/emergency/radiation/sources/template.{fmt}")
def sources_template(fmt: str, viewer: LoggedInViewer) -> Response:
    """The blank register import file (.xlsx or .csv; headers Chinese)."""
    if viewer.role not in OFFICERS:
        raise PermissionDenied("the register is imported by province, city and county officers")
    if fmt not in ("xlsx", "csv"):
        raise NotFound(f"no template .{fmt}: xlsx or csv")
    return table_download("放射源台账-导入模板", TEMPLATE_HEADERS, [], fmt)


@router.post("/emergency/radiation/sources/import", response_class=HTMLResponse)
def import_upload(request: Request, viewer: LoggedInViewer, session: SessionDep,
                  settings: SettingsDep, file: Annotated[UploadFile, File()]) -> HTMLResponse:  # fmt: skip
    """Import the uploaded register file (officers): all rows or none — 422 listing every bad
    row, nothing stored."""
    _reader(viewer)
    name = file.filename or "file"
    data = file.file.read(settings.max_file_bytes + 1)
    try:
        if len(data) > settings.max_file_bytes:
            raise RadiationError(f"file: larger than {settings.max_file_bytes} bytes", field="file")
        rows = svc.import_sources(session, viewer.scope, data, actor=viewer.username,
                                  now=utcnow(), max_bytes=settings.max_file_bytes)  # fmt: skip
    except ImportRejected as exc:
        return _register(request, viewer, session, status_code=422, import_file=name,
                         problems=exc.problems)  # fmt: skip
    except RadiationError as exc:
        return _register(request, viewer, session, status_code=422, import_file=name,
                         problems=[str(exc)])  # fmt: skip
    return _register(request, viewer, session, import_file=name,
                     imported=[r.code for r in rows])  # fmt: skip


def _opt(values: dict[str, str], key: str, conv: Any) -> Any:
    v = values.get(key, "").strip()
    if not v:
        return None
    try:
        return conv(v)
    except ValueError as exc:
        raise RadiationError(f"{key}: not a valid value: {v!r}", field=key) from exc


@router.post("/emergency/radiation/sources/new", response_class=HTMLResponse, response_model=None)
async def new_source_form(
    request: Request, viewer: LoggedInViewer, session: SessionDep
) -> Response:
    """Register a source from the register page's form (officers); back to the form naming the
    field on an error, nothing stored."""
    _reader(viewer)
    if viewer.role not in OFFICERS:
        raise PermissionDenied(
            "sources are registered on this page by officers (holders use the API)"
        )
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in _FORM_FIELDS}
    try:
        fence = _opt(values, "fence", json.loads)
        inp = SourceInput(
            code=values["code"].strip(), nuclide=values["nuclide"], a0_bq=_opt(values, "a0_bq", float) or 0.0,
            reference_date=_opt(values, "reference_date", date.fromisoformat),
            region_code=values["region_code"], status=values["status"] or Status.IN_USE, use=values["use"],
            licence_no=values["licence_no"], enterprise_id=_opt(values, "enterprise_id", int),
            licence_expiry=_opt(values, "licence_expiry", date.fromisoformat), location=values["location"],
            lon=_opt(values, "lon", float), lat=_opt(values, "lat", float),
        )  # fmt: skip
        row = svc.register_source(
            session, viewer.scope, inp, actor=viewer.username, now=utcnow(), fence=fence
        )
    except (RadiationError, json.JSONDecodeError) as exc:
        return _register(
            request, viewer, session, status_code=422, form_error=str(exc), form_values=values
        )
    return RedirectResponse(f"/emergency/radiation/sources/{row.code}", status_code=303)


def _source_page(request: Request, viewer: Viewer, session: Any, code: str, *,
                 status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    v = svc.get_source(session, viewer.scope, code, on=_today())
    track = [t for t in svc.tracks(session, viewer.scope, since=utcnow() - timedelta(days=7))
             if t["code"] == v.row.code]  # fmt: skip
    alerts = [(a, s) for a, s in svc.alerts(session, viewer.scope) if s.id == v.row.id]
    n = nuclides()[v.row.nuclide]
    lang = get_lang(request)
    config = {"geojsonUrl": f"{API}/geo/zhejiang-cities.geojson", "stations": [],
              "alerts": [{"source": s.code, "lon": a.lon, "lat": a.lat, "open": True}
                         for a, s in alerts if a.ended_at is None],
              "tracks": track, "labels": {k: translate(k, lang) for k in _JS_LABELS}}  # fmt: skip
    context = {**_helpers(request), "v": v, "n": n, "thresholds": category_thresholds(n.code),
               "alerts": alerts, "config": config, "has_map": bool(v.row.fence) or bool(track and track[0]["points"]),
               "officer": viewer.role in OFFICERS, "today": _today(),
               "deadline_if_today": collection_deadline(_today()), **extra}  # fmt: skip
    resp = render(request, "emergency_radiation_source.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/emergency/radiation/sources/{code}", response_class=HTMLResponse)
def source_page(
    request: Request, code: str, viewer: LoggedInViewer, session: SessionDep
) -> HTMLResponse:
    """One source."""
    _reader(viewer)
    return _source_page(request, viewer, session, code)


@router.post(
    "/emergency/radiation/sources/{code}/disused", response_class=HTMLResponse, response_model=None
)
async def disused_form(
    request: Request, code: str, viewer: LoggedInViewer, session: SessionDep
) -> Response:
    """Mark a source disused on the day given (officers or its holder)."""
    _reader(viewer)
    form = await request.form()
    try:
        day = date.fromisoformat(str(form.get("disused_on", "")))
    except ValueError:
        return _source_page(request, viewer, session, code, status_code=422,
                            form_error=f"disused_on: not a date: {form.get('disused_on')!r}")  # fmt: skip
    try:
        svc.mark_disused(session, viewer.scope, code, day, actor=viewer.username, now=utcnow())
    except RadiationError as exc:
        return _source_page(request, viewer, session, code, status_code=422, form_error=str(exc))
    return RedirectResponse(f"/emergency/radiation/sources/{code}", status_code=303)


@router.post(
    "/emergency/radiation/sources/{code}/collection",
    response_class=HTMLResponse,
    response_model=None,
)
async def collection_form(
    request: Request, code: str, viewer: LoggedInViewer, session: SessionDep
) -> Response:
    """Record the collection of a disused source (officers)."""
    _reader(viewer)
    form = await request.form()
    try:
        day = date.fromisoformat(str(form.get("collected_on", "")))
    except ValueError:
        return _source_page(request, viewer, session, code, status_code=422,
                            form_error=f"collected_on: not a date: {form.get('collected_on')!r}")  # fmt: skip
    try:
        svc.record_collection(session, viewer.scope, code, day, str(form.get("facility_kind", "")),
                              str(form.get("facility_name", "")), actor=viewer.username, now=utcnow())  # fmt: skip
    except RadiationError as exc:
        return _source_page(request, viewer, session, code, status_code=422, form_error=str(exc))
    return RedirectResponse(f"/emergency/radiation/sources/{code}", status_code=303)


@router.get("/emergency/radiation/stations/{code}", response_class=HTMLResponse)
def station_page(request: Request, code: str, viewer: LoggedInViewer, session: SessionDep,
                 settings: SettingsDep) -> HTMLResponse:  # fmt: skip
    """One dose-rate station: the last 14 days of hourly values with flags and baseline."""
    _reader(viewer)
    store = ObservationStore(settings.observations_dir)
    try:
        out = svc.station_series(session, store, viewer.scope, code, now=utcnow(), days=14)
    finally:
        store.close()
    f, b = out["flags"], out["baseline"]
    times = [as_cst(t).strftime("%m-%d %H:%M") for t in out["times"]]
    dose = [None if x != x else round(float(x), 1) for x in out["dose"]]
    rain = None if out["rain"] is None else [None if x != x else float(x) for x in out["rain"]]
    flagged = [(times[i], dose[i], int(f.flag[i]), bool(f.rain[i]), bool(f.above_baseline[i]))
               for i in range(len(times)) if int(f.flag[i]) != 1 or f.rain[i]]  # fmt: skip
    lang = get_lang(request)
    config = {"times": times, "dose": dose, "rain": rain, "baseline": b.level,
              "labels": {k: translate(k, lang) for k in _JS_LABELS}}  # fmt: skip
    context = {**_helpers(request), "site": out["site"], "baseline": b, "flagged": flagged[-200:],
               "n": sum(1 for x in dose if x is not None), "config": config, "qc": qc_data()}  # fmt: skip
    return render(request, "emergency_radiation_station.html", context, viewer=viewer)
