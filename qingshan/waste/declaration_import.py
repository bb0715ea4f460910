"""Excel import of monthly hazardous-waste declarations (危险废物月度申报导入), and its template.

Layout (the first sheet; a title row above the header is fine): one row per enterprise, month
and code — 统一社会信用代码 (credit_code), 年份 (year), 月份 (month, 1–12), 废物代码 (waste_code,
``900-249-08`` or ``90024908``), 产生量 (generated_t), 自行利用量 (self_utilised_t), 自行处置量
(self_disposed_t), quantities in tonnes; blank 自行利用量 / 自行处置量 read as 0. Headers may be
Chinese or the English keys.

Each row is checked on its own (pure: the caller hands in the credit codes it may import for):
unknown credit code (or one outside the caller's scope), year or month out of range, a negative
or non-numeric quantity. The code and the month against today are checked by the service,
which stores the good rows and reports the bad ones (:func:`qingshan.waste.ledger_service.
import_declarations_excel`); a row is stored whole or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qingshan.tablefile import (
    RowProblem,
    TableFileError,
    cell_text,
    column_letter,
    find_header,
    header_key,
    is_blank,
    parse_number,
    read_workbook,
    write_workbook,
)

__all__ = ["COLUMNS", "MAX_BYTES", "ParsedDeclarations", "parse_declarations", "template"]

#: the largest workbook read (expanded) [bytes]
MAX_BYTES = 20 * 1024 * 1024
#: header → English key, in template order
COLUMNS = {
    "统一社会信用代码": "credit_code",
    "年份": "year",
    "月份": "month",
    "废物代码": "waste_code",
    "产生量": "generated_t",
    "自行利用量": "self_utilised_t",
    "自行处置量": "self_disposed_t",
}
_ALIASES = {v: k for k, v in COLUMNS.items()}
_REQUIRED = ("统一社会信用代码", "年份", "月份", "废物代码", "产生量")


@dataclass
class ParsedDeclarations:
    """The good rows (sheet row number, fields for :class:`~qingshan.waste.ledger_service.
    DeclarationIn`) and the problems of the bad ones; ``count``: non-blank rows read."""

    sheet: str = ""
    count: int = 0
    #: header → the sheet's column letter (where the service reports a row's later problems)
    letters: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def parse_declarations(data: bytes, *, credit_codes: Mapping[str, int], today: date,
                       max_bytes: int = MAX_BYTES) -> ParsedDeclarations:  # fmt: skip
    """Read ``data`` (an .xlsx). ``credit_codes``: 统一社会信用代码 (upper case) → enterprise id of
    every enterprise the importing user may declare for. :class:`TableFileError` for a file
    that is not such a workbook (no header row, a required column missing)."""
    sheets = read_workbook(data, max_bytes=max_bytes)
    if not sheets:
        raise TableFileError("the workbook has no sheet")
    name, rows = next(iter(sheets.items()))
    hi = find_header(rows, "统一社会信用代码", _ALIASES)
    if hi is None:
        raise TableFileError(f"sheet {name!r}: no header row with 统一社会信用代码 (credit_code) "
                             "in its first 10 rows: download the template")  # fmt: skip
    header = [header_key(c, _ALIASES) for c in rows[hi]]
    col = {h: i for i, h in enumerate(header) if h}
    missing = [h for h in _REQUIRED if h not in col]
    if missing:
        raise TableFileError(f"sheet {name!r}: no column {', '.join(missing)}")
    out = ParsedDeclarations(sheet=name, letters={h: column_letter(i) for h, i in col.items()})
    for offset, cells in enumerate(rows[hi + 1 :]):
        rownum = hi + 2 + offset
        if all(is_blank(c) for c in cells):
            continue
        out.count += 1
        problems: list[RowProblem] = []

        def cell(h: str, cells: list = cells) -> Any:
            i = col.get(h)
            return None if i is None or i >= len(cells) else cells[i]

        def bad(h: str, message: str, rownum: int = rownum, problems: list = problems) -> None:
            i = col.get(h, 0)
            problems.append(RowProblem(name, rownum, column_letter(i), h, message))

        code = cell_text(cell("统一社会信用代码")).upper()
        eid = credit_codes.get(code)
        if not code:
            bad("统一社会信用代码", "credit code is empty")
        elif eid is None:
            bad(
                "统一社会信用代码",
                f"unknown credit code {code} (or an enterprise outside your scope)",
            )
        year = month = None
        try:
            year = int(parse_number(cell("年份")))
            if not 2000 <= year <= today.year:
                bad("年份", f"year {year} out of range (2000–{today.year})")
                year = None
        except ValueError as exc:
            bad("年份", str(exc))
        try:
            m = parse_number(cell("月份"))
            if not m.is_integer() or not 1 <= m <= 12:
                bad("月份", f"month {cell_text(cell('月份'))} out of range (1–12)")
            else:
                month = int(m)
        except ValueError as exc:
            bad("月份", str(exc))
        waste_code = cell_text(cell("废物代码"))
        if not waste_code:
            bad("废物代码", "waste code is empty")
        quantities: dict[str, float] = {}
        for h in ("产生量", "自行利用量", "自行处置量"):
            raw = cell(h)
            if is_blank(raw) and h != "产生量":
                quantities[COLUMNS[h]] = 0.0
                continue
            try:
                q = parse_number(raw)
            except ValueError as exc:
                bad(h, str(exc))
                continue
            if q < 0:
                bad(h, f"negative quantity {q:g} t")
                continue
            quantities[COLUMNS[h]] = q
        if problems:
            out.problems.extend(problems)
            continue
        assert eid is not None and year is not None and month is not None
        out.rows.append((rownum, {"enterprise_id": eid, "month": date(year, month, 1),
                                  "waste_code": waste_code, **quantities}))  # fmt: skip
    return out


def template() -> bytes:
    """An empty declaration workbook with the header row and one example row."""
    example = ["91330100MA2XXXXXXX", 2026, 3, "900-249-08", 12.5, 0, 0]
    return write_workbook({"月度申报": (list(COLUMNS), [example])}, widths={"统一社会信用代码": 22})
