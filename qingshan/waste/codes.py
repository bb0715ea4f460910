"""Hazardous-waste codes of the National Hazardous Waste List (国家危险废物名录).

Source: 国家危险废物名录（2021年版） (生态环境部等五部门令第15号, in force 2021-01-01), its 附表
transcribed in ``data/hw_list_2021.json`` (467 rows, 46 categories) and its 附录 in
``data/exemptions_2021.json``; 国家危险废物名录（2025年版） (in force 2025-01-01, 470 rows), whose
附表 is **not yet transcribed**: ``data/hw_list_2025.json`` states the edition and its counts and
holds the rows confirmed so far (none), so a code checked on a 2025 date is looked up in the 2021
table and the answer is marked :attr:`WasteCode.provisional`. The 2016 edition
(环境保护部令第39号, 479 rows) is recognised by pattern only, for old records.

The code rule (2021 and 2025 正文, Art. 5(3) of 2021): the 废物代码 is the unique code of a
hazardous waste, **8 digits**: 1–3 the generating industry (GB/T 4754-2017 中类, ``900`` for
非特定行业), 4–6 a sequence number, 7–8 the category (HW01–HW40, HW45–HW50; HW41–HW44 do not
exist). Printed ``III-SSS-CC``. A waste that testing shows to be hazardous and that fits no
listed code is coded ``900-000-CC`` with CC its category (2021 Art. 6 ¶2; 2025 Art. 6 ¶2 asks
first for an existing code).

Hazard characteristics (危险特性, 2021 Art. 5(4)): toxicity T, corrosivity C, ignitability I,
reactivity R, infectivity In. The 附表 note 1 reads "T，I" (comma) as *has T, may have I* and
"T/C" (slash) as *has one or more of T, C*; :func:`parse_hazard` returns the set of codes printed,
and the printed string is kept beside it.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType

from qingshan.waste.errors import MalformedWasteCode, UnknownWasteCategory, UnknownWasteCode

__all__ = [
    "CATEGORY_CODES",
    "CODE_PATTERN",
    "EDITION_IN_FORCE",
    "HAZARDS",
    "Edition",
    "EditionTable",
    "ListEntry",
    "WasteCode",
    "categories",
    "characteristics",
    "edition_on",
    "edition_table",
    "entries",
    "normalise_code",
    "parse_hazard",
    "validate_code",
]


class Edition(enum.StrEnum):
    """Editions of the list that records can carry."""

    E2016 = "2016"
    E2021 = "2021"
    E2025 = "2025"


#: First day each edition is in force: 2016 edition 2016-08-01 (环境保护部令第39号); 2021 edition
#: 2021-01-01 (2021 Art. 8); 2025 edition 2025-01-01 (生态环境部等五部门令第36号 [MC, reprints of
#: the MEE order]).
EDITION_IN_FORCE: Mapping[Edition, date] = MappingProxyType(
    {
        Edition.E2016: date(2016, 8, 1),
        Edition.E2021: date(2021, 1, 1),
        Edition.E2025: date(2025, 1, 1),
    }
)

#: The 46 categories: HW01–HW40 and HW45–HW50 (附表 of 2016, 2021, 2025; HW41–HW44 do not exist).
CATEGORY_CODES: tuple[str, ...] = tuple(f"HW{n:02d}" for n in (*range(1, 41), *range(45, 51)))

#: Hazard characteristics of 2021 Art. 5(4): toxicity, corrosivity, ignitability, reactivity,
#: infectivity.
HAZARDS: tuple[str, ...] = ("T", "C", "I", "R", "In")

#: The printed shape of a code.
CODE_PATTERN = "NNN-NNN-NN"

_CODE = re.compile(r"^(\d{3})-?(\d{3})-?(\d{2})$")
_HAZARD_TOKEN = re.compile(r"In|[TCIR]")


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One row of a 附表: 废物类别, 行业来源, 废物代码, 危险废物, 危险特性 (as printed)."""

    edition: Edition
    category: str
    industry: str
    code: str
    name: str
    hazard: str

    @property
    def characteristics(self) -> frozenset[str]:
        """The hazard codes printed in the row (subset of :data:`HAZARDS`)."""
        return parse_hazard(self.hazard)


@dataclass(frozen=True, slots=True)
class EditionTable:
    """An edition's 附表 as transcribed, with its header (source, licence, counts)."""

    edition: Edition
    title: str
    in_force: date
    complete: bool
    official_count: int
    categories: Mapping[str, str]
    rows: Mapping[str, ListEntry]
    source: str
    licence: str


@dataclass(frozen=True, slots=True)
class WasteCode:
    """A validated code and what the list says of it.

    ``edition`` is the edition in force on the record's date; ``entry`` is the row that lists the
    code (None for a 2016 code, recognised by pattern only, and for ``900-000-CC``);
    ``table_edition`` is the edition whose table supplied the row — the 2021 table while the
    2025 one is not transcribed, which makes the answer :attr:`provisional`.
    """

    code: str
    category: str
    edition: Edition
    entry: ListEntry | None
    table_edition: Edition | None
    identified_by_testing: bool = False

    @property
    def name(self) -> str | None:
        """The 危险废物 text of the row (Chinese, as printed), or None."""
        return None if self.entry is None else self.entry.name

    @property
    def characteristics(self) -> frozenset[str]:
        """Hazard codes of the row; empty when the list has no row for the code."""
        return frozenset() if self.entry is None else self.entry.characteristics

    @property
    def provisional(self) -> bool:
        """True when the row comes from another edition's table than the one in force, or when
        the code was only checked against the pattern (2016 records)."""
        return self.table_edition != self.edition


def parse_hazard(printed: str) -> frozenset[str]:
    """The hazard codes of a printed 危险特性 string ("T", "T,I", "T/C/I/R", "T/In").

    Raises ValueError on any token outside :data:`HAZARDS`.
    """
    text = printed.replace("，", ",").replace(" ", "")
    tokens = [t for t in re.split(r"[,/]", text) if t]
    for token in tokens:
        if token not in HAZARDS:
            raise ValueError(f"unknown hazard characteristic {token!r} in {printed!r}")
    return frozenset(tokens)


def normalise_code(code: str) -> str:
    """``III-SSS-CC`` from the input, which may omit the hyphens or carry blanks around it.

    Raises :class:`MalformedWasteCode` naming the expected pattern.
    """
    text = str(code).strip().replace("－", "-").replace("—", "-")
    match = _CODE.match(text)
    if match is None:
        raise MalformedWasteCode(
            f"malformed hazardous-waste code {code!r}: expected {CODE_PATTERN} "
            "(8 digits: industry, sequence, category; hyphens optional on input)",
            code=code,
            expected=CODE_PATTERN,
        )
    return "-".join(match.groups())


def edition_on(on: date) -> Edition:
    """The edition in force on a date: before 2021-01-01 the 2016 edition, then 2021, and from
    2025-01-01 the 2025 edition (the record's generation, storage or transfer date)."""
    if on >= EDITION_IN_FORCE[Edition.E2025]:
        return Edition.E2025
    if on >= EDITION_IN_FORCE[Edition.E2021]:
        return Edition.E2021
    return Edition.E2016


@cache
def edition_table(edition: Edition) -> EditionTable:
    """The transcribed 附表 of an edition (2021 or 2025), read once from the package data."""
    if edition is Edition.E2016:
        raise ValueError("the 2016 edition is recognised by pattern only: no table is shipped")
    name = f"hw_list_{edition.value}.json"
    raw = json.loads(resources.files("qingshan.waste").joinpath("data", name).read_text("utf-8"))
    rows = {
        r["code"]: ListEntry(
            edition=edition,
            category=r["category"],
            industry=r["industry"],
            code=r["code"],
            name=r["name"],
            hazard=r["hazard"],
        )
        for r in raw["entries"]
    }
    return EditionTable(
        edition=edition,
        title=raw["title"],
        in_force=date.fromisoformat(raw["in_force"]),
        complete=bool(raw["complete"]),
        official_count=int(raw["official_count"]),
        categories=MappingProxyType(dict(raw["categories"])),
        rows=MappingProxyType(rows),
        source=raw["source"],
        licence=raw["licence"],
    )


def _lookup_tables(edition: Edition) -> tuple[EditionTable, ...]:
    """The tables to consult for an edition, in order: its own, then — while it is partial —
    the previous edition's (2025 → 2021)."""
    table = edition_table(edition)
    if table.complete or edition is Edition.E2021:
        return (table,)
    return (table, edition_table(Edition.E2021))


def categories(on: date | None = None) -> Mapping[str, str]:
    """Category code → name (废物类别) of the edition in force on ``on`` (2021 names by default;
    before 2021 the 2021 names too, the 2016 table not being shipped)."""
    edition = Edition.E2021 if on is None else edition_on(on)
    for table in _lookup_tables(max(edition, Edition.E2021)):
        if table.categories:
            return table.categories
    raise AssertionError("the 2021 table names every category")  # pragma: no cover


def _check_category(category: str, code: str | None = None) -> str:
    if category not in CATEGORY_CODES:
        gap = " (HW41–HW44 do not exist)" if category in {"HW41", "HW42", "HW43", "HW44"} else ""
        subject = "" if code is None else f"hazardous-waste code {code}: "
        raise UnknownWasteCategory(
            f"{subject}unknown category {category}{gap}; "
            "valid categories are HW01–HW40 and HW45–HW50",
            code=code,
            category=category,
        )
    return category


def validate_code(code: str, on: date) -> WasteCode:
    """Check a code against the edition in force on the record's date.

    Parameters
    ----------
    code : str
        ``III-SSS-CC`` or the 8 digits.
    on : date
        The record's date (generation, storage entry or transfer).

    Returns
    -------
    WasteCode
        With the row of the list that defines it. ``900-000-CC`` is accepted for any valid CC
        (2021 and 2025 Art. 6 ¶2, wastes identified as hazardous by testing). Before 2021 the code
        is checked by pattern and category only (2016 edition, old records).

    Raises
    ------
    MalformedWasteCode
        Not ``NNN-NNN-NN``.
    UnknownWasteCategory
        Category digits outside HW01–HW40, HW45–HW50.
    UnknownWasteCode
        Not listed in the edition in force (the message names the edition).
    """
    normal = normalise_code(code)
    category = _check_category(f"HW{normal[-2:]}", normal)
    edition = edition_on(on)
    if edition is Edition.E2016:
        return WasteCode(normal, category, edition, None, None)
    if normal.startswith("900-000-"):
        return WasteCode(normal, category, edition, None, edition, identified_by_testing=True)
    tables = _lookup_tables(edition)
    for table in tables:
        entry = table.rows.get(normal)
        if entry is not None:
            return WasteCode(normal, category, edition, entry, table.edition)
    consulted = ""
    if len(tables) > 1:
        consulted = (
            f" (the {edition.value} 附表 is not fully transcribed: checked against the "
            f"{tables[-1].edition.value} table)"
        )
    raise UnknownWasteCode(
        f"hazardous-waste code {normal} is not in the National Hazardous Waste List "
        f"{edition.value} edition, in force on {on.isoformat()}{consulted}",
        code=normal,
        edition=edition.value,
        on=on.isoformat(),
    )


def entries(category: str, on: date) -> tuple[ListEntry, ...]:
    """The rows of a category (``"HW08"``) in the edition in force on ``on``, in list order.

    Before 2021 the 2021 rows are returned (the 2016 table is not shipped). Raises
    :class:`UnknownWasteCategory` for a category the list does not have.
    """
    key = _check_category(category.strip().upper())
    edition = max(edition_on(on), Edition.E2021)
    found: dict[str, ListEntry] = {}
    for table in _lookup_tables(edition):
        for row in table.rows.values():
            if row.category == key:
                found.setdefault(row.code, row)
    return tuple(found.values())


def characteristics(code: str, on: date) -> frozenset[str]:
    """The hazard characteristics (subset of T, C, I, R, In) the list gives the code on ``on``.

    Empty for ``900-000-CC`` and for 2016-edition codes (no row); errors as
    :func:`validate_code`.
    """
    return validate_code(code, on).characteristics
