"""Reading and checking the river-mouth sections' monthly TN/TP (入海河流断面月度监测导入) — CSV
or Excel, one section-month per row (pure; no database).

Columns: 断面编码 code (one of the 20 sections of plan item 12.4), 月份 month (2026-05, 2026/5,
2026年5月 or any day of the month), 总氮 tn and 总磷 tp [mg/L].

Every row is checked and every problem named (row, column, what): a section not of the
importer's region, a month that is not a month or lies after this one, a value that is missing,
not a number or negative, a section-month given twice. The caller stores the rows only when
there is no problem at all (:func:`qingshan.marine.coastal.service.import_river_months`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qingshan.tablefile import (
    RowProblem,
    cell_text,
    column_letter,
    is_blank,
    map_table,
    parse_date,
    parse_number,
)

__all__ = ["COLUMNS", "Parsed", "parse_river_months"]

COLUMNS = {"断面编码": "code", "月份": "month", "总氮": "tn", "总磷": "tp"}
MAX_ROWS = 5_000
_MONTH = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?")


@dataclass
class Parsed:
    rows: list[tuple[str, date, float, float]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _month(value: Any) -> date:
    text = cell_text(value)
    m = _MONTH.fullmatch(text)
    if m is not None:
        try:
            return date(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            pass
    try:
        return parse_date(value).replace(day=1)
    except ValueError:
        raise ValueError(f"{text!r} is not a month (2026-05, 2026/5 or 2026年5月)") from None


def parse_river_months(sheet: str, rows: Sequence[Sequence[Any]], *, sections: frozenset[str],
                       today: date) -> Parsed:  # fmt: skip
    """Check every row (the header row within the first 10 rows); ``sections``: the codes of
    the importer's river-mouth sections."""
    aliases = {"TN": "总氮", "TP": "总磷", "tn": "总氮", "tp": "总磷"}
    table = map_table(rows, COLUMNS, aliases=aliases, max_rows=MAX_ROWS)
    where = table.where
    out = Parsed()
    seen: dict[tuple[str, date], int] = {}
    this_month = today.replace(day=1)

    def problem(n: int, key: str, message: str) -> None:
        head = next(h for h, k in COLUMNS.items() if k == key)
        out.problems.append(RowProblem(sheet, n, column_letter(where[key]), head, message))

    for n, cell in table.records():
        code = cell_text(cell["code"])
        if code not in sections:
            problem(n, "code", f"{code!r} is not a river-mouth section of your region")
            continue
        try:
            month = _month(cell["month"])
        except ValueError as exc:
            problem(n, "month", f"month: {exc}")
            continue
        if month > this_month:
            problem(n, "month", f"month: {month:%Y-%m} is after this month")
            continue
        values = []
        for key in ("tn", "tp"):
            try:
                v = parse_number(cell[key]) if not is_blank(cell[key]) else None
            except ValueError as exc:
                problem(n, key, f"{key}: {exc}")
                break
            if v is None or v < 0:
                problem(
                    n, key, f"{key}: {'missing' if v is None else f'{v:g} is negative'} (mg/L ≥ 0)"
                )
                break
            values.append(v)
        if len(values) != 2:
            continue
        if (code, month) in seen:
            problem(n, "code", f"{code} {month:%Y-%m} is given in row {seen[code, month]} too")
            continue
        seen[code, month] = n
        out.rows.append((code, month, values[0], values[1]))
    return out
