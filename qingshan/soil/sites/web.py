"""土壤和地下水 overview and 污染地块 pages (issue #24, area sites):

- ``/soil`` — the overview: the region's sites by stage on the county map (a click opens the
  site's file), the safe-use rate with its definition, wells by GB/T 14848 class (from
  soil.groundwater's service) and overdue hidden-danger checks (from soil.units' service);
- ``/soil/sites`` — the register with filters (stage, county, land category, text);
- ``/soil/sites/{id}`` — a site's file: the boundary and sample points coloured by their GB 36600
  level, the stage timeline, the samples with their judgement, the plan (一地一策), documents;
  officers move the stage, add plan items and upload samples (CSV/.xlsx).

Officers (province, city, county) read and write their region. The work is
:mod:`qingshan.soil.sites.service`.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.errors import QingshanError
from qingshan.soil.sites import safe_use as safe_use_core
from qingshan.soil.sites import service as svc
from qingshan.soil.sites.errors import SiteError
from qingshan.soil.sites.landuse import PLANNED_USES
from qingshan.soil.sites.stages import STAGES
from qingshan.standards import soil_construction as sc
from qingshan.timeutil import cst_today
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import API, region_label, render

router = APIRouter(include_in_schema=False)

#: stage colours on the maps (investigation → removed: amber → red → blue → green)
STAGE_COLOURS = {"investigation": "#f9a825", "risk_assessment": "#ef6c00", "control": "#c62828",
                 "remediation": "#ad1457", "effect_evaluation": "#1565c0", "removed": "#2e7d4f"}  # fmt: skip
LEVEL_COLOURS = {"within_screening": "#2e7d4f", "over_screening": "#f9a825",
                 "over_intervention": "#c62828"}  # fmt: skip
_JS_LABELS = (
    tuple(f"soils.stage.{s}" for s in STAGES)
    + tuple(f"soils.level.{lv}" for lv in LEVEL_COLOURS)
    + ("soils.map.boundary", "soils.map.samples")
)


def _helpers(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    rname = partial(region_label, lang=lang)

    def use_name(key: str) -> str:
        u = PLANNED_USES.get(key)
        return key if u is None else (u[1] if lang == "zh" else u[2])

    def item_name(key: str) -> str:
        it = sc.ITEMS.get(key)
        return key if it is None else (it.name_zh if lang == "zh" else it.name_en)

    return {"rname": rname, "use_name": use_name, "item_name": item_name, "lang": lang,
            "stages": STAGES, "stage_colours": STAGE_COLOURS, "level_colours": LEVEL_COLOURS,
            "uses": PLANNED_USES}  # fmt: skip


def _labels(lang: str) -> dict[str, str]:
    return {k: translate(k, lang) for k in _JS_LABELS}


@router.get("/soil", response_class=HTMLResponse)
def overview(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """Sites by stage on the map, the safe-use rate, wells by class, overdue unit checks."""
    svc.check_reader(viewer.scope)
    today = cst_today()
    sites = svc.list_sites(session, viewer.scope)
    counts = svc.stage_counts(session, viewer.scope)
    rate = svc.safe_use(session, viewer.scope.region_code, today)
    config = {
        "geojsonUrl": f"{API}/geo/zhejiang-counties.geojson",
        "sites": [{"id": s.id, "code": s.code, "name": s.name, "lon": s.lon, "lat": s.lat,
                   "stage": s.stage} for s in sites],
        "colours": STAGE_COLOURS, "labels": _labels(get_lang(request)),
    }  # fmt: skip
    context = {**_helpers(request), "sites": sites, "counts": counts, "rate": rate,
               "ids": {x.code: x.id for x in sites},
               "definition": (safe_use_core.__doc__ or "").strip(),
               "wells": svc.wells_by_class(session, viewer.scope),
               "checks": svc.overdue_unit_checks(session, viewer.scope, today),
               "config": config}  # fmt: skip
    return render(request, "soil_overview.html", context, viewer=viewer)


def _list_page(request: Request, viewer: Viewer, session: Any, *, status_code: int = 200,
               **extra: Any) -> HTMLResponse:  # fmt: skip
    q = request.query_params
    filters = {k: (q.get(k) or "").strip() for k in ("stage", "region", "category", "q")}
    error = None
    try:
        cat = int(filters["category"]) if filters["category"] else None
    except ValueError:
        cat, error = None, f"category: {filters['category']!r} is not 1 or 2"
    try:
        rows = svc.list_sites(session, viewer.scope, stage=filters["stage"] or None,
                              region=filters["region"] or None, category=cat,
                              q=filters["q"] or None)  # fmt: skip
    except SiteError as exc:
        rows, error = [], str(exc)
    every = svc.list_sites(session, viewer.scope)
    context = {**_helpers(request), "rows": rows, "filters": filters, "error": error,
               "counties": sorted({s.region_code for s in every}), "total": len(every),
               "form": {}, **extra}  # fmt: skip
    resp = render(request, "soil_sites.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/soil/sites", response_class=HTMLResponse)
def sites_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """The register with filters and the form registering a site."""
    svc.check_reader(viewer.scope)
    return _list_page(request, viewer, session)


_FORM_FIELDS = ("code", "name", "planned_use", "former_use", "industry", "party_name",
                "party_uscc", "enterprise_id", "listed_on", "area_declared_m2", "boundary")  # fmt: skip


@router.post("/soil/sites/new", response_class=HTMLResponse, response_model=None)
async def new_site_form(request: Request, viewer: LoggedInViewer, session: SessionDep,
                        settings: SettingsDep) -> Response:  # fmt: skip
    """Register a site from the form (boundary as GeoJSON text or a .geojson file); the page
    again with the refusal naming the field, nothing stored."""
    svc.check_reader(viewer.scope)
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in _FORM_FIELDS}
    try:
        up = form.get("boundary_file")
        text = values["boundary"]
        if isinstance(up, UploadFile) and up.filename:
            raw = await up.read(settings.max_file_bytes + 1)
            if len(raw) > settings.max_file_bytes:
                raise SiteError(f"boundary: more than {settings.max_file_bytes} bytes",
                                field="boundary")  # fmt: skip
            text = raw.decode("utf-8-sig", errors="replace")
        try:
            geo = json.loads(text) if text else None
        except ValueError as exc:
            raise SiteError(f"boundary: not GeoJSON ({exc})", field="boundary") from None
        if isinstance(geo, dict) and geo.get("type") == "FeatureCollection":
            feats = geo.get("features") or []
            if len(feats) != 1:
                raise SiteError(f"boundary: {len(feats)} features; give the one of the site",
                                field="boundary")  # fmt: skip
            geo = feats[0]
        data: dict[str, Any] = {k: v for k, v in values.items() if v and k != "boundary"}
        data["boundary"] = geo
        site = svc.create_site(session, viewer.scope, data, actor=viewer.username)
    except SiteError as exc:
        session.rollback()
        return _list_page(request, viewer, session, status_code=422, form_error=str(exc),
                          form=values)  # fmt: skip
    finally:
        await form.close()
    return RedirectResponse(f"/soil/sites/{site.id}", status_code=303)


def _site_page(request: Request, viewer: Viewer, session: Any, site_id: int, *,
               status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    f = svc.site_file(session, viewer.scope, site_id)
    today = cst_today()
    config = {
        "geojsonUrl": f"{API}/geo/zhejiang-counties.geojson",
        "boundary": f.site.boundary, "center": [f.site.lon, f.site.lat],
        "samples": [{"point": s.point, "lon": s.lon, "lat": s.lat, "depth": s.depth_m,
                     "level": s.level} for s in f.samples if s.lon is not None],
        "colours": LEVEL_COLOURS, "labels": _labels(get_lang(request)),
    }  # fmt: skip
    context = {**_helpers(request), "f": f, "s": f.site, "today": today,
               "overdue": lambda item: svc.overdue(item, today), "config": config,
               "items": sc.ITEMS, **extra}  # fmt: skip
    resp = render(request, "soil_site.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/soil/sites/{site_id}", response_class=HTMLResponse)
def site_page(request: Request, site_id: int, viewer: LoggedInViewer,
              session: SessionDep) -> HTMLResponse:  # fmt: skip
    """One site's file."""
    return _site_page(request, viewer, session, site_id)


@router.post("/soil/sites/{site_id}/stage", response_class=HTMLResponse, response_model=None)
async def stage_form(request: Request, site_id: int, viewer: LoggedInViewer,
                     session: SessionDep) -> Response:  # fmt: skip
    """Move the stage; the page again with the refusal."""
    form = await request.form()
    try:
        svc.move_stage(session, viewer.scope, site_id, str(form.get("stage") or ""),
                       on=str(form.get("on") or "") or None,
                       reason=str(form.get("reason") or ""), actor=viewer.username)  # fmt: skip
    except SiteError as exc:
        session.rollback()
        return _site_page(request, viewer, session, site_id, status_code=422,
                          stage_error=str(exc))  # fmt: skip
    return RedirectResponse(f"/soil/sites/{site_id}#stages", status_code=303)


@router.post("/soil/sites/{site_id}/plan", response_class=HTMLResponse, response_model=None)
async def plan_form(request: Request, site_id: int, viewer: LoggedInViewer,
                    session: SessionDep) -> Response:  # fmt: skip
    """Add a plan item; the page again with the refusal."""
    form = await request.form()
    try:
        svc.add_plan_item(session, viewer.scope, site_id, measure=str(form.get("measure") or ""),
                          responsible_unit=str(form.get("responsible_unit") or ""),
                          deadline=str(form.get("deadline") or ""), actor=viewer.username)  # fmt: skip
    except SiteError as exc:
        session.rollback()
        return _site_page(request, viewer, session, site_id, status_code=422,
                          plan_error=str(exc))  # fmt: skip
    return RedirectResponse(f"/soil/sites/{site_id}#plan", status_code=303)


@router.post("/soil/sites/{site_id}/plan/{item_id}", response_class=HTMLResponse,
             response_model=None)  # fmt: skip
async def plan_status_form(request: Request, site_id: int, item_id: int, viewer: LoggedInViewer,
                           session: SessionDep) -> Response:  # fmt: skip
    """Set a plan item's status (done records today); the page again with the refusal."""
    form = await request.form()
    try:
        svc.set_plan_status(session, viewer.scope, site_id, item_id,
                            str(form.get("status") or ""), actor=viewer.username)  # fmt: skip
    except SiteError as exc:
        session.rollback()
        return _site_page(request, viewer, session, site_id, status_code=422,
                          plan_error=str(exc))  # fmt: skip
    return RedirectResponse(f"/soil/sites/{site_id}#plan", status_code=303)


@router.post("/soil/sites/{site_id}/samples", response_class=HTMLResponse, response_model=None)
async def samples_form(request: Request, site_id: int, viewer: LoggedInViewer,
                       session: SessionDep, settings: SettingsDep) -> Response:  # fmt: skip
    """Upload samples (CSV/.xlsx); the page again naming every bad row."""
    form = await request.form()
    try:
        up = form.get("file")
        if not isinstance(up, UploadFile) or not up.filename:
            raise SiteError("file: choose a CSV or .xlsx file", field="file")
        data = await up.read(settings.max_file_bytes + 1)
        if len(data) > settings.max_file_bytes:
            raise SiteError(f"file: more than {settings.max_file_bytes} bytes", field="file")
        svc.import_samples(session, viewer.scope, site_id, data, up.filename,
                           max_bytes=settings.max_file_bytes, actor=viewer.username)  # fmt: skip
    except QingshanError as exc:
        if not isinstance(exc, SiteError):
            raise
        session.rollback()
        return _site_page(request, viewer, session, site_id, status_code=422,
                          samples_error=str(exc), problems=exc.problems)  # fmt: skip
    finally:
        await form.close()
    return RedirectResponse(f"/soil/sites/{site_id}#samples", status_code=303)
