"""排污权 pages (issue #23, area rights):

- ``/rights`` — the enterprise accounts of the officer's region for a year (optionally one
  pollutant), with downloads;
- ``/rights/report`` — the county × pollutant year report; ``/rights/reserve`` — the reserves on a
  day;
- ``/rights/enterprises/{id}`` — one enterprise's statement (对账单): officers of its region and
  the enterprise itself (the enterprise portal links it).

An enterprise account opening ``/rights`` lands on its own statement. Movements are recorded
through the API (``/api/v1/portal/rights/movements``). The work is
:mod:`qingshan.portal.rights.service`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep
from qingshan.archive.service import enterprise_names
from qingshan.errors import NotFound, PermissionDenied
from qingshan.geo.regions import REGIONS
from qingshan.portal.rights import service as svc
from qingshan.portal.rights.errors import RightsError
from qingshan.portal.rights.ledger import KINDS, RECORDABLE, pollutants
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)


def _officer(viewer: Viewer) -> None:
    if viewer.role not in OFFICERS:
        raise PermissionDenied("排污权 pages are for officers of the bureau")


def _year(request: Request) -> int:
    text = request.query_params.get("year", "")
    this = as_cst(utcnow()).year
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else this


def _page(
    request: Request, viewer: Viewer, template: str, tab: str, context: dict[str, Any]
) -> HTMLResponse:
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    def pname(code: str) -> str:
        p = pollutants().get(code)
        return code if p is None else (p.zh if lang == "zh" else p.en)

    this = as_cst(utcnow()).year
    ctx = {"rname": rname, "pname": pname, "tab": tab, "pollutants": list(pollutants()),
           "years": list(range(this, this - 5, -1)), "region_name": rname(viewer.scope.region_code),
           **context}  # fmt: skip
    return render(request, template, ctx, viewer=viewer)


@router.get("/rights", response_class=HTMLResponse, response_model=None)
def balances_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> Response:
    """The accounts of the region for a year; an enterprise's own statement."""
    if viewer.role is Role.ENTERPRISE and viewer.scope.enterprises:
        return RedirectResponse(
            f"/rights/enterprises/{min(viewer.scope.enterprises)}", status_code=303
        )
    _officer(viewer)
    year = _year(request)
    pol = request.query_params.get("pollutant") or None
    pol = pol if pol in pollutants() else None
    return _balances(request, viewer, session, year=year, pollutant=pol)


def _balances(request: Request, viewer: Viewer, session: Any, *, year: int, pollutant: str | None,
              status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    rows = svc.balances(session, viewer.scope, year=year, pollutant=pollutant)
    resp = _page(request, viewer, "portal_rights.html", "balances",
                 {"rows": rows, "year": year, "pollutant": pollutant, "kinds": RECORDABLE,
                  "kind_names": KINDS, "recorded": request.query_params.get("recorded"), **extra})  # fmt: skip
    resp.status_code = status_code
    return resp


def _party(form: Any, side: str) -> svc.Party:
    kind = str(form.get(f"{side}_kind") or "")
    ref = str(form.get(f"{side}_ref") or "").strip()
    if kind == "enterprise":
        if not ref.isdigit():
            raise RightsError(
                f"{side}: an enterprise id (a number), got {ref!r}", reason="bad_account"
            )
        return svc.Party("enterprise", enterprise_id=int(ref))
    if kind == "reserve":
        return svc.Party("reserve", region_code=ref)
    return svc.Party(kind)


@router.post("/rights/movements", response_class=HTMLResponse, response_model=None)
async def movement_form(request: Request, viewer: LoggedInViewer, session: SessionDep) -> Response:
    """Record one movement from the form; the page again naming what is wrong (nothing stored)."""
    _officer(viewer)
    form = await request.form()
    try:
        text = {k: str(form.get(k) or "").strip() for k in
                ("kind", "pollutant", "amount_t", "on", "document_no", "value_yuan", "lease_end", "project")}  # fmt: skip
        try:
            amount = float(text["amount_t"])
            on = date.fromisoformat(text["on"])
            value = float(text["value_yuan"]) if text["value_yuan"] else None
            lease_end = date.fromisoformat(text["lease_end"]) if text["lease_end"] else None
        except ValueError as exc:
            raise RightsError(f"amount, date or price: {exc}", reason="bad_input") from None
        m = svc.record_movement(session, viewer.scope, kind=text["kind"], pollutant=text["pollutant"],
                                to=_party(form, "to"), from_=_party(form, "from"), amount_t=amount,
                                on=on, document_no=text["document_no"], now=utcnow(),
                                value_yuan=value, lease_end=lease_end, project=text["project"])  # fmt: skip
    except (RightsError, NotFound, PermissionDenied) as exc:
        session.rollback()
        return _balances(request, viewer, session, year=_year(request), pollutant=None, status_code=422,
                         form_error=str(exc), form=dict(form))  # fmt: skip
    finally:
        await form.close()
    return RedirectResponse(f"/rights?year={m.on.year}&recorded={m.id}", status_code=303)


@router.get("/rights/report", response_class=HTMLResponse)
def report_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """The county × pollutant report of a year."""
    _officer(viewer)
    year = _year(request)
    rows = svc.region_report(session, viewer.scope, year=year)
    return _page(
        request, viewer, "portal_rights_report.html", "report", {"rows": rows, "year": year}
    )


@router.get("/rights/reserve", response_class=HTMLResponse)
def reserve_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """The reserves of the region on a day."""
    _officer(viewer)
    try:
        on = date.fromisoformat(request.query_params.get("on", ""))
    except ValueError:
        on = as_cst(utcnow()).date()
    rows = svc.reserve_position(session, viewer.scope, on=on)
    return _page(request, viewer, "portal_rights_reserve.html", "reserve", {"rows": rows, "on": on})


@router.get("/rights/enterprises/{enterprise_id}", response_class=HTMLResponse)
def statement_page(enterprise_id: int, request: Request, viewer: LoggedInViewer,
                   session: SessionDep) -> HTMLResponse:  # fmt: skip
    """One enterprise's statement with the year's balances (officers of its region, or itself)."""
    year = _year(request)
    if viewer.role is Role.ENTERPRISE and enterprise_id not in viewer.scope.enterprises:
        raise NotFound(f"no enterprise {enterprise_id} in your scope")
    lines = svc.statement(session, viewer.scope, enterprise_id, year=year)
    rows = svc.balances(session, viewer.scope, year=year, enterprise_id=enterprise_id)
    name = enterprise_names(session, [enterprise_id]).get(enterprise_id, str(enterprise_id))
    return _page(request, viewer, "portal_rights_statement.html", "statement",
                 {"lines": lines, "rows": rows, "year": year, "enterprise_id": enterprise_id,
                  "enterprise": name})  # fmt: skip
