"""责任单位与签字人 ``/cases/units`` (province and city accounts): the responsible units of the
account's region — department or government, region, the categories a department is competent
for, active or not, its open cases — and who may sign acceptances (双签字) for which region,
with the regions where nobody may sign in a capacity yet. The forms add, edit, deactivate and
reactivate units and grant or revoke the signer attribute, each within the account's region;
each posts to a route that calls one service function and comes back to the page (or shows it
with the error, the form keeping what was typed)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import User
from qingshan.accounts.scope import Scope
from qingshan.api.deps import OptionalUser, SessionDep
from qingshan.cases import service
from qingshan.cases.directory import ADMINS
from qingshan.cases.errors import CaseError
from qingshan.cases.exports import region_name
from qingshan.cases.rules import case_rules
from qingshan.cases.workflow import Capacity
from qingshan.errors import PermissionDenied, QingshanError
from qingshan.geo.models import RegionLevel
from qingshan.geo.regions import REGIONS, in_scope
from qingshan.timeutil import as_cst
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

#: the flash messages a redirect back to the page may carry (``?done=``)
DONE = ("added", "saved", "deactivated", "activated", "granted", "revoked")


def _admin(viewer: Viewer, user: User | None) -> User:
    if user is None or viewer.role not in ADMINS:
        raise PermissionDenied("the units and signers are kept by province and city accounts")
    return user


def _regions(scope: Scope, lang: str) -> list[dict[str, Any]]:
    """The regions an administrator may choose, in code order, each with its depth below the
    account's (a city: itself and its counties; the province: itself, the cities and their
    counties)."""
    levels = list(RegionLevel)
    top = levels.index(REGIONS[scope.region_code].level)
    return [
        {
            "code": code,
            "name": r.name if lang == "zh" else r.name_en,
            "depth": levels.index(r.level) - top,
        }  # fmt: skip
        for code, r in sorted(REGIONS.items())
        if in_scope(code, scope.region_code)
    ]


def _page(
    request: Request,
    viewer: Viewer,
    session,
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = get_lang(request)
    scope = viewer.scope
    units = service.units_in_scope(session, scope)
    grants = service.signers_in_scope(session, scope)
    regions = _regions(scope, lang)
    unsigned = service.unsigned_regions(grants, service.regions_under(scope.region_code))
    context = {
        "units": units,
        "open_cases": service.open_cases_per_unit(session, [u.id for u in units]),
        "grants": grants,
        "regions": regions,
        "region_names": {r["code"]: r["name"] for r in regions},
        "unsigned": unsigned,
        "categories": case_rules().categories,
        "capacities": list(Capacity),
        "scope_name": region_name(scope.region_code, lang),
        "error": error,
        "form": form or {},
        "done": translate(f"units.done.{done}", lang) if done in DONE else None,
        "cst": lambda t: as_cst(t).strftime("%Y-%m-%d %H:%M"),
        "config": {"lang": lang},
    }
    response = render(request, "case_units.html", context, viewer=viewer)
    response.status_code = status_code
    return response


@router.get("/cases/units", response_class=HTMLResponse)
def units_page(
    request: Request,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    done: str | None = None,
) -> HTMLResponse:
    """责任单位与签字人 of the account's region."""
    _admin(viewer, user)
    return _page(request, viewer, session, done=done)


def _back(done: str, anchor: str) -> Response:
    return RedirectResponse(f"/cases/units?done={done}#{anchor}", status_code=303)


def _failed(request, viewer, session, exc: QingshanError, form: dict[str, Any]) -> HTMLResponse:
    session.rollback()
    return _page(request, viewer, session, error=str(exc), form=form,
                 status_code=getattr(exc, "status_code", 422))  # fmt: skip


@router.post("/cases/units/add", response_class=HTMLResponse)
def unit_add(
    request: Request,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    name: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=16)] = "",
    region_code: Annotated[str, Form(max_length=6)] = "",
    categories: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """新增责任单位."""
    _admin(viewer, user)
    cats = [c for c in categories or () if len(c) <= 32]
    try:
        service.add_unit_in_scope(session, viewer.scope, name, kind, region_code, cats)
    except (CaseError, QingshanError) as exc:
        form = {"what": "add", "name": name, "kind": kind, "region_code": region_code,
                "categories": cats}  # fmt: skip
        return _failed(request, viewer, session, exc, form)
    return _back("added", "qs-units")


@router.post("/cases/units/{unit_id:int}/edit", response_class=HTMLResponse)
def unit_edit(
    request: Request,
    unit_id: int,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    name: Annotated[str, Form(max_length=200)] = "",
    categories: Annotated[list[str] | None, Form()] = None,
    active: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """修改 (name, categories) or 停用 / 启用 (``active`` 0 or 1, alone) a unit."""
    _admin(viewer, user)
    cats = [c for c in categories or () if len(c) <= 32]
    try:
        if active in ("0", "1"):
            service.update_unit_in_scope(session, viewer.scope, unit_id, active=active == "1")
            done = "activated" if active == "1" else "deactivated"
        else:
            service.update_unit_in_scope(session, viewer.scope, unit_id, name=name,
                                         categories=cats)  # fmt: skip
            done = "saved"
    except (CaseError, QingshanError) as exc:
        form = {"what": "edit", "unit_id": unit_id, "name": name, "categories": cats}
        return _failed(request, viewer, session, exc, form)
    return _back(done, f"qs-unit-{unit_id}")


@router.post("/cases/signers/grant", response_class=HTMLResponse)
def signer_grant(
    request: Request,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)] = "",
    capacity: Annotated[str, Form(max_length=16)] = "",
    region_code: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    """授予签字权: an account of the region signs as department or government for a region."""
    _admin(viewer, user)
    try:
        service.grant_signer_in_scope(session, viewer.scope, username.strip(), capacity,
                                      region_code)  # fmt: skip
    except (CaseError, QingshanError) as exc:
        form = {"what": "grant", "username": username, "capacity": capacity,
                "region_code": region_code}  # fmt: skip
        return _failed(request, viewer, session, exc, form)
    return _back("granted", "qs-signers")


@router.post("/cases/signers/{signer_id:int}/revoke", response_class=HTMLResponse)
def signer_revoke(
    request: Request,
    signer_id: int,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
) -> Response:
    """撤销签字权 (the sign-offs already given stay)."""
    _admin(viewer, user)
    try:
        service.revoke_signer_in_scope(session, viewer.scope, signer_id)
    except (CaseError, QingshanError) as exc:
        return _failed(request, viewer, session, exc, {})
    return _back("revoked", "qs-signers")
