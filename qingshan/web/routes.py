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

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from qingshan import __version__
from qingshan.api.deps import ScopeDep
from qingshan.geo.regions import CITY_CODES, PROVINCE_CODE, REGIONS, get_region, in_scope
from qingshan.timeutil import as_cst, utcnow
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


#: the top navigation; pages of later issues add themselves here
NAV: list[NavItem] = [
    NavItem("/map", "nav.map", ("/", "/map")),
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
    region_code: str = PROVINCE_CODE,
) -> HTMLResponse:
    """Render ``template`` with the layout's context; ``?lang=`` is remembered in a cookie.

    ``region_code`` is the region the page shows (the caller's scope: pass ``scope.region_code``
    from :data:`qingshan.api.deps.ScopeDep`).
    """
    lang = get_lang(request)
    now = as_cst(utcnow())
    region = get_region(region_code)
    base = {
        "lang": lang,
        "t": translator(lang),
        "nav": [
            {"path": n.path, "label": n.label, "active": request.url.path in n.matches} for n in NAV
        ],
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
    return response


router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, scope: ScopeDep) -> HTMLResponse:
    """浙江省空气质量地图: the 11 cities, air stations by AQI level, a city ranking.

    The stations come from /api/v1/air/stations/latest, scoped to the caller like every query.
    """
    lang = get_lang(request)
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
    return render(request, "map.html", {"config": config}, region_code=scope.region_code)


def _overlaps(city_code: str, scope_code: str) -> bool:
    """Whether city ``city_code`` and the scope region share ground (one contains the other)."""
    return in_scope(city_code, scope_code) or in_scope(scope_code, city_code)


def mount_web(app: FastAPI) -> None:
    """Mount the static assets at /static and the dashboard pages on ``app``."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
