"""近岸海域 pages (issue #25):

- ``/marine`` — the overview: the map of sea stations coloured by GB 3097-1997 class, the sea
  outfalls (red when their newest sample exceeds) and the river-mouth sections; the coastal
  quality by area share and its grade; the marine composite index (自定义综合指数);
- ``/marine/outfalls`` — the register with filters (type, stage, exceeding, county, text);
- ``/marine/outfalls/{id}`` — an outfall's file: its map, the traced sources (links to their
  enterprise files), the monitoring chart against its limits, the remediation timeline with
  its cases, and (officers) the step to the next stage.

Officers see their region; an enterprise account sees the outfalls it is responsible for. The
work is :mod:`qingshan.marine.outfalls.service` and :mod:`qingshan.marine.coastal.service`."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep, provided
from qingshan.errors import PermissionDenied
from qingshan.marine.coastal import service as coastal
from qingshan.marine.coastal.errors import MarineError, MarineImportRejected
from qingshan.marine.coastal.sea import index_config, marine_index
from qingshan.marine.outfalls import service as svc
from qingshan.marine.outfalls.register import KINDS, PARAMETERS, STAGES, next_stage
from qingshan.qc.supervision import CaseSink
from qingshan.standards.seawater import CLASSES
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import as_cst, cst_today, utcnow
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import API, region_label, render

router = APIRouter(include_in_schema=False)

Sink = Annotated[CaseSink, provided(CaseSink)]
OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: the class colours of the map and the tables (I … 劣IV)
CLASS_COLOURS = {
    "I": "#1e88e5",
    "II": "#43a047",
    "III": "#fdd835",
    "IV": "#fb8c00",
    "劣IV": "#c62828",
}
_JS_LABELS = ("mar.map.stations", "mar.map.outfalls", "mar.map.exceeding", "mar.map.rivers",
              "mar.class", "mar.kind", "mar.stage", "mar.limit")  # fmt: skip


def _officer(viewer: Viewer) -> None:
    if viewer.role not in OFFICERS:
        raise PermissionDenied("近岸海域 is for province, city and county officers")


def _reader(viewer: Viewer) -> None:
    if viewer.role not in (*OFFICERS, Role.ENTERPRISE):
        raise PermissionDenied("sea outfalls are for officers and the responsible enterprises")


def _helpers(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    rname = partial(region_label, lang=lang)

    def cst(t: Any) -> str:
        return "" if t is None else as_cst(t).strftime("%Y-%m-%d")

    def pname(code: str) -> str:
        zh, sym = PARAMETERS.get(code, (code, code))
        return f"{zh} {sym}" if lang == "zh" else sym

    return {"rname": rname, "cst": cst, "pname": pname, "lang": lang, "api": API,
            "kinds": KINDS, "stages": STAGES, "classes": CLASSES, "colours": CLASS_COLOURS}  # fmt: skip


def _outfall_point(v: svc.OutfallView) -> dict[str, Any]:
    r = v.row
    return {"id": r.id, "code": r.code, "name": r.name, "lon": r.longitude, "lat": r.latitude,
            "kind": r.kind, "stage": r.stage, "exceeding": v.exceeding}  # fmt: skip


@router.get("/marine", response_class=HTMLResponse)
def overview(request: Request, viewer: LoggedInViewer, session: SessionDep,
             settings: SettingsDep) -> HTMLResponse:  # fmt: skip
    """Stations by class, outfalls and river-mouth sections on the map; coastal quality and
    its grade; the composite index."""
    return _overview(request, viewer, session, settings)


def _overview(request: Request, viewer: Viewer, session: Any, settings: Any, *,
              status_code: int = 200, import_file: str = "", problems: list[str] | None = None,
              imported: int | None = None) -> HTMLResponse:  # fmt: skip
    _officer(viewer)
    scope = viewer.scope
    stations = coastal.stations(session, scope)
    summary = coastal.coastal_summary(stations)
    views = svc.list_outfalls(session, scope)
    figures = svc.outfall_figures(session, scope)
    store = ObservationStore(settings.observations_dir)
    try:
        rivers = coastal.river_mouth_status(session, store, scope, until=cst_today())
    finally:
        store.close()
    rfig = coastal.river_mouth_figures(rivers)
    q = summary.quality
    index = marine_index({
        "good_area_share": None if q is None else q.good_share,
        "not_worst_area_share": None if q is None else 100.0 - q.worst_share,
        "river_mouths_meeting": rfig["share"],
        "outfalls_remediated": figures["remediated_share"],
    })  # fmt: skip
    lang = get_lang(request)
    config = {
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "colours": CLASS_COLOURS,
        "stations": [{"code": s.code, "name": s.name, "lon": s.lon, "lat": s.lat, "klass": s.klass}
                     for s in stations if s.lon is not None],
        "outfalls": [_outfall_point(v) for v in views],
        "rivers": [{"code": r.section.code, "name": r.section.name, "lon": r.section.lon,
                    "lat": r.section.lat, "meets": r.meets} for r in rivers],
        "labels": {k: translate(k, lang) for k in _JS_LABELS},
    }  # fmt: skip
    context = {**_helpers(request), "stations": stations, "summary": summary, "figures": figures,
               "rivers": rivers, "rfig": rfig, "index": index, "index_cfg": index_config(),
               "config": config, "import_file": import_file, "problems": problems or [],
               "imported": imported}  # fmt: skip
    resp = render(request, "marine.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.post("/marine/stations/import", response_class=HTMLResponse)
def import_surveys(request: Request, viewer: LoggedInViewer, session: SessionDep,
                   settings: SettingsDep, file: Annotated[UploadFile, File()]) -> HTMLResponse:  # fmt: skip
    """Import a survey table (officers): all rows or none — 422 listing every bad row."""
    _officer(viewer)
    name = file.filename or "file"
    data = file.file.read(settings.max_file_bytes + 1)
    store = ObservationStore(settings.observations_dir)
    try:
        if len(data) > settings.max_file_bytes:
            raise MarineError(f"file: larger than {settings.max_file_bytes} bytes", field="file")
        n = coastal.import_samples(session, store, viewer.scope, data, today=cst_today(),
                                   max_bytes=settings.max_file_bytes, source=f"import:{viewer.username}")  # fmt: skip
    except MarineImportRejected as exc:
        session.rollback()
        return _overview(request, viewer, session, settings, status_code=422, import_file=name,
                         problems=exc.problems)  # fmt: skip
    except MarineError as exc:
        session.rollback()
        return _overview(request, viewer, session, settings, status_code=422, import_file=name,
                         problems=[str(exc)])  # fmt: skip
    finally:
        store.close()
    return _overview(request, viewer, session, settings, import_file=name, imported=n)


@router.get("/marine/outfalls", response_class=HTMLResponse)
def outfalls_page(request: Request, viewer: LoggedInViewer, session: SessionDep,
                  kind: Annotated[str | None, Query(max_length=16)] = None,
                  stage: Annotated[str | None, Query(max_length=16)] = None,
                  exceeding: Annotated[str | None, Query(max_length=3)] = None,
                  region: Annotated[str | None, Query(max_length=6)] = None,
                  q: Annotated[str | None, Query(max_length=60)] = None) -> HTMLResponse:  # fmt: skip
    """The register, filtered."""
    return _register(
        request, viewer, session, kind=kind, stage=stage, exceeding=exceeding, region=region, q=q
    )


def _register(request: Request, viewer: Viewer, session: Any, *, kind: str | None = None,
              stage: str | None = None, exceeding: str | None = None, region: str | None = None,
              q: str | None = None, status_code: int = 200, import_file: str = "",
              problems: list[str] | None = None, imported: list[str] | None = None) -> HTMLResponse:  # fmt: skip
    _reader(viewer)
    kind = kind if kind in KINDS else None
    stage = stage if stage in STAGES else None
    exc = {"1": True, "0": False}.get(exceeding or "")
    region = region if region and region.isdigit() and len(region) == 6 else None
    views = svc.list_outfalls(session, viewer.scope, kind=kind, stage=stage, exceeding=exc,
                              region=region, q=(q or "").strip() or None)  # fmt: skip
    counties = sorted({v.row.region_code for v in svc.list_outfalls(session, viewer.scope)})
    context = {**_helpers(request), "views": views, "counties": counties,
               "f": {"kind": kind or "", "stage": stage or "", "exceeding": exceeding or "",
                     "region": region or "", "q": q or ""},
               "officer": viewer.role in OFFICERS, "import_file": import_file,
               "problems": problems or [], "imported": imported or []}  # fmt: skip
    resp = render(request, "marine_outfalls.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.post("/marine/outfalls/import", response_class=HTMLResponse)
def import_upload(request: Request, viewer: LoggedInViewer, session: SessionDep,
                  settings: SettingsDep, file: Annotated[UploadFile, File()]) -> HTMLResponse:  # fmt: skip
    """Import an outfall list (officers): all rows or none — 422 listing every bad row."""
    _officer(viewer)
    name = file.filename or "file"
    data = file.file.read(settings.max_file_bytes + 1)
    try:
        if len(data) > settings.max_file_bytes:
            raise MarineError(f"file: larger than {settings.max_file_bytes} bytes", field="file")
        rows = svc.import_outfalls(session, viewer.scope, data, actor=viewer.username, now=utcnow(),
                                   max_bytes=settings.max_file_bytes)  # fmt: skip
    except MarineImportRejected as exc:
        session.rollback()
        return _register(
            request, viewer, session, status_code=422, import_file=name, problems=exc.problems
        )
    except MarineError as exc:
        session.rollback()
        return _register(
            request, viewer, session, status_code=422, import_file=name, problems=[str(exc)]
        )
    return _register(request, viewer, session, import_file=name, imported=[r.code for r in rows])


def _file_page(request: Request, viewer: Viewer, session: Any, settings: Any, outfall_id: int, *,
               status_code: int = 200, form_error: str = "") -> HTMLResponse:  # fmt: skip
    store = ObservationStore(settings.observations_dir)
    try:
        f = svc.get_outfall(session, store, viewer.scope, outfall_id)
    finally:
        store.close()
    r = f.view.row
    samples = f.samples
    chart = {
        "times": [as_cst(t).strftime("%Y-%m-%d") for t in samples.index] if not samples.empty else [],
        "series": {c: [None if x != x else round(float(x), 3) for x in samples[c]] for c in samples.columns}
                  if not samples.empty else {},
        "limits": {k: v[0] for k, v in f.limits.items()},
        "names": {k: PARAMETERS[k][1] for k in PARAMETERS},
    }  # fmt: skip
    lang = get_lang(request)
    config = {"geojsonUrl": f"{API}/geo/zhejiang-cities.geojson", "colours": CLASS_COLOURS,
              "outfalls": [_outfall_point(f.view)], "stations": [], "rivers": [], "focus": True,
              "chart": chart, "labels": {k: translate(k, lang) for k in _JS_LABELS}}  # fmt: skip
    rows = []
    if not samples.empty:
        for t, row in samples.iloc[::-1].iterrows():
            rows.append((as_cst(t).strftime("%Y-%m-%d"), {c: row[c] for c in samples.columns}))
    context = {**_helpers(request), "file": f, "row": r, "config": config, "sample_rows": rows[:24],
               "params": [c for c in PARAMETERS if not samples.empty and c in samples.columns],
               "next": next_stage(r.stage), "officer": viewer.role in OFFICERS,
               "today": cst_today().isoformat(), "form_error": form_error}  # fmt: skip
    resp = render(request, "marine_outfall.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/marine/outfalls/{outfall_id:int}", response_class=HTMLResponse)
def outfall_page(request: Request, outfall_id: int, viewer: LoggedInViewer, session: SessionDep,
                 settings: SettingsDep) -> HTMLResponse:  # fmt: skip
    """One outfall's file."""
    _reader(viewer)
    return _file_page(request, viewer, session, settings, outfall_id)


@router.post("/marine/outfalls/{outfall_id:int}/stage", response_class=HTMLResponse)
async def outfall_stage(request: Request, outfall_id: int, viewer: LoggedInViewer,
                        session: SessionDep, settings: SettingsDep, sink: Sink) -> Response:  # fmt: skip
    """Move the outfall to its next stage (officers of its region); a refusal shows its reason
    on the file and stores nothing."""
    _officer(viewer)
    form = await request.form()
    try:
        on = date.fromisoformat(str(form.get("on", "")))
    except ValueError:
        return _file_page(request, viewer, session, settings, outfall_id, status_code=422,
                          form_error=f"on: not a date: {form.get('on')!r}")  # fmt: skip
    try:
        svc.advance_stage(session, viewer.scope, outfall_id, str(form.get("stage", "")), on=on,
                          note=str(form.get("note", ""))[:500], actor=viewer.username,
                          now=utcnow(), sink=sink)  # fmt: skip
    except MarineError as exc:
        session.rollback()
        return _file_page(request, viewer, session, settings, outfall_id, status_code=422,
                          form_error=str(exc))  # fmt: skip
    return RedirectResponse(f"/marine/outfalls/{outfall_id}", status_code=303)
