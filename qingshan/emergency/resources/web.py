"""应急资源 pages (issue #22): ``/emergency/resources`` — the depots and rescue teams of the
viewer's region on the map (click a depot for its page, a team for its details), the nearest-
resource form (click the map or type coordinates: the nearest depots, teams and experts with
their straight-line distance), the materials list with its filters and expiry flags, the teams
and experts, and the import and entry forms; ``/emergency/resources/depots/{id}`` — one depot
with its stock. Officers only (province, city, county), each in their region. The work is
:mod:`qingshan.emergency.resources.service`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.api.export import table_download
from qingshan.emergency.resources import catalog
from qingshan.emergency.resources import service as svc
from qingshan.emergency.resources.errors import ImportRejected, ResourceError
from qingshan.emergency.resources.importer import COLUMNS, KINDS
from qingshan.emergency.resources.stock import EXPIRING_DAYS
from qingshan.errors import NotFound, PermissionDenied
from qingshan.geo.regions import REGIONS
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: the labels the page's script shows
_JS_LABELS = ("emres.map.depot", "emres.map.team", "emres.km", "emres.near.none", "emres.near.depots",
              "emres.near.teams", "emres.near.experts", "emres.near.region_centre", "emres.size",
              "emres.phone", "emres.lines", "emres.open", "emres.near.error", "emres.near.road")  # fmt: skip


def _officer(viewer: Viewer) -> None:
    if viewer.role not in OFFICERS:
        raise PermissionDenied("应急资源 is for province, city and county officers")


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(f"no resource kind {kind!r}: {', '.join(KINDS)}")
    return kind


def _helpers(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    def term(vocabulary: str, codes: str | list[str]) -> str:
        items = codes.split(",") if isinstance(codes, str) else codes
        out = []
        for c in items:
            t = catalog.term(vocabulary, c)
            out.append(c if t is None else t.name(lang))
        return "、".join(out)

    return {"rname": rname, "term": term, "lang": lang, "api": API,
            "categories": catalog.categories(), "holdings": catalog.holdings(),
            "specialities": catalog.specialities(), "fields": catalog.fields(),
            "kinds": KINDS, "columns": COLUMNS, "expiring_days": EXPIRING_DAYS}  # fmt: skip


def _page(request: Request, viewer: Viewer, session: Any, settings: Any, *,
          status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    q = request.query_params
    scope = viewer.scope
    category = q.get("category") or None
    status = q.get("status") or None
    speciality = q.get("speciality") or None
    field = q.get("field") or None
    try:
        materials = svc.list_materials(session, scope, category=category, status=status, limit=500)
        teams = svc.list_teams(session, scope, speciality=speciality)
        experts = svc.list_experts(session, scope, field=field)
    except ResourceError as exc:  # a filter value from a hand-typed address
        materials, teams, experts = [], [], []
        extra.setdefault("error", str(exc))
    depots = svc.list_depots(session, scope)
    lang = get_lang(request)
    config = {
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "nearestUrl": f"{API}/emergency/resources/nearest",
        "depots": [{k: d[k] for k in ("id", "code", "name", "owner_kind", "owner_name", "lon", "lat",
                                      "lines", "expired", "expiring", "phone")} for d in depots],
        "teams": [{k: t[k] for k in ("id", "code", "name", "size", "specialities", "phone", "lon", "lat",
                                     "base")} for t in teams],
        "names": {"categories": {t.code: t.name(lang) for t in catalog.categories()},
                  "specialities": {t.code: t.name(lang) for t in catalog.specialities()},
                  "fields": {t.code: t.name(lang) for t in catalog.fields()}},
        "labels": {k: translate(k, lang) for k in _JS_LABELS},
    }  # fmt: skip
    context = {
        **_helpers(request), "depots": depots, "materials": materials, "teams": teams,
        "experts": experts, "config": config, "filters": {"category": category or "",
        "status": status or "", "speciality": speciality or "", "field": field or ""},
        "expired": sum(d["expired"] for d in depots), "expiring": sum(d["expiring"] for d in depots),
        "max_mb": round(settings.max_file_bytes / 2**20, 1), **extra,
    }  # fmt: skip
    resp = render(request, "emergency_resources.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/emergency/resources", response_class=HTMLResponse)
def resources_page(request: Request, viewer: LoggedInViewer, session: SessionDep,
                   settings: SettingsDep) -> HTMLResponse:  # fmt: skip
    """The map, the nearest-resource form, the lists and the import forms."""
    _officer(viewer)
    return _page(request, viewer, session, settings)


@router.get("/emergency/resources/depots/{depot_id}", response_class=HTMLResponse)
def depot_page(request: Request, depot_id: int, viewer: LoggedInViewer,
               session: SessionDep) -> HTMLResponse:  # fmt: skip
    """One depot with its stock lines (expired first)."""
    _officer(viewer)
    d = svc.depot_detail(session, viewer.scope, depot_id)
    return render(
        request, "emergency_resources_depot.html", {**_helpers(request), "d": d}, viewer=viewer
    )


@router.get("/emergency/resources/template/{kind}.{fmt}")
def template_file(kind: str, fmt: str, viewer: LoggedInViewer) -> Response:
    """The blank import file of ``kind`` (.xlsx or .csv)."""
    _officer(viewer)
    if fmt not in ("xlsx", "csv"):
        raise NotFound(f"no template .{fmt}: xlsx or csv")
    return table_download(f"应急资源-{_kind(kind)}-模板", list(COLUMNS[kind]), [], fmt)


@router.post("/emergency/resources/import/{kind}", response_class=HTMLResponse)
def import_upload(request: Request, kind: str, viewer: LoggedInViewer, session: SessionDep,
                  settings: SettingsDep, file: Annotated[UploadFile, File()]) -> HTMLResponse:  # fmt: skip
    """Import the uploaded file for the viewer's region: all rows or none (422 listing every
    bad row)."""
    _officer(viewer)
    k = _kind(kind)
    name = file.filename or "file"
    data = file.file.read(settings.max_file_bytes + 1)
    try:
        r = svc.import_table(session, viewer.scope, k, data, max_bytes=settings.max_file_bytes)
    except ImportRejected as exc:
        return _page(request, viewer, session, settings, status_code=422, import_kind=k,
                     import_file=name, problems=exc.problems)  # fmt: skip
    except ResourceError as exc:
        return _page(request, viewer, session, settings, status_code=422, import_kind=k,
                     import_file=name, problems=[str(exc)])  # fmt: skip
    return _page(request, viewer, session, settings, import_kind=k, import_file=name, imported=r)


@router.post("/emergency/resources/new/{kind}", response_class=HTMLResponse, response_model=None)
async def create_form(request: Request, kind: str, viewer: LoggedInViewer, session: SessionDep,
                      settings: SettingsDep) -> Response:  # fmt: skip
    """One record from the entry form (English keys as the import's columns); back to the page
    (its depot's page for a depot or a material) or the page with the error."""
    _officer(viewer)
    k = _kind(kind)
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in COLUMNS[k].values()}
    try:
        new_id = svc.create_record(session, viewer.scope, k, values)
    except ResourceError as exc:
        return _page(request, viewer, session, settings, status_code=422, form_kind=k,
                     form_values=values, form_error=str(exc))  # fmt: skip
    if k == "depots":
        return RedirectResponse(f"/emergency/resources/depots/{new_id}", status_code=303)
    if k == "materials":
        depot = next(
            d for d in svc.list_depots(session, viewer.scope) if d["code"] == values["depot_code"]
        )
        return RedirectResponse(f"/emergency/resources/depots/{depot['id']}", status_code=303)
    return RedirectResponse(f"/emergency/resources?saved={k}#{k}", status_code=303)
