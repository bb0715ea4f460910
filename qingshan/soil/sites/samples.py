"""Soil samples of a site: rows checked and judged by GB 36600-2018 (pure).

A sample is one point (``point``, optional ``lon``/``lat`` [degrees]) at one depth (``depth_m``
[m], required, 0–100) in one unit (``unit``, required: mg/kg of dry soil, the unit of GB
36600-2018 Tables 1–2), sampled on a day, with one value per item (the keys of
:data:`qingshan.standards.soil_construction.ITEMS`; the Chinese name or CAS number are accepted
too). Each row is judged against the screening and intervention values of the site's land
category by :func:`qingshan.standards.soil_construction.judge_construction_sample` (level =
the worst item: ``within_screening`` ≤ screening value < ``over_screening`` ≤ intervention value
< ``over_intervention``, the standard's own boundary words).

:func:`check_samples` names every bad row (row, field, value) in one :class:`SiteError`;
:func:`parse_sample_table` reads a CSV or .xlsx file (one row per sample, one column per item)
through :mod:`qingshan.tablefile`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from qingshan.soil.sites.errors import SiteError
from qingshan.standards import soil_construction as sc
from qingshan.standards.errors import StandardsError
from qingshan.tablefile import (
    RowProblem,
    TableFileError,
    cell_text,
    column_letter,
    describe_problems,
    header_key,
    is_blank,
    looks_like_xlsx,
    parse_date,
    parse_number,
    read_csv_rows,
    read_workbook,
)

__all__ = ["UNITS", "MAX_DEPTH_M", "SampleRow", "item_key", "check_samples",
           "parse_sample_table"]  # fmt: skip

#: the spellings of mg/kg accepted (GB 36600-2018 Tables 1–2: mg/kg)
UNITS = {"mg/kg": "mg/kg", "mg/kg dw": "mg/kg", "mg/kg干重": "mg/kg", "毫克/千克": "mg/kg",
         "mg·kg-1": "mg/kg", "mg kg-1": "mg/kg"}  # fmt: skip
#: the deepest sample accepted [m] (site investigations drill to the aquifer, rarely past 30 m)
MAX_DEPTH_M = 100.0

_FIXED = {
    "point": ("point", "点位", "点位编号", "采样点", "样品编号"),
    "lon": ("lon", "经度", "longitude"),
    "lat": ("lat", "纬度", "latitude"),
    "depth_m": ("depth_m", "depth", "深度", "采样深度", "深度m"),
    "unit": ("unit", "单位"),
    "sampled_on": ("sampled_on", "采样日期", "日期", "date"),
}


@dataclass(frozen=True)
class SampleRow:
    """A checked sample with its judgement for ``land`` (1 or 2)."""

    point: str
    lon: float | None
    lat: float | None
    depth_m: float
    unit: str
    sampled_on: date
    values: dict[str, float]
    land: int
    level: str
    over_screening: tuple[str, ...]
    over_intervention: tuple[str, ...]


def _cas() -> dict[str, str]:
    return {str(it.cas).strip(): k for k, it in sc.ITEMS.items() if getattr(it, "cas", "")}


def item_key(name: str) -> str:
    """The GB 36600 item key of ``name`` (key, Chinese or English name, alias or CAS number,
    :func:`qingshan.standards.soil_construction.item_key`); :class:`SiteError` naming it and
    the closest keys."""
    text = str(name).strip()
    key = _cas().get(text)
    if key is not None:
        return key
    try:
        return sc.item_key(text)
    except StandardsError as exc:
        raise SiteError(f"item {text!r}: {exc}", field="values") from None


def _number(raw: Any, field: str, problems: list[str], where: str) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return parse_number(raw)
    except ValueError as exc:
        problems.append(f"{where}: {field}: {exc}")
        return None


def _check_one(row: Mapping[str, Any], land: int, where: str,
               problems: list[str]) -> SampleRow | None:  # fmt: skip
    before = len(problems)
    point = cell_text(row.get("point")) if row.get("point") is not None else ""
    if not point:
        problems.append(f"{where}: point: missing")
    elif len(point) > 40:
        problems.append(f"{where}: point: longer than 40 characters")
    depth = _number(row.get("depth_m"), "depth_m", problems, where)
    if is_blank(row.get("depth_m")):
        problems.append(f"{where}: depth_m: missing (the sampling depth in m is required)")
    elif depth is not None and not 0 <= depth <= MAX_DEPTH_M:
        problems.append(f"{where}: depth_m: {depth:g} m is outside 0–{MAX_DEPTH_M:g} m")
    unit_raw = cell_text(row.get("unit")) if row.get("unit") is not None else ""
    unit = UNITS.get(unit_raw.lower()) or UNITS.get(unit_raw.lower().replace(" ", ""))
    if not unit_raw:
        problems.append(f"{where}: unit: missing (mg/kg is required)")
    elif unit is None:
        problems.append(f"{where}: unit: {unit_raw!r} is not mg/kg (GB 36600-2018 values are "
                        "mg/kg of dry soil)")  # fmt: skip
    lon = _number(row.get("lon"), "lon", problems, where)
    lat = _number(row.get("lat"), "lat", problems, where)
    if (lon is None) != (lat is None):
        problems.append(f"{where}: lon/lat: give both or neither")
    elif (
        lon is not None and lat is not None and not (117.5 <= lon <= 123.5 and 26.5 <= lat <= 31.5)
    ):
        problems.append(f"{where}: lon/lat: ({lon:g}, {lat:g}) lies outside Zhejiang")
    when = row.get("sampled_on")
    sampled_on: date | None = None
    if is_blank(when):
        problems.append(f"{where}: sampled_on: missing")
    else:
        try:
            sampled_on = when if isinstance(when, date) else parse_date(when)
        except ValueError as exc:
            problems.append(f"{where}: sampled_on: {exc}")
    values: dict[str, float] = {}
    raw_values = row.get("values") or {}
    if not isinstance(raw_values, Mapping) or not raw_values:
        problems.append(f"{where}: values: no item value")
    else:
        for name, raw in raw_values.items():
            try:
                key = item_key(str(name))
            except SiteError as exc:
                problems.append(f"{where}: {exc}")
                continue
            v = _number(raw, f"values.{key}", problems, where)
            if v is None:
                continue
            if v < 0:
                problems.append(f"{where}: values.{key}: {v:g} mg/kg is negative")
                continue
            if key in values:
                problems.append(f"{where}: values.{key}: given twice")
                continue
            values[key] = v
    if len(problems) > before or depth is None or unit is None or sampled_on is None:
        return None
    if not values:
        problems.append(f"{where}: values: no item value")
        return None
    try:
        res = sc.judge_construction_sample(values, land)
    except StandardsError as exc:
        problems.append(f"{where}: values: {exc}")
        return None
    return SampleRow(point, lon, lat, depth, unit, sampled_on, values, land, res.level,
                     tuple(res.over_screening), tuple(res.over_intervention))  # fmt: skip


def check_samples(rows: Sequence[Mapping[str, Any]], land: int, *,
                  where: Sequence[str] | None = None) -> list[SampleRow]:  # fmt: skip
    """Check and judge every row for land category ``land``; one :class:`SiteError` naming
    every bad row (``problems``) when any is bad — nothing is judged half."""
    if not rows:
        raise SiteError("samples: no sample given", field="samples")
    problems: list[str] = []
    out = []
    for i, row in enumerate(rows):
        s = _check_one(row, land, where[i] if where else f"sample {i + 1}", problems)
        if s is not None:
            out.append(s)
    if problems:
        raise SiteError(f"{len(problems)} problem(s): " + "; ".join(problems[:8])
                        + (f"; … and {len(problems) - 8} more" if len(problems) > 8 else ""),
                        field="samples", problems=problems)  # fmt: skip
    return out


def parse_sample_table(
    data: bytes, filename: str, *, max_bytes: int
) -> tuple[list[dict], list[str]]:
    """The rows of a sample table (CSV or .xlsx; its first sheet): columns point / lon / lat /
    depth_m / unit / sampled_on (or 点位 / 经度 / 纬度 / 深度 / 单位 / 采样日期) and one column per
    item (key, Chinese name or CAS). Returns the rows and where each is (``row N``); an unknown
    item column or a missing fixed column is a :class:`SiteError` naming every one."""
    try:
        if looks_like_xlsx(data) or filename.lower().endswith(".xlsx"):
            sheets = read_workbook(data, max_bytes=max_bytes)
            table = next(iter(sheets.values()), [])
        else:
            table = read_csv_rows(data)
    except TableFileError as exc:
        raise SiteError(f"file {filename!r}: {exc}", field="file") from exc
    # (the sheet's own row number, cells) of the rows with a value, so that a refusal names the
    # row as the sheet numbers it, blank lines and a title above the header included
    filled = [(n, r) for n, r in enumerate(table, start=1) if any(not is_blank(c) for c in r)]
    at = next((i for i, (_, r) in enumerate(filled[:10])
               if any(header_key(c).lower() in _FIXED["point"] for c in r)), 0)  # fmt: skip
    if len(filled) < at + 2:
        raise SiteError(f"file {filename!r}: no header and data rows", field="file")
    header_row, body = filled[at], filled[at + 1 :]
    header = [header_key(c) for c in header_row[1]]
    fixed: dict[str, int] = {}
    items: dict[int, str] = {}
    problems: list[RowProblem] = []
    for j, h in enumerate(header):
        if not h:
            continue
        name = next((k for k, al in _FIXED.items() if h.lower() in al), None)
        if name is not None:
            fixed[name] = j
            continue
        try:
            items[j] = item_key(h)
        except SiteError as exc:
            problems.append(RowProblem("", header_row[0], column_letter(j), h, str(exc)))
    for need in ("point", "depth_m", "unit", "sampled_on"):
        if need not in fixed:
            problems.append(RowProblem("", header_row[0], "", need, f"column {need} missing"))
    if problems:
        raise SiteError(f"file {filename!r}: {describe_problems(problems)}", field="file",
                        problems=[str(p) for p in problems])  # fmt: skip
    rows, where = [], []
    for n, cells in body:
        cells = list(cells) + [None] * (len(header) - len(cells))
        row: dict[str, Any] = {k: (None if is_blank(cells[j]) else cells[j])
                               for k, j in fixed.items()}  # fmt: skip
        row["values"] = {key: cells[j] for j, key in items.items() if not is_blank(cells[j])}
        rows.append(row)
        where.append(f"row {n}")
    return rows, where
