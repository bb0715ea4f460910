"""农用地 pages (issue #24, area farmland):

- ``/soil/farmland`` — the region's plots on the county map coloured by their GB 15618-2018
  category (优先保护 / 安全利用 / 严格管控), plots and area [亩] by category and by county, the
  safe-use rate of polluted farmland for the year with its definition, the list (filters:
  category, county); officers upload samples (CSV/.xlsx);
- ``/soil/farmland/{id}`` — a plot's file: its facts and boundary, its samples with their
  category and deciding items, the category history, the measures (officers add one).

Officers (province, city, county) read and write their region. The work is
:mod:`qingshan.soil.farmland.service`."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.soil.farmland import safeuse
from qingshan.soil.farmland import service as svc
from qingshan.soil.farmland.errors import FarmlandError
from qingshan.soil.farmland.plots import CATEGORIES, mu_of
from qingshan.standards import soil_farmland as gb15618
from qingshan.tablefile import parse_date
from qingshan.timeutil import cst_today, utcnow
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import API, region_label, render

router = APIRouter(include_in_schema=False)

CATEGORY_COLOURS = {"priority_protection": "#2e7d4f", "safe_use": "#f9a825",
                    "strict_control": "#c62828", "none": "#9e9e9e"}  # fmt: skip
_JS_LABELS = tuple(f"soilf.cat.{k}" for k in CATEGORY_COLOURS) + ("soilf.area_mu",)


def _helpers(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    rname = partial(region_label, lang=lang)

    def pair(table: Any, key: str) -> str:
        v = table.get(key)
        return key if v is None else (v[0] if lang == "zh" else v[1])

    def item_name(key: str) -> str:
        return str(gb15618.NAMES_ZH.get(key, key)) if lang == "zh" else key

    return {"rname": rname, "lang": lang, "categories": CATEGORIES, "colours": CATEGORY_COLOURS,
            "land_use_name": lambda k: pair(gb15618.LAND_USE_NAMES, k),
            "measure_name": lambda k: pair(safeuse.MEASURES, k), "item_name": item_name,
            "mu": mu_of, "safe_measures": safeuse.SAFE_USE_MEASURES,
            "strict_measures": safeuse.STRICT_MEASURES}  # fmt: skip


def _labels(lang: str) -> dict[str, str]:
    return {k: translate(k, lang) for k in _JS_LABELS}


def _page(request: Request, viewer: Viewer, session: Any, *, status_code: int = 200,
          **extra: Any) -> HTMLResponse:  # fmt: skip
    scope = viewer.scope
    q = request.query_params
    filters = {k: (q.get(k) or "").strip() for k in ("category", "region")}
    every = svc.list_plots(session, scope)
    rows = [p for p in every
            if (not filters["category"] or (p.category or "none") == filters["category"])
            and (not filters["region"] or p.region_code == filters["region"])]  # fmt: skip
    year = cst_today().year
    config = {
        "geojsonUrl": f"{API}/geo/zhejiang-counties.geojson",
        "plots": [{"id": p.id, "code": p.code, "name": p.name, "lon": p.lon, "lat": p.lat,
                   "category": p.category or "none", "mu": round(mu_of(p.area_m2), 1)}
                  for p in every],
        "colours": CATEGORY_COLOURS, "labels": _labels(get_lang(request)),
    }  # fmt: skip
    context = {**_helpers(request), "rows": rows, "total": len(every), "filters": filters,
               "counts": svc.category_counts(every), "by_county": svc.county_summary(every),
               "rate": svc.safe_use_rate_of(session, scope, year), "year": year,
               "definition": (safeuse.__doc__ or "").strip(), "config": config,
               "officer": True, **extra}  # fmt: skip
    resp = render(request, "soil_farmland.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/soil/farmland", response_class=HTMLResponse)
def overview(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """Plots by category on the map, counts and area by county, the safe-use rate, the list."""
    return _page(request, viewer, session)


@router.post("/soil/farmland/samples", response_class=HTMLResponse, response_model=None)
async def samples_form(request: Request, viewer: LoggedInViewer, session: SessionDep,
                       settings: SettingsDep) -> Response:  # fmt: skip
    """Upload samples (CSV/.xlsx); the page again naming every bad row."""
    form = await request.form()
    try:
        up = form.get("file")
        if not isinstance(up, UploadFile) or not up.filename:
            raise FarmlandError("file: choose a CSV or .xlsx file", field="file")
        data = await up.read(settings.max_file_bytes + 1)
        if len(data) > settings.max_file_bytes:
            raise FarmlandError(f"file: more than {settings.max_file_bytes} bytes", field="file")
        n = svc.import_samples(session, viewer.scope, data, actor=viewer.username, now=utcnow(),
                               max_bytes=settings.max_file_bytes)  # fmt: skip
    except FarmlandError as exc:
        session.rollback()
        return _page(request, viewer, session, status_code=422, samples_error=exc.message,
                     problems=exc.context.get("problems") or [])  # fmt: skip
    finally:
        await form.close()
    return RedirectResponse(f"/soil/farmland?stored={n}#upload", status_code=303)


def _plot_page(request: Request, viewer: Viewer, session: Any, plot_id: int, *,
               status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    f = svc.plot_file(session, viewer.scope, plot_id)
    config = {"geojsonUrl": f"{API}/geo/zhejiang-counties.geojson", "boundary": f.plot.boundary,
              "center": [f.plot.lon, f.plot.lat],
              "colour": CATEGORY_COLOURS[f.plot.category or "none"]}  # fmt: skip
    items = [k for k in gb15618.ITEMS if any(k in s.values for s in f.samples)]
    context = {**_helpers(request), "f": f, "p": f.plot, "items": items, "config": config,
               "today": cst_today(), **extra}  # fmt: skip
    resp = render(request, "soil_farmland_plot.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/soil/farmland/{plot_id}", response_class=HTMLResponse)
def plot_page(request: Request, plot_id: int, viewer: LoggedInViewer,
              session: SessionDep) -> HTMLResponse:  # fmt: skip
    """A plot's file."""
    return _plot_page(request, viewer, session, plot_id)


@router.post("/soil/farmland/{plot_id}/measures", response_class=HTMLResponse, response_model=None)
async def measure_form(request: Request, plot_id: int, viewer: LoggedInViewer,
                       session: SessionDep) -> Response:  # fmt: skip
    """Record a measure; the page again with the refusal."""
    form = await request.form()
    try:
        started = parse_date(str(form.get("started_on") or ""))
        area_mu = str(form.get("area_mu") or "").strip()
        eff = str(form.get("effective") or "")
        svc.add_measure(session, viewer.scope, plot_id, kind=str(form.get("kind") or ""),
                        year=started.year,
                        area_m2=float(area_mu) * 10_000 / 15 if area_mu else None,
                        started_on=started,
                        effective={"yes": True, "no": False}.get(eff),
                        note=str(form.get("note") or "")[:500], actor=viewer.username,
                        now=utcnow())  # fmt: skip
    except (FarmlandError, ValueError) as exc:
        session.rollback()
        msg = exc.message if isinstance(exc, FarmlandError) else f"started_on/area: {exc}"
        return _plot_page(request, viewer, session, plot_id, status_code=422,
                          measure_error=msg)  # fmt: skip
    return RedirectResponse(f"/soil/farmland/{plot_id}#measures", status_code=303)
