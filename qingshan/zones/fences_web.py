"""电子围栏 page (issue #20): ``/zones/fences`` — the fences of the viewer's region drawn on the
county map with the alerts' points, the alerts table (filter by kind, unacknowledged only) with an
acknowledge button per alert, and for province and city officers the radius form. Officers
only (province, city, county); every decision is :mod:`qingshan.zones.fences_service`'s."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, provided
from qingshan.errors import PermissionDenied
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.render import API, render
from qingshan.zones import fences_service as service
from qingshan.zones.errors import ZoneError
from qingshan.zones.fences import (
    DEFAULT_RADIUS_M,
    MAX_RADIUS_M,
    MIN_RADIUS_M,
    EventKind,
    FenceSites,
)

router = APIRouter(include_in_schema=False)

SitesDep = Annotated[FenceSites, provided(FenceSites)]


def _officer(viewer: Viewer) -> None:
    if viewer.role not in service.OFFICERS:
        raise PermissionDenied("电子围栏 is for province, city and county officers")


def _page(request: Request, viewer: Viewer, session: Any, kind: str | None, unack: bool, *,
          error: str | None = None, status_code: int = 200) -> HTMLResponse:  # fmt: skip
    lang = get_lang(request)
    k = EventKind(kind) if kind in {e.value for e in EventKind} else None
    fences = service.fences(session, viewer.scope)
    rows = service.alerts(session, viewer.scope, kind=k, unacknowledged=unack)
    counts = service.alert_counts(session, viewer.scope)
    kinds = [e.value for e in EventKind]
    summary = {
        "sections": sum(f.site_kind == "section" for f in fences),
        "sources": sum(f.site_kind == "source" for f in fences),
        "alerts": sum(counts.values()),
        "open": sum(n for (_, acked), n in counts.items() if not acked),
        "by_kind": {x: sum(n for (kk, _), n in counts.items() if kk == x) for x in kinds},
    }
    code = viewer.region_code
    config = {
        "lang": lang,
        "labels": labels_for(("zf.", "zn."), lang),
        "countiesUrl": f"{API}/geo/zhejiang-counties.geojson"
        + ("" if viewer.role is Role.PROVINCE else f"?city={code[:4]}00"),
        "fences": [{"code": f.site_code, "name": f.name, "kind": f.site_kind, "basis": f.basis,
                    "radius": f.radius_m, "site": [f.site_lon, f.site_lat],
                    "geometry": f.geometry} for f in fences],
        "alerts": [{"id": a.id, "kind": a.event_kind, "label": a.label, "fence": f.site_code,
                    "at": [a.lon, a.lat], "distance": a.distance_m,
                    "ack": a.acknowledged_at is not None} for a, f in rows],
    }  # fmt: skip
    context = {
        "fences": fences,
        "rows": rows,
        "kinds": kinds,
        "summary": summary,
        # the demo draws its fences as the account "demo" (qingshan.sim.demo_fences)
        "synthetic": any(f.updated_by == "demo" for f in fences),
        "kind": k.value if k else "",
        "unack": unack,
        "can_edit": viewer.role in service.EDITORS,
        "cst": as_cst,
        "error": error,
        "config": config,
        "radius_bounds": (MIN_RADIUS_M, MAX_RADIUS_M),
        "default_radius": int(DEFAULT_RADIUS_M[next(iter(DEFAULT_RADIUS_M))]),
        "back": _back(k.value if k else None, unack),
    }
    response = render(request, "zones_fences.html", context, viewer=viewer)
    response.status_code = status_code
    return response


def _back(kind: str | None, unack: bool) -> str:
    q = {k: v for k, v in (("kind", kind), ("unack", "1" if unack else None)) if v}
    return "/zones/fences" + (f"?{urlencode(q)}" if q else "")


@router.get("/zones/fences", response_class=HTMLResponse)
def fences_page(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    kind: Annotated[str | None, Query(max_length=16)] = None,
    unack: Annotated[str | None, Query(max_length=1)] = None,
) -> HTMLResponse:
    """电子围栏: the fences on the map and their alerts."""
    _officer(viewer)
    return _page(request, viewer, session, kind, unack == "1")


@router.post("/zones/fences/alerts/{alert_id}/ack")
def acknowledge(
    alert_id: int,
    viewer: LoggedInViewer,
    session: SessionDep,
    back: Annotated[str, Form(max_length=200)] = "/zones/fences",
) -> Response:
    """确认 an alert, back to the list it was acknowledged from."""
    _officer(viewer)
    service.acknowledge(session, viewer.scope, alert_id, actor=viewer.username, now=utcnow())
    return RedirectResponse(back if back.startswith("/zones/fences") else "/zones/fences", 303)


@router.post("/zones/fences/radius", response_class=HTMLResponse)
def set_radius(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    sites: SitesDep,
    site_code: Annotated[str, Form(max_length=32)],
    radius_m: Annotated[str, Form(max_length=32)],
) -> Response:
    """Set a fence's radius (province and city officers); a bad radius or an unknown site is
    shown on the page with nothing changed."""
    _officer(viewer)
    try:
        service.set_radius(session, viewer.scope, sites, site_code.strip(), radius_m.strip(),
                           actor=viewer.username, now=utcnow())  # fmt: skip
    except ZoneError as exc:
        session.rollback()
        return _page(request, viewer, session, None, False, error=str(exc), status_code=422)
    return RedirectResponse("/zones/fences", 303)
