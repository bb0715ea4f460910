"""碳排放总览 ``/carbon`` (province, city and county accounts, each its own region): the year's
total, change against an earlier period, intensity and enterprises by 碳效码 grade; the map by
county; the industry table; the trajectory against the peak path (set by a province or city
account through the form on the page); the enterprises that move the total most; the Excel
export. ``/carbon/enterprises/{id}``: one enterprise's carbon account (碳账户). An enterprise
account opening ``/carbon`` is sent to its own account. Each route calls one service function
and renders (the numbers and their roll-ups come from :mod:`qingshan.carbon.overview_service`)."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep
from qingshan.carbon import account_view, exports, overview_service
from qingshan.carbon.overview_service import COMPARES, PATH_YEARS
from qingshan.errors import QingshanError
from qingshan.tablefile import attachment_header
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import LABELS, get_lang, labels_for, translate
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR = Query(None, ge=PATH_YEARS[0], le=PATH_YEARS[1])


def num(v: float | None, digits: int = 0) -> str:
    """A number for a page: thousands separated, ``digits`` decimals, "—" for none."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:,.{digits}f}"


def industry_name(key: str, lang: str) -> str:
    """A rule-pack industry's name (labels ``industry.<key>``), else the key as stored."""
    return translate(f"industry.{key}", lang) if f"industry.{key}" in LABELS else key


def basis_names(bases: list[str], lang: str) -> str:
    """The grid-factor bases of the rows shown, by name (labels ``cb.basis.<key>``)."""
    names = [translate(f"cb.basis.{b}", lang) if f"cb.basis.{b}" in LABELS else b for b in bases]
    return ", ".join(names) or "—"


def pct(v: float | None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{100 * v:+.1f}%"


def _error_page(request: Request, viewer: Viewer, exc: QingshanError) -> HTMLResponse:
    response = render(request, "carbon.html", {"forbidden": str(exc), "o": None,
                                               "config": {"lang": get_lang(request)}},
                      viewer=viewer)  # fmt: skip
    response.status_code = exc.status_code
    return response


def _overview_page(
    request: Request, viewer: Viewer, session, *, year: int | None, compare: str | None,
    error: str | None = None, done: str | None = None, form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    lang = get_lang(request)
    try:
        o = overview_service.get_overview(session, viewer.scope, year=year, compare=compare)
    except QingshanError as exc:
        return _error_page(request, viewer, exc)
    region = overview_service.region_label
    config: dict[str, Any] = {
        "lang": lang,
        "labels": labels_for(("cb.", "punct."), lang),
        "region": o.region_code,
        "level": viewer.scope.role.value,
        "countiesUrl": f"{API}/geo/zhejiang-counties.geojson",
        "counties": [
            {"code": r.region_code, "name": region(r.region_code, lang),
             "total": r.total_tco2, "intensity": None if r.intensity != r.intensity else r.intensity,
             "enterprises": int(r.enterprises)}
            for r in o.counties.itertuples()
        ],
        "monthly": [{"month": m.month.isoformat()[:7], "total": m.total_tco2,
                     "scope1": m.scope1_tco2, "scope2": m.scope2_tco2}
                    for m in o.monthly.itertuples()],
        "trajectory": [
            {"year": int(r.year), "actual": None if r.actual != r.actual else r.actual,
             "months": int(r.months), "target": None if r.target != r.target else r.target,
             "pace": None if r.pace != r.pace else r.pace}
            for r in o.trajectory.itertuples()
        ],
    }  # fmt: skip
    path_years = list(range(max(PATH_YEARS[0], (o.years or [2025])[0] - 1), 2036))
    context = {
        "o": o,
        "forbidden": None,
        "error": error,
        "done": translate(f"cb.done.{done}", lang) if done in ("path",) else None,
        "num": num,
        "pct": pct,
        "bases": lambda b: basis_names(b, lang),
        "signed": lambda v: "—" if v is None else f"{v:+,.0f}",
        "rname": lambda code: region(code, lang),
        "ind": lambda key: (
            translate(f"industry.{key}", lang)
            if f"industry.{key}" in labels_for(("industry.",), lang)
            else key
        ),
        "compares": COMPARES,
        "path_years": path_years,
        "form": form or {f"y{y}": f"{v:.0f}" for y, v in o.path.items()},
        "config": config,
    }
    response = render(request, "carbon.html", context, viewer=viewer, region_code=o.region_code)
    response.status_code = status_code
    return response


@router.get("/carbon", response_class=HTMLResponse)
def carbon_page(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    year: int | None = YEAR,
    compare: str | None = Query(None, max_length=8),
    done: str | None = Query(None, max_length=16),
) -> Response:
    """碳排放总览 of the viewer's region; an enterprise account goes to its own account."""
    if viewer.scope.role is Role.ENTERPRISE and viewer.scope.enterprises:
        own = min(viewer.scope.enterprises)
        return RedirectResponse(f"/carbon/enterprises/{own}", 303)
    return _overview_page(request, viewer, session, year=year, compare=compare, done=done)


@router.post("/carbon/path", response_class=HTMLResponse)
async def carbon_path(request: Request, viewer: LoggedInViewer, session: SessionDep) -> Response:
    """设定达峰路径: the peak path of the viewer's region, year by year (province and city)."""
    form = await request.form()
    fields = {k: str(v)[:32] for k, v in form.items() if k.startswith("y") and len(k) <= 6}
    try:
        overview_service.save_peak_path(session, viewer.scope, fields)
    except QingshanError as exc:
        session.rollback()
        return _overview_page(request, viewer, session, year=None, compare=None, error=str(exc),
                              form=fields, status_code=exc.status_code)  # fmt: skip
    return RedirectResponse("/carbon?done=path#qs-cb-path", 303)


@router.get("/carbon/export.xlsx", response_class=Response)
def carbon_export(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    year: int | None = YEAR,
    compare: str | None = Query(None, max_length=8),
) -> Response:
    """The overview's tables as an Excel workbook (one sheet per table)."""
    lang = get_lang(request)
    o = overview_service.get_overview(session, viewer.scope, year=year, compare=compare)
    data, name = exports.overview_workbook(o, lang)
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": attachment_header(name), "Cache-Control": "no-store"},
    )


@router.get("/carbon/enterprises/{enterprise_id}", response_class=HTMLResponse)
def account_page(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    enterprise_id: int = Path(ge=1, le=2**31 - 1),
    year: int | None = YEAR,
) -> HTMLResponse:
    """碳账户: one enterprise's monthly emissions by source, intensity, 碳效码 and its history,
    the factors used, the warnings and the versions of its results."""
    lang = get_lang(request)
    try:
        a = account_view.get_account(session, viewer.scope, enterprise_id, year=year)
    except QingshanError as exc:
        response = render(request, "carbon_account.html", {"forbidden": str(exc), "a": None,
                          "config": {"lang": lang}}, viewer=viewer)  # fmt: skip
        response.status_code = exc.status_code
        return response
    context = {
        "a": a,
        "forbidden": None,
        "num": num,
        "pct": pct,
        "bases": lambda b: basis_names(b, lang),
        "config": account_view.chart_config(a, lang)
        | {"labels": labels_for(("cb.", "punct."), lang)},
    }
    return render(request, "carbon_account.html", context, viewer=viewer)


@router.get("/carbon/enterprises/{enterprise_id}/export.xlsx", response_class=Response)
def account_export(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    enterprise_id: int = Path(ge=1, le=2**31 - 1),
    year: int | None = YEAR,
) -> Response:
    """The enterprise's account as an Excel workbook."""
    a = account_view.get_account(session, viewer.scope, enterprise_id, year=year)
    data, name = exports.account_workbook(a, get_lang(request))
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": attachment_header(name), "Cache-Control": "no-store"},
    )
