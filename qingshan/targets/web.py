"""目标考核 ``/targets`` (province, city and county accounts): the plan's progress — each target's
value, progress bar, status and whether it is computed or reported — the city × target matrix
coloured by status with the cities' assessment scores, the platform's computed indicators and
the deadline reminders; ``/targets/{id}``: one target with its cities, its reports and their
evidence, the report form (a city for its share, the province's lead department for a target
kept at the province) and the province's review. A county account sees its city's rows,
read-only. Each form posts to a route that calls one service function and comes back."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from qingshan.api.deps import SessionDep, SettingsDep, provided
from qingshan.cases.service import evidence_limits
from qingshan.errors import QingshanError
from qingshan.targets import service
from qingshan.targets.board import progress_board, target_detail
from qingshan.targets.errors import BadReport
from qingshan.targets.kpi import KpiRegistry
from qingshan.targets.reminders import reminders_for
from qingshan.targets.status import Status
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import LABELS, get_lang, translate
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

Registry = Annotated[KpiRegistry, provided(KpiRegistry)]
#: flash messages a redirect back may carry (``?done=``)
DONE = ("submitted", "resubmitted", "accept", "return", "audit", "uploaded")
STATUSES = [s.value for s in Status]


def _common(request: Request, viewer: Viewer) -> dict[str, Any]:
    lang = get_lang(request)
    region = service.board_region(viewer.scope)
    return {
        "lang": lang,
        "region": region,
        "region_name": service.region_name(region, lang),
        "read_only": viewer.scope.role.value == "county",
        "statuses": STATUSES,
        # floored: 99.6 % of the way is not shown as 100 %
        "pct": lambda v: "—" if v is None else f"{math.floor(100 * v + 1e-9)}%",
        "num": lambda v: "—" if v is None else f"{v:,.1f}".rstrip("0").rstrip("."),
        "rname": lambda code: service.region_name(code, lang),
        "wording": lambda t: t.wording if lang == "zh" or not t.wording_en else t.wording_en,
        # a unit of the plan file in the page's language (labels tg.u.<unit>; else as written)
        "unit": lambda u: translate(f"tg.u.{u}", lang) if f"tg.u.{u}" in LABELS else u,
        "config": {"lang": lang},
    }


def _forbidden(request: Request, viewer: Viewer, exc: QingshanError) -> HTMLResponse:
    response = render(request, "targets.html", {"forbidden": str(exc), "board": None,
                                                "config": {"lang": get_lang(request)}},
                      viewer=viewer)  # fmt: skip
    response.status_code = exc.status_code
    return response


@router.get("/targets", response_class=HTMLResponse)
def targets_page(
    request: Request, viewer: LoggedInViewer, session: SessionDep, registry: Registry
) -> HTMLResponse:
    """目标考核: the plan's progress in the viewer's region."""
    try:
        board = progress_board(session, viewer.scope, registry=registry)
    except QingshanError as exc:
        return _forbidden(request, viewer, exc)
    context = _common(request, viewer) | {
        "board": board,
        "forbidden": None,
        "reminders": reminders_for(session, viewer.scope)[:20],
    }
    return render(request, "targets.html", context, viewer=viewer)


def _detail(
    request: Request,
    viewer: Viewer,
    session,
    registry: KpiRegistry,
    target_id: int,
    *,
    error: str | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        detail = target_detail(session, viewer.scope, target_id, registry=registry)
    except QingshanError as exc:
        return _forbidden(request, viewer, exc)
    lang = get_lang(request)
    context = _common(request, viewer) | {
        "d": detail,
        "tg": detail.row.target,
        "error": error,
        "done": translate(f"tg.done.{done}", lang) if done in DONE else None,
        "today": service.cst_today().isoformat(),
    }
    response = render(request, "target_detail.html", context, viewer=viewer)
    response.status_code = status_code
    return response


@router.get("/targets/{target_id:int}", response_class=HTMLResponse)
def target_page(
    request: Request,
    target_id: int,
    viewer: LoggedInViewer,
    session: SessionDep,
    registry: Registry,
    done: str | None = None,
) -> HTMLResponse:
    """One target: its cities, reports with evidence, the forms the viewer may use."""
    return _detail(request, viewer, session, registry, target_id, done=done)


def _failed(request, viewer, session, registry, target_id: int, exc: Exception) -> HTMLResponse:
    session.rollback()
    return _detail(request, viewer, session, registry, target_id, error=str(exc),
                   status_code=getattr(exc, "status_code", 422))  # fmt: skip


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadReport("as_of", f"not a date YYYY-MM-DD: {text!r}") from None


def _value(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise BadReport("value", f"not a number: {text!r}") from None


@router.post("/targets/{target_id:int}/reports", response_class=HTMLResponse)
def report_submit(
    request: Request,
    target_id: int,
    viewer: LoggedInViewer,
    session: SessionDep,
    settings: SettingsDep,
    registry: Registry,
    region_code: Annotated[str, Form(max_length=6)] = "",
    value: Annotated[str, Form(max_length=32)] = "",
    as_of: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """报送进度 (with one optional evidence file)."""
    try:
        report = service.submit_report(session, viewer.scope, target_id, region_code,
                                       _value(value), _day(as_of), note)  # fmt: skip
        if file is not None and file.filename:
            limits = evidence_limits(settings)
            data = file.file.read(limits.max_bytes + 1)
            service.add_report_file(session, viewer.scope, report.id, data, file.filename,
                                    limits=limits)  # fmt: skip
    except QingshanError as exc:
        return _failed(request, viewer, session, registry, target_id, exc)
    return RedirectResponse(f"/targets/{target_id}?done=submitted#qs-tg-reports", 303)


@router.post("/targets/reports/{report_id:int}/review", response_class=HTMLResponse)
def report_review(
    request: Request,
    report_id: int,
    viewer: LoggedInViewer,
    session: SessionDep,
    registry: Registry,
    target_id: Annotated[int, Form()],
    event: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """审核 (accept / return with a reason) or 核查 (audit), the province only."""
    try:
        service.review_report(session, viewer.scope, report_id, event, reason)
    except QingshanError as exc:
        return _failed(request, viewer, session, registry, target_id, exc)
    return RedirectResponse(f"/targets/{target_id}?done={event}#qs-tg-report-{report_id}", 303)


@router.post("/targets/reports/{report_id:int}/resubmit", response_class=HTMLResponse)
def report_resubmit(
    request: Request,
    report_id: int,
    viewer: LoggedInViewer,
    session: SessionDep,
    registry: Registry,
    target_id: Annotated[int, Form()],
    value: Annotated[str, Form(max_length=32)] = "",
    as_of: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """重新报送 a returned report."""
    try:
        service.resubmit_report(session, viewer.scope, report_id, _value(value), _day(as_of), note)
    except QingshanError as exc:
        return _failed(request, viewer, session, registry, target_id, exc)
    return RedirectResponse(f"/targets/{target_id}?done=resubmitted#qs-tg-report-{report_id}", 303)


@router.get("/targets/files/{file_id:int}", response_class=FileResponse)
def report_file(
    file_id: int, viewer: LoggedInViewer, session: SessionDep, settings: SettingsDep
) -> FileResponse:
    """A report's evidence file (its type checked by content at upload)."""
    row, path = service.report_file(session, viewer.scope, file_id,
                                    root=evidence_limits(settings).root)  # fmt: skip
    return FileResponse(path, media_type=row.media_type, filename=row.filename)
