"""Reading a file of soil or groundwater samples (CSV or the first sheet of an .xlsx) — pure:
bytes in, a grid out — as the farmland and groundwater sample imports share it: the header row
found in the first ten rows by its anchor column, every header that is no column of the layout
named, the non-blank rows under it handed out cell by cell, and the whole file refused (the
area's ``ImportRejected``) naming every problem by row and column."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from qingshan.tablefile import (
    RowProblem,
    TableFileError,
    cell_text,
    column_letter,
    find_header,
    header_key,
    is_blank,
    looks_like_xlsx,
    read_csv_rows,
    read_workbook,
)

__all__ = ["SampleGrid", "item_aliases", "read_sample_grid"]

#: the area's ImportRejected: a list of problems in, an exception out
Reject = Callable[[list[str]], Exception]


@dataclass
class SampleGrid:
    """The rows of a sample file under its header; ``problems`` collects what is wrong."""

    header_row: int  # 0-based index of the header row
    header: list[str]  # each column's layout key (header_key with the aliases), "" for none
    rows: Sequence[Sequence[Any]]
    reject: Reject
    problems: list[RowProblem] = field(default_factory=list)

    def records(self) -> Iterator[tuple[int, list[tuple[str, str, Any]]]]:
        """Each non-blank row under the header: (its row number as the sheet numbers it,
        [(column letter, layout key, cell)] for every header column; a short row's missing
        cells None)."""
        for n, cells in enumerate(self.rows[self.header_row + 1 :], start=self.header_row + 2):
            if all(is_blank(c) for c in cells):
                continue
            yield (
                n,
                [
                    (column_letter(j), name, cells[j] if j < len(cells) else None)
                    for j, name in enumerate(self.header)
                ],
            )

    def problem(self, row: int, column: str, header: str, message: str) -> None:
        self.problems.append(RowProblem("", row, column, header, message))

    def refuse_if_bad(self, rows_read: int) -> None:
        """Refuse the whole file if any problem was found, or if it held no sample row."""
        if self.problems:
            raise self.reject([str(p) for p in self.problems])
        if not rows_read:
            raise self.reject(["file: no sample rows under the header"])


def item_aliases(
    fixed: Mapping[str, str], items: Iterable[str], names_zh: Mapping[str, str]
) -> dict[str, str]:
    """Header text → layout key: the ``fixed`` columns' headers, and each standard item by its
    key, its key in lower case and its Chinese name (as :func:`header_key` reads it)."""
    out = dict(fixed)
    for key in items:
        out[key] = key
        out[key.lower()] = key
        zh = names_zh.get(key)
        if zh:
            out[header_key(zh)] = key
    return out


def _refuse(reject: Reject, problem: str) -> NoReturn:
    raise reject([problem])


def read_sample_grid(
    data: bytes,
    *,
    max_bytes: int,
    anchor: str,
    anchor_zh: str,
    aliases: Mapping[str, str],
    known: Collection[str],
    unknown: str,
    reject: Reject,
) -> SampleGrid:
    """The grid of ``data``: its header row is the first of the first ten holding ``anchor``
    (``aliases``: header text → layout key); each header that is not blank and not in
    ``known`` is a problem worded ``unknown``. An unreadable file or one without the header is
    refused at once (``reject``)."""
    try:
        if looks_like_xlsx(data):
            rows: list[list[Any]] = next(
                iter(read_workbook(data, max_bytes=max_bytes).values()), []
            )
        else:
            rows = [list(r) for r in read_csv_rows(data)]
    except TableFileError as exc:
        raise reject([f"file: {exc}"]) from exc
    at = find_header(rows, anchor, aliases)
    if at is None:
        _refuse(reject, f"file: no header row with {anchor} ({anchor_zh}) in the first ten rows")
    grid = SampleGrid(at, [header_key(c, aliases) for c in rows[at]], rows, reject)
    for j, name in enumerate(grid.header):
        if name and name not in known:
            grid.problem(at + 1, column_letter(j), cell_text(rows[at][j]), unknown)
    return grid
