"""污水零直排区 pages (issue #20): ``/zones/parks`` — the parks in the viewer's region on a map,
the status by city and stage, the parks accepted this year against the plan's 44, the list;
``/zones/parks/{id}`` — one park: boundary and the enterprises inside (the archive through the
platform's :class:`~qingshan.zones.links.EnterpriseLocations`), their outlets' newest values
(:class:`~qingshan.zones.parks_service.ParkOutlets`), the construction tasks with their progress
reports and evidence, the acceptance timeline, and the forms the viewer's role may use
(progress: county and city; 自查 county, 市级复核 city, 省级验收 province, 反复 city or province).
Officers only. Each form posts to a route that calls one service function and comes back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep, provided
from qingshan.cases.service import evidence_limits
from qingshan.errors import QingshanError
from qingshan.geo.regions import REGIONS, RegionLevel, city_of, in_scope
from qingshan.timeutil import CST, as_cst, utcnow
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.render import API, render
from qingshan.zones import parks_service as svc
from qingshan.zones.links import EnterpriseLocations
from qingshan.zones.parks import EVENT_ROLES, TASK_KINDS, BadPark, ParkEvent, ParkState

router = APIRouter(include_in_schema=False)

Locations = Annotated[EnterpriseLocations, provided(EnterpriseLocations)]
Outlets = Annotated[svc.ParkOutlets, provided(svc.ParkOutlets)]
STATES = [s.value for s in ParkState]
DONE = ("progress", "registered", *(e.value for e in ParkEvent))


def _today() -> date:
    return utcnow().astimezone(CST).date()


def _common(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    return {"lang": lang, "rname": rname, "states": STATES, "task_kinds": TASK_KINDS,
            "tk": lambda k: TASK_KINDS[k][0 if lang == "zh" else 1] if k in TASK_KINDS else k}  # fmt: skip


def _config(request: Request, viewer: Viewer, parks: list[Any],
            points: Sequence[Any] = ()) -> dict[str, Any]:  # fmt: skip
    lang = get_lang(request)
    code = viewer.region_code
    return {
        "lang": lang,
        "labels": labels_for(("zp.state.",), lang),
        "countiesUrl": f"{API}/geo/zhejiang-counties.geojson"
        + ("" if viewer.role is Role.PROVINCE else f"?city={code[:4]}00"),
        "parks": [
            {"id": p.id, "code": p.code, "name": p.name, "state": p.state, "boundary": p.boundary}
            for p in parks
        ],  # fmt: skip
        "points": [{"name": e.name, "lon": e.longitude, "lat": e.latitude} for e in points],
    }


@router.get("/zones/parks", response_class=HTMLResponse)
def parks_page(request: Request, viewer: LoggedInViewer, session: SessionDep,
               city: str = "", state: str = "") -> HTMLResponse:  # fmt: skip
    """污水零直排区: the parks of the viewer's region, by city and stage, on a map."""
    return _list(request, viewer, session, city=city, state=state)


def _list(request: Request, viewer: Viewer, session: Any, *, city: str = "", state: str = "",
          form: dict[str, Any] | None = None, error: str | None = None,
          status_code: int = 200) -> HTMLResponse:  # fmt: skip
    today = _today()
    status = svc.province_status(session, viewer.scope, year=today.year, today=today)
    try:
        rows = svc.list_parks(session, viewer.scope, city=city[:6] or None, state=state or None)
    except BadPark:
        rows = svc.list_parks(session, viewer.scope)
    context = _common(request) | {
        "status": status,
        "rows": rows,
        "features": svc.park_features(session, viewer.scope),
        "counties": _counties(viewer.region_code),
        "form": form
        or {
            "region_code": viewer.region_code if viewer.role is Role.COUNTY else "",
            "batch_year": str(today.year),
        },
        "error": error,
        "city": city,
        "state": state,
        "synthetic": any(p.synthetic for p in rows),
        "config": _config(request, viewer, rows),
    }
    response = render(request, "zones_parks.html", context, viewer=viewer)
    response.status_code = status_code
    return response


def _counties(scope_code: str) -> list[tuple[str, list[str]]]:
    """The counties a park may be registered in, by city: those of the viewer's region (officers
    pick a county, not type its code)."""
    out: dict[str, list[str]] = {}
    for r in REGIONS.values():
        if r.level is RegionLevel.COUNTY and in_scope(r.code, scope_code):
            out.setdefault(city_of(r.code).code, []).append(r.code)
    return sorted((c, sorted(cs)) for c, cs in out.items())


@router.post("/zones/parks", response_class=HTMLResponse)
async def park_register(request: Request, viewer: LoggedInViewer, session: SessionDep) -> Response:
    """登记园区: a park with its boundary (a park feature of a layer, or GeoJSON) and tasks."""
    form = await request.form()
    fields = {k: str(v)[:100_000] for k, v in form.items() if isinstance(v, str)}
    kinds = [str(k) for k in form.getlist("tasks")]
    try:
        try:
            year = int(fields.get("batch_year", ""))
        except ValueError:
            raise BadPark(f"batch_year: not a year: {fields.get('batch_year')!r}",
                          field="batch_year") from None  # fmt: skip
        feature = fields.get("feature_id", "")
        boundary = None
        if not feature:
            try:
                boundary = json.loads(fields.get("boundary", "") or "null")
            except ValueError as exc:
                raise BadPark(f"boundary: not GeoJSON ({exc})", field="boundary") from None
        park = svc.create_park(session, viewer.scope, svc.ParkDraft(
            code=fields.get("code", ""), name=fields.get("name", ""),
            region_code=fields.get("region_code", ""), park_type=fields.get("park_type", ""),
            level=fields.get("level", ""), batch_year=year, boundary=boundary,
            feature_id=int(feature) if feature.isdigit() else None,
            responsible_unit=fields.get("responsible_unit", ""),
            tasks=[svc.TaskDraft(k) for k in kinds]), actor=viewer.username, now=utcnow())  # fmt: skip
    except QingshanError as exc:
        session.rollback()
        return _list(request, viewer, session, form=fields | {"tasks": kinds}, error=str(exc),
                     status_code=exc.status_code)  # fmt: skip
    return RedirectResponse(f"/zones/parks/{park.id}?done=registered", 303)


def _events_for(viewer: Viewer, park: Any, allowed: list[str]) -> list[str]:
    out = []
    for e in allowed:
        ev = ParkEvent(e)
        if viewer.role.value not in EVENT_ROLES[ev]:
            continue
        if ev is ParkEvent.SELF_CHECK and viewer.region_code != park.region_code:
            continue
        if ev is ParkEvent.CITY_REVIEW and viewer.region_code != city_of(park.region_code).code:
            continue
        out.append(e)
    return out


def _detail(request: Request, viewer: Viewer, session: Any, park_id: int, locations: Any,
            outlets: Any, *, error: str | None = None, done: str | None = None,
            status_code: int = 200) -> HTMLResponse:  # fmt: skip
    d = svc.park_detail(session, viewer.scope, park_id, locations=locations, outlets=outlets)
    context = _common(request) | {
        "d": d,
        "p": d.park,
        "events": _events_for(viewer, d.park, d.allowed),
        "can_report": viewer.role in (Role.COUNTY, Role.CITY),
        "error": error,
        "done": done if done in DONE else None,
        "today": _today().isoformat(),
        "names": {e.id: e.name for e in d.enterprises},
        "when": lambda dt: as_cst(dt).strftime("%Y-%m-%d %H:%M"),
        "config": _config(request, viewer, [d.park], d.enterprises),
    }
    response = render(request, "zones_parks_detail.html", context, viewer=viewer)
    response.status_code = status_code
    return response


@router.get("/zones/parks/{park_id:int}", response_class=HTMLResponse)
def park_page(request: Request, park_id: int, viewer: LoggedInViewer, session: SessionDep,
              locations: Locations, outlets: Outlets, done: str | None = None) -> HTMLResponse:  # fmt: skip
    """One park: boundary, enterprises inside, tasks, acceptance timeline and forms."""
    return _detail(request, viewer, session, park_id, locations, outlets, done=done)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadPark(f"day: not a date YYYY-MM-DD: {text!r}", field="day") from None


def _failed(request: Request, viewer: Viewer, session: Any, park_id: int, locations: Any,
            outlets: Any, exc: QingshanError) -> HTMLResponse:  # fmt: skip
    session.rollback()
    return _detail(request, viewer, session, park_id, locations, outlets, error=str(exc),
                   status_code=exc.status_code)  # fmt: skip


@router.post("/zones/parks/{park_id:int}/progress", response_class=HTMLResponse)
def progress_submit(
    request: Request,
    park_id: int,
    viewer: LoggedInViewer,
    session: SessionDep,
    settings: SettingsDep,
    locations: Locations,
    outlets: Outlets,
    task_id: Annotated[int, Form()],
    percent: Annotated[str, Form(max_length=16)] = "",
    day: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """报送进度 of a task (with one optional evidence file)."""
    try:
        try:
            pct = float(percent)
        except ValueError:
            raise BadPark(f"percent: not a number: {percent!r}", field="percent") from None
        task_park = svc.park_detail(session, viewer.scope, park_id)
        if task_id not in {t.task.id for t in task_park.tasks}:
            raise BadPark(f"task_id: {task_id} is not a task of this park", field="task_id")
        files: list[tuple[bytes, str]] = []
        limits = None
        if file is not None and file.filename:
            limits = evidence_limits(settings)
            files.append((file.file.read(limits.max_bytes + 1), file.filename))
        svc.report_progress(session, viewer.scope, task_id, pct, _day(day), note,
                            actor=viewer.username, now=utcnow(), today=_today(), files=files,
                            limits=limits)  # fmt: skip
    except QingshanError as exc:
        return _failed(request, viewer, session, park_id, locations, outlets, exc)
    return RedirectResponse(f"/zones/parks/{park_id}?done=progress#qs-zp-tasks", 303)


@router.post("/zones/parks/{park_id:int}/steps", response_class=HTMLResponse)
def step_submit(
    request: Request,
    park_id: int,
    viewer: LoggedInViewer,
    session: SessionDep,
    locations: Locations,
    outlets: Outlets,
    event: Annotated[str, Form(max_length=32)] = "",
    result: Annotated[str, Form(max_length=8)] = "",
    day: Annotated[str, Form(max_length=10)] = "",
    reviewer: Annotated[str, Form(max_length=200)] = "",
    opinion: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """An acceptance step (自查 / 市级复核 / 省级验收, pass or fail) or a relapse (反复)."""
    try:
        svc.take_step(session, viewer.scope, park_id, event, result or None, _day(day), reviewer,
                      opinion, actor=viewer.username, now=utcnow(), today=_today())  # fmt: skip
    except QingshanError as exc:
        return _failed(request, viewer, session, park_id, locations, outlets, exc)
    return RedirectResponse(f"/zones/parks/{park_id}?done={event}#qs-zp-timeline", 303)


@router.get("/zones/parks/files/{file_id:int}", response_class=FileResponse)
def progress_file(file_id: int, viewer: LoggedInViewer, session: SessionDep,
                  settings: SettingsDep) -> FileResponse:  # fmt: skip
    """A progress report's evidence file (its type checked by content at upload)."""
    row, path = svc.progress_file(session, viewer.scope, file_id,
                                  root=evidence_limits(settings).root)  # fmt: skip
    return FileResponse(path, media_type=row.media_type, filename=row.filename)
