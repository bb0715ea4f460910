"""The electronic fences API (``/api/v1/zones/fences``): the fences, their alerts, the
acknowledgement, and the radius a province or city officer sets. Officers only (province, city,
county), each within their region. Errors: 422 naming the field (a radius out of bounds, a site
that is no section or source), 403 for other roles or another region."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, provided, require_roles
from qingshan.api.limits import Id, SiteCode
from qingshan.timeutil import utcnow
from qingshan.zones import fences_service as service
from qingshan.zones.fences import EventKind, FenceSites
from qingshan.zones.fences_schemas import FenceAlertPublic, FencePublic, RadiusIn, alert_public

router = APIRouter(prefix="/zones/fences", tags=["zones 空间管控"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Editor = Annotated[User, require_roles(Role.PROVINCE, Role.CITY)]
SitesDep = Annotated[FenceSites, provided(FenceSites)]


@router.get("", response_model=list[FencePublic])
def list_fences(user: Officer, session: SessionDep, scope: ScopeDep) -> list[FencePublic]:
    """电子围栏: the fences of the caller's region with their polygons."""
    return [FencePublic.model_validate(f) for f in service.fences(session, scope)]


@router.get("/alerts", response_model=list[FenceAlertPublic])
def list_alerts(
    user: Officer,
    session: SessionDep,
    scope: ScopeDep,
    kind: EventKind | None = None,
    unacknowledged: bool = False,
    site_code: Annotated[SiteCode | None, Query()] = None,
) -> list[FenceAlertPublic]:
    """The alerts of the caller's fences, newest first (at most 500)."""
    rows = service.alerts(session, scope, kind=kind, unacknowledged=unacknowledged,
                          site_code=site_code)  # fmt: skip
    return [alert_public(a, f) for a, f in rows]


@router.post("/alerts/{alert_id}/acknowledge", response_model=FenceAlertPublic)
def acknowledge(
    alert_id: Id, user: Officer, session: SessionDep, scope: ScopeDep
) -> FenceAlertPublic:
    """Acknowledge an alert (a second acknowledgement keeps the first)."""
    alert, fence = service.acknowledge(session, scope, alert_id, actor=user.username, now=utcnow())
    return alert_public(alert, fence)


@router.put("/{site_code}/radius", response_model=FencePublic)
def set_radius(site_code: SiteCode, body: RadiusIn, user: Editor, session: SessionDep,
               scope: ScopeDep, sites: SitesDep) -> FencePublic:  # fmt: skip
    """Set a fence's radius [m] and redraw it (province and city officers)."""
    row = service.set_radius(session, scope, sites, site_code, body.radius_m,
                             actor=user.username, now=utcnow())  # fmt: skip
    return FencePublic.model_validate(row)
