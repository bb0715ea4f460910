"""The EI inputs of a county and year (pure; no database): the import layout, the check of one
row and the EI and grade it gives.

HJ 192-2015《生态环境状况评价技术规范》§5.2 normalises each sub-index to 0–100 — 生物丰度指数
(biological abundance), 植被覆盖指数 (vegetation cover), 水网密度指数 (water-network density),
土地胁迫指数 (land stress), 污染负荷指数 (pollution load); the 环境限制指数 (environmental
restriction) is a constraint on the grade: the events of the standard's Table 5 that apply
(keys of :data:`qingshan.standards.ecological_status.RESTRICTIONS`, or their Chinese names).
The weights, the EI, its grade and the restriction's effect come from
:mod:`qingshan.standards.ecological_status`; a value outside 0–100 is refused naming the field.

Layout (one row per county and year; headers Chinese or the English keys): 区县代码 region
(a county's GB/T 2260 code or name), 年份 year, 生物丰度指数 biological_abundance, 植被覆盖指数
vegetation_cover, 水网密度指数 water_network_density, 土地胁迫指数 land_stress, 污染负荷指数
pollution_load, 环境限制指数 restriction (optional: blank or 无 for none; several events separated by
、 , ; or /), 来源 source (optional).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from qingshan.ecology.table import RowError
from qingshan.geo.models import RegionLevel
from qingshan.geo.regions import REGIONS
from qingshan.standards import ecological_status as hj192
from qingshan.standards.errors import StandardsError
from qingshan.tablefile import cell_text, parse_number

__all__ = [
    "COLUMNS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "REQUIRED",
    "SUB_INDICES",
    "assess",
    "restriction_keys",
    "check_row",
    "county_code",
]

#: the five sub-indices in the order of HJ 192-2015 §5.2
SUB_INDICES = (
    "biological_abundance",
    "vegetation_cover",
    "water_network_density",
    "land_stress",
    "pollution_load",
)
#: header → English key, in template order
COLUMNS: dict[str, str] = {
    "区县代码": "region", "年份": "year", "生物丰度指数": "biological_abundance",
    "植被覆盖指数": "vegetation_cover", "水网密度指数": "water_network_density",
    "土地胁迫指数": "land_stress", "污染负荷指数": "pollution_load",
    "环境限制指数": "restriction", "来源": "source",
}  # fmt: skip
REQUIRED = ("region", "year", *SUB_INDICES)
_SPLIT = re.compile(r"[、,，;；/]+")
#: years an assessment may be for (HJ 192 was first issued in 2006; none lies in the future
#: of the platform's plan period)
FIRST_YEAR, LAST_YEAR = 2000, 2035


def county_code(value: Any) -> str:
    """A county's GB/T 2260 code from its code or its Chinese or English name."""
    text = cell_text(value)
    for r in REGIONS.values():
        if text in (r.code, r.name, r.name_en):
            if r.level is not RegionLevel.COUNTY:
                raise RowError("region", f"region {text!r} is a {r.level.value}, not a county")
            return r.code
    raise RowError("region", f"unknown county {text!r} (a county's code like 331126 or 庆元县)")


def _sub_index(cells: Mapping[str, Any], key: str) -> float:
    try:
        v = parse_number(cells[key])
    except ValueError as exc:
        raise RowError(key, f"{key}: {exc}") from None
    if not 0 <= v <= 100:
        raise RowError(key, f"{key} {v:g} is outside 0–100 (HJ 192-2015 §5.2 normalises to 0–100)")
    return v


def restriction_keys(value: Any) -> str:
    """The restriction events of a cell as the standard's keys, comma-separated (``none``
    when blank or 无): a key or its Chinese name (:data:`hj192.RESTRICTION_NAMES`)."""
    text = cell_text(value)
    if text in ("", "无", "none", "-", "—"):
        return "none"
    out = []
    for part in (p.strip() for p in _SPLIT.split(text) if p.strip()):
        key = next((k for k, (zh, en) in hj192.RESTRICTION_NAMES.items()
                    if part in (k, zh, en)), None)  # fmt: skip
        if key is None:
            known = "、".join(f"{zh} ({k})" for k, (zh, _en) in hj192.RESTRICTION_NAMES.items())
            raise RowError("restriction", f"unknown restriction {part!r}; known: {known}")
        if key != "none":
            out.append(key)
    return ",".join(dict.fromkeys(out)) or "none"


def assess(sub: Mapping[str, Any]) -> tuple[float, str]:
    """(EI, grade) of the five sub-indices and the restriction keys (comma-separated) by
    HJ 192-2015 §5.2–5.3 and Table 5, through :mod:`qingshan.standards.ecological_status`:
    the grade is the one after the restriction index."""
    restriction = tuple(str(sub.get("restriction") or "none").split(","))
    s = hj192.EISubIndices(**{k: float(sub[k]) for k in SUB_INDICES}, restriction=restriction)
    a = hj192.assess(s)
    return float(a.ei), str(a.grade)


def check_row(cells: Mapping[str, Any]) -> dict[str, Any]:
    """The checked values of one row by English key: raises :class:`RowError` naming the column
    of the first problem (an unknown county, a year outside 2000–2035, a sub-index outside
    0–100, a restriction event the standard does not name). Blank restriction: none."""
    region = county_code(cells["region"])
    try:
        year = parse_number(cells["year"])
    except ValueError as exc:
        raise RowError("year", f"year: {exc}") from None
    if not year.is_integer() or not FIRST_YEAR <= year <= LAST_YEAR:
        raise RowError("year", f"year {year:g} is not a year from {FIRST_YEAR} to {LAST_YEAR}")
    values: dict[str, Any] = {"region_code": region, "year": int(year)}
    for key in SUB_INDICES:
        values[key] = _sub_index(cells, key)
    values["restriction"] = restriction_keys(cells.get("restriction"))
    source = cell_text(cells.get("source"))
    if len(source) > 200:
        raise RowError("source", "source is longer than 200 characters")
    values["source"] = source
    try:
        values["ei"], values["grade"] = assess(values)
    except StandardsError as exc:  # the standard's own check of a field
        field = getattr(exc, "field", "restriction")
        raise RowError(field if field in SUB_INDICES else "restriction", str(exc)) from None
    return values
