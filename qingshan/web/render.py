"""Rendering the dashboard's pages: the Jinja2 templates and the layout's context.

Pages are Jinja2 templates extending ``base.html``; :func:`render` gives every template the
language, the translator ``t``, the navigation (``app.state.nav``, set by
:func:`qingshan.web.site.mount_web` from the registry's list) and the current time in China
Standard Time. Pages fetch their data from the JSON API under /api/v1: a page route computes
nothing itself. This module names no domain: each domain's pages live in its ``web.py``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from qingshan import __version__
from qingshan.accounts.models import Role
from qingshan.api.cookies import clear_login_cookie
from qingshan.geo.regions import CITY_CODES, REGIONS, get_region, overlaps
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import Viewer, scope_of_viewer
from qingshan.web.i18n import LANG_COOKIE, get_lang, requested_lang, translator

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
    roles: tuple[Role, ...] = ()  # shown only to users of these roles (e.g. admin pages); () = all

    def is_active(self, path: str) -> bool:
        return path in self.matches or path.startswith(self.prefixes)

    def is_shown_to(self, viewer: Viewer | None) -> bool:
        """Whether the item is in the navigation of ``viewer`` (None: a visitor)."""
        return not self.roles or (viewer is not None and viewer.role in self.roles)


@dataclass(frozen=True)
class NavGroup:
    """A menu of the top bar (环境质量, 污染源监管 …): its label opens the list of its pages on a
    desktop; on a phone, and when the bar is folded, the lists are shown one under another."""

    label: str  # a key of qingshan.web.i18n.LABELS
    items: tuple[NavItem, ...]


def _nav_context(groups: Sequence[NavGroup], path: str, viewer: Viewer | None) -> list[dict]:
    """The groups and pages of the top bar that ``viewer`` sees on ``path`` (empty groups
    left out)."""
    out = []
    for g in groups:
        items = [
            {"path": n.path, "label": n.label, "active": n.is_active(path),
             "locked": n.login and viewer is None}
            for n in g.items
            if n.is_shown_to(viewer)
        ]  # fmt: skip
        if items:
            out.append({"label": g.label, "pages": items,
                        "active": any(i["active"] for i in items)})  # fmt: skip
    return out


def city_names_en() -> dict[str, str]:
    """Chinese → English name of the 11 cities (the map's labels in English)."""
    return {REGIONS[c].name: REGIONS[c].name_en for c in CITY_CODES}


def scope_cities(scope_code: str) -> list[str]:
    """The cities a scope reaches (ranked in a map's panel, highlighted on the map)."""
    return [c for c in CITY_CODES if overlaps(c, scope_code)]


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
        "nav": _nav_context(getattr(request.app.state, "nav", ()), request.url.path, viewer),
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
        clear_login_cookie(response, request.app.state.settings)
    return response


def _here(request: Request) -> str:
    """The path of the request without ``lang`` (the place to come back to after login)."""
    if request.url.path in ("/login", "/logout"):
        return "/"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + (("?" + urlencode(query)) if query else "")


def region_label(code: str, lang: str) -> str:
    """A region's name in the page language (Chinese for ``zh``, else English); the code itself
    for a code that is no region (a page never fails on an odd stored code)."""
    r = REGIONS.get(code)
    return code if r is None else (r.name if lang == "zh" else r.name_en)


def _region_name(code: str, lang: str) -> str:
    region = get_region(code)
    return region.name if lang == "zh" else region.name_en
