"""企业空间排查 page ``/zones/sweep`` (issue #20): the archived enterprises of the officer's region
inside an ecological red line or a 一级 drinking-water source zone in force today (the sweep of
:mod:`qingshan.zones.sweep_service`, through the platform's EnterpriseLocations), each with the
feature, its layer and the clause; the daily ``zones-sweep`` job opens a case for each. Officers
only (province, city, county)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from qingshan.api.deps import SessionDep, provided
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import REGIONS
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer
from qingshan.web.i18n import get_lang
from qingshan.web.render import render
from qingshan.zones.links import EnterpriseLocations
from qingshan.zones.service import OFFICERS, layers
from qingshan.zones.sweep import CASE_SOURCE
from qingshan.zones.sweep_service import protected_zone_sweep

router = APIRouter(include_in_schema=False)

Locations = Annotated[EnterpriseLocations, provided(EnterpriseLocations)]


@router.get("/zones/sweep", response_class=HTMLResponse)
def sweep_page(request: Request, viewer: LoggedInViewer, session: SessionDep,
               locations: Locations) -> HTMLResponse:  # fmt: skip
    """The enterprises inside a red line or a 一级 zone, in the viewer's region, today."""
    if viewer.role not in OFFICERS:
        raise PermissionDenied("企业空间排查 is for province, city and county officers")
    today = as_cst(utcnow()).date()
    view = protected_zone_sweep(session, viewer.scope, locations, today)
    hits = view.hits
    synthetic = {x.id for x in layers(session, viewer.scope) if x.synthetic}
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    context = {
        "rname": rname,
        "hits": hits,
        "synthetic": any(h.feature.layer_id in synthetic for h in hits),
        "today": today,
        "enterprises": len({h.enterprise.id for h in hits}),
        "checked": view.enterprises,
        "features": view.features,
        "case_source": CASE_SOURCE,
    }
    return render(request, "zones_sweep.html", context, viewer=viewer)
