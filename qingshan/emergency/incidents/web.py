"""突发环境事件 pages (issue #22): ``/emergency`` (the nav's entry: to the incidents),
``/emergency/incidents`` (the list, filtered by level, stage, region and year),
``/emergency/incidents/new`` (an officer's report), ``/emergency/incidents/{id}`` (one incident:
facts, level and its basis, the map with the water nearby, the timeline of stages and log entries,
the stage buttons, the order / note / facts forms, the temporary points with their charts and
reading forms, the nearest resources) and ``/emergency/incidents/{id}/report.docx`` (the Word
report). Each form posts to a route that calls one service function and comes back; the
service decides and refuses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, StoreDep
from qingshan.emergency.incidents import service as svc
from qingshan.emergency.incidents.errors import BadIncident
from qingshan.emergency.incidents.levels import LEVELS, fact_specs, level_info
from qingshan.emergency.incidents.readings import parse_time
from qingshan.emergency.incidents.stages import NEXT, STAGES
from qingshan.emergency.incidents.types import IncidentDraft
from qingshan.errors import PermissionDenied, QingshanError
from qingshan.geo.regions import REGIONS, RegionLevel, in_scope
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

DONE = ("reported", "stage", "order", "done", "note", "facts", "point", "readings")
MAX_CSV = 1_000_000


def _reader(viewer: Viewer) -> None:
    if viewer.role not in (*svc.OFFICERS, Role.ENTERPRISE):
        raise PermissionDenied("突发环境事件 pages are for officers and enterprise accounts")


def _common(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    def when(dt: datetime | None) -> str:
        return "—" if dt is None else as_cst(dt).strftime("%Y-%m-%d %H:%M")

    return {"lang": lang, "rname": rname, "when": when, "levels": LEVELS, "stages": STAGES,
            "specs": fact_specs()}  # fmt: skip


def _counties(scope_code: str) -> list[str]:
    return sorted(r.code for r in REGIONS.values()
                  if r.level is RegionLevel.COUNTY and in_scope(r.code, scope_code))  # fmt: skip


def _regions(scope_code: str) -> list[str]:
    return sorted(r.code for r in REGIONS.values()
                  if r.level is not RegionLevel.PROVINCE and in_scope(r.code, scope_code))  # fmt: skip


@router.get("/emergency")
def emergency_home(viewer: LoggedInViewer) -> Response:
    """环境应急指挥: the incidents are its first tab; an enterprise account lands on its
    declarations, grade and plans (风险企业)."""
    if viewer.role is Role.ENTERPRISE:
        return RedirectResponse("/emergency/risk", 303)
    return RedirectResponse("/emergency/incidents", 303)


@router.get("/emergency/incidents", response_class=HTMLResponse)
def incidents_page(request: Request, viewer: LoggedInViewer, session: SessionDep,
                   level: str = "", stage: str = "", region: str = "",
                   year: str = "") -> HTMLResponse:  # fmt: skip
    """The incidents in the viewer's reach, newest first."""
    _reader(viewer)
    error = None
    try:
        y = int(year) if year else None
        if y is not None and not 2000 <= y <= 2100:
            raise BadIncident(f"year {year!r} is not a year from 2000 to 2100", field="year")
        rows = svc.list_incidents(session, viewer.scope, level=level or None, stage=stage or None,
                                  region=region or None, year=y)  # fmt: skip
    except (QingshanError, ValueError) as exc:
        error = str(exc) if isinstance(exc, QingshanError) else f"year {year!r} is not a year"
        rows = svc.list_incidents(session, viewer.scope)
    context = _common(request) | {
        "rows": rows, "error": error, "level": level, "stage": stage, "region": region,
        "year": year, "regions": _regions(viewer.region_code),
        "years": sorted({as_cst(r.occurred_at).year for r in rows}, reverse=True),
        "can_report": viewer.role in svc.OFFICERS,
        "synthetic": any(r.synthetic for r in rows),
    }  # fmt: skip
    return render(request, "emergency_incidents.html", context, viewer=viewer)


def _new(request: Request, viewer: Viewer, form: dict[str, str], error: str | None = None,
         status_code: int = 200) -> HTMLResponse:  # fmt: skip
    context = _common(request) | {"form": form, "error": error,
                                  "counties": _counties(viewer.region_code)}  # fmt: skip
    response = render(request, "emergency_incident_new.html", context, viewer=viewer)
    response.status_code = status_code
    return response


@router.get("/emergency/incidents/new", response_class=HTMLResponse)
def incident_new(request: Request, viewer: LoggedInViewer) -> HTMLResponse:
    """The report form (接报登记)."""
    if viewer.role not in svc.OFFICERS:
        raise PermissionDenied("incidents are reported by province, city and county officers")
    now = as_cst(utcnow()).strftime("%Y-%m-%dT%H:%M")
    region = viewer.region_code if viewer.role is Role.COUNTY else ""
    return _new(request, viewer, {"occurred_at": now, "region_code": region})


def _float(text: str, name: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise BadIncident(f"{name} {text!r} is not a number", field=name) from None


def _facts_from(form: Any) -> dict[str, Any]:
    return {k: str(form.get(f"fact_{k}", "")).strip() for k in fact_specs()}


@router.post("/emergency/incidents", response_class=HTMLResponse)
async def incident_create(request: Request, viewer: LoggedInViewer,
                          session: SessionDep) -> Response:  # fmt: skip
    """Record an officer's report; to the new incident's page."""
    form = await request.form()
    data = {k: str(v)[:4000] for k, v in form.items() if isinstance(v, str)}
    try:
        ent = data.get("enterprise_id", "").strip()
        draft = IncidentDraft(
            title=data.get("title", ""),
            occurred_at=parse_time(data.get("occurred_at", ""), field="occurred_at"),
            region_code=data.get("region_code", ""), origin="report",
            longitude=_float(data.get("longitude", ""), "longitude"),
            latitude=_float(data.get("latitude", ""), "latitude"),
            enterprise_id=int(ent) if ent.isdigit() else None,
            description=data.get("description", ""),
            facts={k: v for k, v in _facts_from(form).items() if v},
        )  # fmt: skip
        if ent and not ent.isdigit():
            raise BadIncident(f"enterprise_id {ent!r} is not an archive id", field="enterprise_id")
        if draft.occurred_at > utcnow():
            raise BadIncident("occurred_at is in the future", field="occurred_at")
        iid = svc.report_incident(session, viewer.scope, draft, now=utcnow())
    except QingshanError as exc:
        session.rollback()
        return _new(request, viewer, data, str(exc), exc.status_code)
    return RedirectResponse(f"/emergency/incidents/{iid}?done=reported", 303)


def _config(request: Request, viewer: Viewer, inc: Any, hits: list[Any],
            points: list[Any]) -> dict[str, Any]:  # fmt: skip
    code = viewer.region_code
    return {
        "lang": get_lang(request),
        "countiesUrl": f"{API}/geo/zhejiang-counties.geojson"
        + ("" if viewer.role is Role.PROVINCE else f"?city={code[:4]}00"),
        "incident": None if inc.longitude is None
        else {"name": inc.title, "lon": inc.longitude, "lat": inc.latitude},
        "affected": [{"name": a.name, "kind": a.kind, "lon": a.lon, "lat": a.lat,
                      "km": round(a.distance_km, 2)} for a in hits if a.lon is not None],
        "points": [{"id": p.point.id, "name": p.site.name, "lon": p.site.longitude,
                    "lat": p.site.latitude, "unit": p.unit, "parameter": p.point.parameter_code,
                    "standard": p.point.standard_value,
                    "times": [as_cst(t).strftime("%Y-%m-%d %H:%M") for t in p.times],
                    "values": p.values} for p in points],
    }  # fmt: skip


def _can_lead(viewer: Viewer, inc: Any) -> bool:
    return viewer.role in svc.OFFICERS and in_scope(inc.lead_region_code, viewer.region_code)


def _detail(request: Request, viewer: Viewer, session: Any, store: Any, incident_id: int, *,
            error: str | None = None, done: str | None = None,
            status_code: int = 200) -> HTMLResponse:  # fmt: skip
    _reader(viewer)
    inc = svc.get_incident(session, viewer.scope, incident_id)
    hits = svc.affected(session, viewer.scope, inc)
    points = svc.point_readings(session, store, inc)
    officer = viewer.role in svc.OFFICERS
    lead = _can_lead(viewer, inc)
    nxt = [s for s in NEXT[inc.stage] if officer and (s == "verified" or lead)]
    try:
        resources = svc.nearest_resources(session, viewer.scope, inc)
    except QingshanError:
        resources = None
    context = _common(request) | {
        "inc": inc, "info": level_info(inc.level), "timeline": svc.timeline(session, inc),
        "affected": hits, "points": points, "resources": resources, "next_stages": nxt,
        "officer": officer and inc.stage != "closed", "can_order": lead and inc.stage != "closed",
        "error": error, "done": done if done in DONE else None,
        "radius": svc.AFFECTED_RADIUS_KM,
        "enterprise": (svc.enterprise_name(session, inc.enterprise_id)
                       if inc.enterprise_id else ""),
        "config": _config(request, viewer, inc, hits, points),
    }  # fmt: skip
    response = render(request, "emergency_incident.html", context, viewer=viewer)
    response.status_code = status_code
    return response


@router.get("/emergency/incidents/{incident_id:int}", response_class=HTMLResponse)
def incident_page(request: Request, incident_id: int, viewer: LoggedInViewer,
                  session: SessionDep, store: StoreDep, done: str | None = None) -> HTMLResponse:  # fmt: skip
    """One incident with its timeline, map, monitoring and forms."""
    return _detail(request, viewer, session, store, incident_id, done=done)


def _failed(request: Request, viewer: Viewer, session: Any, store: Any, incident_id: int,
            exc: QingshanError) -> HTMLResponse:  # fmt: skip
    session.rollback()
    return _detail(request, viewer, session, store, incident_id, error=str(exc),
                   status_code=exc.status_code)  # fmt: skip


def _back(incident_id: int, done: str, anchor: str = "qs-emi-timeline") -> RedirectResponse:
    return RedirectResponse(f"/emergency/incidents/{incident_id}?done={done}#{anchor}", 303)


@router.post("/emergency/incidents/{incident_id:int}/stage", response_class=HTMLResponse)
def stage_submit(request: Request, incident_id: int, viewer: LoggedInViewer, session: SessionDep,
                 store: StoreDep, stage: Annotated[str, Form(max_length=16)] = "",
                 note: Annotated[str, Form(max_length=4000)] = "") -> Response:  # fmt: skip
    """Advance the stage (the service refuses an out-of-order one)."""
    try:
        svc.advance_stage(session, viewer.scope, incident_id, stage, note=note, now=utcnow())
    except QingshanError as exc:
        return _failed(request, viewer, session, store, incident_id, exc)
    return _back(incident_id, "stage")


@router.post("/emergency/incidents/{incident_id:int}/orders", response_class=HTMLResponse)
def order_submit(request: Request, incident_id: int, viewer: LoggedInViewer, session: SessionDep,
                 store: StoreDep, to_whom: Annotated[str, Form(max_length=200)] = "",
                 content: Annotated[str, Form(max_length=4000)] = "",
                 due_at: Annotated[str, Form(max_length=32)] = "") -> Response:  # fmt: skip
    """Give an order (leading tier or above)."""
    try:
        due = parse_time(due_at, field="due_at") if due_at.strip() else None
        svc.issue_order(session, viewer.scope, incident_id, to_whom=to_whom, content=content,
                        due_at=due, now=utcnow())  # fmt: skip
    except QingshanError as exc:
        return _failed(request, viewer, session, store, incident_id, exc)
    return _back(incident_id, "order")


@router.post("/emergency/incidents/{incident_id:int}/orders/{order_id:int}/done",
             response_class=HTMLResponse)  # fmt: skip
def done_submit(request: Request, incident_id: int, order_id: int, viewer: LoggedInViewer,
                session: SessionDep, store: StoreDep,
                note: Annotated[str, Form(max_length=4000)] = "") -> Response:  # fmt: skip
    """Mark an order done (a new log entry)."""
    try:
        svc.mark_done(session, viewer.scope, incident_id, order_id, note=note, now=utcnow())
    except QingshanError as exc:
        return _failed(request, viewer, session, store, incident_id, exc)
    return _back(incident_id, "done")


@router.post("/emergency/incidents/{incident_id:int}/notes", response_class=HTMLResponse)
def note_submit(request: Request, incident_id: int, viewer: LoggedInViewer, session: SessionDep,
                store: StoreDep, content: Annotated[str, Form(max_length=4000)] = "") -> Response:  # fmt: skip
    """A situation note."""
    try:
        svc.add_note(session, viewer.scope, incident_id, content, now=utcnow())
    except QingshanError as exc:
        return _failed(request, viewer, session, store, incident_id, exc)
    return _back(incident_id, "note")


@router.post("/emergency/incidents/{incident_id:int}/facts", response_class=HTMLResponse)
async def facts_submit(request: Request, incident_id: int, viewer: LoggedInViewer,
                       session: SessionDep, store: StoreDep) -> Response:  # fmt: skip
    """New facts; the level is judged again."""
    form = await request.form()
    try:
        note = str(form.get("note", ""))[:4000]
        svc.update_facts(session, viewer.scope, incident_id, _facts_from(form), note=note,
                         now=utcnow())  # fmt: skip
    except QingshanError as exc:
        return _failed(request, viewer, session, store, incident_id, exc)
    return _back(incident_id, "facts", "qs-emi-level")


@router.post("/emergency/incidents/{incident_id:int}/points", response_class=HTMLResponse)
def point_submit(request: Request, incident_id: int, viewer: LoggedInViewer, session: SessionDep,
                 store: StoreDep, name: Annotated[str, Form(max_length=120)] = "",
                 longitude: Annotated[str, Form(max_length=32)] = "",
                 latitude: Annotated[str, Form(max_length=32)] = "",
                 parameter: Annotated[str, Form(max_length=32)] = "",
                 standard_value: Annotated[str, Form(max_length=32)] = "",
                 standard_label: Annotated[str, Form(max_length=200)] = "") -> Response:  # fmt: skip
    """A temporary monitoring point."""
    try:
        lon, lat = _float(longitude, "longitude"), _float(latitude, "latitude")
        if lon is None or lat is None:
            raise BadIncident("a point needs its longitude and latitude", field="longitude")
        svc.add_point(session, viewer.scope, incident_id, name=name, longitude=lon, latitude=lat,
                      parameter=parameter, standard_value=_float(standard_value, "standard_value"),
                      standard_label=standard_label, now=utcnow())  # fmt: skip
    except QingshanError as exc:
        return _failed(request, viewer, session, store, incident_id, exc)
    return _back(incident_id, "point", "qs-emi-points")


@router.post("/emergency/incidents/{incident_id:int}/points/{point_id:int}/readings",
             response_class=HTMLResponse)  # fmt: skip
def readings_submit(request: Request, incident_id: int, point_id: int, viewer: LoggedInViewer,
                    session: SessionDep, store: StoreDep,
                    readings: Annotated[str, Form(max_length=MAX_CSV)] = "",
                    file: Annotated[UploadFile | None, File()] = None) -> Response:  # fmt: skip
    """Readings typed or uploaded as CSV (UTF-8 or GBK)."""
    from qingshan.errors import UnreadableText, decode_table_text

    try:
        text = readings
        if file is not None and file.filename:
            raw = file.file.read(MAX_CSV + 1)
            if len(raw) > MAX_CSV:
                raise BadIncident(f"file is larger than {MAX_CSV} bytes", field="file")
            try:
                text = decode_table_text(raw)
            except UnreadableText as exc:
                raise BadIncident(f"file: {exc}", field="file") from None
        svc.add_readings(session, store, viewer.scope, incident_id, point_id, text, now=utcnow())
    except QingshanError as exc:
        return _failed(request, viewer, session, store, incident_id, exc)
    return _back(incident_id, "readings", "qs-emi-points")


@router.get("/emergency/incidents/{incident_id:int}/report.docx")
def report_download(incident_id: int, viewer: LoggedInViewer, session: SessionDep,
                    store: StoreDep) -> Response:  # fmt: skip
    """The incident report (Word)."""
    _reader(viewer)
    name, data = svc.incident_report(session, store, viewer.scope, incident_id, now=utcnow())
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


__all__ = ["router"]
