"""地下水 pages (issue #24, area groundwater):

- ``/soil/groundwater`` — the wells of the region on the county map coloured by their newest
  GB/T 14848-2017 class, with the pollution-prevention zones (保护区 / 防控区 / 治理区); the counts
  by class, the list (filters: class, network, county), the zones; officers upload samples
  (CSV/.xlsx) and zones (GeoJSON);
- ``/soil/groundwater/wells/{id}`` — a well's file: its facts, the series of an indicator with
  the class limits (ECharts), the class of each sample and of each year.

Officers see their region; an enterprise account its own pollution-source wells. The work is
:mod:`qingshan.soil.groundwater.service`."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qingshan.api.deps import SessionDep, SettingsDep, StoreDep
from qingshan.soil.groundwater import service as svc
from qingshan.soil.groundwater.errors import GroundwaterError
from qingshan.soil.groundwater.wells import AQUIFERS, CLASSES, WELL_TYPES, indicator_unit
from qingshan.soil.groundwater.zoning import ZONE_KINDS
from qingshan.standards import groundwater as gbt14848
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import API, region_label, render

router = APIRouter(include_in_schema=False)

#: class colours (blue → green → amber → red, as water-quality maps colour classes)
CLASS_COLOURS = {"I": "#1565c0", "II": "#42a5f5", "III": "#2e7d4f", "IV": "#f9a825",
                 "V": "#c62828", "none": "#9e9e9e"}  # fmt: skip
ZONE_COLOURS = {"protection": "#1e88e5", "prevention": "#fb8c00", "remediation": "#8e24aa"}
_JS_LABELS = ("soilg.class.none", "soilg.map.zones", "soilg.chart.value", "soilg.chart.limit",
              "soilg.sampled_on") + tuple(f"soilg.zone.{k}" for k in ZONE_KINDS)  # fmt: skip


def _helpers(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    rname = partial(region_label, lang=lang)

    def ind_name(key: str) -> str:
        return str(
            gbt14848.NAMES_ZH.get(key, key) if lang == "zh" else gbt14848.NAMES_EN.get(key, key)
        )

    def pair(table: Any, key: str) -> str:
        v = table.get(key)
        return key if v is None else (v[0] if lang == "zh" else v[1])

    return {"rname": rname, "ind_name": ind_name, "lang": lang, "classes": CLASSES,
            "class_colours": CLASS_COLOURS, "zone_colours": ZONE_COLOURS,
            "well_type_name": lambda k: pair(WELL_TYPES, k), "aquifer_name": lambda k: pair(AQUIFERS, k),
            "zone_name": lambda k: pair(ZONE_KINDS, k), "well_types": WELL_TYPES,
            "officer": False}  # fmt: skip


def _labels(lang: str) -> dict[str, str]:
    return {k: translate(k, lang) for k in _JS_LABELS}


def _page(request: Request, viewer: Viewer, session: Any, *, status_code: int = 200,
          **extra: Any) -> HTMLResponse:  # fmt: skip
    scope = viewer.scope
    q = request.query_params
    filters = {k: (q.get(k) or "").strip() for k in ("klass", "type", "region")}
    every = svc.list_wells(session, scope)
    rows = [w for w in every
            if (not filters["klass"] or (w.latest_class or "none") == filters["klass"])
            and (not filters["type"] or w.well_type == filters["type"])
            and (not filters["region"] or w.region_code == filters["region"])]  # fmt: skip
    counts = svc.wells_by_class(session, scope)
    year = as_cst(utcnow()).year
    yearly = svc.wells_by_year_class(session, scope, year)
    unsampled = sum(1 for w in every if w.latest_class is None)
    zones = svc.list_zones(session, scope)
    lang = get_lang(request)
    config = {
        "geojsonUrl": f"{API}/geo/zhejiang-counties.geojson",
        "wells": [{"id": w.id, "code": w.code, "name": w.name, "lon": w.lon, "lat": w.lat,
                   "klass": w.latest_class or "none", "on": str(w.latest_on or ""),
                   "deciding": list(w.deciding)} for w in every if w.lon is not None],
        "zones": svc.zones_geojson(zones), "colours": CLASS_COLOURS, "zoneColours": ZONE_COLOURS,
        "labels": _labels(lang),
    }  # fmt: skip
    context = {**_helpers(request), "rows": rows, "total": len(every), "counts": counts,
               "unsampled": unsampled, "zones": zones, "year": year, "yearly": yearly,
               "filters": filters, "config": config,
               "counties": sorted({w.region_code for w in every}),
               "officer": viewer.role in svc.OFFICERS, **extra}  # fmt: skip
    resp = render(request, "soil_groundwater.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/soil/groundwater", response_class=HTMLResponse)
def overview(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """Wells by class on the map with the zones, the counts, the list."""
    return _page(request, viewer, session)


async def _upload(request: Request, settings: Any) -> bytes:
    form = await request.form()
    try:
        up = form.get("file")
        if not isinstance(up, UploadFile) or not up.filename:
            raise GroundwaterError("file: choose a file", field="file")
        data = await up.read(settings.max_file_bytes + 1)
        if len(data) > settings.max_file_bytes:
            raise GroundwaterError(f"file: more than {settings.max_file_bytes} bytes", field="file")
        return data
    finally:
        await form.close()


@router.post("/soil/groundwater/samples", response_class=HTMLResponse, response_model=None)
async def samples_form(request: Request, viewer: LoggedInViewer, session: SessionDep,
                       store: StoreDep, settings: SettingsDep) -> Response:  # fmt: skip
    """Upload samples (CSV/.xlsx); the page again naming every bad row."""
    try:
        data = await _upload(request, settings)
        n = svc.import_samples(session, store, viewer.scope, data, actor=viewer.username,
                               now=utcnow(), max_bytes=settings.max_file_bytes)  # fmt: skip
    except GroundwaterError as exc:
        session.rollback()
        return _page(request, viewer, session, status_code=422, samples_error=exc.message,
                     problems=exc.context.get("problems") or [])  # fmt: skip
    return RedirectResponse(f"/soil/groundwater?stored={n}#upload", status_code=303)


@router.post("/soil/groundwater/zones", response_class=HTMLResponse, response_model=None)
async def zones_form(request: Request, viewer: LoggedInViewer, session: SessionDep,
                     settings: SettingsDep) -> Response:  # fmt: skip
    """Upload zones (GeoJSON); the page again naming every bad feature."""
    try:
        data = await _upload(request, settings)
        svc.import_zones(session, viewer.scope, data, actor=viewer.username, now=utcnow())
    except GroundwaterError as exc:
        session.rollback()
        return _page(request, viewer, session, status_code=422, zones_error=exc.message,
                     problems=exc.context.get("problems") or [])  # fmt: skip
    return RedirectResponse("/soil/groundwater#zones", status_code=303)


@router.get("/soil/groundwater/wells/{well_id}", response_class=HTMLResponse)
def well_page(request: Request, well_id: int, viewer: LoggedInViewer, session: SessionDep,
              store: StoreDep) -> HTMLResponse:  # fmt: skip
    """A well's file: facts, the series chart with the class limits, the class history."""
    f = svc.well_file(session, store, viewer.scope, well_id)
    w = f["well"]
    series = f["series"]
    shown = next((k for k in w.deciding if k in series), None) or next(iter(series), None)
    limits = {k: [None if x is None else float(x) for x in gbt14848.INDICATORS[k].limits]
              for k in series if k in gbt14848.INDICATORS}  # fmt: skip
    lang = get_lang(request)
    names = {k: _helpers(request)["ind_name"](k) for k in series}
    config = {
        "series": {k: [[str(d), v] for d, v in pts] for k, pts in series.items()},
        "shown": shown, "limits": limits, "names": names,
        "units": {k: indicator_unit(k) for k in series}, "colours": CLASS_COLOURS,
        "labels": _labels(lang),
    }  # fmt: skip
    context = {**_helpers(request), "f": f, "w": w, "config": config, "shown": shown,
               "names": names}  # fmt: skip
    return render(request, "soil_groundwater_well.html", context, viewer=viewer)
