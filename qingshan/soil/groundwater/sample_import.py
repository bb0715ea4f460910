"""Reading a file of groundwater samples (CSV or .xlsx) — pure: bytes in, rows out.

Layout (one row a sample, the header in the first ten rows): ``well_code`` (监测井编号),
``sampled_on`` (采样日期), then one column per GB/T 14848-2017 indicator, headed by its key
(``NH3_N``, ``TotalHardness`` …) or its Chinese name as the standard's table writes it (氨氮,
总硬度 …), values in the standard's unit; an optional ``note`` (备注) column is ignored. A blank
cell is "not measured". A column that is not an indicator, a cell that is not a number, a row
without well or date: each is named (row and column); the caller refuses the whole file if any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qingshan.soil.groundwater.errors import ImportRejected
from qingshan.soil.sample_table import item_aliases, read_sample_grid
from qingshan.standards import groundwater as gbt14848
from qingshan.tablefile import (
    cell_text,
    is_blank,
    parse_date,
    parse_number,
)

__all__ = ["ParsedSample", "TEMPLATE_HEADERS", "parse_samples"]

_FIXED = {
    "well_code": "well_code", "监测井编号": "well_code", "井编号": "well_code",
    "sampled_on": "sampled_on", "采样日期": "sampled_on", "date": "sampled_on",
    "note": "note", "备注": "note",
}  # fmt: skip
TEMPLATE_HEADERS = ("well_code", "sampled_on", "pH", "NH3_N", "TotalHardness", "Mn", "Fe")


@dataclass(frozen=True)
class ParsedSample:
    where: str
    well_code: str
    sampled_on: date | None
    values: dict[str, object]


def parse_samples(data: bytes, *, max_bytes: int) -> list[ParsedSample]:
    """The samples of ``data``; :class:`ImportRejected` listing every problem."""
    grid = read_sample_grid(
        data, max_bytes=max_bytes, anchor="well_code", anchor_zh="监测井编号",
        aliases=item_aliases(_FIXED, gbt14848.INDICATORS, gbt14848.NAMES_ZH),
        known={*_FIXED.values(), *gbt14848.INDICATORS},
        unknown="unknown indicator: not a GB/T 14848-2017 indicator key or name",
        reject=ImportRejected,
    )  # fmt: skip
    if "sampled_on" not in grid.header:
        grid.problem(grid.header_row + 1, "", "", "no sampled_on (采样日期) column")
    out: list[ParsedSample] = []
    for i, cells in grid.records():
        code, day = "", None
        values: dict[str, object] = {}
        for col, name, v in cells:
            if name == "well_code":
                code = cell_text(v)
                if not code:
                    grid.problem(i, col, "well_code", "no well code")
            elif name == "sampled_on":
                try:
                    day = parse_date(v)
                except ValueError as exc:
                    grid.problem(i, col, "sampled_on", str(exc))
            elif name in gbt14848.INDICATORS and not is_blank(v):
                try:
                    values[name] = parse_number(v)
                except ValueError as exc:
                    grid.problem(i, col, name, str(exc))
        out.append(ParsedSample(f"row {i}", code, day, values))
    grid.refuse_if_bad(len(out))
    return out
