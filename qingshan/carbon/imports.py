"""Excel import of monthly activity data (碳排放活动水平数据导入), and its template.

Layout (one sheet, the first; a title row above the header is fine): **one row per
enterprise-month**. Fixed columns for the credit code, the month, electricity, heat, clinker,
value added and output value; then up to :data:`FUEL_SLOTS` fuel groups of three cells each —
燃料N (a factor-library key such as ``raw_coal``, or its Chinese name), 用量N (the amount),
单位N (``t`` or ``10^4 Nm3``, the guidelines' units; ``万Nm3`` / ``万立方米`` accepted as the
latter). A fuel group left blank is skipped. Headers may be Chinese or the English keys.

Rows are checked one by one: a problem names the row (as the sheet numbers it), the column
(letter and header) and what is wrong — unknown credit code, an enterprise outside the user's
scope, a month that is not YYYY-MM or out of range, a negative or non-numeric amount, an unknown
fuel, a wrong unit. **Good rows are stored, bad rows are reported and not stored**; a row is
stored whole (its activity and its result, in a savepoint) or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from qingshan.carbon.activity import ActivityMonth, FuelUse
from qingshan.carbon.errors import CarbonError, UnknownFuel, WrongUnit
from qingshan.carbon.factors import FactorLibrary
from qingshan.tablefile import (
    RowProblem,
    TableFileError,
    cell_text,
    column_letter,
    find_header,
    header_key,
    is_blank,
    parse_number,
    read_workbook,
    write_workbook,
)

__all__ = [
    "FUEL_SLOTS", "COLUMNS", "ImportReport", "ParsedWorkbook", "parse_workbook", "template",
    "fuel_names", "header_of",
]  # fmt: skip

#: fuel groups (燃料/用量/单位) per row
FUEL_SLOTS = 4
#: the largest workbook read (expanded) [bytes]
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    header: str  # Chinese, as the template writes it
    key: str  # the ActivityMonth field (or credit_code, month, fuel_N, amount_N, unit_N)
    zh: str
    en: str
    unit: str = ""


_FIXED = (
    Column("统一社会信用代码", "credit_code", "企业统一社会信用代码（18位）", "the enterprise's unified social credit code (18 characters)"),
    Column("月份", "month", "核算月份，如 2026-03", "the month, e.g. 2026-03"),
    Column("外购电力", "electricity_purchased_mwh", "外购电力（MWh）", "purchased electricity", "MWh"),
    Column("输出电力", "electricity_exported_mwh", "输出电力（MWh）", "exported electricity", "MWh"),
    Column("绿电", "green_electricity_mwh", "外购零碳电力（水电、风电、光伏，MWh），仅用于碳效码", "zero-carbon electricity purchased (碳效码 only)", "MWh"),
    Column("外购热力", "heat_purchased_gj", "外购热力（GJ）", "purchased heat", "GJ"),
    Column("输出热力", "heat_exported_gj", "输出热力（GJ）", "exported heat", "GJ"),
    Column("熟料产量", "clinker_t", "水泥熟料产量（t），水泥企业填写", "cement clinker output (cement only)", "t"),
    Column("工业增加值", "value_added_10k_yuan", "工业增加值（万元），碳效码必填", "industrial value added (needed for the 碳效码)", "万元"),
    Column("工业总产值", "output_value_10k_yuan", "工业总产值（万元）", "industrial output value", "万元"),
)  # fmt: skip
_FUELS = tuple(
    c
    for n in range(1, FUEL_SLOTS + 1)
    for c in (
        Column(f"燃料{n}", f"fuel_{n}", "燃料品种（因子库代码或中文名，如 raw_coal / 原煤）", "fuel (factor-library key or Chinese name)"),
        Column(f"用量{n}", f"amount_{n}", "燃料用量", "amount of the fuel"),
        Column(f"单位{n}", f"unit_{n}", "单位：t（固体、液体）或 10^4 Nm3（气体）", "unit: t (solids, liquids) or 10^4 Nm3 (gases)"),
    )
)  # fmt: skip
COLUMNS = _FIXED + _FUELS
_ALIASES = {c.key: c.header for c in COLUMNS} | {c.key.lower(): c.header for c in COLUMNS}
_UNIT_ALIASES = {
    "t": "t", "吨": "t", "10^4nm3": "10^4 Nm3", "10^4 nm3": "10^4 Nm3", "万nm3": "10^4 Nm3",
    "万立方米": "10^4 Nm3", "万m3": "10^4 Nm3", "10⁴nm³": "10^4 Nm3",
}  # fmt: skip
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$|^(\d{4})(\d{2})$")


@dataclass
class ParsedWorkbook:
    """A workbook read: the non-blank rows counted, the good rows' activities (with their row
    number) and the bad rows' problems."""

    sheet: str = ""
    rows: int = 0
    good: list[tuple[int, ActivityMonth]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did: rows read, rows stored, the problems (row, column, message) of the
    rows not stored, and the (enterprise, month) stored."""

    rows: int = 0
    stored: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    months: list[tuple[int, date]] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({p.row for p in self.problems if p.row})


def fuel_names(library: FactorLibrary) -> dict[str, str]:
    """Chinese name → fuel key of the library (``params["name_zh"]`` where the data has one)."""
    out: dict[str, str] = {}
    on = date.today()
    for key in library.fuels():
        try:
            f = library.fuel(key, on)
        except CarbonError:
            continue
        name = (f.params or {}).get("name_zh")
        if name:
            out[str(name)] = key
    return out


def _month(value: Any) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return date(value.year, value.month, 1)
    text = cell_text(value)
    m = _MONTH.match(text) or re.match(r"^(\d{4})-(\d{1,2})-0?1$", text)
    if m is None:
        raise ValueError(f"{text!r} is not a month (2026-03, 2026/3, 2026年3月 or 202603)")
    y, mo = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    if not 1 <= int(mo) <= 12:
        raise ValueError(f"{text!r}: month {int(mo)} does not exist")
    return date(int(y), int(mo), 1)


def parse_workbook(
    data: bytes,
    *,
    directory: Mapping[str, tuple[int, str]],
    allowed: Collection[int],
    library: FactorLibrary,
    now: datetime,
    max_bytes: int = MAX_BYTES,
) -> ParsedWorkbook:
    """Read ``data`` (an .xlsx) into the activities of its good rows and the problems of its
    bad ones (see the module docstring). ``directory``: credit code → (enterprise id, name) of
    every enterprise; ``allowed``: the ids the importing user may submit for."""
    sheets = read_workbook(data, max_bytes=max_bytes)
    if not sheets:
        raise TableFileError("the workbook has no sheet")
    name, rows = next(iter(sheets.items()))
    hi = find_header(rows, "统一社会信用代码", _ALIASES)
    if hi is None:
        raise TableFileError(
            f"sheet {name!r}: no header row with 统一社会信用代码 (credit_code) in its first 10 "
            "rows: download the template"
        )
    header = [header_key(c, _ALIASES) for c in rows[hi]]
    col = {h: i for i, h in enumerate(header) if h}
    if "月份" not in col:
        raise TableFileError(f"sheet {name!r}: no column 月份 (month)")
    names = fuel_names(library)
    report = ParsedWorkbook(sheet=name)
    seen: dict[tuple[int, date], int] = {}
    for offset, cells in enumerate(rows[hi + 1 :]):
        rownum = hi + 2 + offset
        if all(is_blank(c) for c in cells):
            continue
        report.rows += 1
        row = _Row(name, rownum, cells, col)
        problems, bad, cell = row.problems, row.bad, row.cell
        code = cell_text(cell("统一社会信用代码")).upper()
        ent = directory.get(code)
        if not code:
            bad("统一社会信用代码", "credit code is empty")
        elif ent is None:
            bad(
                "统一社会信用代码",
                f"unknown credit code {code!r}: no such enterprise in the archive",
            )
        elif ent[0] not in allowed:
            bad("统一社会信用代码", f"enterprise {code} ({ent[1]}) is outside your scope")
        month: date | None = None
        try:
            month = _month(cell("月份"))
            if month.year < 2005 or month > date(now.year, now.month, 1):
                bad("月份", f"month {month:%Y-%m} is out of range (2005-01 to {now:%Y-%m})")
                month = None
        except ValueError as exc:
            bad("月份", str(exc))
        amounts: dict[str, float | None] = {}
        for c in _FIXED[2:]:
            v = cell(c.header)
            if is_blank(v):
                amounts[c.key] = None
                continue
            try:
                x = parse_number(v)
            except ValueError as exc:
                bad(c.header, str(exc))
                continue
            if x < 0:
                bad(c.header, f"{c.header} ({c.key}) must not be negative (got {x:g})")
            amounts[c.key] = x
        fuels: list[FuelUse] = []
        for n in range(1, FUEL_SLOTS + 1):
            f, a, u = cell(f"燃料{n}"), cell(f"用量{n}"), cell(f"单位{n}")
            if all(is_blank(x) for x in (f, a, u)):
                continue
            key = cell_text(f)
            key = names.get(key, key.lower())
            if not key:
                bad(f"燃料{n}", "fuel is empty but an amount or unit is given")
                continue
            unit = _UNIT_ALIASES.get(cell_text(u).lower().replace(" ", ""), cell_text(u))
            try:
                amount = parse_number(a)
            except ValueError as exc:
                bad(f"用量{n}", str(exc))
                continue
            if amount < 0:
                bad(f"用量{n}", f"amount of {key} must not be negative (got {amount:g})")
                continue
            try:
                expected = library.fuel(key, month or date(now.year, now.month, 1)).params.get(
                    "activity_unit"
                )
                if expected and unit != expected:
                    raise WrongUnit(key, unit, str(expected))
            except UnknownFuel as exc:
                bad(f"燃料{n}", str(exc))
                continue
            except WrongUnit as exc:
                bad(f"单位{n}", str(exc))
                continue
            except CarbonError as exc:
                bad(f"燃料{n}", str(exc))
                continue
            fuels.append(FuelUse(key, amount, unit))
        if ent is not None and month is not None and not problems:
            first = seen.get((ent[0], month))
            if first is not None:
                bad("月份", f"{code} {month:%Y-%m} already given in row {first}")
            seen[(ent[0], month)] = rownum
        if problems or ent is None or month is None:
            report.problems += problems
            continue
        activity = ActivityMonth(
            enterprise_id=ent[0], month=month, fuels=tuple(fuels),
            electricity_purchased_mwh=amounts.get("electricity_purchased_mwh") or 0.0,
            electricity_exported_mwh=amounts.get("electricity_exported_mwh") or 0.0,
            green_electricity_mwh=amounts.get("green_electricity_mwh") or 0.0,
            heat_purchased_gj=amounts.get("heat_purchased_gj") or 0.0,
            heat_exported_gj=amounts.get("heat_exported_gj") or 0.0,
            clinker_t=amounts.get("clinker_t"),
            value_added_10k_yuan=amounts.get("value_added_10k_yuan"),
            output_value_10k_yuan=amounts.get("output_value_10k_yuan"),
        )  # fmt: skip
        report.good.append((rownum, activity))
    return report


@dataclass
class _Row:
    """One row being read: its cells and the problems found so far."""

    sheet: str
    number: int
    cells: list[Any]
    col: dict[str, int]
    problems: list[RowProblem] = field(default_factory=list)

    def cell(self, header: str) -> Any:
        i = self.col.get(header)
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def bad(self, header: str, message: str) -> None:
        i = self.col.get(header)
        letter = "" if i is None else column_letter(i)
        self.problems.append(RowProblem(self.sheet, self.number, letter, header, message))


def header_of(field_name: str) -> str:
    """The template's header of an activity field (for an error raised when storing a row)."""
    for c in COLUMNS:
        if c.key == field_name or field_name.startswith(c.key):
            return c.header
    return "月份" if field_name == "month" else ""


_EXAMPLE = [
    ["91330106MA2XIHU01A", "2026-03", 5200, 0, 800, 1200, 0, None, 3150, 12800,
     "natural_gas", 42.5, "10^4 Nm3", "diesel", 3.2, "t", None, None, None, None, None, None],
    ["91330106MA2XIHU01A", "2026-04", 5100, 0, 820, 1150, 0, None, 3080, 12500,
     "天然气", 41.0, "万Nm3", None, None, None, None, None, None, None, None, None],
]  # fmt: skip


def template() -> bytes:
    """The import template: the header row (a note on each header: what it holds, Chinese and
    English, with its unit) and two example rows of a made-up enterprise."""
    headers = [c.header for c in COLUMNS]
    return write_workbook(
        {"碳排放活动数据": (headers, _EXAMPLE)},
        widths={"统一社会信用代码": 22, "月份": 10} | {h: 12 for h in headers[2:]},
        notes={c.header: f"{c.zh}\n{c.en}" + (f" [{c.unit}]" if c.unit else "") + f"\n({c.key})"
               for c in COLUMNS},
    )  # fmt: skip
