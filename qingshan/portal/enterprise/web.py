"""企业服务 pages (issue #23): ``/portal`` — an enterprise account's home (its outlets' live data
and QC verdicts, marks with proof, its cases and the actions it may take, permit and limits,
notices, downloads); the forms it posts (``/portal/marks``, ``/portal/cases/{id}/answer``,
``/portal/certificates``); the downloads (``/portal/export.xlsx``,
``/portal/certificates/{code}.pdf``); and the public check of a certificate, ``/verify`` and
``/verify/{code}`` (no login, failed lookups rate-limited per address). The work is
:mod:`qingshan.portal.enterprise.service`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qingshan.accounts.models import User
from qingshan.api.deps import ClientAddress, OptionalUser, SessionDep, SettingsDep, provided
from qingshan.archive.findings import CreditSummary, EnterpriseRecordSources
from qingshan.archive.service import OutletCounts
from qingshan.cases.service import evidence_limits
from qingshan.errors import PermissionDenied, QingshanError
from qingshan.portal.eia.rules import APPLICATION_KINDS
from qingshan.portal.enterprise import service as svc
from qingshan.portal.enterprise.verify_guard import TooManyLookups, guard_of
from qingshan.qc.marks import MARK_KINDS
from qingshan.qc.supervision import CaseSink
from qingshan.tablefile import attachment_header
from qingshan.timeutil import CST, as_cst, as_utc, utcnow
from qingshan.web.auth import LoggedInViewer, OptionalViewer, Viewer
from qingshan.web.i18n import get_lang
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

CountsDep = Annotated[OutletCounts, provided(OutletCounts)]
SourcesDep = Annotated[EnterpriseRecordSources, provided(EnterpriseRecordSources)]
CreditDep = Annotated[CreditSummary, provided(CreditSummary)]
SinkDep = Annotated[CaseSink, provided(CaseSink)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(viewer: Viewer, user: User | None) -> User:
    if user is None or not viewer.scope.enterprises:
        raise PermissionDenied("企业服务 is for enterprise accounts bound to an enterprise")
    return user


def _cst(t: datetime | None) -> str:
    return as_cst(t).strftime("%Y-%m-%d %H:%M") if t else "—"


def _home(request: Request, viewer: Viewer, user: User, session: Any, settings: Any,
          enterprise: int | None, counts: Any, sources: Any, credit: Any, *,
          status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    now = utcnow()
    eid = svc.pick_enterprise(viewer.scope, enterprise)
    h = svc.home(session, viewer.scope, user, eid, now=now, counts=counts, sources=sources,
                 credit=credit, store=getattr(request.app.state, "store", None))  # fmt: skip
    lang = get_lang(request)
    last_month = (as_cst(now).date().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    mark_end = as_cst(now).replace(minute=0, second=0, microsecond=0)
    ctx = {
        "h": h, "f": h.file, "choices": svc.enterprise_choices(session, viewer.scope),
        "cst": _cst, "en": lang == "en", "last_month": last_month,
        "mark_kinds": list(MARK_KINDS), "mark_max_days": settings.max_mark_days,
        "mark_start": (mark_end - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "mark_end": (mark_end - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "done": request.query_params.get("done"), "issued": request.query_params.get("issued"),
        "year": as_cst(now).year, "app_kinds": APPLICATION_KINDS,
        **extra,
    }  # fmt: skip
    resp = render(request, "portal_enterprise.html", ctx, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/portal", response_class=HTMLResponse)
def portal_home(
    request: Request,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    settings: SettingsDep,
    counts: CountsDep,
    sources: SourcesDep,
    credit: CreditDep,
    enterprise: int | None = Query(None, ge=1, le=2**31 - 1),
) -> HTMLResponse:
    """企业服务: the home of the enterprise the account acts for (``?enterprise=`` picks one of
    several)."""
    u = _user(viewer, user)
    return _home(request, viewer, u, session, settings, enterprise, counts, sources, credit)


def _local(value: str, field: str) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(value.strip()), naive_is=CST)
    except ValueError:
        raise QingshanError(f"{field}: {value!r} is not a date and time") from None


async def _files(form: Any, name: str, max_bytes: int) -> list[tuple[bytes, str]]:
    out = []
    for up in form.getlist(name):
        if isinstance(up, UploadFile) and up.filename:
            out.append((await up.read(max_bytes + 1), up.filename))
    return out


@router.post("/portal/marks", response_class=HTMLResponse, response_model=None)
async def portal_mark(
    request: Request,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    settings: SettingsDep,
    counts: CountsDep,
    sources: SourcesDep,
    credit: CreditDep,
    sink: SinkDep,
) -> Response:
    """自行标记 with proof files; back to the home (303), or the home with the error."""
    u = _user(viewer, user)
    form = await request.form()
    eid = None
    try:
        eid = svc.pick_enterprise(viewer.scope, int(str(form.get("enterprise") or 0)) or None)
        limits = evidence_limits(settings)
        svc.mark_outlet(
            session, request.app.state.store, viewer.scope, u, str(form.get("code") or ""),
            kind=str(form.get("kind") or ""), start=_local(str(form.get("start") or ""), "start"),
            end=_local(str(form.get("end") or ""), "end"), reason=str(form.get("reason") or "")[:500],
            proofs=await _files(form, "proof", limits.max_bytes), limits=limits,
            max_days=settings.max_mark_days, sink=sink,
        )  # fmt: skip
    except (QingshanError, ValueError) as exc:
        session.rollback()
        return _home(request, viewer, u, session, settings, eid, counts, sources, credit,
                     status_code=getattr(exc, "status_code", 422), error=str(exc))  # fmt: skip
    finally:
        await form.close()
    return RedirectResponse(f"/portal?enterprise={eid}&done=mark#qs-pe-outlets", status_code=303)


@router.post("/portal/cases/{case_id:int}/answer", response_class=HTMLResponse,
             response_model=None)  # fmt: skip
async def portal_answer(
    request: Request,
    case_id: int,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    settings: SettingsDep,
    counts: CountsDep,
    sources: SourcesDep,
    credit: CreditDep,
) -> Response:
    """Answer a case (整改 / 申请验收 / 补充材料) with evidence files."""
    u = _user(viewer, user)
    form = await request.form()
    try:
        limits = evidence_limits(settings)
        svc.answer_case(session, viewer.scope, u, case_id, event=str(form.get("event") or ""),
                        reason=str(form.get("reason") or "")[:4000],
                        files=await _files(form, "file", limits.max_bytes), limits=limits)  # fmt: skip
    except (QingshanError, ValueError) as exc:
        session.rollback()
        return _home(request, viewer, u, session, settings, None, counts, sources, credit,
                     status_code=getattr(exc, "status_code", 422), error=str(exc))  # fmt: skip
    finally:
        await form.close()
    return RedirectResponse("/portal?done=case#qs-pe-cases", status_code=303)


@router.get("/portal/export.xlsx")
def portal_export(
    request: Request,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    enterprise: int | None = Query(None, ge=1, le=2**31 - 1),
    month: str = Query(..., min_length=7, max_length=7, pattern=r"^\d{4}-\d{2}$"),
) -> Response:
    """The account's outlets' hourly data of one month as Excel."""
    _user(viewer, user)
    eid = svc.pick_enterprise(viewer.scope, enterprise)
    name, data = svc.export_month(session, viewer.scope, request.app.state.store, eid, month)
    return Response(data, media_type=XLSX, headers={"Content-Disposition": attachment_header(name)})


@router.post("/portal/certificates", response_class=HTMLResponse, response_model=None)
def portal_certificate(
    request: Request,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    settings: SettingsDep,
    counts: CountsDep,
    sources: SourcesDep,
    credit: CreditDep,
    month: Annotated[str, Form(max_length=7)],
    enterprise: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """Issue a compliance certificate of one month; back to the home with its code."""
    u = _user(viewer, user)
    try:
        first, last = svc.month_range(month)
        cert, _pdf = svc.issue_certificate(
            session, viewer.scope, u, svc.pick_enterprise(viewer.scope, enterprise), first, last,
            verify_base=str(request.base_url), limits=evidence_limits(settings), counts=counts,
            sources=sources, credit=credit, synthetic=settings.demo,
        )  # fmt: skip
    except QingshanError as exc:
        session.rollback()
        return _home(request, viewer, u, session, settings, enterprise, counts, sources, credit,
                     status_code=exc.status_code, error=str(exc))  # fmt: skip
    return RedirectResponse(f"/portal?enterprise={cert.enterprise_id}&issued={cert.code}#qs-pe-downloads",
                            status_code=303)  # fmt: skip


@router.get("/portal/certificates/{code}.pdf")
def portal_certificate_pdf(
    code: str, viewer: LoggedInViewer, user: OptionalUser, session: SessionDep,
    settings: SettingsDep,
) -> Response:  # fmt: skip
    """An issued certificate's PDF (the bytes whose digest was recorded)."""
    _user(viewer, user)
    cert, data = svc.certificate_pdf(
        session, viewer.scope, code[:32], limits=evidence_limits(settings)
    )
    name = (
        f"合规证明-{cert.facts.get('enterprise_name', '')}-{cert.period_start:%Y%m}-{cert.code}.pdf"
    )
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": attachment_header(name)})  # fmt: skip


@router.get("/verify", response_class=HTMLResponse, response_model=None)
def verify_form(request: Request, viewer: OptionalViewer,
                code: str = Query("", max_length=64)) -> Response:  # fmt: skip
    """合规证明核验: the form (no login); ``?code=`` goes to the code's page."""
    code = code.strip()
    if code:
        return RedirectResponse(f"/verify/{code[:32]}", status_code=303)
    return render(request, "portal_verify.html", {"cert": None, "code": ""}, viewer=viewer)


@router.get("/verify/{code}", response_class=HTMLResponse)
def verify_page(request: Request, code: str, viewer: OptionalViewer, session: SessionDep,
                address: ClientAddress) -> HTMLResponse:  # fmt: skip
    """The stored facts of a certificate, or "not found" (failed lookups limited per address)."""
    guard = guard_of(request.app.state)
    ctx: dict[str, Any] = {"code": code[:32], "cert": None}
    try:
        guard.check(address)
    except TooManyLookups as exc:
        resp = render(request, "portal_verify.html", {**ctx, "error": str(exc)}, viewer=viewer)
        resp.status_code = 429
        resp.headers["Retry-After"] = str(exc.context.get("retry_after", 60))
        return resp
    cert = svc.verify(session, code)
    if cert is None:
        guard.failed(address)
    resp = render(request, "portal_verify.html", {**ctx, "cert": cert, "searched": True},
                  viewer=viewer)  # fmt: skip
    if cert is None:
        resp.status_code = 404
    return resp
