"""空间管控 pages (issue #20): ``/zones/layers`` (the layers in reach with their versions,
validity and feature counts, drawn on a map; province and city accounts import a layer there
and see every problem of a refused file per feature) and ``/zones/siting`` (项目选址研判: a site
drawn on the map, typed as lon/lat or uploaded as GeoJSON, an industry; the verdict with its
deciding rule and clause, every feature touched with its requirements) with a printable result
``/zones/siting/print``. Officers only (province, city, county); each route calls the zones
service and renders — validation and decisions are the service's."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep, provided
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import get_region
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, labels_for, translate
from qingshan.web.render import API, render
from qingshan.zones import geoio, industries, service
from qingshan.zones.errors import LayerRejected, ZoneError
from qingshan.zones.layers import DIMENSIONS, LEVELS, UNIT_TYPES, LayerKind
from qingshan.zones.links import DrinkingWaterSources
from qingshan.zones.schemas import siting_public

router = APIRouter(include_in_schema=False)

#: accounts that import layers on the page (a county officer reads and checks, the city and
#: province maintain the layers)
_PROBLEM = re.compile(r"^feature (\d+) \((.*?)\): ([\w.\[\]]+): (.*)$", re.S)
_POINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$")
MAX_COORD_TEXT = 200_000
#: the inputs whose errors get a lead in the page's language (zn.s.err.<field>) before the
#: service's own message
ERROR_FIELDS = ("site", "coords", "industry", "file", "crs", "on")


def _officer(viewer: Viewer) -> None:
    if viewer.role not in service.OFFICERS:
        raise PermissionDenied("空间管控 is for province, city and county officers")


def _labels(lang: str) -> dict[str, str]:
    return labels_for(("zn.", "punct."), lang)


def _map_config(request: Request, viewer: Viewer, session: Any, on: date) -> dict[str, Any]:
    """The map's configuration: the base map of the viewer's region and the layers in force."""
    lang = get_lang(request)
    code = viewer.region_code
    return {
        "lang": lang,
        "labels": _labels(lang),
        "level": viewer.role.value,
        "region": code,
        "countiesUrl": f"{API}/geo/zhejiang-counties.geojson"
        + ("" if viewer.role is Role.PROVINCE else f"?city={code[:4]}00"),
        "layers": [
            {"id": x.id, "kind": x.kind, "name": x.name, "version": x.version,
             "url": f"{API}/zones/layers/{x.id}/geojson"}
            for x in service.layers(session, viewer.scope) if service.in_force(x, on)
        ],
    }  # fmt: skip


@router.get("/zones")
def zones_page(viewer: LoggedInViewer) -> Response:
    """空间管控: the layers page."""
    _officer(viewer)
    return RedirectResponse("/zones/layers", 303)


@dataclass(frozen=True)
class Problem:
    """One problem of a refused import, split for the table (feature number, code, field)."""

    n: str
    code: str
    field: str
    what: str


def problems_of(exc: ZoneError) -> list[Problem]:
    """The problems of a refused import: each of :class:`LayerRejected` split into feature
    number, code, field and reason; another error as one row naming its field."""
    if isinstance(exc, LayerRejected):
        out = []
        for p in exc.problems:
            m = _PROBLEM.match(p)
            if m:
                out.append(Problem(m[1], m[2], m[3], m[4]))
            else:
                head, _, what = p.partition(": ")
                out.append(Problem("", "", head, what or p))
        return out
    head, _, what = str(exc).partition(": ")
    return [Problem("", "", exc.field or head, what if exc.field == head else str(exc))]


def _layers(request: Request, viewer: Viewer, session: Any, *, done: int | None = None,
            error: ZoneError | None = None, form: dict[str, str] | None = None,
            status_code: int = 200) -> HTMLResponse:  # fmt: skip
    lang = get_lang(request)
    today = as_cst(utcnow()).date()  # the day in China (CST), not UTC
    rows = service.layers(session, viewer.scope)
    counts = service.feature_counts(session, [x.id for x in rows])

    def rname(code: str) -> str:
        r = get_region(code)
        return r.name if lang == "zh" else r.name_en

    context: dict[str, Any] = {
        "rows": rows,
        "counts": counts,
        "today": today,
        "in_force": service.in_force,
        "rname": rname,
        "kinds": [k.value for k in LayerKind],
        "can_import": viewer.role in service.IMPORTERS,
        "done": next((x for x in rows if x.id == done), None) if done else None,
        "error": str(error) if error else None,
        "problems": problems_of(error) if error else [],
        "form": form
        or {
            "region_code": viewer.region_code,
            "valid_from": today.isoformat(),
            "kind": "control_unit",
        },  # fmt: skip
        "config": _map_config(request, viewer, session, today),
        "api": API,
    }
    response = render(request, "zones_layers.html", context, viewer=viewer)
    response.status_code = status_code
    return response


@router.get("/zones/layers", response_class=HTMLResponse)
def layers_page(
    request: Request, viewer: LoggedInViewer, session: SessionDep, done: int | None = None
) -> HTMLResponse:
    """图层: the layers in reach (versions, validity, features), their map, the import form."""
    _officer(viewer)
    return _layers(request, viewer, session, done=done)


def _date(form: dict[str, str], key: str, *, required: bool) -> date | None:
    raw = form.get(key, "").strip()
    if not raw:
        if required:
            raise ZoneError(f"{key}: missing", field=key)
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ZoneError(f"{key}: {raw!r} is not a date (YYYY-MM-DD)", field=key) from None


@router.post("/zones/layers", response_class=HTMLResponse)
async def layers_import(request: Request, viewer: LoggedInViewer, session: SessionDep,
                        settings: SettingsDep,
                        sources: Annotated[DrinkingWaterSources, provided(DrinkingWaterSources)]) -> Response:  # fmt: skip
    """Import a layer (province and city accounts): all or nothing, every problem listed."""
    _officer(viewer)
    service.check_importer(viewer.scope)
    raw = await request.form()
    form = {k: str(v)[:200] for k, v in raw.items() if not isinstance(v, UploadFile)}
    upload = raw.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ZoneError("file: choose a GeoJSON file or a zipped Shapefile", field="file")
        data = await upload.read(settings.max_file_bytes + 1)
        if len(data) > settings.max_file_bytes:
            raise ZoneError(f"file: larger than {settings.max_file_bytes} bytes "
                            "(setting QINGSHAN_MAX_FILE_BYTES)", field="file")  # fmt: skip
        try:
            kind = LayerKind(form.get("kind", ""))
        except ValueError:
            raise ZoneError(f"kind: {form.get('kind')!r} is not one of "
                            f"{', '.join(k.value for k in LayerKind)}", field="kind") from None  # fmt: skip
        for key in ("name", "version", "region_code"):
            if not form.get(key, "").strip():
                raise ZoneError(f"{key}: missing", field=key)
        meta = service.LayerMeta(
            kind, form["name"].strip(), form["version"].strip(), form["region_code"].strip(),
            _date(form, "valid_from", required=True) or date.min,
            _date(form, "valid_to", required=False), source=form.get("source", "").strip(),
            synthetic=form.get("synthetic") == "1",
        )  # fmt: skip
        layer = service.import_layer(session, viewer.scope, meta, data, upload.filename,
                                     actor=viewer.username, now=utcnow(), sources=sources)  # fmt: skip
    except ZoneError as exc:
        session.rollback()
        return _layers(request, viewer, session, error=exc, form=form, status_code=422)
    return RedirectResponse(f"/zones/layers?done={layer.id}", 303)


# --- 选址研判 --------------------------------------------------------------------------------


def site_from_text(text: str) -> dict[str, Any]:
    """A GeoJSON site from typed or clicked coordinates, one ``lon, lat`` per line: one point →
    a Point; three or more → a Polygon (closed here); blocks separated by a blank line → a
    MultiPolygon (the parts of an uploaded site). :class:`ZoneError` names the bad line."""
    parts: list[list[list[float]]] = []
    n = 0
    for block in re.split(r"\n\s*\n", text.strip()):
        pts: list[list[float]] = []
        for line in (ln for ln in re.split(r"[\n;；]+", block) if ln.strip()):
            n += 1
            m = _POINT.match(line)
            if not m:
                raise ZoneError(f"coords: line {n} {line.strip()[:60]!r} is not 'longitude, "
                                "latitude' (decimal degrees, e.g. 120.15, 30.25)", field="coords")  # fmt: skip
            pts.append([float(m[1]), float(m[2])])
        if pts:
            parts.append(pts)
    if len(parts) == 1 and len(parts[0]) == 1:
        return {"type": "Point", "coordinates": parts[0][0]}
    for pts in parts:
        if len(pts) < 3:
            raise ZoneError(f"coords: {len(pts)} point(s) make neither a site point nor a polygon "
                            "(one point, or three or more corners)", field="coords")  # fmt: skip
        if pts[0] != pts[-1]:
            pts.append(pts[0])
    if len(parts) == 1:
        return {"type": "Polygon", "coordinates": [parts[0]]}
    return {"type": "MultiPolygon", "coordinates": [[p] for p in parts]}


def _coords_text(site: dict[str, Any]) -> str:
    """The site's vertices as ``lon, lat`` lines, a blank line between the parts of a
    MultiPolygon (the form's text, read back by :func:`site_from_text`; the print's
    coordinates). Interior rings (holes) are not listed."""
    if site.get("type") == "Point":
        rings = [[site["coordinates"]]]
    elif site.get("type") == "Polygon":
        rings = [site["coordinates"][0][:-1]]
    else:
        rings = [p[0][:-1] for p in site.get("coordinates", [])]
    return "\n\n".join(
        "\n".join(f"{float(x):.6f}, {float(y):.6f}" for x, y, *_ in ring) for ring in rings
    )


async def _site_form(request: Request, max_bytes: int) -> tuple[dict[str, str], bytes | None]:
    if request.method == "GET":
        return dict(request.query_params), None
    raw = await request.form(max_part_size=MAX_COORD_TEXT * 4)
    form = {k: str(v) for k, v in raw.items() if not isinstance(v, UploadFile)}
    upload = raw.get("site_file")
    data = None
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ZoneError(f"file: larger than {max_bytes} bytes", field="file")
    return form, data


def vocab(lang: str) -> Any:
    """``zv(value)``: a requirement dimension, unit type or protection level (the layers'
    fixed Chinese vocabulary) as the page's language shows it; any other value as it is."""
    labels: dict[str, str] = {}
    if lang != "zh":
        labels |= {d: translate(f"zn.dim.{d}", lang) for d in DIMENSIONS}
        labels |= {u: translate(f"zn.cat.cu.{u}", lang) for u in UNIT_TYPES}
        labels |= {v: translate(f"zn.cat.ws.{v}", lang) for v in LEVELS}
    return lambda value: labels.get(value, value)


def _siting(request: Request, viewer: Viewer, session: Any, form: dict[str, str],
            data: bytes | None, template: str, failed: ZoneError | None = None) -> HTMLResponse:  # fmt: skip
    lang = get_lang(request)
    on = today = as_cst(utcnow()).date()
    result = site = None
    error = None
    error_field = ""
    try:
        if failed is not None:
            raise failed
        on = _date(form, "on", required=False) or today
        if data is not None:
            site = geoio.read_site(data)
        elif form.get("site", "").strip():
            try:
                site = json.loads(form["site"])
            except ValueError as exc:
                raise ZoneError(f"site: not GeoJSON ({exc})", field="site") from None
        elif form.get("coords", "").strip():
            site = site_from_text(form["coords"][:MAX_COORD_TEXT])
        ran = "industry" in form or site is not None
        if ran and site is None:
            raise ZoneError("site: none given — click the map, type coordinates or upload a "
                            "GeoJSON file", field="site")  # fmt: skip
        if site is not None:
            if not isinstance(site, dict):
                raise ZoneError("site: a GeoJSON geometry object is expected", field="site")
            res = service.check_site(session, viewer.scope, site, form.get("industry", ""),
                                     discharges=form.get("discharges", "1") == "1", on=on)  # fmt: skip
            result = siting_public(res)
    except ZoneError as exc:
        error = str(exc)
        error_field = exc.field if exc.field in ERROR_FIELDS else ""
    config = _map_config(request, viewer, session, on)
    config["site"] = site if result is not None else None
    prefixes = service.rule_prefixes(session, viewer.scope, on)
    touched = {h.layer_id for h in result.hits} if result else set()
    layers = [x for x in service.layers(session, viewer.scope) if service.in_force(x, on)]
    context: dict[str, Any] = {
        "form": form,
        "coords": _coords_text(site)
        if isinstance(site, dict) and result
        else form.get("coords", ""),
        "site_json": json.dumps(site, ensure_ascii=False) if result else "",
        "on": on,
        "discharges": form.get("discharges", "1") == "1",
        "result": result,
        "error": error,
        "error_field": error_field,
        "choices": industries.choices(prefixes),
        "industry_name": industries.industry_name,
        "layers": layers,
        "touched": touched,
        # the control units cover the province: a site in none is likely mistyped (or at sea)
        "no_unit": result is not None
        and any(x.kind == LayerKind.CONTROL_UNIT.value for x in layers)
        and not any(h.layer_kind == LayerKind.CONTROL_UNIT.value for h in result.hits),
        "run_at": as_cst(utcnow()).strftime("%Y-%m-%d %H:%M"),
        "viewer_role": translate(f"role.{viewer.role.value}", lang),
        "zv": vocab(lang),
        "config": config,
    }
    response = render(request, template, context, viewer=viewer)
    response.status_code = 422 if error else 200
    return response


@router.api_route("/zones/siting", methods=["GET", "POST"], response_class=HTMLResponse)
async def siting_page(request: Request, viewer: LoggedInViewer, session: SessionDep,
                      settings: SettingsDep) -> HTMLResponse:  # fmt: skip
    """选址研判: the form (map, coordinates, file, industry) and, once submitted, the verdict."""
    return await _siting_route(request, viewer, session, settings, "zones_siting.html")


async def _siting_route(request: Request, viewer: Viewer, session: Any, settings: Any,
                        template: str) -> HTMLResponse:  # fmt: skip
    _officer(viewer)
    try:
        form, data = await _site_form(request, settings.max_file_bytes)
    except ZoneError as exc:
        return _siting(request, viewer, session, {}, None, template, exc)
    return _siting(request, viewer, session, form, data, template)


@router.api_route("/zones/siting/print", methods=["GET", "POST"], response_class=HTMLResponse)
async def siting_print(request: Request, viewer: LoggedInViewer, session: SessionDep,
                       settings: SettingsDep) -> HTMLResponse:  # fmt: skip
    """The siting result to print: date, account, the layers' versions and validity, the site's
    coordinates, the verdict and every feature touched."""
    return await _siting_route(request, viewer, session, settings, "zones_print.html")
