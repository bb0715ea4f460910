"""风险企业与应急预案 pages (issue #22, area risk):

- ``/emergency/risk`` — the graded risk enterprises of the viewer's region (HJ 941-2018 level,
  notation, plan status) with level/county filters, the declarations awaiting review (county and
  city officers approve or return them), and the declaration form (substances row by row or a
  CSV/Excel file, the M items, the population around) for an enterprise account or an officer;
- ``/emergency/risk/{enterprise_id}`` — one enterprise's grade with the basis of Q, M and E for
  air and water, the inputs, earlier grades, declarations, plans and drills (and the drill form);
- ``/emergency/plans`` — plans expired / expiring / current with filters and the filing form.

Officers read their region; an enterprise account reads and writes only its own enterprises.
The work is :mod:`qingshan.emergency.risk.service`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.archive.service import INDUSTRY_NAMES, directory_entry
from qingshan.cases.service import evidence_limits
from qingshan.emergency.risk import grading
from qingshan.emergency.risk import service as svc
from qingshan.emergency.risk.errors import RiskError
from qingshan.errors import PermissionDenied, QingshanError
from qingshan.geo.regions import REGIONS
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

READERS = (Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)
REVIEWERS = (Role.CITY, Role.COUNTY)
#: rows of the declaration form
FORM_ROWS = 6


def _reader(viewer: Viewer) -> None:
    if viewer.role not in READERS:
        raise PermissionDenied("风险企业 is for officers and enterprise accounts")


def _today() -> date:
    return as_cst(utcnow()).date()


def _helpers(request: Request, viewer: Viewer) -> dict[str, Any]:
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    def iname(industry: str) -> str:
        for k, v in INDUSTRY_NAMES.items():
            if k.value == industry:
                return v if lang == "zh" else industry.replace("_", " ")
        return industry

    def when(t: Any) -> str:
        return "—" if t is None else as_cst(t).strftime("%Y-%m-%d %H:%M")

    def subname(key: str) -> str:
        sub = grading.substances().get(key)
        return key if sub is None else sub.name

    return {"rname": rname, "iname": iname, "when": when, "subname": subname, "lang": lang,
            "levels": grading.LEVELS,
            "reviewer": viewer.role in REVIEWERS, "is_enterprise": viewer.role is Role.ENTERPRISE,
            "spec": grading.table(), "form_rows": FORM_ROWS}  # fmt: skip


def _my_enterprises(session: Any, viewer: Viewer) -> list[tuple[int, str]]:
    if viewer.role is not Role.ENTERPRISE:
        return []
    out = []
    for eid in sorted(viewer.scope.enterprises):
        e = directory_entry(session, eid)
        if e is not None:
            out.append((eid, e.name))
    return out


def _risk_page(request: Request, viewer: Viewer, session: Any, *, status_code: int = 200,
               **extra: Any) -> HTMLResponse:  # fmt: skip
    q = request.query_params
    level = q.get("level") or None
    region = q.get("region") or None
    today = _today()
    try:
        rows = svc.risk_list(session, viewer.scope, today=today, level=level, region=region)
    except RiskError as exc:
        rows = []
        extra.setdefault("error", str(exc))
    all_rows = svc.risk_list(session, viewer.scope, today=today)
    counts = {lv: sum(1 for r in all_rows if r.level == lv) for lv in grading.LEVELS}
    ok, graded = svc.plans_current_share(session, viewer.scope, today)
    pending = svc.declarations_pending(session, viewer.scope)
    names = {d.enterprise_id: (directory_entry(session, d.enterprise_id) or None) for d in pending}
    counties = sorted({r.region_code for r in all_rows})
    context = {
        **_helpers(request, viewer), "rows": rows, "counts": counts, "pending": pending,
        "pending_names": {k: (v.name if v else str(k)) for k, v in names.items()},
        "filters": {"level": level or "", "region": region or ""}, "counties": counties,
        "kpi": (ok, graded), "mine": _my_enterprises(session, viewer), **extra,
    }  # fmt: skip
    resp = render(request, "emergency_risk.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/emergency/risk", response_class=HTMLResponse)
def risk_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """The risk enterprises, the declarations to review, the declaration form."""
    _reader(viewer)
    return _risk_page(request, viewer, session)


def _int_or_none(value: Any, name: str) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise RiskError(f"{name}: {text!r} is not a whole number", field=name) from None


@router.post("/emergency/risk/declare", response_class=HTMLResponse, response_model=None)
async def declare_form(request: Request, viewer: LoggedInViewer, session: SessionDep,
                       settings: SettingsDep) -> Response:  # fmt: skip
    """Store a declaration from the form (rows or a file); the page again with every bad row."""
    _reader(viewer)
    form = await request.form()
    try:
        return await _declare(request, viewer, session, settings, form)
    finally:
        await form.close()


async def _declare(request: Request, viewer: Viewer, session: Any, settings: Any,
                   form: Any) -> Response:  # fmt: skip
    try:
        eid = _int_or_none(form.get("enterprise_id"), "enterprise_id")
        if eid is None:
            raise RiskError("enterprise_id: missing", field="enterprise_id")
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(settings.max_file_bytes + 1)
            if len(data) > settings.max_file_bytes:
                raise RiskError(f"file: more than {settings.max_file_bytes} bytes", field="file")
            rows = svc.parse_chemicals(data, upload.filename)
        else:
            rows = []
            for i in range(FORM_ROWS):
                sub = str(form.get(f"substance_{i}") or "").strip()
                qty = str(form.get(f"max_stock_t_{i}") or "").strip()
                if sub or qty:
                    rows.append({"substance": sub, "max_stock_t": qty,
                                 "place": str(form.get(f"place_{i}") or "")})  # fmt: skip
        spec = grading.table()
        process = {}
        for item in spec["m_process"]["items"]:
            n = _int_or_none(form.get(f"process_{item['key']}"), f"process.{item['key']}")
            if n:
                process[item["key"]] = n
        controls = {}
        for medium in ("air", "water"):
            for item in spec["m_controls"][medium]:
                v = str(form.get(f"control_{item['key']}") or "").strip()
                if v:
                    controls[item["key"]] = v
        decl = svc.declare(
            session, viewer.scope, eid, rows, {"process": process, "controls": controls},
            pop_5km=_int_or_none(form.get("pop_5km"), "pop_5km"),
            pop_500m=_int_or_none(form.get("pop_500m"), "pop_500m"), actor=viewer.username,
        )  # fmt: skip
    except RiskError as exc:
        session.rollback()
        return _risk_page(request, viewer, session, status_code=422, declare_error=str(exc),
                          problems=exc.problems)  # fmt: skip
    return RedirectResponse(f"/emergency/risk/{decl.enterprise_id}?declared={decl.id}",
                            status_code=303)  # fmt: skip


@router.post("/emergency/risk/declarations/{declaration_id}/review", response_class=HTMLResponse,
             response_model=None)  # fmt: skip
async def review_form(request: Request, declaration_id: int, viewer: LoggedInViewer,
                      session: SessionDep) -> Response:  # fmt: skip
    """Approve (the grade is computed) or return a declaration."""
    form = await request.form()
    approve = str(form.get("decision") or "") == "approve"
    try:
        g = svc.review(session, viewer.scope, declaration_id, approve=approve,
                       note=str(form.get("note") or ""), actor=viewer.username)  # fmt: skip
    except RiskError as exc:
        session.rollback()
        return _risk_page(request, viewer, session, status_code=422, error=str(exc))
    if g is None:
        return RedirectResponse("/emergency/risk?returned=1", status_code=303)
    return RedirectResponse(f"/emergency/risk/{g.enterprise_id}", status_code=303)


def _enterprise_page(request: Request, viewer: Viewer, session: Any, enterprise_id: int, *,
                     status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    d = svc.enterprise_detail(session, viewer.scope, enterprise_id)
    today = _today()
    context = {**_helpers(request, viewer), "d": d, "today": today,
               "plan_status": lambda p: svc.plan_status(p, today),
               "filing_due": svc.filing_due,
               "declared": request.query_params.get("declared"), **extra}  # fmt: skip
    resp = render(request, "emergency_risk_enterprise.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/emergency/risk/{enterprise_id}", response_class=HTMLResponse)
def enterprise_page(request: Request, enterprise_id: int, viewer: LoggedInViewer,
                    session: SessionDep) -> HTMLResponse:  # fmt: skip
    """One enterprise's grading with its Q/M/E basis, declarations, plans and drills."""
    _reader(viewer)
    return _enterprise_page(request, viewer, session, enterprise_id)


@router.post("/emergency/risk/{enterprise_id}/regrade", response_model=None)
def regrade_form(enterprise_id: int, viewer: LoggedInViewer, session: SessionDep) -> Response:
    """Grade again from the newest approved declaration (zones or penalties changed)."""
    svc.regrade(session, viewer.scope, enterprise_id, actor=viewer.username)
    return RedirectResponse(f"/emergency/risk/{enterprise_id}", status_code=303)


@router.post("/emergency/risk/{enterprise_id}/drills", response_class=HTMLResponse,
             response_model=None)  # fmt: skip
async def drill_form(request: Request, enterprise_id: int, viewer: LoggedInViewer,
                     session: SessionDep) -> Response:  # fmt: skip
    """Record a drill."""
    _reader(viewer)
    form = await request.form()
    try:
        svc.record_drill(session, viewer.scope, enterprise_id, held_on=form.get("held_on"),
                         scenario=str(form.get("scenario") or ""),
                         participants=_int_or_none(form.get("participants"), "participants") or 0,
                         findings=str(form.get("findings") or ""),
                         plan_id=_int_or_none(form.get("plan_id"), "plan_id"),
                         actor=viewer.username)  # fmt: skip
    except RiskError as exc:
        session.rollback()
        return _enterprise_page(request, viewer, session, enterprise_id, status_code=422,
                                drill_error=str(exc))  # fmt: skip
    return RedirectResponse(f"/emergency/risk/{enterprise_id}#drills", status_code=303)


def _plans_page(request: Request, viewer: Viewer, session: Any, *, status_code: int = 200,
                **extra: Any) -> HTMLResponse:  # fmt: skip
    q = request.query_params
    status = q.get("status") or None
    region = q.get("region") or None
    today = _today()
    try:
        rows = svc.plans(session, viewer.scope, today=today, status=status, region=region)
    except RiskError as exc:
        rows = []
        extra.setdefault("error", str(exc))
    every = svc.plans(session, viewer.scope, today=today)
    counts = {s: sum(1 for r in every if r.status == s) for s in ("current", "expiring", "expired")}
    graded = svc.risk_list(session, viewer.scope, today=today)
    choices = _my_enterprises(session, viewer) or [(r.enterprise_id, r.name) for r in graded]
    context = {**_helpers(request, viewer), "rows": rows, "counts": counts, "choices": choices,
               "filters": {"status": status or "", "region": region or ""},
               "counties": sorted({r.plan.region_code for r in every}),
               "expiring_days": svc.EXPIRING_DAYS, **extra}  # fmt: skip
    resp = render(request, "emergency_plans.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/emergency/plans", response_class=HTMLResponse)
def plans_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """Plans expired, expiring and current, with the filing form."""
    _reader(viewer)
    return _plans_page(request, viewer, session)


@router.post("/emergency/plans/file", response_class=HTMLResponse, response_model=None)
async def file_plan_form(request: Request, viewer: LoggedInViewer, session: SessionDep,
                         settings: SettingsDep) -> Response:  # fmt: skip
    """File a plan with its documents; the page again with the error."""
    _reader(viewer)
    form = await request.form()
    try:
        return await _file_plan(request, viewer, session, settings, form)
    finally:
        await form.close()


async def _file_plan(request: Request, viewer: Viewer, session: Any, settings: Any,
                     form: Any) -> Response:  # fmt: skip
    values = {k: str(form.get(k) or "") for k in ("enterprise_id", "title", "signed_on",
              "filed_on", "review_due", "filing_bureau", "filing_no")}  # fmt: skip
    try:
        eid = _int_or_none(values["enterprise_id"], "enterprise_id")
        if eid is None:
            raise RiskError("enterprise_id: missing", field="enterprise_id")
        files = []
        for up in form.getlist("files"):
            if isinstance(up, UploadFile) and up.filename:
                files.append((up.filename, await up.read(settings.case_evidence_max_bytes + 1)))
        svc.file_plan(session, viewer.scope, eid, title=values["title"],
                      signed_on=values["signed_on"], review_due=values["review_due"],
                      filed_on=values["filed_on"] or None, filing_bureau=values["filing_bureau"],
                      filing_no=values["filing_no"], files=files,
                      limits=evidence_limits(settings), actor=viewer.username)  # fmt: skip
    except QingshanError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        session.rollback()
        return _plans_page(request, viewer, session, status_code=422, form_error=str(exc),
                           form_values=values)  # fmt: skip
    return RedirectResponse("/emergency/plans?filed=1", status_code=303)
