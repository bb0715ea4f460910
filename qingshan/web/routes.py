"""The dashboard: static assets under /static and the server-rendered pages.

:func:`mount_web` is called by :func:`qingshan.api.app.create_app`. Pages are Jinja2 templates
extending ``base.html``; :func:`render` gives every template the language, the translator
``t``, the navigation and the current time in China Standard Time. Pages fetch their data from
the JSON API under /api/v1: a page route computes nothing itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from qingshan import __version__
from qingshan.geo.regions import CITY_CODES, REGIONS, get_region, in_scope
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import TOKEN_COOKIE, OptionalViewer, Viewer, scope_of_viewer
from qingshan.web.i18n import LANG_COOKIE, get_lang, labels_for, requested_lang, translator
from qingshan.web.legend import aqi_legend

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATES_DIR = WEB_DIR / "templates"
API = "/api/v1"


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # a key of qingshan.web.i18n.LABELS
    matches: tuple[str, ...] = ()
    login: bool = False  # the page needs a login (shown with a lock to visitors)
    prefixes: tuple[str, ...] = ()  # pages below it (e.g. an outlet under 污染源) keep it active

    def is_active(self, path: str) -> bool:
        return path in self.matches or path.startswith(self.prefixes)


#: the top navigation; pages of later issues add themselves here
NAV: list[NavItem] = [
    NavItem("/map", "nav.map", ("/", "/map")),
    NavItem("/water", "nav.water", ("/water",)),
    NavItem("/enterprises", "nav.enterprises", ("/enterprises",), login=True, prefixes=("/qc/",)),
    NavItem("/devices", "nav.devices", ("/devices",), login=True),
    NavItem(f"{API}/docs", "nav.api"),
]


@lru_cache(maxsize=1)
def get_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.filters["tojson_script"] = _tojson_script
    return templates


def _tojson_script(value: object) -> Markup:
    """JSON safe inside ``<script type="application/json">`` (no ``</`` can close it)."""
    text = json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
    return Markup(text)  # noqa: S704  (escaped above for the script context)


def render(
    request: Request,
    template: str,
    context: dict | None = None,
    *,
    viewer: Viewer | None = None,
    region_code: str | None = None,
) -> HTMLResponse:
    """Render ``template`` with the layout's context; ``?lang=`` is remembered in a cookie.

    ``viewer`` is the logged-in user (:data:`qingshan.web.auth.OptionalViewer`), shown in the
    top bar; ``region_code`` is the region the page shows (default: the viewer's scope, or the
    province for visitors). A stale login cookie is cleared.
    """
    lang = get_lang(request)
    now = as_cst(utcnow())
    region = get_region(region_code or scope_of_viewer(viewer).region_code)
    base = {
        "lang": lang,
        "t": translator(lang),
        "nav": [
            {
                "path": n.path,
                "label": n.label,
                "active": n.is_active(request.url.path),
                "locked": n.login and viewer is None,
            }
            for n in NAV
        ],
        "viewer": viewer,
        "viewer_region": _region_name(viewer.region_code, lang) if viewer else None,
        "login_href": "/login?next=" + quote(_here(request), safe=""),
        "other_lang": "en" if lang == "zh" else "zh",
        "now_cst": now.strftime("%Y-%m-%d %H:%M"),
        "now_iso": now.isoformat(timespec="seconds"),
        "region_name": region.name if lang == "zh" else region.name_en,
        "region_code": region.code,
        "version": __version__,
        "api": API,
    }
    response = get_templates().TemplateResponse(request, template, base | (context or {}))
    asked = requested_lang(request)
    if asked is not None:
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 24 * 3600, samesite="lax")
    if getattr(request.state, "stale_token", False):
        response.delete_cookie(TOKEN_COOKIE, httponly=True, samesite="lax")
    return response


def _here(request: Request) -> str:
    """The path of the request without ``lang`` (the place to come back to after login)."""
    if request.url.path in ("/login", "/logout"):
        return "/"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + (("?" + urlencode(query)) if query else "")


def _region_name(code: str, lang: str) -> str:
    region = get_region(code)
    return region.name if lang == "zh" else region.name_en


router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, viewer: OptionalViewer) -> HTMLResponse:
    """浙江省空气质量地图: the 11 cities, air stations by AQI level, a city ranking.

    The stations come from /api/v1/air/stations/latest, scoped to the caller like every query.
    """
    lang = get_lang(request)
    scope = scope_of_viewer(viewer)
    config = {
        "lang": lang,
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "refreshSeconds": 300,
        "stationsUrl": f"{API}/air/stations/latest",
        "legend": aqi_legend(lang),
        "labels": labels_for(
            ("aqi.", "control.", "station.", "map.", "layout.cst", "punct."), lang
        ),
        "cityNamesEn": {REGIONS[c].name: REGIONS[c].name_en for c in CITY_CODES},
        # the cities the caller's scope reaches: ranked in the panel, highlighted on the map
        "scopeCities": [c for c in CITY_CODES if _overlaps(c, scope.region_code)],
    }
    return render(request, "map.html", {"config": config}, viewer=viewer)


def _overlaps(city_code: str, scope_code: str) -> bool:
    """Whether city ``city_code`` and the scope region share ground (one contains the other)."""
    return in_scope(city_code, scope_code) or in_scope(scope_code, city_code)


def mount_web(app: FastAPI) -> None:
    """Mount the static assets at /static and the dashboard pages on ``app``."""
    from qingshan.web import auth, pages

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    auth.install_login_redirect(app)
    app.include_router(auth.router)
    app.include_router(router)
    app.include_router(pages.router)
    from qingshan.qc import web as qc_web

    app.include_router(qc_web.router)
