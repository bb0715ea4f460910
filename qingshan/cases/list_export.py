"""The case list as a file (导出): the cases of the viewer's scope matching the list's filters,
in the list's order, as Excel (openpyxl) or CSV (UTF-8 with a byte-order mark, so that Excel
opens the Chinese text as such) — at most :data:`MAX_EXPORT_ROWS` cases; a larger list is
refused with the number it has, to be narrowed by the filters.

Text from outside (a complaint's place, an officer's title) is written as text, never as a
formula: a CSV cell starting with ``= + - @`` gets a leading apostrophe (the OWASP advice
against CSV injection); an Excel cell is typed as a string.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_names
from qingshan.cases.errors import CaseError
from qingshan.cases.exports import region_name
from qingshan.cases.models import CaseRecord, ResponsibleUnit
from qingshan.cases.queries import CaseFilter, _clauses, count_by_state
from qingshan.cases.workflow import ACTIVE_STATES
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.i18n import translate

__all__ = [
    "MAX_EXPORT_ROWS",
    "ExportTooLarge",
    "CaseExport",
    "export_cases",
    "cases_csv",
    "cases_xlsx",
    "export_filename",
    "export_response",
    "MEDIA_TYPES",
    "COLUMNS",
]

#: the most cases one export holds (a year of a province's complaints is about 1,000; all its
#: cases of every source some 10,000s: narrow by state, region, category, source or search)
MAX_EXPORT_ROWS = 20_000


class ExportTooLarge(CaseError):
    """The filtered list holds more cases than an export may."""

    status_code = 422

    def __init__(self, total: int, limit: int) -> None:
        super().__init__(
            f"the list has {total:,} cases, more than the {limit:,} an export holds: narrow it "
            "by state, region, category, source, search or overdue",
            total=total,
            limit=limit,
        )


@dataclass(frozen=True)
class CaseExport:
    """The cases of an export, with what their rows name besides the case."""

    scope_code: str
    as_of: datetime
    filters: CaseFilter
    cases: list[CaseRecord]
    units: dict[int, str]
    enterprises: dict[int, str]


def export_cases(
    session: Session,
    scope: Scope,
    f: CaseFilter = CaseFilter(),
    *,
    max_rows: int | None = None,
    now: datetime | None = None,
) -> CaseExport:
    """The cases in ``scope`` matching ``f``, newest first (the list's order and filters).

    Raises
    ------
    ExportTooLarge
        More than ``max_rows`` (default :data:`MAX_EXPORT_ROWS`) cases match (counted first,
        nothing else read).
    """
    max_rows = MAX_EXPORT_ROWS if max_rows is None else max_rows
    now = now or utcnow()
    counts = count_by_state(session, scope, f, now=now)
    total = counts[f.state.value] if f.state is not None else sum(counts.values())
    if total > max_rows:
        raise ExportTooLarge(total, max_rows)
    cases = list(
        session.scalars(
            select(CaseRecord)
            .where(*_clauses(scope, f, now=now))
            .order_by(CaseRecord.registered_at.desc(), CaseRecord.id.desc())
            .limit(max_rows)
        )
    )
    unit_ids = sorted({c.unit_id for c in cases if c.unit_id is not None})
    units = (
        dict(
            session.execute(
                select(ResponsibleUnit.id, ResponsibleUnit.name).where(
                    ResponsibleUnit.id.in_(unit_ids)
                )
            ).all()
        )
        if unit_ids
        else {}
    )
    ents = enterprise_names(session, [c.enterprise_id for c in cases if c.enterprise_id])
    return CaseExport(scope.region_code, now, f, cases, units, ents)


def _cst(t: datetime | None) -> str:
    return "" if t is None else as_cst(t).strftime("%Y-%m-%d %H:%M")


def _days_overdue(c: CaseRecord, now: datetime) -> int | None:
    if c.state not in ACTIVE_STATES or c.due_at is None or c.due_at >= now:
        return None
    return (now - c.due_at) // timedelta(days=1)


Cell = Callable[[CaseRecord, CaseExport, str], Any]
_t = translate

#: (header label, value of a case in a language) in the file's column order
COLUMNS: tuple[tuple[str, Cell], ...] = (
    ("case.number", lambda c, x, lang: c.number or str(c.id)),
    ("case.col.title", lambda c, x, lang: c.title),
    ("case.col.category", lambda c, x, lang: _t(f"case.category.{c.category}", lang)),
    ("case.severity", lambda c, x, lang: _t(f"case.severity.{c.severity}", lang)),
    ("case.col.source", lambda c, x, lang: _t(f"case.source.{c.source}", lang)),
    ("case.col.region", lambda c, x, lang: region_name(c.region_code, lang)),
    ("case.col.state", lambda c, x, lang: _t(f"case.state.{c.state.value}", lang)),
    ("case.unit", lambda c, x, lang: x.units.get(c.unit_id, "") if c.unit_id else ""),
    (
        "case.enterprise",
        lambda c, x, lang: x.enterprises.get(c.enterprise_id, "") if c.enterprise_id else "",
    ),  # fmt: skip
    ("case.place", lambda c, x, lang: c.place),
    ("case.col.registered", lambda c, x, lang: _cst(c.registered_at)),
    ("case.assigned", lambda c, x, lang: _cst(c.assigned_at)),
    ("case.col.due", lambda c, x, lang: _cst(c.due_at)),
    ("notice.col.days_overdue", lambda c, x, lang: _days_overdue(c, x.as_of)),
    (
        "case.escalation",
        lambda c, x, lang: (
            _t(f"case.level.{c.escalation_level}", lang) if c.escalation_level else ""
        ),
    ),  # fmt: skip
    ("case.relapses", lambda c, x, lang: c.relapse_count or ""),
    ("case.closed", lambda c, x, lang: _cst(c.closed_at)),
    ("complaint.longitude", lambda c, x, lang: c.longitude),
    ("complaint.latitude", lambda c, x, lang: c.latitude),
)
_WIDTHS = (22, 44, 12, 8, 14, 12, 10, 24, 26, 24, 17, 17, 17, 8, 8, 6, 17, 11, 10)


def _rows(x: CaseExport, lang: str) -> tuple[list[str], list[list[Any]]]:
    headers = [_t(k, lang) for k, _ in COLUMNS]
    return headers, [[v(c, x, lang) for _, v in COLUMNS] for c in x.cases]


def _defused(value: Any) -> Any:
    """A CSV cell that a spreadsheet would run as a formula, made text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def cases_csv(x: CaseExport, lang: str = "zh") -> bytes:
    """The export as CSV: a header row, one row per case (UTF-8 with a BOM, CRLF lines)."""
    headers, rows = _rows(x, lang)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headers)
    w.writerows([[_defused(v) for v in row] for row in rows])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _label(key: str, lang: str, value: str) -> str:
    """The label ``key`` in ``lang``, or ``value`` itself when there is none (a filter may name
    a category or source no case has)."""
    try:
        return translate(key, lang)
    except KeyError:
        return value


def _title(x: CaseExport, lang: str) -> str:
    return translate("case.title", lang).format(region=region_name(x.scope_code, lang))


def _subtitle(x: CaseExport, lang: str) -> str:
    f = x.filters
    parts: list[str] = []
    pairs: Sequence[tuple[str, str | None]] = (
        ("case.col.state", f.state and translate(f"case.state.{f.state.value}", lang)),
        (
            "case.col.category",
            f.category and _label(f"case.category.{f.category}", lang, f.category),
        ),  # fmt: skip
        ("case.col.source", f.source and _label(f"case.source.{f.source}", lang, f.source)),
        ("case.col.region", f.region_code and region_name(f.region_code, lang)),
        ("case.search", f.q),
    )
    for key, value in pairs:
        if value:
            parts.append(f"{translate(key, lang)}: {value}")
    if f.overdue:
        parts.append(translate("case.only_overdue", lang))
    return translate("export.subtitle", lang).format(
        at=_cst(x.as_of), n=len(x.cases), filters="; ".join(parts) or translate("export.all", lang)
    )


def _xlsx_text(value: Any) -> Any:
    """A cell's text without the control characters a worksheet cannot hold (a search or a
    complaint's text may carry them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def cases_xlsx(x: CaseExport, lang: str = "zh") -> bytes:
    """The export as an Excel workbook: title, cut-off and filters, the header (frozen, with
    an auto-filter), one row per case."""
    headers, rows = _rows(x, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = translate("export.sheet", lang)
    ws.append([_title(x, lang)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_xlsx_text(_subtitle(x, lang))])
    ws.append(headers)
    for c in range(1, len(headers) + 1):
        cell = ws.cell(row=3, column=c)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E3EDE8")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append([_xlsx_text(v) for v in row])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # text that starts with "=": text, not a formula
                cell.data_type = "s"
    for i, w in enumerate(_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "C4"
    ws.auto_filter.ref = f"A3:{get_column_letter(len(headers))}{3 + len(rows)}"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_filename(x: CaseExport, ext: str) -> str:
    """``cases_<region>_<CST yyyymmdd-HHMM>.<ext>``."""
    return f"cases_{x.scope_code}_{as_cst(x.as_of):%Y%m%d-%H%M}.{ext}"


#: the export's media types by file extension
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def export_response(x: CaseExport, ext: str, lang: str = "zh") -> Response:
    """The export as a download (``ext`` ``xlsx`` or ``csv``), not cached."""
    data = cases_xlsx(x, lang) if ext == "xlsx" else cases_csv(x, lang)
    name = export_filename(x, ext)
    return Response(
        data,
        media_type=MEDIA_TYPES[ext],
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )
