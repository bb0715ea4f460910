"""Reading an import table of the ecology records (pure; no database): the first sheet of an
.xlsx or a CSV (UTF-8 or GBK), its header row found by one anchor column, each row checked by a
function the caller hands in, and every problem named by row and column (:class:`RowProblem`).
The caller stores the rows only when there is no problem at all."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qingshan.ecology.errors import ImportRejected
from qingshan.tablefile import (
    RowProblem,
    TableFileError,
    column_letter,
    is_blank,
    map_table,
    read_table,
)

__all__ = [
    "MAX_ROWS",
    "ImportReport",
    "Parsed",
    "RowError",
    "parse_file",
    "parse_rows",
    "read_table",
]

MAX_ROWS = 50_000


class RowError(ValueError):
    """One cell's problem while checking a row: ``key`` names the column."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class ImportReport:
    """What an import (or a form) stored: records new, and records replaced (the same
    occurrenceID; the same county and year)."""

    created: int
    updated: int

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated}


@dataclass
class Parsed:
    """The rows of a table (sheet row number, checked values) and every problem found."""

    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def parse_rows(
    sheet: str,
    rows: Sequence[Sequence[Any]],
    columns: Mapping[str, str],
    required: Sequence[str],
    check: Callable[[Mapping[str, Any]], dict[str, Any]],
    identity: Callable[[Mapping[str, Any]], str],
    *,
    aliases: Mapping[str, str] | None = None,
    blank_check: bool = True,
) -> Parsed:
    """Check every row of a table whose header (within the first 10 rows) holds the first of
    ``columns`` (header → English key; the English keys and ``aliases`` are accepted as
    headers too). :class:`TableFileError` for a table without the header or a required column;
    every row's problem goes to :attr:`Parsed.problems`; two rows of one ``identity`` too.
    ``blank_check`` False leaves a blank required cell to ``check`` (to say why it is needed)."""
    table = map_table(rows, columns, required=required, aliases=aliases or {},
                      max_rows=MAX_ROWS, no_header_hint=": download the template")  # fmt: skip
    where = table.where
    out = Parsed()
    seen: dict[str, int] = {}
    by_key = {k: h for h, k in columns.items()}
    for n, values in table.records():
        try:
            for key in required if blank_check else ():
                if is_blank(values.get(key)):
                    raise RowError(key, f"{key} ({by_key.get(key, key)}) is required")
            row = check(values)
        except RowError as exc:
            i = where.get(exc.key)
            out.problems.append(
                RowProblem(sheet, n, "" if i is None else column_letter(i),
                           by_key.get(exc.key, exc.key), str(exc))
            )  # fmt: skip
            continue
        key = identity(row)
        if key in seen:
            out.problems.append(RowProblem(sheet, n, "", "", f"the same record as row {seen[key]}"))
            continue
        seen[key] = n
        out.rows.append((n, row))
    return out


def parse_file(
    data: bytes,
    *,
    max_bytes: int,
    what: str,
    columns: Mapping[str, str],
    required: Sequence[str],
    check: Callable[[Mapping[str, Any]], dict[str, Any]],
    identity: Callable[[Mapping[str, Any]], str],
    aliases: Mapping[str, str] | None = None,
    blank_check: bool = True,
) -> tuple[str, Parsed]:
    """:func:`read_table` then :func:`parse_rows` (same arguments): (sheet name, rows and
    problems). A file that is no readable table, or has no header or a required column, is
    :class:`~qingshan.ecology.errors.ImportRejected` as ``what``, naming the file."""
    try:
        sheet, rows = read_table(data, max_bytes=max_bytes)
        parsed = parse_rows(sheet, rows, columns, required, check, identity, aliases=aliases,
                            blank_check=blank_check)  # fmt: skip
    except TableFileError as exc:
        raise ImportRejected(what, [RowProblem("", 0, "", "", str(exc))]) from None
    return sheet, parsed
