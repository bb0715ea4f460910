"""Reading and checking an outfall list (入海排污口排查名录导入) — CSV or Excel, one outfall per
row (pure; no database).

Columns (headers Chinese or the English keys; the template's order): 编码 code, 名称 name, 类型
kind (工业排污口 / 城镇污水处理厂排污口 / 农业排口 / 其他, or the keys), 经度 lon, 纬度 lat, 受纳海域
sea_area, 责任企业统一社会信用代码 credit_code, 污水处理厂 plant, 纳管企业统一社会信用代码 connected
(several separated by ; 、 or ,), 备注 note.

Every row is checked on its own and every problem named (row, column, what): a missing
responsible party (neither an enterprise's credit code nor a plant), an unknown credit code, a
point outside Zhejiang or outside the importer's region, a code on file or given twice. The
caller stores the rows only when there is no problem at all
(:func:`qingshan.marine.outfalls.service.import_outfalls`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qingshan.marine.coastal.errors import MarineError
from qingshan.marine.outfalls.register import KIND_NAMES, KINDS, OutfallInput, check_outfall
from qingshan.tablefile import (
    RowProblem,
    cell_text,
    column_letter,
    is_blank,
    map_table,
    parse_number,
)

__all__ = ["COLUMNS", "MAX_ROWS", "Known", "Parsed", "parse_outfalls"]

#: header → English key, in template order
COLUMNS: dict[str, str] = {
    "编码": "code", "名称": "name", "类型": "kind", "经度": "lon", "纬度": "lat", "受纳海域": "sea_area",
    "责任企业统一社会信用代码": "credit_code", "污水处理厂": "plant",
    "纳管企业统一社会信用代码": "connected", "备注": "note",
}  # fmt: skip
_REQUIRED = ("code", "name", "kind", "lon", "lat", "sea_area")
_KINDS = {**{zh: k for k, (zh, _) in KIND_NAMES.items()}, "其他": "other", **{k: k for k in KINDS}}
MAX_ROWS = 5_000


class RowError(ValueError):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Known:
    """What the checks look up, handed in by the service: the codes on file, 统一社会信用代码 →
    enterprise id (the province's archive), and the county of a point if it lies in the
    importer's region (None otherwise)."""

    codes: frozenset[str]
    enterprises: Mapping[str, int]
    county_in_scope: Callable[[float, float], str | None]


@dataclass
class Parsed:
    rows: list[tuple[int, OutfallInput]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def check_outfall_row(cells: Mapping[str, Any], known: Known) -> OutfallInput:
    """One row by English key → the checked :class:`OutfallInput`, or :class:`RowError` naming
    the column of the first problem."""
    for key in _REQUIRED:
        if is_blank(cells.get(key)):
            raise RowError(key, f"{key} is required")
    code = cell_text(cells["code"])
    if code in known.codes:
        raise RowError("code", f"code {code!r} is already registered")
    kind = _KINDS.get(cell_text(cells["kind"]))
    if kind is None:
        raise RowError("kind", f"unknown type {cell_text(cells['kind'])!r}; one of "
                       + "、".join(zh for zh, _ in KIND_NAMES.values()))  # fmt: skip
    try:
        lon, lat = parse_number(cells["lon"]), parse_number(cells["lat"])
    except ValueError as exc:
        raise RowError("lon", f"lon/lat: {exc}") from None
    credit = cell_text(cells.get("credit_code")).upper()
    enterprise_id = None
    if credit:
        enterprise_id = known.enterprises.get(credit)
        if enterprise_id is None:
            raise RowError(
                "credit_code", f"no enterprise with credit code {credit!r} in the archive"
            )
    connected = []
    for c in re.split(r"[;；、,，\s]+", cell_text(cells.get("connected")).upper()):
        if c:
            if c not in known.enterprises:
                raise RowError("connected", f"no enterprise with credit code {c!r} in the archive")
            connected.append(known.enterprises[c])
    try:
        inp = check_outfall(OutfallInput(
            code=code, name=cell_text(cells["name"])[:128], kind=kind, lon=lon, lat=lat,
            sea_area=cell_text(cells["sea_area"])[:64], responsible_enterprise_id=enterprise_id,
            responsible_plant=cell_text(cells.get("plant"))[:128], connected_enterprise_ids=tuple(connected),
            note=cell_text(cells.get("note"))[:500]))  # fmt: skip
    except MarineError as exc:
        key = {"responsible_enterprise_id": "credit_code", "responsible_plant": "plant"}.get(
            exc.field, exc.field
        )
        raise RowError(key if key in COLUMNS.values() else "code", str(exc)) from None
    if known.county_in_scope(inp.lon, inp.lat) is None:
        raise RowError("lon", f"({inp.lon}, {inp.lat}) lies in no county of your region")
    return inp


def parse_outfalls(sheet: str, rows: Sequence[Sequence[Any]], known: Known) -> Parsed:
    """Check every row of an outfall list (its header row within the first 10 rows).
    :class:`TableFileError` for a table without the header or a required column, or too many
    rows; every row's problem goes to :attr:`Parsed.problems`; a code given twice is one too."""
    table = map_table(rows, COLUMNS, required=_REQUIRED, max_rows=MAX_ROWS)
    where = table.where
    out = Parsed()
    seen: dict[str, int] = {}
    for n, values in table.records():
        try:
            inp = check_outfall_row(values, known)
        except RowError as exc:
            i = where.get(exc.key, 0)
            head = next((h for h, k in COLUMNS.items() if k == exc.key), exc.key)
            out.problems.append(RowProblem(sheet, n, column_letter(i), head, str(exc)))
            continue
        if inp.code in seen:
            out.problems.append(RowProblem(sheet, n, column_letter(where["code"]), "编码",
                                           f"code {inp.code!r} is given in row {seen[inp.code]} too"))  # fmt: skip
            continue
        seen[inp.code] = n
        out.rows.append((n, inp))
    return out
