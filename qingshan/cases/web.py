"""The case pages (login required; officers and enterprises): 问题清单 ``/cases`` — filters,
counts by state, a map, one page of cases at a time — and the case ``/cases/{id}`` — its facts,
history (timeline), evidence, the two signatures and the actions the viewer may take, as
forms, and only those. The forms post to the page routes, which call one service function
each and come back to the case (or show the case with the error)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role, User
from qingshan.api.deps import OptionalUser, SessionDep, SettingsDep
from qingshan.cases import service, units_web
from qingshan.cases.errors import BadCaseInput, CaseError
from qingshan.cases.list_export import MAX_EXPORT_ROWS, export_cases, export_response
from qingshan.cases.rules import case_rules
from qingshan.cases.workflow import STATE_COLORS, Capacity, CaseEvent, CaseState
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import children, get_region
from qingshan.timeutil import CST, as_cst, as_utc
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, labels_for, translate
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

PER_PAGE = 25
#: the sources a bureau filters by, in the order of the select
SOURCES = ("qc_exceedance", "qc_pattern", "complaint", "central_inspection", "inspection",
           "patrol", "forecast", "waste", "remote_sensing", "video", "electricity", "big_data",
           "vehicle_exhaust", "emergency", "soil", "sea_outfall", "other")  # fmt: skip


def _case_user(viewer: Viewer, user: User | None) -> User:
    if user is None or viewer.role is Role.PUBLIC:
        raise PermissionDenied("the case pages are for bureau and enterprise accounts")
    return user


def _region_options(viewer: Viewer, lang: str) -> list[dict]:
    here = get_region(viewer.region_code)
    out = []
    for city in children(here.code) if here.code.endswith("00") else ():
        out.append({"code": city.code, "name": city.name if lang == "zh" else city.name_en})
    return out


@router.get("/cases", response_class=HTMLResponse)
def cases_page(
    request: Request,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    state: str | None = None,
    category: str | None = Query(None, max_length=32),
    source: str | None = Query(None, max_length=32),
    region: str | None = Query(None, max_length=6),
    q: str | None = Query(None, max_length=64),
    overdue: bool = False,
    page: int = Query(1, ge=1, le=100_000),
) -> HTMLResponse:
    """问题清单: the cases of the viewer's scope with filters (kept in the address), counts by
    state, the map of located cases and one page of the list."""
    _case_user(viewer, user)
    lang = get_lang(request)
    regions = _region_options(viewer, lang)
    rules = case_rules()
    f = _page_filter(viewer, lang, state, category, source, region, q, overdue)
    result = service.list_cases(session, viewer.scope, f, page=page, per_page=PER_PAGE)
    params = _params(f)
    pages = max(1, -(-result.total // PER_PAGE))
    config = {
        "lang": lang,
        "pointsUrl": f"{API}/cases/points?" + urlencode(params),
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "caseUrl": "/cases/",
        "stateColors": STATE_COLORS,
        "labels": labels_for(("case.state.", "case.map", "punct."), lang),
    }
    context = {
        "config": config,
        "result": result,
        "filters": f,
        "params": params,
        "page": page,
        "pages": pages,
        "regions": regions,
        "region_names": _region_names(result.items, lang),
        "states": list(CaseState),
        "categories": rules.categories,
        "sources": SOURCES,
        "state_colors": STATE_COLORS,
        "now": datetime.now(CST),
        "page_href": lambda n: "/cases?" + urlencode({**params, "page": n}),
        "export_href": lambda ext: f"/cases/export.{ext}?" + urlencode({**params, "lang": lang}),
        "max_export": MAX_EXPORT_ROWS,
        "state_href": lambda st: _state_href(params, st),
        "cst": _cst,
    }
    return render(request, "cases.html", context, viewer=viewer)


def _page_filter(
    viewer: Viewer,
    lang: str,
    state: str | None,
    category: str | None,
    source: str | None,
    region: str | None,
    q: str | None,
    overdue: bool,
) -> service.CaseFilter:
    """The list's filters from the address, forgiving: a value not offered is left out."""
    rules = case_rules()
    regions = _region_options(viewer, lang)
    return service.CaseFilter(
        state=CaseState(state) if state in set(CaseState) else None,
        category=category if category in rules.deadlines else None,
        source=source if source in SOURCES else None,
        region_code=region if region in {r["code"] for r in regions} else None,
        q=(q or "").strip()[:64] or None,
        overdue=overdue,
    )


def _params(f: service.CaseFilter) -> dict[str, str]:
    """The address's query of the filters ``f`` (empty ones left out)."""
    return {
        k: v
        for k, v in (
            ("state", f.state and f.state.value), ("category", f.category), ("source", f.source),
            ("region", f.region_code), ("q", f.q), ("overdue", "true" if f.overdue else None),
        )
        if v
    }  # fmt: skip


@router.get("/cases/export.xlsx", response_class=Response)
@router.get("/cases/export.csv", response_class=Response)
def cases_export(
    request: Request,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    state: str | None = None,
    category: str | None = Query(None, max_length=32),
    source: str | None = Query(None, max_length=32),
    region: str | None = Query(None, max_length=6),
    q: str | None = Query(None, max_length=64),
    overdue: bool = False,
) -> Response:
    """导出: the list as the page filters it (every page), as Excel or CSV; over
    :data:`~.list_export.MAX_EXPORT_ROWS` cases the error page says how many and to narrow."""
    _case_user(viewer, user)
    lang = get_lang(request)
    f = _page_filter(viewer, lang, state, category, source, region, q, overdue)
    x = export_cases(session, viewer.scope, f)
    ext = request.url.path.rsplit(".", 1)[-1]
    return export_response(x, ext, lang)


def _state_href(params: dict, state: str | None) -> str:
    rest = {k: v for k, v in params.items() if k != "state"}
    return "/cases?" + urlencode({**rest, **({"state": state} if state else {})})


def _cst(t: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if t is None else as_cst(t).strftime(fmt)


def _iso_cst(value: object) -> str:
    """An ISO time of a report's payload in CST ("—" when absent or unreadable)."""
    if not value:
        return "—"
    try:
        t = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return _cst(as_utc(t))


def _region_names(items, lang: str) -> dict[str, str]:
    out = {}
    for c in items:
        if c.region_code not in out:
            r = get_region(c.region_code)
            out[c.region_code] = r.name if lang == "zh" else r.name_en
    return out


def _detail(
    request: Request,
    viewer: Viewer,
    user: User,
    session,
    settings,
    case_id: int,
    *,
    error: str | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = get_lang(request)
    d = service.case_detail(session, user, case_id)
    limits = service.evidence_limits(settings)
    region = get_region(d.case.region_code)
    context = {
        "d": d,
        "c": d.case,
        "region": region.name if lang == "zh" else region.name_en,
        "error": error,
        "done": translate(f"case.event.{done}", lang) if done in set(CaseEvent) else None,
        "state_colors": STATE_COLORS,
        "cst": _cst,
        "iso_cst": _iso_cst,
        "file_names": {f.id: f.filename for f in d.files},
        "now": datetime.now(CST),
        "upload_mb": f"{limits.max_bytes / 2**20:g}",
        "may_upload": bool(d.actions) or viewer.role in (Role.ENTERPRISE,),
        "reason_required": {"submit", "return", "cancel", "escalate", "note", "reopen"},
        "config": {"lang": lang},
    }
    response = render(request, "case_detail.html", context, viewer=viewer)
    response.status_code = status_code
    return response


@router.get("/cases/{case_id:int}", response_class=HTMLResponse)
def case_page(
    request: Request,
    case_id: int,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    settings: SettingsDep,
    done: str | None = None,
) -> HTMLResponse:
    """案件详情: facts, signatures, evidence, history and the viewer's actions."""
    return _detail(request, viewer, _case_user(viewer, user), session, settings, case_id,
                   done=done)  # fmt: skip


def _due(value: str) -> datetime | None:
    """The deadline of the 交办 form (a CST date and time), or None when left empty."""
    if not value.strip():
        return None
    try:
        return as_utc(datetime.fromisoformat(value.strip()), naive_is=CST)
    except ValueError:
        raise BadCaseInput("due_at", f"{value!r} is not a date and time") from None


@router.post("/cases/{case_id:int}/act", response_class=HTMLResponse)
def case_act(
    request: Request,
    case_id: int,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    settings: SettingsDep,
    event: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=4000)] = "",
    unit_id: Annotated[str, Form(max_length=12)] = "",
    due_at: Annotated[str, Form(max_length=32)] = "",
    capacity: Annotated[str, Form(max_length=16)] = "",
    into_id: Annotated[str, Form(max_length=12)] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
    evidence_ids: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """One action from the case page's forms; back to the case (303) or the case with the
    error."""
    u = _case_user(viewer, user)
    try:
        inp = service.ActionInput(
            reason=reason,
            unit_id=int(unit_id) if unit_id.strip().isdigit() else None,
            due_at=_due(due_at),
            capacity=Capacity(capacity) if capacity else None,
            into_id=int(into_id) if into_id.strip().isdigit() else None,
            kind=kind or None,
            evidence_ids=tuple(evidence_ids or ()),
        )
        service.act(session, u, case_id, event, inp)
    except (CaseError, ValueError) as exc:
        session.rollback()
        return _detail(request, viewer, u, session, settings, case_id, error=str(exc),
                       status_code=getattr(exc, "status_code", 422))  # fmt: skip
    return RedirectResponse(f"/cases/{case_id}?done={event}#qs-timeline", status_code=303)


@router.post("/cases/{case_id:int}/upload", response_class=HTMLResponse)
def case_upload(
    request: Request,
    case_id: int,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Upload one evidence file from the case page."""
    u = _case_user(viewer, user)
    limits = service.evidence_limits(settings)
    try:
        data = file.file.read(limits.max_bytes + 1)
        service.add_evidence(session, viewer.scope, case_id, data, file.filename or "file",
                             limits=limits, actor=u.username)  # fmt: skip
    except CaseError as exc:
        session.rollback()
        return _detail(request, viewer, u, session, settings, case_id, error=str(exc),
                       status_code=exc.status_code)  # fmt: skip
    return RedirectResponse(f"/cases/{case_id}#qs-evidence", status_code=303)


# 责任单位与签字人 (/cases/units): its own module, served with the case pages
router.include_router(units_web.router)
