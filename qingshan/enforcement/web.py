"""The pages of environmental credit and double-random spot checks.

``/credit`` (login: province all, city its counties, county its own, an enterprise itself) and
``/credit/{enterprise_id}``; ``/spot-checks`` (officers: items, plans, roster), a plan's page
``/spot-checks/plans/{id}`` (the draw button, the tasks, the results form) and the public
listing ``/spot-checks/public`` (no login: 一公开). Each route parses, calls one service
function and renders; a refused action shows the page again with the error.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, StoreDep
from qingshan.enforcement import service
from qingshan.enforcement.errors import BadEnforcementInput, EnforcementError
from qingshan.errors import QingshanError
from qingshan.geo.regions import children, get_region
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer, OptionalViewer, Viewer
from qingshan.web.i18n import get_lang
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

OFFICER_ROLES = (Role.PROVINCE, Role.CITY, Role.COUNTY)
SEVERITIES = ("general", "serious", "major")


def _cst(t, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if t is None else as_cst(t).strftime(fmt)


def _regions(viewer: Viewer, lang: str) -> list[dict]:
    here = get_region(viewer.region_code)
    if not here.code.endswith("00") or viewer.role is Role.ENTERPRISE:
        return []
    return [{"code": r.code, "name": r.name if lang == "zh" else r.name_en}
            for r in children(here.code)]  # fmt: skip


def _officer(viewer: Viewer) -> None:
    service.check_officer(viewer.scope)


# --- credit ----------------------------------------------------------------------------------


@router.get("/credit", response_class=HTMLResponse)
def credit_page(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    grade: str | None = Query(None, max_length=16),
    region: str | None = Query(None, max_length=6),
    q: str | None = Query(None, max_length=64),
    page: int = Query(1, ge=1, le=10_000),
    done: str | None = Query(None, max_length=32),
) -> HTMLResponse:
    """信用评价: the current grades of the viewer's scope by grade, with filters."""
    lang = get_lang(request)
    regions = _regions(viewer, lang)
    rule = service.credit_rule_public()
    grade = grade if grade in {g["key"] for g in rule["grades"]} else None
    region = region if region in {r["code"] for r in regions} else None
    per = 50
    result = service.list_ratings(session, viewer.scope, grade=grade, region=region, q=q,
                                  limit=per, offset=(page - 1) * per)  # fmt: skip

    def href(**kw) -> str:
        params = {"grade": grade, "region": region, "q": q} | kw
        query = urlencode({k: v for k, v in params.items() if v})
        return "/credit" + (f"?{query}" if query else "")

    context = {
        "result": result, "rule": rule, "regions": regions, "grade": grade, "region": region,
        "q": q or "", "page": page, "pages": max(1, -(-result.total // per)), "href": href,
        "officer": viewer.role in OFFICER_ROLES, "done": done, "lang": lang, "cst": _cst,
    }  # fmt: skip
    return render(request, "credit.html", context, viewer=viewer)


@router.post("/credit/recompute")
def credit_recompute(viewer: LoggedInViewer, session: SessionDep, store: StoreDep) -> Response:
    """立即重算: recompute the grades of the officer's region now."""
    _officer(viewer)
    run = service.recompute_credit(
        session, now=utcnow(), region_code=viewer.region_code, store=store
    )
    return RedirectResponse(f"/credit?done={run.rated}-{run.changed}", status_code=303)


@router.get("/credit/{enterprise_id:int}", response_class=HTMLResponse)
def credit_detail(
    request: Request, enterprise_id: int, viewer: LoggedInViewer, session: SessionDep
) -> HTMLResponse:
    """One enterprise's grade: score, reasons (each deduction with its finding and link),
    the grade history, the rule."""
    d = service.rating_detail(session, viewer.scope, enterprise_id)
    context = {"d": d, "rule": service.credit_rule_public(), "cst": _cst, "lang": get_lang(request)}
    return render(request, "credit_detail.html", context, viewer=viewer)


# --- spot checks: officers -------------------------------------------------------------------


@router.get("/spot-checks", response_class=HTMLResponse)
def spot_checks_page(
    request: Request, viewer: OptionalViewer, session: SessionDep, error: str | None = None
) -> Response:
    """双随机 for officers (items, plans, the roster); visitors and enterprises get the public
    listing."""
    if viewer is None or viewer.role not in OFFICER_ROLES:
        return RedirectResponse("/spot-checks/public", status_code=303)
    lang = get_lang(request)
    scope = viewer.scope
    here = get_region(scope.region_code)
    regions = [here] + (list(children(here.code)) if here.code.endswith("00") else [])
    today = as_cst(utcnow()).date()
    context = {
        "items": [service.item_public(i) for i in service.list_items(session, scope)],
        "plans": service.plans_public(session, scope),
        "roster": [service.inspector_public(i) for i in service.list_inspectors(session, scope)],
        "regions": [{"code": r.code, "name": r.name if lang == "zh" else r.name_en} for r in regions],
        "period": f"{today.year}Q{(today.month - 1) // 3 + 1}",
        "error": error, "lang": lang, "cst": _cst,
    }  # fmt: skip
    return render(request, "spot_checks.html", context, viewer=viewer)


@router.post("/spot-checks/plans")
def spot_plan_create(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    item_code: Annotated[str, Form(max_length=32)],
    region_code: Annotated[str, Form(max_length=6)],
    period: Annotated[str, Form(max_length=8)],
    title: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """新建抽查计划 from the page's form; to the plan's page, or back with the error."""
    try:
        plan = service.create_plan(session, viewer.scope, item_code=item_code, region_code=region_code,
                                   period=period, title=title, actor=viewer.username,
                                   now=utcnow())  # fmt: skip
    except QingshanError as exc:
        session.rollback()
        return spot_checks_page(request, viewer, session, error=str(exc))
    return RedirectResponse(f"/spot-checks/plans/{plan.id}", status_code=303)


def _plan_page(
    request: Request, viewer: Viewer, session: Session, plan_id: int, *, error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    _officer(viewer)
    lang = get_lang(request)
    plan = service.plan_detail(session, plan_id, viewer.scope)
    item = next(i for i in service.list_items(session) if i.code == plan.item_code)
    verification = None
    if plan.draw is not None:
        verification = service.verification_public(service.verify_draw(session, plan.draw.id))
    context = {
        "plan": plan, "item": service.item_public(item), "verification": verification,
        "error": error, "today": as_cst(utcnow()).date().isoformat(),
        "violations": [(k, v[0] if lang == "zh" else v[1]) for k, v in service.VIOLATION_CATEGORIES.items()],
        "severities": SEVERITIES, "outcomes": list(service.OUTCOMES),
        "may_act": service_may_act(viewer, plan.region_code), "lang": lang, "cst": _cst,
    }  # fmt: skip
    response = render(request, "spot_plan.html", context, viewer=viewer)
    response.status_code = status_code
    return response


def service_may_act(viewer: Viewer, region_code: str) -> bool:
    try:
        service.check_officer(viewer.scope, region_code)
    except QingshanError:
        return False
    return True


@router.get("/spot-checks/plans/{plan_id:int}", response_class=HTMLResponse)
def spot_plan_page(
    request: Request, plan_id: int, viewer: LoggedInViewer, session: SessionDep
) -> HTMLResponse:
    """A plan: its item, the draw button (once) or the draw (seed, hash, inputs file, the
    verification), the tasks with their inspectors and the results form."""
    return _plan_page(request, viewer, session, plan_id)


@router.post("/spot-checks/plans/{plan_id:int}/draw")
def spot_plan_draw(
    request: Request, plan_id: int, viewer: LoggedInViewer, session: SessionDep
) -> Response:
    """摇号 from the plan's page."""
    try:
        service.draw_plan(session, viewer.scope, plan_id, actor=viewer.username, now=utcnow())
    except EnforcementError as exc:
        session.rollback()
        return _plan_page(request, viewer, session, plan_id, error=str(exc),
                          status_code=exc.status_code)  # fmt: skip
    return RedirectResponse(f"/spot-checks/plans/{plan_id}#qs-draw", status_code=303)


@router.post("/spot-checks/tasks/{task_id:int}/result")
def spot_task_result(
    request: Request,
    task_id: int,
    viewer: LoggedInViewer,
    session: SessionDep,
    plan_id: Annotated[int, Form()],
    outcome: Annotated[str, Form(max_length=16)],
    checked_on: Annotated[str, Form(max_length=10)],
    findings: Annotated[str, Form(max_length=4000)] = "",
    violation_category: Annotated[str, Form(max_length=32)] = "",
    severity: Annotated[str, Form(max_length=16)] = "general",
) -> Response:
    """录入结果 from the plan's page."""
    try:
        try:
            day = date.fromisoformat(checked_on)
        except ValueError:
            raise BadEnforcementInput(
                "checked_on", f"{checked_on!r} is not a date YYYY-MM-DD"
            ) from None
        inp = service.ResultInput(outcome=outcome, checked_on=day, findings=findings,
                                  violation_category=violation_category or None, severity=severity)  # fmt: skip
        service.record_result(
            session, viewer.scope, task_id, inp, actor=viewer.username, now=utcnow()
        )
    except QingshanError as exc:
        session.rollback()
        return _plan_page(request, viewer, session, plan_id, error=str(exc),
                          status_code=exc.status_code)  # fmt: skip
    return RedirectResponse(f"/spot-checks/plans/{plan_id}#task-{task_id}", status_code=303)


# --- spot checks: public ---------------------------------------------------------------------


@router.get("/spot-checks/public", response_class=HTMLResponse)
def spot_public_page(request: Request, viewer: OptionalViewer, session: SessionDep) -> HTMLResponse:
    """双随机抽查公示 (no login): items, drawn plans with seed, hash and inputs file, results."""
    context = {
        "items": [service.item_public(i) for i in service.list_items(session)],
        "plans": service.public_listing(session),
        "lang": get_lang(request), "cst": _cst,
    }  # fmt: skip
    return render(request, "spot_public.html", context, viewer=viewer)
