"""有毒有害气体预警 pages (issue #22): ``/emergency/gas`` — the chemical parks of the viewer's
region on the map with their boundary stations coloured by the level of their latest readings,
and the active alarms; ``/emergency/gas/parks/{id}`` — one park, each station's series of the
last 24 h against the alarm levels; ``/emergency/gas/alarms`` — the alarm list with
acknowledgement; ``/emergency/gas/alarms/{id}`` — one alarm with the plume screening estimate
(筛查估算) drawn as a sector on the map. Officers only (province, city, county), each in their
region; province and city officers register parks (boundary as GeoJSON, pasted or uploaded) and
boundary stations (with their HJ 212 data logger) on ``/emergency/gas``. The work is :mod:`qingshan.emergency.gas.service`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, StoreDep
from qingshan.emergency.gas import service as svc
from qingshan.emergency.gas.errors import BadGasInput, GasError
from qingshan.emergency.gas.thresholds import alarm_rule, threshold_of, thresholds
from qingshan.errors import PermissionDenied, QingshanError
from qingshan.geo.regions import REGIONS, RegionLevel
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
_CST = timedelta(hours=8)
_JS_LABELS = ("emg.level.0", "emg.level.1", "emg.level.2", "emg.station", "emg.park",
              "emg.plume.sector", "emg.al1", "emg.al2", "emg.nodata")  # fmt: skip


def _officer(viewer: Viewer) -> None:
    if viewer.role not in OFFICERS:
        raise PermissionDenied("有毒有害气体预警 is for province, city and county officers")


def _cst(at: datetime | None) -> str:
    return "—" if at is None else (at.astimezone(UTC) + _CST).strftime("%Y-%m-%d %H:%M")


def _helpers(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    def sname(code: str) -> str:
        th = thresholds().get(code)
        return code if th is None else (th.name if lang == "zh" else th.name_en)

    return {"rname": rname, "sname": sname, "cst": _cst, "lang": lang, "api": API,
            "thresholds": thresholds(), "rule": alarm_rule()}  # fmt: skip


def _labels(lang: str) -> dict[str, str]:
    return {k: translate(k, lang) for k in _JS_LABELS}


def _station_json(v: svc.StationView, lang: str) -> dict[str, Any]:
    values = [
        {"code": c, "name": threshold_of(c).name if lang == "zh" else threshold_of(c).name_en,
         "time": _cst(t), "value": val, "level": lvl}
        for c, (t, val, lvl) in sorted(v.latest.items())
    ]  # fmt: skip
    return {"id": v.station.id, "code": v.site.code, "name": v.site.name, "lon": v.site.longitude,
            "lat": v.site.latitude, "park_id": v.station.park_id, "values": values,
            "level": max((lvl for (_, _, lvl) in v.latest.values()), default=-1)}  # fmt: skip


@router.get("/emergency/gas", response_class=HTMLResponse)
def gas_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """The parks map with their stations, and the active alarms; the forms that register parks
    and stations (province and city officers)."""
    _officer(viewer)
    return _gas_page(request, viewer, session)


def _gas_page(request: Request, viewer: Viewer, session: Any, *, status_code: int = 200,
              form_error: str | None = None, form_kind: str = "",
              form_values: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    lang = get_lang(request)
    parks = svc.list_parks(session, viewer.scope)
    stations = svc.park_stations(session, [p.id for p in parks])
    alarms = svc.list_alarms(session, viewer.scope, state="active")
    config = {
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "parks": [{"id": p.id, "name": p.name, "ring": p.boundary} for p in parks],
        "stations": [_station_json(v, lang) for p in parks for v in stations.get(p.id, [])],
        "labels": _labels(lang),
    }
    prefix = viewer.scope.prefix
    counties = [c for c, r in REGIONS.items()
                if r.level is RegionLevel.COUNTY and c.startswith(prefix)]  # fmt: skip
    response = render(request, "emergency_gas.html",
                      {**_helpers(request), "parks": parks, "stations": stations,
                       "alarms": alarms, "config": config, "writer": svc.writer(viewer.scope),
                       "counties": counties, "form_error": form_error, "form_kind": form_kind,
                       "form_values": form_values or {}}, viewer=viewer)  # fmt: skip
    response.status_code = status_code
    return response


#: the largest boundary file accepted from the park form [bytes]
MAX_BOUNDARY_BYTES = 2_000_000


@router.post("/emergency/gas/parks/new", response_class=HTMLResponse, response_model=None)
async def new_park_form(request: Request, viewer: LoggedInViewer,
                        session: SessionDep) -> Response:  # fmt: skip
    """Register a park from the page's form: the boundary pasted or uploaded as GeoJSON; back
    to the form naming what is wrong on an error, nothing stored."""
    _officer(viewer)
    form = await request.form()
    values = {k: str(form.get(k, "") or "") for k in ("name", "region_code", "boundary")}
    upload = form.get("boundary_file")
    name, data = "", b""
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            name, data = upload.filename, await upload.read(MAX_BOUNDARY_BYTES + 1)
    finally:
        await form.close()
    try:
        if name:
            if len(data) > MAX_BOUNDARY_BYTES:
                raise BadGasInput(f"boundary file {name!r}: larger than "
                                  f"{MAX_BOUNDARY_BYTES // 1_000_000} MB", field="boundary")  # fmt: skip
            try:
                values["boundary"] = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise BadGasInput(f"boundary file {name!r} is not UTF-8 text "
                                  "(GeoJSON)", field="boundary") from None  # fmt: skip
        park = svc.create_park(session, viewer.scope, name=values["name"],
                               region_code=values["region_code"], boundary=values["boundary"])  # fmt: skip
    except QingshanError as exc:
        return _gas_page(request, viewer, session, status_code=getattr(exc, "status_code", 422),
                         form_error=str(exc), form_kind="park", form_values=values)  # fmt: skip
    return RedirectResponse(f"/emergency/gas/parks/{park.id}", status_code=303)


_STATION_FIELDS = ("park_id", "name", "longitude", "latitude", "mn", "password")


@router.post("/emergency/gas/stations/new", response_class=HTMLResponse, response_model=None)
async def new_station_form(request: Request, viewer: LoggedInViewer,
                           session: SessionDep) -> Response:  # fmt: skip
    """Register a boundary station and its HJ 212 data logger from the page's form; back to the
    form naming the field on an error, nothing stored."""
    _officer(viewer)
    form = await request.form()
    values = {k: str(form.get(k, "") or "") for k in _STATION_FIELDS}
    subs = [str(v) for v in form.getlist("substances")]
    values["substances"] = ",".join(subs)
    try:
        number = {}
        for k in ("park_id", "longitude", "latitude"):
            try:
                number[k] = float(values[k]) if k != "park_id" else int(values[k])
            except ValueError:
                raise BadGasInput(f"{k} {values[k]!r} is not a number", field=k) from None
        st = svc.create_station(
            session, viewer.scope, park_id=int(number["park_id"]), name=values["name"],
            longitude=float(number["longitude"]), latitude=float(number["latitude"]),
            mn=values["mn"].strip(), password=values["password"], substances=subs,
        )  # fmt: skip
    except QingshanError as exc:
        values.pop("password")
        return _gas_page(request, viewer, session, status_code=getattr(exc, "status_code", 422),
                         form_error=str(exc), form_kind="station", form_values=values)  # fmt: skip
    return RedirectResponse(f"/emergency/gas/parks/{st.park_id}", status_code=303)


@router.get("/emergency/gas/parks/{park_id}", response_class=HTMLResponse)
def park_page(request: Request, park_id: int, viewer: LoggedInViewer, session: SessionDep,
              store: StoreDep) -> HTMLResponse:  # fmt: skip
    """One park: its stations' series of the last 24 h against AL1 / AL2."""
    _officer(viewer)
    lang = get_lang(request)
    park = svc.get_park(session, viewer.scope, park_id)
    views = svc.park_stations(session, [park.id]).get(park.id, [])
    # the 24 h up to the newest reading (a demo built earlier still shows its history)
    newest = [t for v in views for (t, _, _) in v.latest.values()]
    end = max(newest) + timedelta(minutes=1) if newest else datetime.now(UTC)
    ids = [sid for v in views for sid in v.series.values()]
    frame = store.query(ids, end - timedelta(hours=24), end, columns=["value"]) if ids else None
    charts = []
    for v in views:
        for code, sid in sorted(v.series.items()):
            th = threshold_of(code)
            rows = frame[frame["series_id"] == sid] if frame is not None else None
            points = [] if rows is None else [
                [_cst(t.to_pydatetime()),
                 None if val != val else round(float(svc.to_mg_m3(v.site, code, float(val)) or 0.0), 4)]
                for t, val in zip(rows["time"], rows["value"], strict=True)
            ]  # fmt: skip
            charts.append({"station": v.site.name, "code": code,
                           "name": th.name if lang == "zh" else th.name_en,
                           "al1": th.al1, "al2": th.al2, "points": points})  # fmt: skip
    alarms = svc.list_alarms(session, viewer.scope, park_id=park.id, limit=50)
    config = {
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "parks": [{"id": park.id, "name": park.name, "ring": park.boundary}],
        "stations": [_station_json(v, lang) for v in views],
        "charts": charts,
        "labels": _labels(lang),
    }
    return render(request, "emergency_gas_park.html",
                  {**_helpers(request), "park": park, "views": views, "alarms": alarms,
                   "config": config}, viewer=viewer)  # fmt: skip


@router.get("/emergency/gas/alarms", response_class=HTMLResponse)
def alarms_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """Every alarm of the region, newest first (``?state=active|cleared``), with acknowledge."""
    _officer(viewer)
    state = request.query_params.get("state") or None
    error = None
    try:
        alarms = svc.list_alarms(session, viewer.scope, state=state)
    except GasError as exc:
        alarms, error = [], str(exc)
    parks = {p.id: p for p in svc.list_parks(session, viewer.scope)}
    return render(request, "emergency_gas_alarms.html",
                  {**_helpers(request), "alarms": alarms, "parks": parks, "state": state or "",
                   "error": error}, viewer=viewer)  # fmt: skip


@router.get("/emergency/gas/alarms/{alarm_id}", response_class=HTMLResponse)
def alarm_page(request: Request, alarm_id: int, viewer: LoggedInViewer,
               session: SessionDep) -> HTMLResponse:  # fmt: skip
    """One alarm: its readings, acknowledgement, the incident or case it opened, and the plume
    screening estimate on the map."""
    _officer(viewer)
    lang = get_lang(request)
    alarm = svc.get_alarm(session, viewer.scope, alarm_id)
    park = svc.get_park(session, viewer.scope, alarm.park_id)
    views = svc.park_stations(session, [park.id]).get(park.id, [])
    site = next((v.site for v in views if v.site.id == alarm.site_id), None)
    plume = svc.alarm_plume(session, alarm)
    config = {
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "parks": [{"id": park.id, "name": park.name, "ring": park.boundary}],
        "stations": [_station_json(v, lang) for v in views],
        "focus": alarm.site_id,
        "sector": plume.sector if plume is not None else None,
        "labels": _labels(lang),
    }
    return render(request, "emergency_gas_alarm.html",
                  {**_helpers(request), "alarm": alarm, "park": park, "site": site,
                   "plume": plume, "th": threshold_of(alarm.parameter_code),
                   "config": config}, viewer=viewer)  # fmt: skip


@router.post("/emergency/gas/alarms/{alarm_id}/ack", response_class=HTMLResponse,
             response_model=None)  # fmt: skip
async def acknowledge_form(request: Request, alarm_id: int, viewer: LoggedInViewer,
                           session: SessionDep) -> Response:  # fmt: skip
    """Acknowledge from the list or the alarm page; back to where it came from."""
    _officer(viewer)
    form = await request.form()
    note = str(form.get("note", "")).strip()
    back = str(form.get("back", "")) or f"/emergency/gas/alarms/{alarm_id}"
    if not back.startswith("/emergency/gas"):
        back = f"/emergency/gas/alarms/{alarm_id}"
    svc.acknowledge(session, viewer.scope, alarm_id, note=note)
    return RedirectResponse(back, status_code=303)
