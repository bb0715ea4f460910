"""Reading and checking resource rows — from a CSV / Excel file or a form (pure; no database).

Four layouts (``KINDS``), one row per record, headers Chinese or the English keys:

- ``depots`` (物资库): 编号 code, 名称 name, 权属 owner_kind (bureau / enterprise or 部门 / 企业),
  权属单位 owner_name, 统一社会信用代码 credit_code (an enterprise's, optional), 经度 lon,
  纬度 lat, 地址 address, 负责人 custodian, 电话 phone.
- ``materials`` (应急物资): 物资库编号 depot_code, 类别 category (a code or the 调查指南's name),
  名称 name, 规格型号 specification, 数量 quantity, 单位 unit, 保管人 custodian, 生产日期
  produced_on, 有效期至 expires_on, 储备方式 holding (自储 / 代储 / 协议储备 or the codes).
- ``teams`` (救援队伍): 编号 code, 名称 name, 人数 size, 专长 specialities (several, separated by
  、 , ; or /), 联系人 contact, 电话 phone, 驻地 base, 经度 lon, 纬度 lat.
- ``experts`` (专家): 编号 code, 姓名 name, 领域 fields (several), 单位 organisation, 电话 phone,
  地区 region (a county's GB/T 2260 code or name), 经度 lon, 纬度 lat (both optional).

Each row is checked on its own and every problem named (row, column, what): a missing
required cell, an unknown category / holding / speciality / field, a negative quantity, an
expiry before the production date, coordinates outside Zhejiang (in no county, see
:func:`qingshan.geo.counties.county_at`), an unknown depot or enterprise. The caller stores
the rows only when there is no problem at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qingshan.emergency.resources import catalog
from qingshan.geo.counties import county_at
from qingshan.geo.models import RegionLevel
from qingshan.geo.regions import REGIONS
from qingshan.tablefile import (
    RowProblem,
    cell_text,
    column_letter,
    is_blank,
    map_table,
    parse_date,
    parse_number,
    read_table,
)

__all__ = [
    "COLUMNS",
    "KINDS",
    "Known",
    "Parsed",
    "RowError",
    "check_row",
    "parse_table",
    "read_table",
]

KINDS = ("depots", "materials", "teams", "experts")

#: per kind: header → English key, in template order
COLUMNS: dict[str, dict[str, str]] = {
    "depots": {"编号": "code", "名称": "name", "权属": "owner_kind", "权属单位": "owner_name",
               "统一社会信用代码": "credit_code", "经度": "lon", "纬度": "lat", "地址": "address",
               "负责人": "custodian", "电话": "phone"},
    "materials": {"物资库编号": "depot_code", "类别": "category", "名称": "name",
                  "规格型号": "specification", "数量": "quantity", "单位": "unit",
                  "保管人": "custodian", "生产日期": "produced_on", "有效期至": "expires_on",
                  "储备方式": "holding"},
    "teams": {"编号": "code", "名称": "name", "人数": "size", "专长": "specialities",
              "联系人": "contact", "电话": "phone", "驻地": "base", "经度": "lon", "纬度": "lat"},
    "experts": {"编号": "code", "姓名": "name", "领域": "fields", "单位": "organisation",
                "电话": "phone", "地区": "region", "经度": "lon", "纬度": "lat"},
}  # fmt: skip
_REQUIRED = {
    "depots": ("code", "name", "owner_kind", "lon", "lat"),
    "materials": ("depot_code", "category", "name", "quantity", "unit", "holding"),
    "teams": ("code", "name", "size", "specialities", "lon", "lat"),
    "experts": ("code", "name", "fields", "region"),
}
_OWNER = {"bureau": "bureau", "enterprise": "enterprise", "部门": "bureau", "生态环境部门": "bureau",
          "政府": "bureau", "企业": "enterprise"}  # fmt: skip
_SPLIT = re.compile(r"[、,，;；/]+")
_LIMITS = {"code": 32, "name": 200, "owner_name": 200, "address": 300, "custodian": 100,
           "phone": 32, "specification": 200, "unit": 16, "contact": 100, "base": 300,
           "organisation": 200}  # fmt: skip
MAX_ROWS = 20_000


class RowError(ValueError):
    """One cell's problem while checking a row: ``key`` names the column."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass
class Parsed:
    """The rows of a table (sheet row number, checked values) and every problem found."""

    kind: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True)
class Known:
    """What the checks look up, handed in by the service: depot code → (depot id, county) of
    the depots the caller may write to, 统一社会信用代码 → enterprise id, and today (CST: a
    production date after it is refused)."""

    depots: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    enterprises: Mapping[str, int] = field(default_factory=dict)
    today: date | None = None


def _code(vocabulary: str, value: str, key: str) -> str:
    text = value.strip()
    for t in getattr(catalog, vocabulary)():
        if text in (t.code, t.zh, t.en, *t.aliases_zh) or text.lower() == t.code:
            return t.code
    known = "、".join(f"{t.zh} ({t.code})" for t in getattr(catalog, vocabulary)())
    raise RowError(key, f"unknown {key} {text!r}; known: {known}")


def _codes(vocabulary: str, value: str, key: str) -> str:
    parts = [p for p in _SPLIT.split(value) if p.strip()]
    if not parts:
        raise RowError(key, f"{key} is empty")
    return ",".join(dict.fromkeys(_code(vocabulary, p, key) for p in parts))


def _number(value: Any, key: str) -> float:
    try:
        return parse_number(value)
    except ValueError as exc:
        raise RowError(key, str(exc)) from None


def _position(cells: Mapping[str, Any], *, required: bool) -> tuple[float, float, str] | None:
    if is_blank(cells.get("lon")) and is_blank(cells.get("lat")) and not required:
        return None
    for key in ("lon", "lat"):
        if is_blank(cells.get(key)):
            raise RowError(key, f"{key} is required with the other coordinate")
    lon, lat = _number(cells["lon"], "lon"), _number(cells["lat"], "lat")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise RowError("lon", f"({lon}, {lat}) are not longitude/latitude degrees")
    county = county_at(lon, lat)
    if county is None:
        raise RowError("lon", f"({lon}, {lat}) lies outside Zhejiang (in no county)")
    return lon, lat, str(county)


def _region(value: str) -> str:
    text = value.strip()
    for r in REGIONS.values():
        if text in (r.code, r.name, r.name_en):
            if r.level is not RegionLevel.COUNTY:
                raise RowError("region", f"region {text!r} is a {r.level.value}, not a county")
            return r.code
    raise RowError("region", f"unknown region {text!r} (a county's code like 330106 or 西湖区)")


def _text(cells: Mapping[str, Any], key: str) -> str:
    text = cell_text(cells.get(key))
    limit = _LIMITS.get(key)
    if limit is not None and len(text) > limit:
        raise RowError(key, f"{key} is longer than {limit} characters")
    return text


def _depot(cells: Mapping[str, Any], known: Known) -> dict[str, Any]:
    owner = _OWNER.get(cell_text(cells["owner_kind"]).lower())
    if owner is None:
        raise RowError("owner_kind", f"owner_kind {cell_text(cells['owner_kind'])!r} is neither "
                       "bureau (部门) nor enterprise (企业)")  # fmt: skip
    credit = cell_text(cells.get("credit_code")).upper()
    enterprise_id = None
    if credit:
        if owner != "enterprise":
            raise RowError("credit_code", "a credit code is for an enterprise's depot only")
        enterprise_id = known.enterprises.get(credit)
        if enterprise_id is None:
            raise RowError(
                "credit_code", f"no enterprise with credit code {credit!r} in your region"
            )
    pos = _position(cells, required=True)
    assert pos is not None
    return {"code": _text(cells, "code"), "name": _text(cells, "name"), "owner_kind": owner,
            "owner_name": _text(cells, "owner_name"), "enterprise_id": enterprise_id,
            "lon": pos[0], "lat": pos[1], "region_code": pos[2],
            "address": _text(cells, "address"), "custodian": _text(cells, "custodian"),
            "phone": _text(cells, "phone")}  # fmt: skip


def _material(cells: Mapping[str, Any], known: Known) -> dict[str, Any]:
    code = cell_text(cells["depot_code"])
    depot = known.depots.get(code)
    if depot is None:
        raise RowError("depot_code", f"no depot {code!r} in your region (import the depot first)")
    quantity = _number(cells["quantity"], "quantity")
    if quantity < 0:
        raise RowError("quantity", f"quantity {quantity:g} is negative")
    days: dict[str, date | None] = {}
    for key in ("produced_on", "expires_on"):
        try:
            days[key] = None if is_blank(cells.get(key)) else parse_date(cells[key])
        except ValueError as exc:
            raise RowError(key, str(exc)) from None
    made, expires = days["produced_on"], days["expires_on"]
    if made is not None and known.today is not None and made > known.today:
        raise RowError("produced_on", f"production date {made} is after today {known.today}")
    if made is not None and expires is not None and expires < made:
        raise RowError("expires_on", f"expiry {expires} is before the production date {made}")
    return {"depot_id": depot[0], "region_code": depot[1],
            "category": _code("categories", cell_text(cells["category"]), "category"),
            "name": _text(cells, "name"), "specification": _text(cells, "specification"),
            "quantity": quantity, "unit": _text(cells, "unit"),
            "custodian": _text(cells, "custodian"), "produced_on": made, "expires_on": expires,
            "holding": _code("holdings", cell_text(cells["holding"]), "holding")}  # fmt: skip


def _team(cells: Mapping[str, Any], known: Known) -> dict[str, Any]:
    size = _number(cells["size"], "size")
    if size < 1 or not size.is_integer():
        raise RowError("size", f"size {size:g} is not a whole number of people (at least 1)")
    pos = _position(cells, required=True)
    assert pos is not None
    return {"code": _text(cells, "code"), "name": _text(cells, "name"), "size": int(size),
            "specialities": _codes("specialities", cell_text(cells["specialities"]), "specialities"),
            "contact": _text(cells, "contact"), "phone": _text(cells, "phone"),
            "base": _text(cells, "base"), "lon": pos[0], "lat": pos[1],
            "region_code": pos[2]}  # fmt: skip


def _expert(cells: Mapping[str, Any], known: Known) -> dict[str, Any]:
    region = _region(cell_text(cells["region"]))
    pos = _position(cells, required=False)
    return {"code": _text(cells, "code"), "name": _text(cells, "name"),
            "fields": _codes("fields", cell_text(cells["fields"]), "fields"),
            "organisation": _text(cells, "organisation"), "phone": _text(cells, "phone"),
            "region_code": region, "lon": None if pos is None else pos[0],
            "lat": None if pos is None else pos[1]}  # fmt: skip


_CHECKS: dict[str, Callable[[Mapping[str, Any], Known], dict[str, Any]]] = {
    "depots": _depot, "materials": _material, "teams": _team, "experts": _expert}  # fmt: skip


def check_row(kind: str, cells: Mapping[str, Any], known: Known) -> dict[str, Any]:
    """The checked values of one row given by English key (a form, an API body): raises
    :class:`RowError` naming the column of the first problem."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    for key in _REQUIRED[kind]:
        if is_blank(cells.get(key)):
            raise RowError(key, f"{key} is required")
    return _CHECKS[kind](cells, known)


def parse_table(kind: str, sheet: str, rows: Sequence[Sequence[Any]], known: Known) -> Parsed:
    """Check every row of a table of ``kind`` (its header row within the first 10 rows).
    :class:`TableFileError` for a table without the header or a required column; every row's
    problem goes to :attr:`Parsed.problems`; a code given twice is a problem too."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    cols = COLUMNS[kind]
    table = map_table(rows, cols, required=_REQUIRED[kind], max_rows=MAX_ROWS,
                      no_header_hint=": download the template")  # fmt: skip
    where = table.where
    out = Parsed(kind)
    seen: dict[str, int] = {}
    for n, values in table.records():
        try:
            row = check_row(kind, values, known)
        except RowError as exc:
            i = where.get(exc.key, 0)
            out.problems.append(RowProblem(sheet, n, column_letter(i),
                                           next((h for h, k in cols.items() if k == exc.key), exc.key),
                                           str(exc)))  # fmt: skip
            continue
        key = _identity(kind, row)
        if key in seen:
            out.problems.append(RowProblem(sheet, n, "", "", f"the same record as row {seen[key]}"))
            continue
        seen[key] = n
        out.rows.append((n, row))
    return out


def _identity(kind: str, row: Mapping[str, Any]) -> str:
    if kind == "materials":
        return f"{row['depot_id']}|{row['name']}|{row['specification']}"
    return str(row["code"])
