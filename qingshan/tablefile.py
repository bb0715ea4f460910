"""Table files as bureaus keep them: Excel workbooks (.xlsx) and CSV text (UTF-8 or GBK), read
into rows of cells with every problem named by sheet, row and column, and written back.

Shell code (no domain): a domain's importer reads a file with :func:`read_workbook` /
:func:`read_csv_rows`, finds its header row with :func:`find_header`, reports what is wrong as
:class:`RowProblem` values (row as the sheet numbers it, column letter and header, reason) and
raises its own error carrying them. The reading is bounded: a workbook that expands past
``max_bytes`` is refused before it is parsed (a ZIP bomb), and so is an .xls or a file that is
neither.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from qingshan.errors import BadInput, UnreadableText, decode_table_text

__all__ = [
    "XLSX_MEDIA_TYPE",
    "RowProblem",
    "TableFileError",
    "column_letter",
    "cell_text",
    "is_blank",
    "parse_date",
    "parse_number",
    "header_key",
    "find_header",
    "MappedTable",
    "map_table",
    "looks_like_xlsx",
    "read_workbook",
    "read_csv_rows",
    "read_table",
    "write_workbook",
    "write_csv",
    "formula_safe",
    "attachment_header",
    "describe_problems",
    "RowsRefused",
]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass(frozen=True)
class RowProblem:
    """What is wrong in one cell. ``row`` 0 and ``column`` "" for the sheet (or file) as a
    whole; ``sheet`` "" for a file of one table."""

    sheet: str
    row: int  # as the sheet numbers it (1-based, the header row counted)
    column: str  # the column letter (A, B, …)
    header: str
    message: str

    def __str__(self) -> str:
        where = self.sheet + " " if self.sheet else ""
        where += (
            "file" if self.row == 0 and not self.sheet else f"row {self.row}" if self.row else ""
        )
        if self.column:
            where += f", column {self.column} ({self.header})"
        return f"{where.strip() or 'file'}: {self.message}"


class TableFileError(UnreadableText):
    """A file that is not a readable table (damaged, an .xls, too large when expanded)."""


def describe_problems(problems: Sequence[RowProblem], *, shown: int = 5) -> str:
    """``n problem(s) in m row(s): the first few; … and k more`` — one line for a message."""
    rows = len({(p.sheet, p.row) for p in problems})
    head = "; ".join(str(p) for p in problems[:shown])
    more = f"; … and {len(problems) - shown} more" if len(problems) > shown else ""
    return f"{len(problems)} problem(s) in {rows} row(s): {head}{more}"


class RowsRefused(BadInput):
    """A table (or a form) refused as a whole because of its bad rows, nothing stored:
    ``<kind>: nothing stored, <n> problem(s) in <m> row(s): …`` (:func:`describe_problems`);
    ``problems`` the rows' problems as text (``row <n>, column <X> (<header>): <what>``),
    ``rows`` the rows named. A domain subclasses it with its own error class."""

    def __init__(self, kind: str, problems: Sequence[RowProblem]) -> None:
        super().__init__(
            f"{kind}: nothing stored, {describe_problems(problems)}",
            field="file",
            problems=[str(p) for p in problems],
        )
        self.problems = [str(p) for p in problems]
        self.rows = sorted({p.row for p in problems})


def column_letter(index: int) -> str:
    """The sheet's letter of a 0-based column index (0 → A, 26 → AA)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as one line of text: None → "", 12.0 → "12", inner blanks collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    return " ".join(str(value).split())


def parse_date(value: Any) -> date:
    """A date cell: a date, or text 2026-04-30, 2026/4/30, 2026年4月30日, 20260430;
    ValueError saying what is accepted."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    m = _DATE_TEXT.match(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    try:
        if m is None:
            raise ValueError
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date (2026-04-30, 2026/4/30 or 2026年4月30日)"
        ) from None


def parse_number(value: Any) -> float:
    """A number cell (int, float or text, thousands separators allowed); ValueError naming it."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    text = cell_text(value).replace(",", "").replace("，", "")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{text!r} is not a finite number")
    return number


def header_key(value: Any, aliases: Mapping[str, str] = {}) -> str:  # noqa: B006 (read only)
    """A header cell as the layout's header: blanks and a bracketed note removed
    (``浓度限值（mg/m³）`` → ``浓度限值``), an alias resolved (case-insensitive for Latin ones)."""
    text = re.sub(r"\s+", "", "" if value is None else str(value))
    text = re.sub(r"[（(].*?[)）]", "", text).lstrip("*")
    return aliases.get(text, aliases.get(text.lower(), text))


def find_header(
    rows: Sequence[Sequence[Any]],
    anchor: str,
    aliases: Mapping[str, str] = {},  # noqa: B006 (read only)
    *,
    within: int = 10,
) -> int | None:
    """The 0-based index of the first of the first ``within`` rows holding the header
    ``anchor`` (a title row above the header is fine), else None."""
    for i, cells in enumerate(rows[:within]):
        if anchor in (header_key(c, aliases) for c in cells):
            return i
    return None


@dataclass(frozen=True)
class MappedTable:
    """A table's body under its header row, its columns mapped to the layout's English keys
    (see :func:`map_table`)."""

    header_row: int  # 0-based index of the header row in the rows read
    where: Mapping[str, int]  # key → 0-based column index (the columns the file has)
    body: Sequence[Sequence[Any]]  # the rows under the header, blank ones included

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each non-blank row as (its row number as the sheet numbers it, {key: cell}); a
        short row's missing cells are None."""
        for n, cells in enumerate(self.body, start=self.header_row + 2):
            if all(is_blank(c) for c in cells):
                continue
            yield n, {k: (cells[i] if i < len(cells) else None) for k, i in self.where.items()}


def map_table(
    rows: Sequence[Sequence[Any]],
    columns: Mapping[str, str],
    *,
    max_rows: int,
    required: Iterable[str] | None = None,
    aliases: Mapping[str, str] = {},  # noqa: B006 (read only)
    no_header_hint: str = "",
) -> MappedTable:
    """The header-mapped body of a table whose layout is ``columns`` (header → English key, in
    template order; its first header is the anchor looked for in the first 10 rows). A header
    cell may also be the English key or one of ``aliases`` (→ header). :class:`TableFileError`
    naming what is wrong: no header row (``no_header_hint`` appended, e.g. ``": download the
    template"``), a column of ``required`` (keys; default every column) missing, or more than
    ``max_rows`` rows under the header."""
    names = {v: k for k, v in columns.items()} | dict(aliases)
    anchor = next(iter(columns))
    at = find_header(rows, anchor, names)
    if at is None:
        raise TableFileError(
            f"no header row with {anchor} ({columns[anchor]}) in the first 10 rows{no_header_hint}"
        )
    header = [header_key(c, names) for c in rows[at]]
    needed = set(columns.values()) if required is None else set(required)
    missing = [f"{h} ({k})" for h, k in columns.items() if k in needed and h not in header]
    if missing:
        raise TableFileError(f"required column(s) missing: {', '.join(missing)}")
    body = rows[at + 1 :]
    if len(body) > max_rows:
        raise TableFileError(f"{len(body)} rows: at most {max_rows} in one file")
    where = {columns[h]: i for i, h in enumerate(header) if h in columns}
    return MappedTable(at, where, body)


def looks_like_xlsx(data: bytes) -> bool:
    """An .xlsx by its content (a ZIP holding ``xl/``), not its name."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return any(n.startswith("xl/") for n in z.namelist())
    except zipfile.BadZipFile:
        return False


def read_workbook(data: bytes, *, max_bytes: int) -> dict[str, list[list[Any]]]:
    """Every sheet of an .xlsx workbook: name → rows of cell values (formulas as their cached
    values). :class:`TableFileError` for an .xls, a damaged workbook, or one expanding past
    ``max_bytes`` (the setting ``QINGSHAN_MAX_FILE_BYTES``)."""
    from openpyxl import load_workbook

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableFileError("an Excel 97-2003 workbook (.xls): save it as .xlsx or CSV")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            expanded = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise TableFileError("not an Excel workbook (.xlsx): the file is damaged") from None
    if expanded > max_bytes:
        raise TableFileError(
            f"the workbook expands to {expanded} bytes, more than the limit of {max_bytes} "
            "(setting QINGSHAN_MAX_FILE_BYTES)"
        )
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise TableFileError(f"not a readable Excel workbook (.xlsx): {exc}") from exc
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


def read_csv_rows(data: bytes) -> list[list[str]]:
    """The rows of CSV text in UTF-8 (with or without BOM) or GBK / GB 18030, with ``,`` or
    ``;`` or a tab between cells (sniffed from the first line)."""
    try:
        text = decode_table_text(data)
    except UnreadableText as exc:
        raise TableFileError(str(exc)) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise TableFileError(f"cannot read as CSV: {exc}") from exc


def read_table(data: bytes, *, max_bytes: int) -> tuple[str, list[list[Any]]]:
    """One table from a file, told by its content: the first sheet of an .xlsx (its name and
    rows; :class:`TableFileError` for a workbook without a sheet), else the rows of CSV text
    (:func:`read_csv_rows`) with the sheet name ``""``."""
    if looks_like_xlsx(data):
        sheets = read_workbook(data, max_bytes=max_bytes)
        if not sheets:
            raise TableFileError("the workbook has no sheet")
        return next(iter(sheets.items()))
    return "", [list(r) for r in read_csv_rows(data)]


def write_workbook(
    sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]],
    *,
    widths: Mapping[str, int] = {},  # noqa: B006 (read only)
    notes: Mapping[str, str] = {},  # noqa: B006 (read only)
) -> bytes:
    """An .xlsx of ``sheets`` (name → (headers, rows)); headers bold and frozen, columns as
    wide as ``widths`` says per header (default 14); ``notes`` a comment per header."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for name, (headers, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(list(headers))
        for i, h in enumerate(headers):
            cell = ws.cell(row=1, column=i + 1)
            cell.font = bold
            if h in notes:
                cell.comment = Comment(notes[h], "Qingshan")
            ws.column_dimensions[column_letter(i)].width = widths.get(h, 14)
        ws.freeze_panes = "A2"
        for r in rows:
            ws.append(list(r))
            for cell in ws[ws.max_row]:
                if cell.data_type == "f":  # text starting with "=" is text, never a formula
                    cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def formula_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet would run as a formula (text starting with ``= + - @``, a
    tab or a carriage return) made text by a leading apostrophe, as the OWASP advice against
    CSV injection says; any other value unchanged (numbers stay numbers: -3 is not text)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def attachment_header(filename: str) -> str:
    """``Content-Disposition`` of a download named ``filename`` (Chinese too): an ASCII
    ``filename`` fallback and the UTF-8 ``filename*`` (RFC 6266 §4.3, RFC 8187)."""
    from urllib.parse import quote

    stem, dot, ext = filename.rpartition(".")
    ascii_stem = (
        re.sub(r"[^A-Za-z0-9._-]+", "_", stem if dot else filename).strip("_-. ") or "export"
    )
    fallback = f"{ascii_stem}.{ext}" if dot else ascii_stem
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def write_csv(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    guard_formulas: bool = False,
) -> bytes:
    """CSV bytes: ``utf-8`` is written with a byte-order mark (so that Excel reads it as
    UTF-8), ``gbk`` as GB 18030 (GBK's superset; characters outside GBK survive);
    ``guard_formulas``: text cells pass through :func:`formula_safe` (headers too)."""
    guard = formula_safe if guard_formulas else (lambda v: v)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([guard(h) for h in headers])
    for r in rows:
        w.writerow(["" if v is None else guard(v) for v in r])
    text = buf.getvalue()
    if encoding.lower().replace("-", "") in ("gbk", "gb18030", "gb2312"):
        return text.encode("gb18030")
    return text.encode("utf-8-sig")
