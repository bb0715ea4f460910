"""环评与许可 pages (issue #23, area eia):

- ``/eia`` — the approvals (环评审批) of the officer's region, the form and the CSV/Excel import;
- ``/eia/applications`` — the 排污许可 applications as service records with the "最多跑一次"
  figures by city and month, and the form;
- ``/eia/warnings`` — the computed warnings, each with a button opening a case once;
- ``/eia/enterprises/{id}`` — one enterprise's EIA file (approvals, applications, permit,
  warnings): officers of its region, and the enterprise itself (the enterprise portal links it).

An enterprise account opening ``/eia`` lands on its own file. The work is
:mod:`qingshan.portal.eia.service`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.archive.service import enterprise_names, parameter_label
from qingshan.cases.service import CASES_SINK
from qingshan.errors import NotFound, PermissionDenied
from qingshan.geo.regions import REGIONS
from qingshan.portal.eia import rules
from qingshan.portal.eia import service as svc
from qingshan.portal.eia.errors import EiaError
from qingshan.tablefile import parse_date, parse_number
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)


def _officer(viewer: Viewer) -> None:
    if viewer.role not in OFFICERS:
        raise PermissionDenied("环评与许可 is for officers of the bureau")


def _helpers(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    def doc(key: str) -> str:
        zh, en = rules.DOC_TYPES.get(key, (key, key))
        return zh if lang == "zh" else en

    def kind(key: str) -> str:
        zh, en = rules.APPLICATION_KINDS.get(key, (key, key))
        return zh if lang == "zh" else en

    def material(key: str) -> str:
        zh, en, _ = rules.MATERIALS.get(key, (key, key, ()))
        return zh if lang == "zh" else en

    def pname(code: str) -> str:
        p = parameter_label(code)
        return p.symbol or (p.name if lang == "zh" else p.name_en)

    return {"rname": rname, "pname": pname, "doc": doc, "kind": kind, "material": material, "lang": lang,
            "doc_types": rules.DOC_TYPES, "kinds": rules.APPLICATION_KINDS,
            "materials": rules.MATERIALS, "days_of": rules.application_days,
            "decision_days": rules.DECISION_DAYS}  # fmt: skip


def _page(request: Request, viewer: Viewer, template: str, tab: str, context: dict[str, Any],
          status_code: int = 200) -> HTMLResponse:  # fmt: skip
    resp = render(request, template, {**_helpers(request), "tab": tab, **context}, viewer=viewer)
    resp.status_code = status_code
    return resp


def _approvals_page(request: Request, viewer: Viewer, session: Any, *, status_code: int = 200,
                    **extra: Any) -> HTMLResponse:  # fmt: skip
    rows = svc.list_approvals(session, viewer.scope)
    ctx = {"rows": rows, "recorded": request.query_params.get("recorded"), **extra}
    return _page(request, viewer, "portal_eia.html", "approvals", ctx, status_code)


@router.get("/eia", response_class=HTMLResponse, response_model=None)
def approvals_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> Response:
    """The approvals of the region with the form and the import; an enterprise's own file."""
    if viewer.role is Role.ENTERPRISE and viewer.scope.enterprises:
        return RedirectResponse(f"/eia/enterprises/{min(viewer.scope.enterprises)}",
                                status_code=303)  # fmt: skip
    _officer(viewer)
    return _approvals_page(request, viewer, session)


def _text(form: Any, name: str) -> str:
    return str(form.get(name) or "").strip()


def _number(form: Any, name: str) -> float:
    try:
        return parse_number(_text(form, name))
    except ValueError as exc:
        raise EiaError(f"{name}: {exc}", field=name) from None


def _day(form: Any, name: str, *, required: bool = True) -> date | None:
    text = _text(form, name)
    if not text and not required:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise EiaError(f"{name}: {exc}", field=name) from None


def _int(form: Any, name: str) -> int:
    try:
        return int(_text(form, name) or "0")
    except ValueError:
        raise EiaError(f"{name}: {_text(form, name)!r} is not a whole number", field=name) from None


@router.post("/eia/approvals", response_class=HTMLResponse, response_model=None)
async def approval_form(request: Request, viewer: LoggedInViewer, session: SessionDep) -> Response:
    """Record one approval from the form; the page again naming every bad field."""
    _officer(viewer)
    form = await request.form()
    try:
        totals = {}
        for line in _text(form, "totals").replace("；", ";").replace("\n", ";").split(";"):
            if line.strip():
                name, _, value = line.replace("：", ":").partition(":")
                totals[svc.pollutant_code(name)] = parse_number(value) if value.strip() else -1.0
        conditions = [c for c in _text(form, "conditions").splitlines() if c.strip()]
        a = svc.record_approval(session, viewer.scope, svc.ApprovalInput(
            _int(form, "enterprise_id"), _text(form, "project"), _number(form, "longitude"),
            _number(form, "latitude"), _text(form, "industry_code"), _text(form, "doc_type"),
            _text(form, "approval_no"), _text(form, "authority"), _day(form, "approved_on"),  # type: ignore[arg-type]
            conditions, totals))  # fmt: skip
    except (EiaError, NotFound, ValueError) as exc:
        session.rollback()
        problems = exc.problems if isinstance(exc, EiaError) else []
        return _approvals_page(request, viewer, session, status_code=422, form_error=str(exc),
                               problems=problems, form=dict(form))  # fmt: skip
    finally:
        await form.close()
    return RedirectResponse(f"/eia?recorded={a.id}", status_code=303)


@router.post("/eia/approvals/import", response_class=HTMLResponse, response_model=None)
async def approval_import(request: Request, viewer: LoggedInViewer, session: SessionDep,
                          settings: SettingsDep) -> Response:  # fmt: skip
    """Import approvals from a CSV/Excel file: all rows or none, every bad row named."""
    _officer(viewer)
    form = await request.form()
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise EiaError("file: choose a CSV or Excel file", field="file")
        data = await upload.read(settings.max_file_bytes + 1)
        if len(data) > settings.max_file_bytes:
            raise EiaError(f"file: more than {settings.max_file_bytes} bytes", field="file")
        rows = svc.import_approvals(session, viewer.scope, data, upload.filename)
    except EiaError as exc:
        session.rollback()
        return _approvals_page(request, viewer, session, status_code=422, import_error=str(exc),
                               import_problems=exc.problems)  # fmt: skip
    finally:
        await form.close()
    return RedirectResponse(f"/eia?recorded={len(rows)}", status_code=303)


def _applications_page(request: Request, viewer: Viewer, session: Any, *, status_code: int = 200,
                       **extra: Any) -> HTMLResponse:  # fmt: skip
    today = as_cst(utcnow()).date()
    since = date(today.year - 1, today.month, 1)
    rows = svc.list_applications(session, viewer.scope, limit=200)
    by = "region" if viewer.scope.region_code == "330000" else "county"  # cities, or counties
    ctx = {
        "rows": rows, "names": enterprise_names(session, {a.enterprise_id for a in rows}),
        "by_region": svc.service_statistics(session, viewer.scope, since=since, until=today,
                                            by=by),
        "by_month": svc.service_statistics(session, viewer.scope, since=since, until=today,
                                           by="month"),
        "overall": svc.service_statistics(session, viewer.scope, since=since, until=today,
                                          by="all"),
        "since": since, "until": today, **extra,
    }  # fmt: skip
    return _page(request, viewer, "portal_eia_applications.html", "applications", ctx, status_code)


@router.get("/eia/applications", response_class=HTMLResponse)
def applications_page(request: Request, viewer: LoggedInViewer,
                      session: SessionDep) -> HTMLResponse:  # fmt: skip
    """The applications with the 最多跑一次 figures by city and month, and the form."""
    _officer(viewer)
    return _applications_page(request, viewer, session)


@router.post("/eia/applications", response_class=HTMLResponse, response_model=None)
async def application_form(request: Request, viewer: LoggedInViewer,
                           session: SessionDep) -> Response:  # fmt: skip
    """Record one application; the page again with what is wrong."""
    _officer(viewer)
    form = await request.form()
    try:
        decided = _day(form, "decided_on", required=False)
        svc.record_application(session, viewer.scope, svc.ApplicationInput(
            _int(form, "enterprise_id"), _text(form, "kind"), _day(form, "submitted_on"),  # type: ignore[arg-type]
            [str(v) for v in form.getlist("provided")], _day(form, "accepted_on", required=False),
            decided, (_text(form, "decision") or None) if decided else None, _int(form, "trips"),
            _text(form, "permit_number") or None, _text(form, "note")))  # fmt: skip
    except (EiaError, NotFound) as exc:
        session.rollback()
        return _applications_page(request, viewer, session, status_code=422,
                                  form_error=str(exc))  # fmt: skip
    finally:
        await form.close()
    return RedirectResponse("/eia/applications?recorded=1", status_code=303)


@router.get("/eia/warnings", response_class=HTMLResponse)
def warnings_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """The computed warnings of the region, each opening a case once."""
    _officer(viewer)
    kind = request.query_params.get("kind") or None
    rows = svc.warnings(session, viewer.scope)
    counts = {k: sum(1 for r in rows if r.warning.kind == k)
              for k in ("no_eia", "permit_older", "totals_above")}  # fmt: skip
    rows = [r for r in rows if kind is None or r.warning.kind == kind]
    return _page(request, viewer, "portal_eia_warnings.html", "warnings",
                 {"rows": rows, "counts": counts, "kind": kind or ""})  # fmt: skip


@router.post("/eia/warnings/case", response_model=None)
async def warning_case(request: Request, viewer: LoggedInViewer, session: SessionDep) -> Response:
    """Open (or find) the case of one warning and go to it."""
    _officer(viewer)
    form = await request.form()
    key = _text(form, "key")[:96]
    await form.close()
    case_id = svc.open_warning_case(session, viewer.scope, key, CASES_SINK)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/eia/enterprises/{enterprise_id}", response_class=HTMLResponse)
def enterprise_page(request: Request, enterprise_id: int, viewer: LoggedInViewer,
                    session: SessionDep) -> HTMLResponse:  # fmt: skip
    """One enterprise's EIA file: approvals, applications, permit, warnings."""
    if viewer.role not in (*OFFICERS, Role.ENTERPRISE):
        raise PermissionDenied("环评与许可 is for officers and enterprise accounts")
    rec = svc.records_for(session, viewer.scope, enterprise_id)
    return _page(request, viewer, "portal_eia_enterprise.html", "enterprise",
                 {"rec": rec, "officer": viewer.role in OFFICERS})  # fmt: skip
