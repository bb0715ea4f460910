"""Reading a file of farmland soil samples (CSV or .xlsx) — pure: bytes in, rows out.

Layout (one row a sample, the header in the first ten rows): ``plot_code`` (地块编号),
``sampled_on`` (采样日期), ``depth`` (采样深度, ``0-20`` cm) or ``depth_top_cm`` /
``depth_bottom_cm``, ``unit`` (单位, mg/kg), ``pH``, then one column per GB 15618-2018 item
headed by its key (Cd, Hg, As, Pb, Cr, Cu, Ni, Zn, hch, ddt, benzo_a_pyrene) or its Chinese name
(镉, 汞 …); an optional ``note`` (备注) is ignored. A blank item cell is "not measured". Every
problem is named by row and column; the caller refuses the whole file if any.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from qingshan.soil.farmland.errors import ImportRejected
from qingshan.soil.farmland.plots import SampleInput
from qingshan.standards import soil_farmland as gb15618
from qingshan.tablefile import (
    RowProblem,
    TableFileError,
    cell_text,
    column_letter,
    find_header,
    header_key,
    is_blank,
    looks_like_xlsx,
    parse_date,
    parse_number,
    read_csv_rows,
    read_workbook,
)

__all__ = ["ParsedSample", "TEMPLATE_HEADERS", "parse_samples"]

_FIXED = {
    "plot_code": "plot_code", "地块编号": "plot_code",
    "sampled_on": "sampled_on", "采样日期": "sampled_on",
    "depth": "depth", "采样深度": "depth",
    "depth_top_cm": "depth_top_cm", "depth_bottom_cm": "depth_bottom_cm",
    "unit": "unit", "单位": "unit", "ph": "pH", "pH": "pH", "PH": "pH",
    "note": "note", "备注": "note",
}  # fmt: skip
TEMPLATE_HEADERS = ("plot_code", "sampled_on", "depth", "unit", "pH", "Cd", "Hg", "As", "Pb", "Cr")
_DEPTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[-–~～至]\s*(\d+(?:\.\d+)?)\s*(?:cm)?\s*$")


@dataclass(frozen=True)
class ParsedSample:
    where: str
    sample: SampleInput


def _aliases() -> dict[str, str]:
    out = dict(_FIXED)
    for key in gb15618.ITEMS:
        out[key] = key
        out[key.lower()] = key
        zh = gb15618.NAMES_ZH.get(key)
        if zh:
            out[header_key(zh)] = key
    return out


def parse_samples(data: bytes, *, max_bytes: int) -> list[ParsedSample]:
    """The samples of ``data``; :class:`ImportRejected` listing every problem."""
    try:
        if looks_like_xlsx(data):
            rows = next(iter(read_workbook(data, max_bytes=max_bytes).values()), [])
        else:
            rows = read_csv_rows(data)
    except TableFileError as exc:
        raise ImportRejected([f"file: {exc}"]) from exc
    aliases = _aliases()
    h = find_header(rows, "plot_code", aliases)
    if h is None:
        raise ImportRejected(
            ["file: no header row with plot_code (地块编号) in the first ten rows"]
        )
    header = [header_key(c, aliases) for c in rows[h]]
    problems: list[RowProblem] = []
    fixed = set(_FIXED.values())
    for j, name in enumerate(header):
        if name and name not in fixed and name not in gb15618.ITEMS:
            problems.append(RowProblem("", h + 1, column_letter(j), cell_text(rows[h][j]),
                                       "unknown item: not a GB 15618-2018 item key or name"))  # fmt: skip
    out: list[ParsedSample] = []
    for i, cells in enumerate(rows[h + 1 :], start=h + 2):
        if all(is_blank(c) for c in cells):
            continue
        f: dict[str, Any] = {"plot_code": "", "sampled_on": None, "depth_top_cm": None,
                             "depth_bottom_cm": None, "unit": None, "ph": None}  # fmt: skip
        values: dict[str, object] = {}
        for j, name in enumerate(header):
            v = cells[j] if j < len(cells) else None
            col = column_letter(j)
            try:
                if name == "plot_code":
                    f["plot_code"] = cell_text(v)
                elif name == "sampled_on" and not is_blank(v):
                    f["sampled_on"] = parse_date(v)
                elif name == "depth" and not is_blank(v):
                    m = _DEPTH.match(cell_text(v))
                    if m is None:
                        raise ValueError(f"{cell_text(v)!r} is not a depth range (0-20)")
                    f["depth_top_cm"], f["depth_bottom_cm"] = float(m[1]), float(m[2])
                elif name in ("depth_top_cm", "depth_bottom_cm") and not is_blank(v):
                    f[name] = parse_number(v)
                elif name == "unit":
                    f["unit"] = cell_text(v) or None
                elif name == "pH" and not is_blank(v):
                    f["ph"] = parse_number(v)
                elif name in gb15618.ITEMS and not is_blank(v):
                    values[name] = parse_number(v)
            except ValueError as exc:
                problems.append(RowProblem("", i, col, name, str(exc)))
        if not f["plot_code"]:
            problems.append(RowProblem("", i, "", "plot_code", "no plot code"))
        out.append(ParsedSample(f"row {i}", SampleInput(values=values, **f)))
    if problems:
        raise ImportRejected([str(p) for p in problems])
    if not out:
        raise ImportRejected(["file: no sample rows under the header"])
    return out
