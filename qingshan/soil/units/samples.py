"""Self-monitoring samples of a key unit — checked row by row from a form or a CSV / .xlsx file
and judged (pure; no database).

A row: 点位 ``point``, 介质 ``medium`` (土壤 soil / 地下水 groundwater), 采样日期 ``sampled_on``,
深度 ``depth_m`` [m below ground: the soil sample's depth, the groundwater sample's depth in the
well], 单位 ``unit`` (mg/kg for soil, GB 36600-2018 Table 1; mg/L for groundwater, GB/T
14848-2017 Table 1), ``pH`` (optional; 0–14) and one column per item — the standard's key (Cd,
benzene, NH3_N …) or its Chinese name (镉, 苯, 氨氮 …). An empty item cell is "not measured".

Every problem is named (row, column, what): a missing depth or unit, a unit not the medium's,
a pH outside 0–14, an unknown item (with the standard's close matches), a value that is not a
non-negative number, a sample date after today, no item measured. The caller stores the rows
only when there is no problem at all.

Judgement (stored with the sample, never typed in): soil by GB 36600-2018 on second-category land
(:func:`qingshan.standards.soil_construction.judge_construction_sample`), groundwater by GB/T
14848-2017 single-factor classes (:func:`qingshan.standards.groundwater.classify_groundwater`,
pH among its indicators).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qingshan.soil.units import rules
from qingshan.standards.errors import StandardsError
from qingshan.tablefile import (
    RowProblem,
    cell_text,
    column_letter,
    find_header,
    header_key,
    is_blank,
    parse_date,
    parse_number,
    read_table,
)

__all__ = [
    "COLUMNS",
    "SampleRow",
    "Judged",
    "Parsed",
    "check_rows",
    "judge",
    "parse_table",
    "item_names",
]

#: header → key of the fixed columns (Chinese first, English keys accepted)
COLUMNS: dict[str, str] = {
    "点位": "point", "点位编号": "point", "介质": "medium", "采样日期": "sampled_on",
    "深度": "depth_m", "采样深度": "depth_m", "单位": "unit", "pH": "ph", "ph": "ph",
    "point": "point", "medium": "medium", "sampled_on": "sampled_on", "depth_m": "depth_m",
    "unit": "unit",
}  # fmt: skip
_MEDIUM = {"土壤": "soil", "soil": "soil", "地下水": "groundwater", "groundwater": "groundwater"}
_UNITS = {"soil": rules.SOIL_UNIT, "groundwater": rules.GROUNDWATER_UNIT}
MAX_ROWS = 5_000


@dataclass(frozen=True)
class SampleRow:
    """One checked sample, values keyed by the standard's item keys, in ``unit``."""

    point: str
    medium: str
    sampled_on: date
    depth_m: float
    unit: str
    ph: float | None
    values: Mapping[str, float]


@dataclass(frozen=True)
class Judged:
    """A sample's judgement: ``result`` (soil: the GB 36600 level; groundwater: the GB/T 14848
    class), the items that decided it, whether it counts as exceeding, the standard applied."""

    result: str
    deciding: tuple[str, ...]
    exceeding: bool
    standard: str


@dataclass
class Parsed:
    """The checked rows (sheet row number, row) and every problem found."""

    rows: list[tuple[int, SampleRow]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _items(medium: str) -> Mapping[str, Any]:
    if medium == "soil":
        from qingshan.standards import soil_construction

        return soil_construction.ITEMS
    from qingshan.standards import groundwater

    return groundwater.INDICATORS


def item_names(medium: str) -> dict[str, str]:
    """Item key → Chinese name of the medium's standard."""
    out = {}
    for key, item in _items(medium).items():
        out[key] = str(getattr(item, "name_zh", None) or key)
    return out


def _item_key(medium: str, header: str) -> str | None:
    """The standard's key of a column header (its key, case-insensitive, or its Chinese name)."""
    items = _items(medium)
    if header in items:
        return header
    low = header.lower()
    for key, item in items.items():
        name = str(getattr(item, "name_zh", None) or "")
        if key.lower() == low or header in (name, name.split("（")[0].split("(")[0]):
            return key
    return None


def judge(medium: str, values: Mapping[str, float], ph: float | None) -> Judged:
    """Judge one sample (see the module docstring); the standards' errors pass through."""
    if medium == "soil":
        from qingshan.standards.soil_construction import judge_construction_sample

        res = judge_construction_sample(dict(values), rules.SOIL_LAND_CATEGORY)
        deciding = tuple(res.over_intervention or res.over_screening)
        return Judged(res.level, deciding, rules.soil_exceeding(res.level),
                      "GB 36600-2018 第二类用地")  # fmt: skip
    from qingshan.standards.groundwater import INDICATORS, classify_groundwater

    # GB/T 14848-2017 Table 1/2 give some items in µg/L: a mg/L value × 1000
    vals = {k: v * 1000.0 if getattr(INDICATORS.get(k), "unit", "") == "µg/L" else v
            for k, v in values.items()}  # fmt: skip
    if ph is not None:
        vals["pH"] = ph
    gres = classify_groundwater(vals)
    return Judged(gres.klass, tuple(gres.deciding), rules.groundwater_exceeding(gres.klass),
                  "GB/T 14848-2017")  # fmt: skip


def check_row(
    cells: Mapping[str, Any], today: date
) -> tuple[SampleRow | None, list[tuple[str, str]]]:
    """Check one row (fixed keys as :data:`COLUMNS` maps them, any other key an item column):
    the row, or None and every (column key, problem) found in it."""
    bad: list[tuple[str, str]] = []
    point = cell_text(cells.get("point"))
    if not point:
        bad.append(("point", "point (点位) is missing"))
    elif len(point) > 64:
        bad.append(("point", "point (点位) is longer than 64 characters"))
    medium_text = cell_text(cells.get("medium"))
    medium = _MEDIUM.get(medium_text.lower()) or _MEDIUM.get(medium_text)
    if medium is None:
        bad.append(("medium", f"medium (介质) {medium_text!r} is neither 土壤 (soil) nor "
                              "地下水 (groundwater)"))  # fmt: skip
    sampled = None
    if is_blank(cells.get("sampled_on")):
        bad.append(("sampled_on", "sampled_on (采样日期) is missing"))
    else:
        try:
            sampled = parse_date(cells["sampled_on"])
            if sampled > today:
                bad.append(
                    ("sampled_on", f"sampled_on (采样日期) {sampled} is after today {today}")
                )
        except ValueError as exc:
            bad.append(("sampled_on", f"sampled_on (采样日期): {exc}"))
    depth = None
    if is_blank(cells.get("depth_m")):
        bad.append(("depth_m", "depth_m (采样深度, m) is missing: a sample needs its depth"))
    else:
        try:
            depth = parse_number(cells["depth_m"])
            if depth < 0 or depth > 200:
                bad.append(("depth_m", f"depth_m (采样深度) {depth:g} m is not within 0–200 m"))
        except ValueError as exc:
            bad.append(("depth_m", f"depth_m (采样深度): {exc}"))
    unit = cell_text(cells.get("unit"))
    if not unit:
        bad.append(("unit", "unit (单位) is missing: say mg/kg (soil) or mg/L (groundwater)"))
    elif medium is not None and unit.lower() != _UNITS[medium].lower():
        bad.append(("unit", f"unit (单位) {unit!r} is not {_UNITS[medium]}, the unit of "
                            f"{'GB 36600-2018' if medium == 'soil' else 'GB/T 14848-2017'}"))  # fmt: skip
    ph = None
    if not is_blank(cells.get("ph")):
        try:
            ph = parse_number(cells["ph"])
            lo, hi = rules.PH_RANGE
            if not lo <= ph <= hi:
                bad.append(("ph", f"pH {ph:g} is outside 0–14"))
        except ValueError as exc:
            bad.append(("ph", f"pH: {exc}"))
    values: dict[str, float] = {}
    if medium is not None:
        for header, raw in cells.items():
            if header in COLUMNS.values() or is_blank(raw):
                continue
            key = _item_key(medium, header)
            if key is None:
                try:
                    judge(medium, {header: 0.0}, None)
                    msg = f"unknown item {header!r}"
                except StandardsError as exc:
                    msg = str(exc)
                bad.append((header, msg))
                continue
            unit_of = getattr(_items(medium)[key], "unit", None)
            if medium == "groundwater" and unit_of not in (None, "", "mg/L", "µg/L"):
                bad.append((header, f"{header}: GB/T 14848-2017 gives it in {unit_of}, not mg/L; "
                            "report it apart"))  # fmt: skip
                continue
            try:
                v = parse_number(raw)
            except ValueError as exc:
                bad.append((header, f"{header}: {exc}"))
                continue
            if v < 0:
                bad.append((header, f"{header}: {v:g} is negative"))
                continue
            values[key] = v
        if not values and not any(k not in COLUMNS.values() for k, _ in bad):
            bad.append(("point", "no item measured: give at least one value"))
    if bad:
        return None, bad
    assert medium is not None and sampled is not None and depth is not None
    return SampleRow(point, medium, sampled, depth, _UNITS[medium], ph, values), []


def check_rows(rows: Sequence[Mapping[str, Any]], today: date) -> Parsed:
    """Check rows from a form or the API (numbered from 1); every problem named."""
    out = Parsed()
    if not rows:
        out.problems.append(RowProblem("", 0, "", "", "no sample given"))
    for i, cells in enumerate(rows, start=1):
        row, bad = check_row(cells, today)
        if row is not None:
            out.rows.append((i, row))
        for key, msg in bad:
            out.problems.append(RowProblem("", i, "", key, msg))
    if not out.problems:
        _judge_all(out)
    return out


def _judge_all(out: Parsed) -> None:
    for n, row in out.rows:
        try:
            judge(row.medium, row.values, row.ph)
        except StandardsError as exc:
            out.problems.append(RowProblem("", n, "", "", str(exc)))


def parse_table(data: bytes, today: date, *, max_bytes: int) -> Parsed:
    """Read and check a CSV (UTF-8 or GBK) or the first sheet of an .xlsx; the header row is the
    first of the first 10 rows holding 点位 (point). Rows named as the sheet numbers them."""
    sheet, grid = read_table(data, max_bytes=max_bytes)
    out = Parsed()
    at = find_header(grid, "point", COLUMNS)
    if at is None:
        out.problems.append(RowProblem(sheet, 0, "", "", "no header row with 点位 (point) in the "
                                       "first 10 rows"))  # fmt: skip
        return out
    headers = [header_key(c, COLUMNS) if c is not None else "" for c in grid[at]]
    # an item header keeps its text ("Cd", "镉"); a bracketed unit note is dropped by header_key
    body = grid[at + 1 :]
    if len(body) > MAX_ROWS:
        out.problems.append(RowProblem(sheet, 0, "", "", f"more than {MAX_ROWS} rows"))
        return out
    letters = {h: column_letter(i) for i, h in enumerate(headers) if h}
    for j, cells in enumerate(body):
        n = at + 2 + j
        if all(is_blank(c) for c in cells):
            continue
        row_cells = {h: cells[i] if i < len(cells) else None
                     for i, h in enumerate(headers) if h}  # fmt: skip
        row, bad = check_row(row_cells, today)
        if row is not None:
            out.rows.append((n, row))
        for key, msg in bad:
            out.problems.append(RowProblem(sheet, n, letters.get(key, ""), key, msg))
    if not out.rows and not out.problems:
        out.problems.append(RowProblem(sheet, 0, "", "", "the file holds no sample row"))
    if not out.problems:
        _judge_all(out)
    return out
