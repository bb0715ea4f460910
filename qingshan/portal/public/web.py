"""The public portal's pages (公众服务, issue #23; no login, phone first): ``/public`` — today's
air and water, the rankings, complaint filing and tracking, 一公开 spot-check results, links
to the map, the open data and the bureau's pages — and ``/public/open-data``, the open-data
API's human face (datasets with descriptions, a filter form, the API URL of each query, the
result as CSV or Excel).

Every page is rate-limited per client address (:class:`.guard.PublicGuard`, 429 with
``Retry-After``) and answers with HTTP caching headers: ``Cache-Control`` with a short
``max-age`` (``public`` for visitors, ``private`` for a signed-in viewer, whose top bar differs,
and for an answer that sets a cookie; ``Vary: Cookie``), an ``ETag`` of the body (``If-None-Match`` → 304) and ``Last-Modified``
from the newest data time where the data has one.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import format_datetime

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse

from qingshan.api.deps import ClientAddress, SessionDep, SettingsDep, StoreDep
from qingshan.geo.regions import CITY_CODES, REGIONS
from qingshan.portal.public import service
from qingshan.portal.public.guard import PublicGuard, TooManyRequests
from qingshan.timeutil import as_cst
from qingshan.web.auth import OptionalViewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.legend import aqi_legend
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

#: seconds a browser or proxy may reuse a public page (data change hourly; the page says when)
MAX_AGE = 60


def _guard(request: Request, settings) -> PublicGuard:
    guard = getattr(request.app.state, "public_guard", None)
    if guard is None:
        guard = request.app.state.public_guard = PublicGuard(settings.public_rate_per_address)
    return guard


def _limit(request: Request, settings, address: str) -> None:
    try:
        _guard(request, settings).hit(address)
    except TooManyRequests as exc:
        raise HTTPException(
            429, detail=exc.message, headers={"Retry-After": str(exc.context["retry_after"])}
        ) from None


def _cached(
    request: Request, response: Response, viewer, last_modified: datetime | None
) -> Response:
    """``response`` with the caching headers, or a 304 when the browser's copy is current."""
    body = bytes(response.body)
    private = viewer is not None or "set-cookie" in response.headers
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        # a signed-in viewer's top bar, or a cookie being set (?lang=, a stale login
        # cleared), must not be stored by a shared cache
        "Cache-Control": f"{'private' if private else 'public'}, max-age={MAX_AGE}",
        "ETag": etag,
        "Vary": "Cookie, Accept-Language",
    }
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(
            last_modified.replace(microsecond=0), usegmt=True
        )
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response


def _name(code: str, lang: str) -> str:
    return REGIONS[code].name if lang == "zh" else REGIONS[code].name_en


@router.get("/public", response_class=HTMLResponse)
def public_home(
    request: Request,
    viewer: OptionalViewer,
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    address: ClientAddress,
) -> Response:
    """公众服务: the public's home (see the module)."""
    _limit(request, settings, address)
    lang = get_lang(request)
    data = service.home(session, store)
    context = {
        "d": data,
        "lang": lang,
        "legend": {e["level"]: e for e in aqi_legend(lang) if e.get("level") is not None},
        "cst": lambda t: as_cst(t).strftime("%Y-%m-%d %H:%M") if t else "—",
        "city_name": lambda c: _name(c, lang) if c in REGIONS else c,
    }
    response = render(request, "portal_public.html", context, viewer=viewer)
    return _cached(request, response, viewer, data.last_modified)


#: what the open-data API serves: id, its path (``{code}`` the site), what the code is, the
#: query fields the form offers; titles and descriptions in the label catalog
DATASETS = (
    {"id": "city_aqi", "path": "/open/indices/air/cities/{code}/daily", "code": "city",
     "fields": ["from", "to"]},
    {"id": "station_aqi", "path": "/open/indices/air/stations/{code}/daily", "code": "station",
     "fields": ["from", "to"]},
    {"id": "water_class", "path": "/open/indices/water/sections/{code}/classes",
     "code": "section", "fields": ["scale", "months"]},
    {"id": "observations", "path": "/open/sites/{code}/observations", "code": "site",
     "fields": ["parameter", "period", "start", "end"]},
    {"id": "rollups", "path": "/open/sites/{code}/rollups", "code": "site",
     "fields": ["parameter", "rollup_period", "start", "end"]},
    {"id": "sites", "path": "/open/sites", "code": None, "fields": ["kind", "region"]},
)  # fmt: skip


@router.get("/public/open-data", response_class=HTMLResponse)
def public_open_data(
    request: Request,
    viewer: OptionalViewer,
    session: SessionDep,
    settings: SettingsDep,
    address: ClientAddress,
) -> Response:
    """数据开放: the open-data API's datasets, a filter form, the API URL and the download."""
    _limit(request, settings, address)
    lang = get_lang(request)
    sites = service.open_sites(session)
    config = {
        "lang": lang,
        "api": API,
        "datasets": DATASETS,
        "cities": [{"code": c, "name": _name(c, lang)} for c in CITY_CODES],
        "stations": sites["station"],
        "sections": sites["section"],
        "labels": labels_for(("pp.od.",), lang),
        "picked": request.query_params.get("dataset"),
    }
    context = {"config": config, "datasets": DATASETS, "lang": lang}
    response = render(request, "portal_public_open_data.html", context, viewer=viewer)
    return _cached(request, response, viewer, None)
