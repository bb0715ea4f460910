"""Reading the archive's exchange file (:mod:`.import_layout`): a workbook of the four sheets,
one CSV file per sheet (UTF-8 or GBK; the sheet known by the file's name or its header), or a
.zip of such CSV files. Pure: bytes in, typed rows out, or every problem (sheet, row as the
sheet numbers it, column letter and header, what is wrong).

This module only reads what a cell says (a date, a number, 火电 → ``thermal_power``, 西湖区 →
``330106``); whether the values may be stored is the archive's rules' to say
(:mod:`.records`, :mod:`.import_outlets`), which :mod:`.import_archive` calls.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from qingshan.archive.import_layout import (
    AVERAGING_WORDS,
    CATEGORY_WORDS,
    ENTERPRISES,
    INDUSTRY_WORDS,
    KEY_CATEGORY_WORDS,
    KIND_WORDS,
    LEVEL_WORDS,
    LIMITS,
    LIST_SEPARATORS,
    OUTLETS,
    PERMITS,
    SHEETS,
    STATUS_WORDS,
    Sheet,
)
from qingshan.archive.service import PARAMETER_SYMBOLS
from qingshan.geo.regions import REGIONS, RegionLevel
from qingshan.standards.pollutant_codes import POLLUTANT_CODES
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

__all__ = ["SheetTable", "ArchiveRows", "read_archive_files", "parse_archive"]

_CONTACT = re.compile(
    r"^(?P<name>[^（(\d+]+?)\s*(?:[（(](?P<role>[^）)]*)[）)])?\s*(?P<phone>\+?[\d][\d \-]*)?$"
)
_PARAMETER_WORDS = {
    **{p.name: code for code, p in POLLUTANT_CODES.items()},
    **{sym.lower(): code for code, sym in PARAMETER_SYMBOLS.items()},
}


@dataclass
class SheetTable:
    sheet: Sheet
    label: str  # how problems name it: the sheet's name, or the CSV file's
    header_row: int
    columns: dict[str, int]  # header → 0-based index
    rows: list[tuple[int, list[Any]]]  # (row number as the sheet shows it, cells)

    def letter(self, header: str) -> str:
        i = self.columns.get(header)
        return "" if i is None else column_letter(i)

    def problem(self, row: int, header: str, message: str) -> RowProblem:
        return RowProblem(
            self.label, row, self.letter(header), header if header in self.columns else "", message
        )


@dataclass
class Row:
    """One data row: where it is, and the value of each column present (by field key)."""

    table: SheetTable
    row: int
    values: dict[str, Any] = field(default_factory=dict)

    def problem(self, key: str, message: str) -> RowProblem:
        header = next((c.header for c in self.table.sheet.columns if c.key == key), "")
        return self.table.problem(self.row, header, message)


@dataclass
class ArchiveRows:
    """The parsed file: rows per sheet (absent sheets empty)."""

    enterprises: list[Row] = field(default_factory=list)
    outlets: list[Row] = field(default_factory=list)
    permits: list[Row] = field(default_factory=list)
    limits: list[Row] = field(default_factory=list)
    tables: dict[str, SheetTable] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.enterprises) + len(self.outlets) + len(self.permits) + len(self.limits)


def _sheet_named(name: str) -> Sheet | None:
    stem = PurePath(name).stem.strip().lower()
    for s in SHEETS:
        if stem in (s.name, s.name_en) or s.name in stem or s.name_en in stem:
            return s
    return None


def _sheet_by_header(rows: list[list[Any]]) -> Sheet | None:
    found = [s for s in SHEETS if find_header(rows, s.key, s.aliases) is not None]
    return found[0] if len(found) == 1 else None


def _table(
    sheet: Sheet, label: str, raw: list[list[Any]], problems: list[RowProblem]
) -> SheetTable | None:
    at = find_header(raw, sheet.key, sheet.aliases)
    if at is None:
        problems.append(RowProblem(label, 0, "", "", f"no header row: none of the first 10 rows has "
                                   f"the column {sheet.key} (the columns of {sheet.name} are "
                                   f"{', '.join(sheet.headers)})"))  # fmt: skip
        return None
    columns: dict[str, int] = {}
    known = set(sheet.headers)
    for i, cell in enumerate(raw[at]):
        h = header_key(cell, sheet.aliases)
        if h not in known:
            continue
        if h in columns:
            problems.append(RowProblem(label, at + 1, column_letter(i), h,
                                       f"a second {h} column (the first is {column_letter(columns[h])})"))  # fmt: skip
            continue
        columns[h] = i
    missing = [c.header for c in sheet.columns if c.required and c.header not in columns]
    if missing:
        given = ", ".join(cell_text(c) for c in raw[at] if not is_blank(c))
        problems.append(RowProblem(label, at + 1, "", "", f"missing column(s): {', '.join(missing)} "
                                   f"(the header row has: {given})"))  # fmt: skip
    rows = [(n + 1, r) for n, r in enumerate(raw) if n > at and any(not is_blank(c) for c in r)]
    return SheetTable(sheet, label, at + 1, columns, rows)


def read_archive_files(
    files: list[tuple[str, bytes]], *, max_bytes: int
) -> tuple[dict[str, SheetTable], list[RowProblem]]:
    """The tables of the uploaded files (a workbook, CSV files, a .zip of CSV files) by sheet
    name, and the problems of the files, sheets and header rows."""
    problems: list[RowProblem] = []
    tables: dict[str, SheetTable] = {}

    def add(sheet: Sheet, label: str, raw: list[list[Any]]) -> None:
        if sheet.name in tables:
            problems.append(RowProblem(label, 0, "", "", f"a second {sheet.name} table (the first is "
                                       f"{tables[sheet.name].label})"))  # fmt: skip
            return
        t = _table(sheet, label, raw, problems)
        if t is not None:
            tables[sheet.name] = t

    def csv_file(name: str, data: bytes) -> None:
        raw: list[list[Any]] = [list(r) for r in read_csv_rows(data)]
        sheet = _sheet_named(name) or _sheet_by_header(raw)
        if sheet is None:
            problems.append(RowProblem(name, 0, "", "", "neither its name nor its header row says "
                                       "which table it is: name it 企业, 排口, 排污许可证 or 许可限值 "
                                       "(.csv), or give it the header row of one of them"))  # fmt: skip
            return
        add(sheet, name, raw)

    total = 0
    for name, data in files:
        total += len(data)
        try:
            if total > max_bytes:
                raise TableFileError(f"the files are larger than the limit of {max_bytes} bytes "
                                     "(setting QINGSHAN_MAX_FILE_BYTES)")  # fmt: skip
            suffix = PurePath(name).suffix.lower()
            if looks_like_xlsx(data) or data.startswith(b"\xd0\xcf\x11\xe0"):
                book = read_workbook(data, max_bytes=max_bytes)
                seen = 0
                for title, raw in book.items():
                    sheet = _sheet_named(title) or _sheet_by_header(raw)
                    if sheet is not None:
                        seen += 1
                        add(sheet, sheet.name if title == sheet.name else title, raw)
                if not seen:
                    problems.append(RowProblem(name, 0, "", "", f"no sheet named 企业, 排口, "
                                               f"排污许可证 or 许可限值 (the workbook has: {', '.join(book)})"))  # fmt: skip
            elif data.startswith(b"PK\x03\x04"):
                _zip_members(name, data, max_bytes, csv_file)
            elif suffix in (".xlsx", ".xlsm"):
                raise TableFileError("not an Excel workbook (.xlsx) by its content")
            elif suffix in (".csv", ".txt", ""):
                csv_file(name, data)
            else:
                raise TableFileError(
                    f"a {suffix} file: the archive is read from .xlsx, .csv or a .zip of .csv files"
                )
        except TableFileError as exc:
            problems.append(RowProblem(name, 0, "", "", str(exc)))
    if not tables and not problems:
        problems.append(RowProblem("", 0, "", "", "no file"))
    return tables, problems


def _zip_members(
    name: str, data: bytes, max_bytes: int, csv_file: Callable[[str, bytes], None]
) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [i for i in z.infolist() if not i.is_dir()]
            if sum(i.file_size for i in members) > max_bytes:
                raise TableFileError(f"the .zip expands to more than the limit of {max_bytes} bytes "
                                     "(setting QINGSHAN_MAX_FILE_BYTES)")  # fmt: skip
            for info in members:
                if not info.filename.lower().endswith(".csv"):
                    raise TableFileError(f"{info.filename} in the .zip is not a .csv file")
                csv_file(info.filename, z.read(info))
    except zipfile.BadZipFile:
        raise TableFileError("a damaged .zip file") from None


# -- cells -----------------------------------------------------------------------------------


def _word(words: Mapping[str, Any], what: str) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        text = cell_text(value)
        found = words.get(text, words.get(text.lower()))
        if found is None:
            shown = [w for w in words if not w.isascii()][:8]
            raise ValueError(f"{text!r} is not {what}: one of {', '.join(shown)}")
        return found

    return parse


def _region(value: Any) -> str:
    text = cell_text(value).replace("浙江省", "", 1).replace(" ", "")
    if re.fullmatch(r"\d{6}", text):
        return text  # the archive's rules judge the code
    counties = [
        r for r in REGIONS.values() if r.level is RegionLevel.COUNTY and text.endswith(r.name)
    ]
    cities = [
        r for r in REGIONS.values() if r.level is RegionLevel.CITY and text.startswith(r.name)
    ]
    if cities:
        counties = [r for r in counties if r.parent_code == cities[0].code]
    if len(counties) == 1 and text in (
        counties[0].name,
        *(c.name + counties[0].name for c in cities),
    ):
        return counties[0].code
    raise ValueError(
        f"{cell_text(value)!r} names no county of Zhejiang (e.g. 330106, 西湖区 or 杭州市西湖区)"
    )


def _list(value: Any) -> list[str]:
    return [p for p in re.split(LIST_SEPARATORS, cell_text(value)) if p]


def _categories(value: Any) -> list[str]:
    return [_word(KEY_CATEGORY_WORDS, "a key-unit category")(p) for p in _list(value)]


def _contacts(value: Any) -> list[dict]:
    out = []
    for part in re.split(r"[;；\n]+", "" if value is None else str(value)):
        part = " ".join(part.split())
        if not part:
            continue
        m = _CONTACT.match(part)
        if m is None:
            raise ValueError(
                f"{part!r}: write 姓名（职务）电话, e.g. 张三（环保负责人）0571-88886666"
            )
        out.append(
            {
                "name": m["name"].strip(),
                "role": (m["role"] or "").strip(),
                "phone": (m["phone"] or "").strip(),
            }
        )
    return out


def _version(value: Any) -> int:
    n = parse_number(value)
    if not n.is_integer() or not 1 <= n <= 999:
        raise ValueError(f"{cell_text(value)!r} is not a version (a whole number from 1)")
    return int(n)


def _parameter(value: Any) -> str:
    text = cell_text(value)
    return _PARAMETER_WORDS.get(text, _PARAMETER_WORDS.get(text.lower(), text))


def _code(value: Any) -> str:
    return cell_text(value).upper()


_TEXT = cell_text
#: field key → (parser of a non-blank cell, value of a blank cell; ... = required)
_PARSERS: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "credit_code": (_code, ...), "name": (_TEXT, ...),
    "industry": (_word(INDUSTRY_WORDS, "a rule-pack industry"), ...),
    "industry_code": (_TEXT, None), "region_code": (_region, ...), "address": (_TEXT, ""),
    "longitude": (parse_number, None), "latitude": (parse_number, None),
    "key_categories": (_categories, []), "contacts": (_contacts, []),
    "status": (_word(STATUS_WORDS, "a status"), None), "reason": (_TEXT, ""),
    "code": (_TEXT, ...), "kind": (_word(KIND_WORDS, "an outlet kind"), ...),
    "control_level": (_word(LEVEL_WORDS, "a control level"), None),
    "source_type": (_TEXT, None), "source_name": (_TEXT, None), "reference_o2": (parse_number, None),
    "number": (_code, ...), "version": (_version, None),
    "category": (_word(CATEGORY_WORDS, "a permit category"), None),
    "valid_from": (parse_date, ...), "valid_to": (parse_date, ...),
    "outlets": (_list, []), "supersedes": (lambda v: [p.upper() for p in _list(v)], []),
    "site_code": (_TEXT, None), "parameter_code": (_parameter, ...),
    "limit": (parse_number, None), "unit": (_TEXT, None),
    "averaging": (_word(AVERAGING_WORDS, "an averaging"), None), "standard": (_TEXT, ""),
    "tonnes_per_year": (parse_number, None),
}  # fmt: skip


def _rows(table: SheetTable, problems: list[RowProblem]) -> list[Row]:
    out = []
    cols = [
        (c, table.columns[c.header])
        for c in table.sheet.columns
        if c.header in table.columns and not c.read_only
    ]
    for n, cells in table.rows:
        row = Row(table, n)
        for col, i in cols:
            value = cells[i] if i < len(cells) else None
            parse, blank = _PARSERS[col.key]
            if is_blank(value):
                if blank is ...:
                    problems.append(table.problem(n, col.header, "is empty"))
                elif blank is not None or col.key not in (
                    "status",
                    "category",
                    "control_level",
                    "averaging",
                ):
                    row.values[col.key] = blank
                continue
            try:
                row.values[col.key] = parse(value)
            except ValueError as exc:
                problems.append(table.problem(n, col.header, str(exc)))
        out.append(row)
    return out


def parse_archive(
    tables: dict[str, SheetTable], problems: list[RowProblem], *, max_rows: int
) -> ArchiveRows:
    """Every cell of every table read; the problems of cells that say nothing readable (an
    empty required cell, a date or number that is none, an unknown word or region) and of
    rows repeated within a sheet are appended to ``problems``."""
    out = ArchiveRows(tables=tables)
    total = sum(len(t.rows) for t in tables.values())
    if total > max_rows:
        problems.append(
            RowProblem("", 0, "", "", f"{total} rows, more than {max_rows}: split the file")
        )
        return out
    for sheet, attr in (
        (ENTERPRISES, "enterprises"),
        (OUTLETS, "outlets"),
        (PERMITS, "permits"),
        (LIMITS, "limits"),
    ):
        if sheet.name in tables:
            setattr(out, attr, _rows(tables[sheet.name], problems))
    _repeats(out.enterprises, lambda r: r.values.get("credit_code"), "credit_code", problems)
    _repeats(out.outlets, lambda r: r.values.get("code"), "code", problems)
    _repeats(
        out.permits, lambda r: (r.values.get("number"), r.values.get("version")), "number", problems
    )
    for r in out.limits:
        v = r.values
        if v.get("site_code"):
            for key in ("limit", "unit"):
                if v.get(key) is None:
                    problems.append(
                        r.problem(key, "is empty: a row with an outlet is a concentration limit")
                    )
            if v.get("tonnes_per_year") is not None:
                problems.append(
                    r.problem(
                        "tonnes_per_year",
                        "an annual cap goes on a row of its own, without 排口编码",
                    )
                )
        elif "parameter_code" in v and v.get("tonnes_per_year") is None:
            problems.append(r.problem("site_code", "is empty and so is 年许可排放量: give the outlet of a "
                                      "concentration limit, or the annual cap (t/a) of the permit"))  # fmt: skip
    _repeats(out.limits, lambda r: (r.values.get("number"), r.values.get("version"), r.values.get("site_code"),
                                    r.values.get("parameter_code")), "parameter_code", problems)  # fmt: skip
    return out


def _repeats(
    rows: list[Row], key: Callable[[Row], Any], field: str, problems: list[RowProblem]
) -> None:
    seen: dict[Any, int] = {}
    for r in rows:
        k = key(r)
        if k is None or (isinstance(k, tuple) and k[0] is None):
            continue
        if k in seen:
            shown = (
                k
                if not isinstance(k, tuple)
                else " ".join(str(p) for p in k if p not in (None, ""))
            )
            problems.append(r.problem(field, f"{shown} is also in row {seen[k]}"))
        else:
            seen[k] = r.row
