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
from qingshan.soil.sample_table import item_aliases, read_sample_grid
from qingshan.standards import soil_farmland as gb15618
from qingshan.tablefile import (
    cell_text,
    is_blank,
    parse_date,
    parse_number,
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


def parse_samples(data: bytes, *, max_bytes: int) -> list[ParsedSample]:
    """The samples of ``data``; :class:`ImportRejected` listing every problem."""
    grid = read_sample_grid(
        data, max_bytes=max_bytes, anchor="plot_code", anchor_zh="地块编号",
        aliases=item_aliases(_FIXED, gb15618.ITEMS, gb15618.NAMES_ZH),
        known={*_FIXED.values(), *gb15618.ITEMS},
        unknown="unknown item: not a GB 15618-2018 item key or name", reject=ImportRejected,
    )  # fmt: skip
    out: list[ParsedSample] = []
    for i, cells in grid.records():
        f: dict[str, Any] = {"plot_code": "", "sampled_on": None, "depth_top_cm": None,
                             "depth_bottom_cm": None, "unit": None, "ph": None}  # fmt: skip
        values: dict[str, object] = {}
        for col, name, v in cells:
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
                grid.problem(i, col, name, str(exc))
        if not f["plot_code"]:
            grid.problem(i, "", "plot_code", "no plot code")
        out.append(ParsedSample(f"row {i}", SampleInput(values=values, **f)))
    grid.refuse_if_bad(len(out))
    return out
