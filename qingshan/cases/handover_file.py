"""The central inspection hand-over list (督察交办件清单) as a file: an Excel workbook (.xlsx) or
a CSV file (UTF-8 or GBK), one row per item handed over (the layout: :mod:`.handover_layout`).
Pure: bytes in, rows or every problem out (row number as the sheet shows it, column letter and
header, what is wrong).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from qingshan.cases.errors import BadCaseInput, CaseError
from qingshan.cases.handover_layout import (
    CATEGORY_WORDS,
    COLUMNS,
    HEADER_ROWS,
    REQUIRED,
    SEVERITY_WORDS,
    column_letter,
    header_name,
)
from qingshan.cases.locate import check_region_code, region_for_point
from qingshan.errors import UnreadableText, decode_table_text
from qingshan.geo.regions import REGIONS, RegionLevel
from qingshan.tablefile import TableFileError, is_blank, parse_date, read_workbook
from qingshan.timeutil import CST

__all__ = [
    "RowProblem",
    "HandoverRejected",
    "HandoverRow",
    "Table",
    "read_table",
    "parse_handover",
]


@dataclass(frozen=True)
class RowProblem:
    """What is wrong in one cell (``row`` 0 and ``column`` "" for the file as a whole)."""

    row: int  # as the sheet numbers it (1-based, the header row counted)
    column: str  # the column letter (A, B, …)
    header: str
    message: str

    def __str__(self) -> str:
        where = "file" if self.row == 0 else f"row {self.row}"
        if self.column:
            where += f", column {self.column} ({self.header})"
        return f"{where}: {self.message}"


class HandoverRejected(CaseError):
    """The list is refused whole: every problem found, none of its rows imported."""

    status_code = 422

    def __init__(self, problems: list[RowProblem], *, shown: int = 5) -> None:
        rows = len({p.row for p in problems})
        head = "; ".join(str(p) for p in problems[:shown])
        more = f"; … and {len(problems) - shown} more" if len(problems) > shown else ""
        super().__init__(
            f"the hand-over list is refused, nothing was imported: {len(problems)} problem(s) "
            f"in {rows} row(s): {head}{more}",
            problems=len(problems),
        )
        self.problems = problems


@dataclass(frozen=True)
class HandoverRow:
    row: int
    seq: int
    number: str
    region_code: str
    category: str
    description: str
    unit: str
    deadline: datetime  # the end of the deadline's day, CST, as UTC
    handed_over: date | None
    enterprise: str
    place: str
    longitude: float | None
    latitude: float | None
    severity: str
    batch: str


@dataclass(frozen=True)
class Table:
    header_row: int
    headers: list[str]  # as given, one per column
    rows: list[tuple[int, list[Any]]]  # (row number, cells)

    def letters(self) -> dict[str, str]:
        """Header of :data:`COLUMNS` → the letter of its (first) column."""
        out: dict[str, str] = {}
        for i, name in enumerate(self.headers):
            h = header_name(name)
            if h in COLUMNS:
                out.setdefault(h, column_letter(i))
        return out


def _file_problem(message: str) -> HandoverRejected:
    return HandoverRejected([RowProblem(0, "", "", message)])


def _xlsx_rows(data: bytes, max_bytes: int) -> list[list[Any]]:
    """The rows of the workbook's first sheet (the hand-over list is one sheet)."""
    try:
        sheets = read_workbook(data, max_bytes=max_bytes)
    except TableFileError as exc:
        raise _file_problem(str(exc)) from None
    return next(iter(sheets.values()), [])


def read_table(data: bytes, filename: str, *, max_bytes: int) -> Table:
    """The rows of the list's file: a workbook's first sheet (by the content: .xlsx is a ZIP
    holding ``xl/``) or CSV text; the header row found among the first 10 rows."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_problem("an Excel 97-2003 workbook (.xls): save it as .xlsx or CSV")
    if data.startswith(b"PK\x03\x04"):
        raw = _xlsx_rows(data, max_bytes)
    elif suffix in ("xlsx", "xlsm"):
        raise _file_problem("not an Excel workbook (.xlsx) by its content")
    elif suffix in ("csv", "txt", ""):
        try:
            text = decode_table_text(data)
        except UnreadableText as exc:
            raise _file_problem(str(exc)) from None
        raw = [list(r) for r in csv.reader(io.StringIO(text))]
    else:
        raise _file_problem(f"a .{suffix} file: the list is read from .xlsx or .csv files")
    for i, cells in enumerate(raw[:HEADER_ROWS]):
        names = [header_name(c) for c in cells]
        if "交办编号" in names:
            rows = [
                (n + 1, r) for n, r in enumerate(raw) if n > i and any(not is_blank(c) for c in r)
            ]
            return Table(i + 1, [("" if c is None else str(c)).strip() for c in cells], rows)
    raise _file_problem(
        f"no header row: none of the first {HEADER_ROWS} rows has the column 交办编号 "
        f"(the columns are {', '.join(REQUIRED)}, …)"
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _region(value: str) -> str:
    text = value.replace("浙江省", "", 1)
    if re.fullmatch(r"\d{6}", text):
        return check_region_code("所在地区", text).code
    counties = [r for r in REGIONS.values() if r.level is RegionLevel.COUNTY and r.name in text]
    cities = [r for r in REGIONS.values() if r.level is RegionLevel.CITY and r.name in text]
    if len(counties) == 1 and (not cities or counties[0].parent_code == cities[0].code):
        return counties[0].code
    if not counties and len(cities) == 1 and text == cities[0].name:
        return cities[0].code
    raise BadCaseInput(
        "所在地区", f"{value!r} names no county or city of Zhejiang (e.g. 杭州市西湖区 or 330106)"
    )


def _date(value: Any, field: str) -> date:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise BadCaseInput(field, str(exc)) from None


def _number(value: Any, field: str) -> float:
    try:
        return float(_text(value))
    except ValueError:
        raise BadCaseInput(field, f"{_text(value)!r} is not a number") from None


def _check(field: str, value: Any) -> Any:
    text = _text(value)
    if field in ("序号",):
        if not re.fullmatch(r"\d{1,6}", text) or int(text) < 1:
            raise BadCaseInput(field, f"{text!r} is not a positive whole number")
        return int(text)
    if field in REQUIRED and not text:
        raise BadCaseInput(field, "is empty")
    limits = {
        "交办编号": 100,
        "问题描述": 4000,
        "责任单位": 128,
        "涉及企业": 200,
        "具体地址": 200,
        "督察批次": 64,
    }
    if field in limits and len(text) > limits[field]:
        raise BadCaseInput(field, f"at most {limits[field]} characters, got {len(text)}")
    if field == "所在地区":
        return _region(text)
    if field == "污染类型":
        category = CATEGORY_WORDS.get(text, text if text in set(CATEGORY_WORDS.values()) else None)
        if category is None:
            raise BadCaseInput(field, f"{text!r} is not a type; one of {', '.join(CATEGORY_WORDS)}")
        return category
    if field == "严重程度":
        if not text:
            return "general"
        severity = SEVERITY_WORDS.get(text, text if text in set(SEVERITY_WORDS.values()) else None)
        if severity is None:
            raise BadCaseInput(field, f"{text!r}: one of {', '.join(SEVERITY_WORDS)}")
        return severity
    if field in ("办理时限", "交办日期"):
        if field == "交办日期" and not text and not isinstance(value, date):
            return None
        return _date(value, field)
    if field in ("经度", "纬度"):
        return None if not text else _number(value, field)
    return text


def parse_handover(table: Table, *, today: date, max_rows: int) -> list[HandoverRow]:
    """Every row of ``table`` checked; :class:`HandoverRejected` with every problem (missing
    columns, bad cells, repeated 交办编号, a location outside the region, a deadline before the
    hand-over) when there is any."""
    columns: dict[str, int] = {}
    problems: list[RowProblem] = []
    for i, name in enumerate(table.headers):
        header = header_name(name)
        if header in COLUMNS:
            if header in columns:
                problems.append(RowProblem(table.header_row, column_letter(i), header,
                                           f"a second {header} column (the first is {column_letter(columns[header])})"))  # fmt: skip
            columns.setdefault(header, i)
    missing = [h for h in REQUIRED if h not in columns]
    if missing:
        problems.append(RowProblem(table.header_row, "", "", f"missing column(s): {', '.join(missing)} "
                                   f"(the header row has: {', '.join(h for h in table.headers if h)})"))  # fmt: skip
    if problems:
        raise HandoverRejected(problems)
    if not table.rows:
        raise _file_problem("the list has no rows under its header")
    if len(table.rows) > max_rows:
        raise _file_problem(
            f"{len(table.rows)} rows, more than {max_rows} (setting QINGSHAN_MAX_ITEMS_PER_REQUEST)"
        )
    out: list[HandoverRow] = []
    seen: dict[str, int] = {}
    for n, cells in table.rows:
        got: dict[str, Any] = {}
        bad = False
        for header, i in columns.items():
            value = cells[i] if i < len(cells) else None
            try:
                got[header] = _check(header, value)
            except BadCaseInput as exc:
                problems.append(
                    RowProblem(n, column_letter(i), header, exc.message.split(": ", 1)[-1])
                )
                bad = True
        number = got.get("交办编号")
        if number is not None and number in seen:
            problems.append(RowProblem(n, column_letter(columns["交办编号"]), "交办编号",
                                       f"{number!r} is also in row {seen[number]}"))  # fmt: skip
            continue
        if number is not None:
            seen[number] = n
        if bad:
            continue
        handed = got.get("交办日期")
        if handed is not None and handed > today:
            problems.append(
                RowProblem(
                    n, column_letter(columns["交办日期"]), "交办日期", f"{handed} is in the future"
                )
            )
            continue
        if handed is not None and got["办理时限"] < handed:
            problems.append(RowProblem(n, column_letter(columns["办理时限"]), "办理时限",
                                       f"{got['办理时限']} is before the hand-over date {handed}"))  # fmt: skip
            continue
        lon, lat = got.get("经度"), got.get("纬度")
        try:
            region = region_for_point(lon, lat, got["所在地区"], field="经度")
        except BadCaseInput as exc:
            col = "经度" if "经度" in columns else "所在地区"
            problems.append(
                RowProblem(n, column_letter(columns[col]), col, exc.message.split(": ", 1)[-1])
            )
            continue
        out.append(
            HandoverRow(
                row=n,
                seq=got["序号"],
                number=str(number),
                region_code=region,
                category=got["污染类型"],
                description=got["问题描述"],
                unit=got["责任单位"],
                deadline=datetime.combine(got["办理时限"], time(23, 59, 59), tzinfo=CST),
                handed_over=handed,
                enterprise=got.get("涉及企业") or "",
                place=got.get("具体地址") or "",
                longitude=lon,
                latitude=lat,
                severity=got.get("严重程度") or "general",
                batch=got.get("督察批次") or "",
            )  # fmt: skip
        )
    if problems:
        raise HandoverRejected(problems)
    return out
