"""Reading and checking a sealed-source register file (放射源台账导入) — CSV or Excel, one source
per row (pure; no database).

Columns (headers Chinese or the English keys; the template's order):
编号 code, 核素 nuclide, 出厂活度 a0_bq [Bq] (the template's header 出厂活度(Bq)), 活度参考日期 reference_date, 所在区县 region (a
county's GB/T 2260 code or name; blank: the county the coordinates lie in), 状态 status (在用 /
贮存 / 废旧 / 已收贮 or the codes), 废旧日期 disused_on, 用途 use, 许可证号 licence_no, 许可证有效期至
licence_expiry, 持有单位统一社会信用代码 credit_code, 存放地点 location, 经度 lon, 纬度 lat.

Every row is checked on its own and every problem named (row, column, what): an unknown
nuclide, no reference date (decay needs the day the activity was measured), an activity that
is not > 0, a licence already expired, coordinates outside Zhejiang (in no county, see
:func:`qingshan.geo.counties.county_at`), a county outside the importer's region, an unknown
holder, a code already registered or given twice, a mobile source (registered one by one with
its work-area fence, which a table row cannot carry). The caller stores the rows only when
there is no problem at all (:func:`qingshan.emergency.radiation.service.import_sources`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qingshan.emergency.radiation.errors import RadiationError
from qingshan.emergency.radiation.register import SourceInput, Status, check_source
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
)

__all__ = ["COLUMNS", "MAX_ROWS", "TEMPLATE_HEADERS", "Known", "Parsed", "parse_sources"]

#: header → English key, in template order
COLUMNS: dict[str, str] = {
    "编号": "code", "核素": "nuclide", "出厂活度": "a0_bq", "活度参考日期": "reference_date",
    "所在区县": "region", "状态": "status", "废旧日期": "disused_on", "用途": "use",
    "许可证号": "licence_no", "许可证有效期至": "licence_expiry",
    "持有单位统一社会信用代码": "credit_code", "存放地点": "location", "经度": "lon", "纬度": "lat",
}  # fmt: skip
#: the template's header row: the headers with their units (a bracketed note is ignored when read)
TEMPLATE_HEADERS = [f"{h}(Bq)" if k == "a0_bq" else h for h, k in COLUMNS.items()]
_REQUIRED = ("code", "nuclide", "a0_bq", "reference_date")
_STATUS = {"在用": Status.IN_USE, "贮存": Status.IN_STORAGE, "废旧": Status.DISUSED,
           "已收贮": Status.COLLECTED, "已返回": Status.COLLECTED, "移动使用": Status.MOBILE,
           **{s.value: s for s in Status}}  # fmt: skip
_LIMITS = {"use": 64, "licence_no": 64, "location": 300}
MAX_ROWS = 20_000


class RowError(ValueError):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Known:
    """What the checks look up, handed in by the service: the importer's region prefix, the
    codes already registered, 统一社会信用代码 → enterprise id of the region's enterprises, and
    today (CST)."""

    prefix: str
    today: date
    codes: frozenset[str] = frozenset()
    enterprises: Mapping[str, int] = field(default_factory=dict)


@dataclass
class Parsed:
    rows: list[tuple[int, SourceInput]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _date(cells: Mapping[str, Any], key: str) -> date | None:
    if is_blank(cells.get(key)):
        return None
    try:
        return parse_date(cells[key])
    except ValueError as exc:
        raise RowError(key, f"{key}: {exc}") from None


def _region(text: str) -> str:
    for r in REGIONS.values():
        if text in (r.code, r.name, r.name_en):
            if r.level is not RegionLevel.COUNTY:
                raise RowError("region", f"region {text!r} is a {r.level.value}, not a county")
            return r.code
    raise RowError("region", f"unknown region {text!r} (a county's code like 330106 or 西湖区)")


def check_source_row(cells: Mapping[str, Any], known: Known) -> SourceInput:
    """One row given by English key → the checked :class:`SourceInput`, or :class:`RowError`
    naming the column of the first problem."""
    for key in _REQUIRED:
        if is_blank(cells.get(key)):
            raise RowError(key, f"{key} is required" + (
                " (出厂活度日期: decay needs the day the activity was measured)"
                if key == "reference_date" else ""))  # fmt: skip
    code = cell_text(cells["code"])
    if code in known.codes:
        raise RowError("code", f"code {code!r} is already registered")
    try:
        a0 = parse_number(cells["a0_bq"])
    except ValueError as exc:
        raise RowError("a0_bq", f"a0_bq: {exc}") from None
    if not a0 > 0:
        raise RowError("a0_bq", f"activity {a0:g} Bq is not > 0")
    status_text = cell_text(cells.get("status")) or Status.IN_USE.value
    status = _STATUS.get(status_text) or _STATUS.get(status_text.lower())
    if status is None:
        raise RowError("status", f"unknown status {status_text!r}; one of 在用、贮存、废旧、已收贮")
    if status is Status.MOBILE:
        raise RowError("status", "a mobile source (移动使用) is registered one by one with its "
                       "work-area fence (the register page or the API), not imported")  # fmt: skip
    lon = lat = None
    if not (is_blank(cells.get("lon")) and is_blank(cells.get("lat"))):
        for key in ("lon", "lat"):
            if is_blank(cells.get(key)):
                raise RowError(key, f"{key} is required with the other coordinate")
        try:
            lon, lat = parse_number(cells["lon"]), parse_number(cells["lat"])
        except ValueError as exc:
            raise RowError("lon", f"lon/lat: {exc}") from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise RowError("lon", f"({lon}, {lat}) are not longitude/latitude degrees")
    at = None if lon is None or lat is None else county_at(lon, lat)
    if lon is not None and at is None:
        raise RowError("lon", f"({lon}, {lat}) lies outside Zhejiang (in no county)")
    region_text = cell_text(cells.get("region"))
    if region_text:
        region = _region(region_text)
    elif at is not None:
        region = str(at)
    else:
        raise RowError("region", "region is required without coordinates")
    if not region.startswith(known.prefix):
        raise RowError("region", f"county {region} is outside your region")
    expiry = _date(cells, "licence_expiry")
    if expiry is not None and expiry < known.today:
        raise RowError("licence_expiry", f"licence expired on {expiry} (today {known.today})")
    credit = cell_text(cells.get("credit_code")).upper()
    enterprise_id = None
    if credit:
        enterprise_id = known.enterprises.get(credit)
        if enterprise_id is None:
            raise RowError("credit_code", f"no enterprise with credit code {credit!r} in your "
                           "region")  # fmt: skip
    texts = {}
    for key, limit in _LIMITS.items():
        texts[key] = cell_text(cells.get(key))
        if len(texts[key]) > limit:
            raise RowError(key, f"{key} is longer than {limit} characters")
    inp = SourceInput(
        code=code, nuclide=cell_text(cells["nuclide"]), a0_bq=a0,
        reference_date=_date(cells, "reference_date"), region_code=region, status=status,
        use=texts["use"], licence_no=texts["licence_no"], enterprise_id=enterprise_id,
        licence_expiry=expiry, location=texts["location"], lon=lon, lat=lat,
        disused_on=_date(cells, "disused_on"),
    )  # fmt: skip
    try:
        return check_source(inp, today=known.today)
    except RadiationError as exc:
        key = str(getattr(exc, "field", "") or "code")
        raise RowError("region" if key == "region_code" else key, str(exc)) from None


def parse_sources(sheet: str, rows: Sequence[Sequence[Any]], known: Known) -> Parsed:
    """Check every row of a register table (its header row within the first 10 rows).
    :class:`TableFileError` for a table without the header or a required column, or too many
    rows; every row's problem goes to :attr:`Parsed.problems`; a code given twice is one too."""
    table = map_table(rows, COLUMNS, required=_REQUIRED, max_rows=MAX_ROWS,
                      no_header_hint=": download the template")  # fmt: skip
    where = table.where
    out = Parsed()
    seen: dict[str, int] = {}
    for n, values in table.records():
        try:
            src = check_source_row(values, known)
        except RowError as exc:
            i = where.get(exc.key, 0)
            head = next((h for h, k in COLUMNS.items() if k == exc.key), exc.key)
            out.problems.append(RowProblem(sheet, n, column_letter(i), head, str(exc)))
            continue
        if src.code in seen:
            out.problems.append(RowProblem(sheet, n, column_letter(where["code"]), "编号",
                                           f"code {src.code!r} is given in row {seen[src.code]} "
                                           "too"))  # fmt: skip
            continue
        seen[src.code] = n
        out.rows.append((n, src))
    return out
