"""The case report pages (officers: province, city, county): 统计分析 ``/cases/stats``, 月调度通报
``/cases/notice?month=YYYY-MM`` (printable; Excel and Word beside it) and 季现场盯办
``/cases/followup?quarter=YYYYQn`` (the same). Each route parses, calls one service function and
renders. Listed in :data:`qingshan.platform.app.PAGES` before the case pages, whose
``/cases/{case_id}`` would otherwise take these paths."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep
from qingshan.cases import exports, reporting
from qingshan.cases.errors import NotPermitted
from qingshan.cases.notice import region_lines
from qingshan.cases.periods import Month, Quarter, last_months, quarter_of
from qingshan.cases.stats import cached_case_stats
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

_MONTH = Query(None, max_length=7, description="YYYY-MM (default: the last complete month)")
_QUARTER = Query(None, max_length=7, description="YYYYQn (default: the running quarter)")
_LANG = Query(None, pattern="^(zh|en)$")


def _cst(t: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if t is None else as_cst(t).strftime(fmt)


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"


def _list_href(**params: str | None) -> str:
    """The case list filtered by ``params`` (None values left out)."""
    query = urlencode({k: v for k, v in params.items() if v})
    return "/cases" + (f"?{query}" if query else "")


def _month(text: str | None) -> Month:
    return reporting.default_month() if not text else Month.parse(text)


def _quarter(text: str | None) -> Quarter:
    return quarter_of(utcnow()) if not text else Quarter.parse(text)


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


@router.get("/cases/stats", response_class=HTMLResponse)
def stats_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """统计分析: counts by state, category, source and region, closure rate and overdue by
    region, the monthly trend; every number opens the case list it counts."""
    lang = get_lang(request)
    st = cached_case_stats(session, viewer.scope)
    shown = viewer.role is not Role.COUNTY  # a county's list has no region filter of its own
    config = {
        "lang": lang,
        "trend": st.trend,
        "noticeUrl": "/cases/notice?month=",
        "labels": {k: translate(k, lang) for k in ("stats.new", "stats.closed", "stats.trend")},
    }
    context = {
        "st": st,
        "config": config,
        "pct": _pct,
        "cst": _cst,
        "list_href": _list_href,
        "region_param": (lambda r: None if r.own or not shown else r.code),
        "scope_name": exports.region_name(st.scope_code, lang),
        "lang": lang,
    }
    return render(request, "case_stats.html", context, viewer=viewer)


@router.get("/cases/notice", response_class=HTMLResponse)
def notice_page(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    month: str | None = _MONTH,
    issued: bool = False,
) -> HTMLResponse:
    """月调度通报 of ``month`` for the viewer's region: the issued notice (or computed now when
    none was issued), printable; the province may issue it again."""
    lang = get_lang(request)
    m = _month(month)
    view = reporting.read_notice(session, viewer.scope, m)
    main, annex = region_lines(view.notice)
    context = {
        "view": view,
        "n": view.notice,
        "main": main,
        "annex": annex,
        "parents": {
            r.parent: exports.region_name(r.parent, lang) for r in annex if r.parent and not r.own
        },
        "month": str(m),
        "months": [str(x) for x in reversed(last_months(utcnow(), 13))],
        "title": exports.notice_title(view.notice, lang),
        "columns": exports.FIGURE_COLUMNS,
        "may_issue": viewer.role is Role.PROVINCE,
        "just_issued": issued,
        "pct": _pct,
        "cst": _cst,
        "lang": lang,
    }
    return render(request, "case_notice.html", context, viewer=viewer)


@router.post("/cases/notice/issue")
def notice_issue(
    viewer: LoggedInViewer,
    session: SessionDep,
    month: Annotated[str, Form(max_length=7)],
) -> Response:
    """生成并发布: the province computes and stores the notice of ``month`` now."""
    if viewer.role is not Role.PROVINCE:
        raise NotPermitted(f"{viewer.username}: only the province issues the monthly notice")
    m = Month.parse(month)
    reporting.issue_notice(session, m, actor=viewer.username)
    return RedirectResponse(f"/cases/notice?month={m}&issued=1", status_code=303)


def _notice_file(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    month: str | None,
    lang: str | None,
    fmt: str,
) -> Response:
    """The notice of ``month`` as an Excel workbook or a Word document (``fmt``)."""
    lang = lang or get_lang(request)
    view = reporting.read_notice(session, viewer.scope, _month(month))
    write, media_type = {
        "xlsx": (exports.notice_xlsx, exports.XLSX_TYPE),
        "docx": (exports.notice_docx, exports.DOCX_TYPE),
    }[fmt]
    name = f"{exports.notice_title(view.notice, lang)}.{fmt}"
    return _attachment(write(view.notice, lang), media_type, name)


@router.get("/cases/notice.xlsx")
def notice_xlsx(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    month: str | None = _MONTH,
    lang: str | None = _LANG,
) -> Response:
    """The notice as an Excel workbook."""
    return _notice_file(request, viewer, session, month, lang, "xlsx")


@router.get("/cases/notice.docx")
def notice_docx(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    month: str | None = _MONTH,
    lang: str | None = _LANG,
) -> Response:
    """The notice as a Word document."""
    return _notice_file(request, viewer, session, month, lang, "docx")


@router.get("/cases/followup", response_class=HTMLResponse)
def followup_page(
    request: Request, viewer: LoggedInViewer, session: SessionDep, quarter: str | None = _QUARTER
) -> HTMLResponse:
    """季现场盯办: the cases of the viewer's region to visit on site in ``quarter``."""
    lang = get_lang(request)
    q = _quarter(quarter)
    f = reporting.quarter_followup(session, viewer.scope, q)
    now_q = quarter_of(utcnow())
    quarters = [now_q]
    for _ in range(3):
        quarters.append(quarters[-1].previous())
    context = {
        "f": f,
        "quarter": str(q),
        "quarters": [str(x) for x in quarters],
        "title": exports.followup_title(f.scope_code, f.quarter, lang),
        "cst": _cst,
        "lang": lang,
    }
    return render(request, "case_followup.html", context, viewer=viewer)


def _followup_file(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    quarter: str | None,
    lang: str | None,
    fmt: str,
) -> Response:
    """The follow-up list of ``quarter`` as an Excel workbook or a Word document (``fmt``)."""
    lang = lang or get_lang(request)
    f = reporting.quarter_followup(session, viewer.scope, _quarter(quarter))
    write, media_type = {
        "xlsx": (exports.followup_xlsx, exports.XLSX_TYPE),
        "docx": (exports.followup_docx, exports.DOCX_TYPE),
    }[fmt]
    data = write(f.scope_code, f.quarter, f.cut_off, f.items, lang)
    name = f"{exports.followup_title(f.scope_code, f.quarter, lang)}.{fmt}"
    return _attachment(data, media_type, name)


@router.get("/cases/followup.xlsx")
def followup_xlsx(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    quarter: str | None = _QUARTER,
    lang: str | None = _LANG,
) -> Response:
    """The follow-up list as an Excel workbook."""
    return _followup_file(request, viewer, session, quarter, lang, "xlsx")


@router.get("/cases/followup.docx")
def followup_docx(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    quarter: str | None = _QUARTER,
    lang: str | None = _LANG,
) -> Response:
    """The follow-up list as a Word document."""
    return _followup_file(request, viewer, session, quarter, lang, "docx")
