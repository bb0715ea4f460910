"""The case reports as files: the monthly dispatch notice (月调度通报) and the quarterly
follow-up list (季现场盯办) as Excel workbooks (openpyxl) and Word documents (python-docx), in
Chinese (the bureau's) or English. Pure: a report in, bytes out.

Each file has a title row, the cut-off and the definitions, then the tables with their headers;
the Excel sheets have widths set, the header frozen and the rate as a percentage; the Word
document is A4 landscape with the East Asian font set, so it prints as it shows.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qingshan.cases.followup import FollowupItem
from qingshan.cases.notice import Figures, Notice, NoticeRow, region_lines
from qingshan.geo.regions import get_region
from qingshan.timeutil import as_cst
from qingshan.web.i18n import translate

__all__ = [
    "FIGURE_COLUMNS",
    "notice_xlsx",
    "notice_docx",
    "followup_xlsx",
    "followup_docx",
    "notice_title",
    "followup_title",
    "region_name",
]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: the notice's figure columns, in order: (label key, value of a line)
FIGURE_COLUMNS: tuple[tuple[str, Callable[[Figures], Any]], ...] = (
    ("notice.col.new", lambda f: f.new),
    ("notice.col.closed", lambda f: f.closed),
    ("notice.col.due", lambda f: f.due),
    ("notice.col.closed_due", lambda f: f.closed_due),
    ("notice.col.rate", lambda f: f.closure_rate),
    ("notice.col.open", lambda f: f.open),
    ("notice.col.overdue", lambda f: f.overdue),
    ("notice.col.relapses", lambda f: f.relapses),
    ("notice.col.notice", lambda f: f.notice),
    ("notice.col.supervise", lambda f: f.supervise),
    ("notice.col.summon", lambda f: f.summon),
    ("notice.col.accountability", lambda f: f.accountability),
)
_OVERDUE_COLUMNS = ("notice.col.seq", "case.number", "case.col.title", "case.col.region",
                    "case.unit", "case.enterprise", "case.col.category", "case.col.due",
                    "notice.col.days_overdue", "case.escalation", "case.col.state")  # fmt: skip
_FOLLOWUP_COLUMNS = ("notice.col.seq", "case.number", "case.col.title", "case.col.region",
                     "case.unit", "case.enterprise", "case.col.state", "case.col.due",
                     "notice.col.days_overdue", "case.escalation", "case.relapses",
                     "followup.col.reasons")  # fmt: skip


def _t(lang: str) -> Callable[[str], str]:
    return lambda key: translate(key, lang)


def _cst(t: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if t is None else as_cst(t).strftime(fmt)


def region_name(code: str, lang: str) -> str:
    """The region's name in ``lang`` (the Chinese one, or the English)."""
    r = get_region(code)
    return r.name if lang == "zh" else r.name_en


def notice_title(notice: Notice, lang: str) -> str:
    """ "浙江省生态环境问题整改月调度通报（2026年2月）" and its English."""
    y, m = notice.month.split("-")
    return translate("notice.doc_title", lang).format(
        region=region_name(notice.scope_code, lang), year=int(y), month=int(m)
    )


def followup_title(scope_code: str, quarter: str, lang: str) -> str:
    y, q = quarter.split("Q")
    return translate("followup.doc_title", lang).format(
        region=region_name(scope_code, lang), year=int(y), quarter=int(q)
    )


def _line_name(r: NoticeRow, lang: str) -> str:
    name = r.name if lang == "zh" else r.name_en
    return translate("notice.own_level", lang).format(name=name) if r.own else name


def _notice_subtitle(notice: Notice, lang: str) -> str:
    t = _t(lang)
    return t("notice.cutoff").format(as_of=_cst(notice.as_of), generated=_cst(notice.generated_at))


def _overdue_rows(notice: Notice, lang: str) -> list[list[Any]]:
    t = _t(lang)
    return [
        [i, o.number, o.title, o.region if lang == "zh" else o.region_en, o.unit, o.enterprise,
         t(f"case.category.{o.category}"), _cst(o.due_at, "%Y-%m-%d"), o.days_overdue,
         t(f"case.level.{o.level}"), t(f"case.state.{o.state}")]
        for i, o in enumerate(notice.overdue, 1)
    ]  # fmt: skip


def _followup_rows(items: Sequence[FollowupItem], lang: str) -> list[list[Any]]:
    t = _t(lang)
    return [
        [i, x.number, x.title, x.region if lang == "zh" else x.region_en, x.unit, x.enterprise,
         t(f"case.state.{x.state}"), _cst(x.due_at, "%Y-%m-%d"),
         "" if x.days_overdue is None else x.days_overdue, t(f"case.level.{x.level}"),
         x.relapses, t("punct.list_sep").join(t(f"followup.reason.{r}") for r in x.reasons)]
        for i, x in enumerate(items, 1)
    ]  # fmt: skip


# -- Excel --------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="9AA5A0")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E3EDE8")


def _sheet(ws: Worksheet, title: str, subtitle: str, headers: Sequence[str],
           rows: Sequence[Sequence[Any]], widths: Sequence[float], *,
           percent: Sequence[int] = (), bold_last: bool = False) -> None:  # fmt: skip
    n = len(headers)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.append([subtitle])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = 48
    ws.append(list(headers))
    for c in range(1, n + 1):
        cell = ws.cell(row=3, column=c)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append(list(row))
    for r in range(4, 4 + len(rows)):
        for c in range(1, n + 1):
            cell = ws.cell(row=r, column=c)
            cell.border = _BORDER
            if c - 1 in percent:
                cell.number_format = "0.0%"
            if bold_last and r == 3 + len(rows):
                cell.font = Font(bold=True)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _figure_rows(lines: Sequence[NoticeRow], lang: str) -> list[list[Any]]:
    return [[_line_name(r, lang), *(v(r.figures) for _, v in FIGURE_COLUMNS)] for r in lines]


def _xlsx_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def notice_xlsx(notice: Notice, lang: str = "zh") -> bytes:
    """The notice as an Excel workbook: the regions' sheet (with the total), the counties'
    annex (the province's notice) and the overdue list."""
    t = _t(lang)
    main, annex = region_lines(notice)
    headers = [t("case.col.region"), *(t(k) for k, _ in FIGURE_COLUMNS)]
    widths = [18, *([9] * len(FIGURE_COLUMNS))]
    rate = [1 + [k for k, _ in FIGURE_COLUMNS].index("notice.col.rate")]
    wb = Workbook()
    ws = wb.active
    ws.title = t("notice.sheet.regions")
    total = [[t("case.total"), *(v(notice.total) for _, v in FIGURE_COLUMNS)]]
    _sheet(ws, notice_title(notice, lang), _notice_subtitle(notice, lang) + "\n" + t("notice.definitions"),
           headers, _figure_rows(main, lang) + total, widths, percent=rate, bold_last=True)  # fmt: skip
    if annex:
        rows = [[region_name(r.parent, lang) if r.parent and not r.own else "", *row]
                for r, row in zip(annex, _figure_rows(annex, lang), strict=True)]  # fmt: skip
        _sheet(wb.create_sheet(t("notice.sheet.annex")), t("notice.annex"),
               _notice_subtitle(notice, lang), [t("notice.col.city"), *headers], rows,
               [10, *widths], percent=[r + 1 for r in rate])  # fmt: skip
    _sheet(wb.create_sheet(t("notice.sheet.overdue")), t("notice.overdue_list"),
           _notice_subtitle(notice, lang), [t(k) for k in _OVERDUE_COLUMNS],
           _overdue_rows(notice, lang), [6, 22, 36, 12, 22, 24, 14, 12, 9, 9, 10])  # fmt: skip
    return _xlsx_bytes(wb)


def followup_xlsx(scope_code: str, quarter: str, cut_off: datetime,
                  items: Sequence[FollowupItem], lang: str = "zh") -> bytes:  # fmt: skip
    """The quarter's follow-up list as an Excel workbook."""
    t = _t(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = t("followup.sheet")
    _sheet(ws, followup_title(scope_code, quarter, lang),
           t("followup.cutoff").format(as_of=_cst(cut_off)) + "\n" + t("followup.rule"),
           [t(k) for k in _FOLLOWUP_COLUMNS], _followup_rows(items, lang),
           [6, 22, 36, 12, 22, 24, 10, 12, 9, 9, 9, 28])  # fmt: skip
    return _xlsx_bytes(wb)


# -- Word ---------------------------------------------------------------------------------------


def _document(lang: str):
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    section.top_margin = section.bottom_margin = Cm(1.6)
    style = doc.styles["Normal"]
    style.font.name = "SimSun" if lang == "zh" else "Calibri"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    return doc


def _heading(doc, text: str, size: int = 18) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(size)
    run.font.name = "SimHei"
    run.element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")


def _table(doc, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
           bold_last: bool = False) -> None:  # fmt: skip
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _text(value)
            if bold_last and i == len(rows) - 1:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    _repeat_header(table)


def _repeat_header(table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    tr_pr.append(el)


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{100 * value:.1f}%"
    return str(value)


def _docx_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def notice_docx(notice: Notice, lang: str = "zh") -> bytes:
    """The notice as a Word document: title, the month in one paragraph, the regions' table,
    the counties' annex (the province's notice) and the overdue list."""
    t = _t(lang)
    f = notice.total
    main, annex = region_lines(notice)
    doc = _document(lang)
    _heading(doc, notice_title(notice, lang))
    doc.add_paragraph(_notice_subtitle(notice, lang))
    rate = "—" if f.closure_rate is None else f"{100 * f.closure_rate:.1f}%"
    doc.add_paragraph(
        t("notice.summary").format(
            region=region_name(notice.scope_code, lang), new=f.new, closed=f.closed,
            due=f.due, closed_due=f.closed_due, rate=rate, open=f.open, overdue=f.overdue,
            relapses=f.relapses, notice=f.notice, supervise=f.supervise, summon=f.summon,
            accountability=f.accountability,
        )
    )  # fmt: skip
    headers = [t("case.col.region"), *(t(k) for k, _ in FIGURE_COLUMNS)]
    total = [[t("case.total"), *(v(f) for _, v in FIGURE_COLUMNS)]]
    doc.add_heading(t("notice.by_region"), level=2)
    _table(doc, headers, _figure_rows(main, lang) + total, bold_last=True)
    if annex:
        doc.add_heading(t("notice.annex"), level=2)
        rows = [[region_name(r.parent, lang) if r.parent and not r.own else "", *row]
                for r, row in zip(annex, _figure_rows(annex, lang), strict=True)]  # fmt: skip
        _table(doc, [t("notice.col.city"), *headers], rows)
    doc.add_heading(t("notice.overdue_list"), level=2)
    if notice.overdue:
        _table(doc, [t(k) for k in _OVERDUE_COLUMNS], _overdue_rows(notice, lang))
    else:
        doc.add_paragraph(t("notice.no_overdue"))
    doc.add_paragraph(t("notice.definitions"))
    return _docx_bytes(doc)


def followup_docx(scope_code: str, quarter: str, cut_off: datetime,
                  items: Sequence[FollowupItem], lang: str = "zh") -> bytes:  # fmt: skip
    """The quarter's follow-up list as a Word document."""
    t = _t(lang)
    doc = _document(lang)
    _heading(doc, followup_title(scope_code, quarter, lang))
    doc.add_paragraph(t("followup.cutoff").format(as_of=_cst(cut_off)))
    doc.add_paragraph(t("followup.rule"))
    if items:
        _table(doc, [t(k) for k in _FOLLOWUP_COLUMNS], _followup_rows(items, lang))
    else:
        doc.add_paragraph(t("followup.none"))
    return _docx_bytes(doc)
