"""Reading and checking a sea-survey table (近岸海域监测结果导入) — CSV or Excel, one station's
survey per row (pure; no database).

Columns: 点位编码 code, 采样日期 sampled_on, then one column per GB 3097-1997 indicator, headed
by its key (DIN, PO4_P, DO …) or its Chinese name (无机氮, 活性磷酸盐, 溶解氧 …; a bracketed note
such as （以N计） or a unit is ignored). A blank cell is "not measured".

Every row is checked on its own and every problem named (row, column, what): a station that
is not a sea station of the importer's region, a date that is not a date or lies in the
future, a value that is not a number or is negative, a pH outside 0–14, a row without any
value, a station surveyed twice on one day. The caller stores the rows only when there is no
problem at all (:func:`qingshan.marine.coastal.service.import_samples`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qingshan.marine.coastal.errors import MarineError
from qingshan.marine.coastal.sea import check_sample
from qingshan.standards import seawater
from qingshan.tablefile import (
    RowProblem,
    TableFileError,
    cell_text,
    column_letter,
    find_header,
    header_key,
    is_blank,
    parse_date,
)

__all__ = ["HEADERS", "MAX_ROWS", "Parsed", "parse_samples", "template_headers"]

HEADERS = {"点位编码": "code", "采样日期": "sampled_on"}
MAX_ROWS = 20_000


def _aliases() -> dict[str, str]:
    out = {v: k for k, v in HEADERS.items()}
    for key, name in seawater.NAMES_ZH.items():
        out.setdefault(header_key(name), key)  # the plain indicator before its shellfish variant
        out[key] = key
        out[key.lower()] = key
    return out


def template_headers(
    indicators: Sequence[str] = ("pH", "DO", "COD", "DIN", "PO4_P", "Petroleum"),
) -> list[str]:
    """The template's header row: code, date, then the given indicators by key."""
    return [*HEADERS, *indicators]


@dataclass
class Parsed:
    rows: list[tuple[int, str, date, dict[str, float]]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def parse_samples(sheet: str, rows: Sequence[Sequence[Any]], *, stations: frozenset[str],
                  today: date) -> Parsed:  # fmt: skip
    """Check every row of a survey table (its header row within the first 10 rows);
    ``stations``: the codes of the importer's sea stations. :class:`TableFileError` for a
    table without its header, code or date column, or with a header that is no indicator."""
    aliases = _aliases()
    hi = find_header(rows, "点位编码", aliases)
    if hi is None:
        raise TableFileError("no header row with 点位编码 (code) in the first 10 rows")
    header = [header_key(c, aliases) for c in rows[hi]]
    if "采样日期" not in header:
        raise TableFileError("required column missing: 采样日期 (sampled_on)")
    where: dict[str, int] = {}
    for i, h in enumerate(header):
        if not h:
            continue
        key = HEADERS.get(h, h)
        if key not in HEADERS.values() and key not in seawater.INDICATORS:
            raise TableFileError(
                f"column {column_letter(i)}: {rows[hi][i]!r} is not a GB 3097-1997 indicator"
            )
        where[key] = i
    body = rows[hi + 1 :]
    if len(body) > MAX_ROWS:
        raise TableFileError(f"{len(body)} rows: at most {MAX_ROWS} in one file")
    out = Parsed()
    seen: dict[tuple[str, date], int] = {}

    def problem(n: int, key: str, message: str) -> None:
        head = next((h for h, k in HEADERS.items() if k == key), key)
        out.problems.append(RowProblem(sheet, n, column_letter(where.get(key, 0)), head, message))

    for n, cells in enumerate(body, start=hi + 2):
        if all(is_blank(c) for c in cells):
            continue
        cell = {k: (cells[i] if i < len(cells) else None) for k, i in where.items()}
        code = cell_text(cell.get("code"))
        if code not in stations:
            problem(n, "code", f"{code!r} is not a sea station of your region")
            continue
        try:
            day = parse_date(cell.get("sampled_on"))
        except ValueError as exc:
            problem(n, "sampled_on", f"sampled_on: {exc}")
            continue
        if day > today:
            problem(n, "sampled_on", f"sampled_on: {day} is in the future")
            continue
        raw = {k: v for k, v in cell.items() if k not in HEADERS.values() and not is_blank(v)}
        try:
            values = check_sample(raw)
        except MarineError as exc:
            key = exc.field.removeprefix("values.") if exc.field.startswith("values.") else "code"
            problem(n, key, str(exc))
            continue
        if (code, day) in seen:
            problem(n, "code", f"{code} on {day} is given in row {seen[code, day]} too")
            continue
        seen[code, day] = n
        out.rows.append((n, code, day, values))
    return out
