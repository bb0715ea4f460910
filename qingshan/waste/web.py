"""危险废物监管 pages (issue #18): ``/waste`` (the region's KPIs by city or county against the
plan's targets, the map of facilities and transfers between cities, storage alerts),
``/waste/facilities`` (利用处置单位: licence, codes, capacity use), ``/waste/approvals`` (跨省转移
审批: the list with what is left of each; a province account records one). The manifests' pages are in
:mod:`qingshan.waste.manifest_web`. Province, city and county accounts see their region; an
enterprise account opening ``/waste`` is sent to its manifests. Each route calls one service
function and renders."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep
from qingshan.errors import QingshanError
from qingshan.waste import approval_service, facility_service, overview_service
from qingshan.waste.errors import ApprovalInvalid
from qingshan.waste.manifest_web import producer_account
from qingshan.waste.overview_service import TARGETS
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, labels_for, translate
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

YEAR = Query(None, ge=2021, le=2100)

#: the overview's KPI cards: key, label, unit ("%" or a label), digits
KPI_CARDS: tuple[tuple[str, str, str, int], ...] = (
    ("utilisation_rate", "ws.kpi.rate", "%", 1),
    ("generated_t", "ws.kpi.generated", "t", 1),
    ("county_coverage", "ws.kpi.county_coverage", "%", 1),
    ("small_producer_coverage", "ws.kpi.small_coverage", "%", 1),
)


def num(v: Any, digits: int = 0) -> str:
    """A number for a page: thousands separated, ``digits`` decimals, "—" for none."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{float(v):,.{digits}f}"


def pct(v: Any) -> str:
    """A percentage already in % (one decimal), "—" for none."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{float(v):.1f}%"


def kv(k: dict[str, Any], key: str) -> Any:
    """A KPI dict's value; the collection points as "counties with one / counties"."""
    if key == "collection_points":
        return k.get("counties_with_point")
    return k.get(key)


def _forbidden(request: Request, viewer: Viewer, template: str, exc: QingshanError) -> HTMLResponse:
    response = render(request, template, {"forbidden": str(exc), "config": {}}, viewer=viewer)
    response.status_code = exc.status_code
    return response


@router.get("/waste", response_class=HTMLResponse)
def waste_page(
    request: Request, viewer: LoggedInViewer, session: SessionDep, year: int | None = YEAR
) -> Response:
    """危险废物监管总览 of the viewer's region; an enterprise account goes to its manifests."""
    if viewer.scope.role is Role.ENTERPRISE:
        return RedirectResponse("/waste/manifests", 303)
    lang = get_lang(request)
    try:
        o = overview_service.get_overview(session, viewer.scope, year=year)
    except QingshanError as exc:
        return _forbidden(request, viewer, "waste.html", exc)
    name = overview_service.region_label
    cards = []
    for key, label, unit, digits in KPI_CARDS:
        shown = unit if unit == "%" else labels_for(("ws.unit.",), lang)[f"ws.unit.{unit}"]
        cards.append((key, label, o.kpis.get(key), shown, digits))
    cap = o.kpis.get("capacity_t")
    cards.append(
        ("capacity_t", "ws.kpi.capacity", cap, labels_for(("ws.unit.",), lang)["ws.unit.tpy"], 0)
    )
    config = {
        "lang": lang,
        "labels": labels_for(("ws.", "punct."), lang),
        "region": o.region_code,
        "level": viewer.scope.role.value,
        "countiesUrl": f"{API}/geo/zhejiang-counties.geojson",
        "facilities": [
            {"id": f.id, "name": f.name, "county": f.region_code, "capacity": f.capacity_t_per_year,
             "received": f.received_t, "use": f.capacity_use}
            for f in o.facilities
        ],
        "flows": [fl | {"fromName": name(fl["from"], lang), "toName": name(fl["to"], lang)}
                  for fl in o.flows],
    }  # fmt: skip
    context = {
        "o": o,
        "forbidden": None,
        "kpi_cards": cards,
        "targets": TARGETS,
        "num": num,
        "pct": pct,
        "kv": kv,
        "rname": lambda code: name(code, lang),
        "ws_can_create": False,
        "config": config,
    }
    return render(request, "waste.html", context, viewer=viewer, region_code=o.region_code)


@router.get("/waste/facilities", response_class=HTMLResponse)
def facilities_page(
    request: Request, viewer: LoggedInViewer, session: SessionDep, year: int | None = YEAR
) -> HTMLResponse:
    """利用处置单位: each facility's licence, licensed codes, capacity and its use this year."""
    lang = get_lang(request)
    try:
        rows = facility_service.facilities(session, viewer.scope, year=year)
    except QingshanError as exc:
        return _forbidden(request, viewer, "waste_facilities.html", exc)
    context: dict[str, Any] = {
        "rows": rows,
        "forbidden": None,
        "num": num,
        "rname": lambda code: overview_service.region_label(code, lang),
        "ws_can_create": producer_account(session, viewer),
        "config": {},
    }
    return render(request, "waste_facilities.html", context, viewer=viewer)


def _approvals(request: Request, viewer: Viewer, session: Any, *, error: str | None = None,
               form: dict[str, str] | None = None, status_code: int = 200,
               done: bool = False) -> HTMLResponse:  # fmt: skip
    lang = get_lang(request)
    province = viewer.scope.role is Role.PROVINCE
    context: dict[str, Any] = {
        "rows": approval_service.approvals(session, viewer.scope),
        "province": province,
        "producers": approval_service.producer_choices(session, viewer.scope) if province else [],
        "facilities": facility_service.facilities(session, viewer.scope) if province else [],
        "form": form or {"authority": "浙江省生态环境厅"},
        "error": error,
        "done": done,
        "num": num,
        "rname": lambda code: overview_service.region_label(code, lang),
        "ws_can_create": producer_account(session, viewer),
        "config": {},
    }
    response = render(request, "waste_approvals.html", context, viewer=viewer)
    response.status_code = status_code
    return response


@router.get("/waste/approvals", response_class=HTMLResponse)
def approvals_page(
    request: Request, viewer: LoggedInViewer, session: SessionDep, done: str | None = None
) -> HTMLResponse:
    """跨省转移审批: the approvals the viewer sees with the quantity left; a province account's
    form records one (危险废物转移管理办法 2021 Art. 21, 27)."""
    return _approvals(request, viewer, session, done=done == "1")


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c for c in (p.strip() for p in text.replace("，", ",").split(",")) if c)


@router.post("/waste/approvals", response_class=HTMLResponse)
async def approvals_post(request: Request, viewer: LoggedInViewer, session: SessionDep) -> Response:
    """Record an approval (province accounts; others get the page with a 403)."""
    form = {k: str(v)[:200] for k, v in (await request.form()).items()}
    lang = get_lang(request)
    if viewer.scope.role is not Role.PROVINCE:
        return _approvals(request, viewer, session, error=translate("ws.a.only_province", lang),
                          status_code=403)  # fmt: skip
    try:
        try:
            spec = approval_service.ApprovalSpec(
                number=form.get("number", ""), authority=form.get("authority", ""),
                approved_on=date.fromisoformat(form.get("approved_on", "").strip()),
                producer_id=int(form.get("producer_id", "0") or 0),
                receiver_id=int(form.get("receiver_id", "0") or 0),
                waste_codes=_codes(form.get("waste_codes", "")),
                approved_t=float(form.get("approved_t", "").strip()),
                requested_to=(date.fromisoformat(form["requested_to"].strip())
                              if form.get("requested_to", "").strip() else None),
                dest_region=form.get("dest_region", "").strip() or None,
            )  # fmt: skip
        except ValueError as exc:
            raise ApprovalInvalid(f"{exc}") from exc
        if not math.isfinite(spec.approved_t):
            raise ApprovalInvalid(f"approved quantity {spec.approved_t} is not a number")
        approval_service.record_approval(session, viewer.scope, spec, actor=viewer.username)
    except QingshanError as exc:
        session.rollback()
        return _approvals(request, viewer, session, error=str(exc), form=form,
                          status_code=exc.status_code)  # fmt: skip
    return RedirectResponse("/waste/approvals?done=1", 303)
