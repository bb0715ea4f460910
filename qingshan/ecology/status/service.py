"""The ecological status service (生态状况, issue #25; plan item 8): the HJ 192-2015 inputs per
county and year, the EI and grade they give, the map of a year's EI by county and the change
between two periods with the standard's change classes.

Who: province, city and county officers read their region; province and city officers write
(an assessment is the province's and the cities' work, HJ 192-2015 §3). Enterprise and public
callers are refused. The EI and grade of a row are derived from its sub-indices when it is
written (never set on their own); an import stores all its rows or none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.ecology.errors import EcologyError, EcologyNotFound, ImportRejected
from qingshan.ecology.status import change as chg
from qingshan.ecology.status.inputs import COLUMNS, REQUIRED, SUB_INDICES, check_row
from qingshan.ecology.status.models import EcoStatusInput
from qingshan.ecology.table import ImportReport, RowError, parse_file
from qingshan.errors import PermissionDenied
from qingshan.geo.models import RegionLevel
from qingshan.geo.regions import REGIONS, in_scope
from qingshan.standards import ecological_status as hj192
from qingshan.tablefile import RowProblem
from qingshan.timeutil import utcnow

__all__ = [
    "CountyEI",
    "EIMap",
    "ImportReport",
    "can_write",
    "county_detail",
    "ei_map",
    "import_inputs",
    "record_input",
    "save_rows",
    "years",
]

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
WRITERS = (Role.PROVINCE, Role.CITY)


def _reader(scope: Scope) -> None:
    if scope.role not in OFFICERS:
        raise PermissionDenied(
            f"the ecological status is for province, city and county officers, not {scope.role}"
        )


def can_write(scope: Scope) -> bool:
    """Whether ``scope`` may record EI inputs (province and city officers)."""
    return scope.role in WRITERS


def _writer(scope: Scope) -> None:
    if not can_write(scope):
        raise PermissionDenied(
            f"EI inputs are recorded by province and city officers, not {scope.role}"
        )


def save_rows(
    session: Session, scope: Scope, rows: Sequence[Mapping[str, Any]], *, synthetic: bool = False
) -> ImportReport:
    """Store checked rows (:func:`~qingshan.ecology.status.inputs.check_row`) of counties in the
    caller's region; the same county and year replaces the stored row. Commits once."""
    _writer(scope)
    for r in rows:
        if not in_scope(r["region_code"], scope.region_code):
            raise EcologyError(
                f"county {r['region_code']} is outside your region {scope.region_code}",
                field="region",
            )
    now = utcnow()
    created = updated = 0
    for r in rows:
        row = session.scalar(
            select(EcoStatusInput).where(
                EcoStatusInput.region_code == r["region_code"], EcoStatusInput.year == r["year"]
            )
        )
        if row is None:
            row = EcoStatusInput(region_code=r["region_code"], year=r["year"])
            session.add(row)
            created += 1
        else:
            updated += 1
        for key in (*SUB_INDICES, "restriction", "ei", "grade", "source"):
            setattr(row, key, r[key])
        row.synthetic = synthetic
        row.updated_at = now
    session.commit()
    return ImportReport(created, updated)


def record_input(session: Session, scope: Scope, values: Mapping[str, Any]) -> ImportReport:
    """One county and year from a form or the API (English keys of the import's columns)."""
    _writer(scope)
    try:
        for key in REQUIRED:
            if values.get(key) in (None, ""):
                raise RowError(key, f"{key} is required")
        row = check_row({k: values.get(k) for k in COLUMNS.values()})
    except RowError as exc:
        raise EcologyError(str(exc), field=exc.key) from None
    return save_rows(session, scope, [row])


def import_inputs(session: Session, scope: Scope, data: bytes, *, max_bytes: int) -> ImportReport:
    """Import a CSV / .xlsx of EI inputs (layout:
    :data:`~qingshan.ecology.status.inputs.COLUMNS`): every row or none —
    :class:`ImportRejected` names every bad row (a sub-index outside 0–100 names its field),
    a county outside the caller's region too."""
    _writer(scope)
    sheet, parsed = parse_file(
        data,
        max_bytes=max_bytes,
        what="EI inputs",
        columns=COLUMNS,
        required=REQUIRED,
        check=check_row,
        identity=lambda r: f"{r['region_code']}|{r['year']}",
    )
    problems = list(parsed.problems)
    for n, r in parsed.rows:
        if not in_scope(r["region_code"], scope.region_code):
            problems.append(RowProblem(sheet, n, "A", "区县代码",
                                       f"county {r['region_code']} is outside your region "
                                       f"{scope.region_code}"))  # fmt: skip
    if problems:
        raise ImportRejected("EI inputs", sorted(problems, key=lambda p: p.row))
    if not parsed.rows:
        raise ImportRejected("EI inputs", [RowProblem(sheet, 0, "", "", "no data row")])
    return save_rows(session, scope, [r for _, r in parsed.rows])


def years(session: Session, scope: Scope) -> list[int]:
    """The years with EI inputs in the caller's region, oldest first."""
    _reader(scope)
    q = select(EcoStatusInput.year).where(scope.where(EcoStatusInput.region_code)).distinct()
    return sorted(session.scalars(q))


@dataclass(frozen=True)
class CountyEI:
    """One county's EI of the year (None without inputs), its grade, the sub-indices, and the
    EI of the base year with the change between them (:mod:`.change`)."""

    region_code: str
    ei: float | None
    grade: str | None
    sub: dict[str, Any] = field(default_factory=dict)
    base_ei: float | None = None
    base_grade: str | None = None
    change: chg.Change | None = None
    synthetic: bool = False
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"region_code": self.region_code, "ei": self.ei, "grade": self.grade,
                "sub": self.sub, "base_ei": self.base_ei, "base_grade": self.base_grade,
                "change": None if self.change is None else self.change.as_dict(),
                "synthetic": self.synthetic, "source": self.source}  # fmt: skip


@dataclass(frozen=True)
class EIMap:
    """The EI by county of ``year`` with the change from ``base_year`` (None when there is only
    one year): every county of the caller's region, those without inputs with ``ei`` None."""

    region_code: str
    year: int | None
    base_year: int | None
    years: list[int]
    counties: list[CountyEI]

    def grade_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.counties:
            if c.grade is not None:
                out[c.grade] = out.get(c.grade, 0) + 1
        return out

    def change_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.counties:
            if c.change is not None:
                out[c.change.key] = out.get(c.change.key, 0) + 1
        return out


def _counties_of(scope: Scope) -> list[str]:
    return sorted(
        r.code
        for r in REGIONS.values()
        if r.level is RegionLevel.COUNTY and in_scope(r.code, scope.region_code)
    )


def _rows(session: Session, scope: Scope, year: int) -> dict[str, EcoStatusInput]:
    q = select(EcoStatusInput).where(
        scope.where(EcoStatusInput.region_code), EcoStatusInput.year == year
    )
    return {r.region_code: r for r in session.scalars(q)}


def _check_year(year: int | None, known: list[int], name: str) -> None:
    if year is not None and year not in known:
        shown = ", ".join(map(str, known)) or "none"
        raise EcologyNotFound(f"no EI inputs for {name} {year}; years with inputs: {shown}")


def ei_map(
    session: Session, scope: Scope, *, year: int | None = None, base_year: int | None = None
) -> EIMap:
    """The EI by county of ``year`` (default the latest with inputs) and its change from
    ``base_year`` (default the earliest year before it; none if there is none)."""
    known = years(session, scope)
    _check_year(year, known, "year")
    _check_year(base_year, known, "base_year")
    y = year if year is not None else (known[-1] if known else None)
    before = [k for k in known if y is not None and k < y]
    b = base_year if base_year is not None else (before[0] if before else None)
    if b is not None and y is not None and b >= y:
        raise EcologyError(f"base_year {b} is not before year {y}", field="base_year")
    now = {} if y is None else _rows(session, scope, y)
    then = {} if b is None else _rows(session, scope, b)
    out = []
    for code in _counties_of(scope):
        r, p = now.get(code), then.get(code)
        out.append(
            CountyEI(
                code,
                None if r is None else round(r.ei, 2),
                None if r is None else r.grade,
                {} if r is None else {k: getattr(r, k) for k in (*SUB_INDICES, "restriction")},
                None if p is None else round(p.ei, 2),
                None if p is None else p.grade,
                None if r is None or p is None else chg.change_between(p.ei, r.ei),
                False if r is None else r.synthetic,
                "" if r is None else r.source,
            )
        )
    return EIMap(scope.region_code, y, b, known, out)


def county_detail(session: Session, scope: Scope, code: str) -> dict[str, Any]:
    """One county's EI inputs of every year (oldest first) and the change between each year and
    the one before it. 404 for a county outside the caller's region or unknown."""
    _reader(scope)
    r = REGIONS.get(code)
    if r is None or r.level is not RegionLevel.COUNTY or not in_scope(code, scope.region_code):
        raise EcologyNotFound(f"no county {code} in your region {scope.region_code}")
    rows = list(
        session.scalars(
            select(EcoStatusInput)
            .where(EcoStatusInput.region_code == code)
            .order_by(EcoStatusInput.year)
        )
    )
    out = []
    for i, row in enumerate(rows):
        prev = rows[i - 1] if i else None
        out.append({"year": row.year, "ei": round(row.ei, 2), "grade": row.grade,
                    "sub": {k: getattr(row, k) for k in (*SUB_INDICES, "restriction")},
                    "index_grade": hj192.ei_grade(row.ei), "source": row.source,
                    "synthetic": row.synthetic,
                    "change": None if prev is None else
                    chg.change_between(prev.ei, row.ei).as_dict() | {"from": prev.year}})  # fmt: skip
    return {"region_code": code, "years": out}
