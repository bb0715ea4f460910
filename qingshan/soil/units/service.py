"""The key soil-supervised units' rules with a session (issue #24, area units): the list (名录),
the yearly hidden-danger checks, self-monitoring samples judged by GB 36600-2018 / GB/T
14848-2017, the yearly discharge reports, the ``soil-units`` job that opens cases (source
``soil``), and the figures other pages read (:func:`overdue_checks`).

Who may do what:
- a city or province officer lists an enterprise of its region as a unit (:func:`list_unit`);
- the unit's enterprise account, or a county / city officer of its region, records checks,
  samples and reports; every officer of the region reads; an enterprise reads its own units.

The rules themselves (due dates, what exceeds) are :mod:`qingshan.soil.units.rules`, cited there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import EnterpriseEntry, directory_entry, entry_in_scope
from qingshan.cases.service import SubjectCase, subject_cases
from qingshan.db.engine import session_scope
from qingshan.errors import NotFound, PermissionDenied
from qingshan.jobs.job import JobContext
from qingshan.qc.supervision import CaseReport, CaseSink
from qingshan.soil.units import rules
from qingshan.soil.units.errors import SoilUnitError
from qingshan.soil.units.models import SoilUnit, SoilUnitCheck, SoilUnitReport, SoilUnitSample
from qingshan.soil.units.samples import Parsed, SampleRow, check_rows, judge
from qingshan.tablefile import describe_problems, parse_date
from qingshan.timeutil import cst_today, utcnow

__all__ = [
    "PROVINCE",
    "UnitRow",
    "OverdueCheck",
    "list_unit",
    "delist_unit",
    "unit_list",
    "unit_file",
    "record_check",
    "add_samples",
    "import_samples",
    "submit_report",
    "overdue_checks",
    "overdue_check_list",
    "open_cases",
    "run_soil_units",
    "units_for",
]

PROVINCE = Scope("330000", Role.PROVINCE, username="system")
_OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
_LISTERS = (Role.PROVINCE, Role.CITY)
_WRITERS = (Role.CITY, Role.COUNTY, Role.ENTERPRISE)
_MAX_ITEMS = 100


def _reader(scope: Scope) -> None:
    if scope.role not in (*_OFFICERS, Role.ENTERPRISE):
        raise PermissionDenied("key soil-supervised units: for officers and the unit's enterprise")


def _writer(scope: Scope, what: str) -> None:
    if scope.role not in _WRITERS:
        raise PermissionDenied(f"{what}: for the unit's enterprise or a county/city officer")


def _unit(session: Session, scope: Scope, unit_id: int) -> tuple[SoilUnit, EnterpriseEntry]:
    unit = session.get(SoilUnit, unit_id)
    entry = None if unit is None else directory_entry(session, unit.enterprise_id)
    if unit is None or entry is None or not entry_in_scope(entry, scope):
        raise NotFound(f"unit {unit_id}: no such key soil-supervised unit in your region")
    return unit, entry


def _day(value: Any, name: str, *, required: bool) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise SoilUnitError(f"{name}: missing", field=name)
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise SoilUnitError(f"{name}: {exc}", field=name) from None


# ---------------------------------------------------------------- the list


def list_unit(session: Session, scope: Scope, enterprise_id: int, *, year: int, reason: str,
              actor: str, now: datetime | None = None, synthetic: bool = False) -> SoilUnit:  # fmt: skip
    """Put an enterprise on the list from ``year`` (a city or province officer; the list is kept
    by the 设区的市 bureau). An enterprise already listed is refused, naming its year."""
    if scope.role not in _LISTERS:
        raise PermissionDenied("listing a key soil-supervised unit: for a city or province officer")
    entry = directory_entry(session, enterprise_id)
    if entry is None or not entry_in_scope(entry, scope):
        raise NotFound(f"enterprise {enterprise_id}: no such enterprise in your region")
    now = now or utcnow()
    if not 2017 <= year <= cst_today(now).year + 1:
        raise SoilUnitError(f"year: {year} is not between 2017 and next year", field="year")
    if not reason.strip():
        raise SoilUnitError("reason: say why the enterprise is listed (industry or cause)",
                            field="reason")  # fmt: skip
    old = session.scalar(select(SoilUnit).where(SoilUnit.enterprise_id == enterprise_id))
    if old is not None:
        raise SoilUnitError(f"enterprise {enterprise_id}: already listed since {old.listed_year}",
                            field="enterprise_id")  # fmt: skip
    unit = SoilUnit(enterprise_id=enterprise_id, region_code=entry.region_code, listed_year=year,
                    delisted_year=None, reason=reason.strip()[:200], listed_by=actor,
                    listed_at=now, synthetic=synthetic)  # fmt: skip
    session.add(unit)
    session.flush()
    return unit


def delist_unit(session: Session, scope: Scope, unit_id: int, *, year: int) -> SoilUnit:
    """Take a unit off the list from ``year`` on (it stays on the lists of earlier years)."""
    if scope.role not in _LISTERS:
        raise PermissionDenied("taking a unit off the list: for a city or province officer")
    unit, _ = _unit(session, scope, unit_id)
    if year <= unit.listed_year:
        raise SoilUnitError(f"year: {year} is not after the listed year {unit.listed_year}",
                            field="year")  # fmt: skip
    unit.delisted_year = year
    session.flush()
    return unit


def units_for(session: Session, scope: Scope) -> list[tuple[SoilUnit, EnterpriseEntry]]:
    """The units the scope sees, with their enterprise entries, by region then name."""
    _reader(scope)
    rows = session.scalars(select(SoilUnit).where(scope.where(SoilUnit.region_code,
                                                              SoilUnit.enterprise_id)))  # fmt: skip
    out = []
    for u in rows:
        e = directory_entry(session, u.enterprise_id)
        if e is not None:
            out.append((u, e))
    return sorted(out, key=lambda p: (p[0].region_code, p[1].name, p[0].id))


@dataclass(frozen=True)
class UnitRow:
    """One unit in the list page: the newest check's state, overdue items, exceeding samples,
    the reports missing (years past their due date without a report)."""

    unit: SoilUnit
    name: str
    industry: str
    check_year: int | None
    check_state: str  # done | late | overdue | open | none
    checks_overdue: int  # checks of any year past their due date and not done
    items_overdue: int
    samples: int
    exceeding: int
    worst_soil: str | None
    worst_groundwater: str | None
    reports_missing: tuple[int, ...]

    @property
    def overdue(self) -> bool:
        return self.checks_overdue > 0 or self.items_overdue > 0

    @property
    def flagged(self) -> bool:
        return self.overdue or self.exceeding > 0 or bool(self.reports_missing)


_SOIL_ORDER = ("within_screening", "over_screening", "over_intervention")
_GW_ORDER = ("I", "II", "III", "IV", "V")


def _worst(values: Iterable[str], order: Sequence[str]) -> str | None:
    best = None
    for v in values:
        if v in order and (best is None or order.index(v) > order.index(best)):
            best = v
    return best


def _missing_reports(unit: SoilUnit, have: set[int], today: date) -> tuple[int, ...]:
    years = range(unit.listed_year, today.year)
    return tuple(y for y in years if rules.listed_in(unit.listed_year, unit.delisted_year, y)
                 and y not in have and rules.report_due(y) < today)  # fmt: skip


def unit_list(session: Session, scope: Scope, *, today: date, region: str | None = None,
              flag: str | None = None, q: str | None = None) -> list[UnitRow]:  # fmt: skip
    """The units of the scope with their flags; ``flag`` one of ``overdue``, ``exceeding``,
    ``report_missing``, ``any``; ``region`` a county/city code prefix; ``q`` part of the name."""
    if flag not in (None, "", "overdue", "exceeding", "report_missing", "any"):
        raise SoilUnitError(f"flag: {flag!r} is not overdue, exceeding, report_missing or any",
                            field="flag")  # fmt: skip
    pairs = units_for(session, scope)
    ids = [u.id for u, _ in pairs]
    checks: dict[int, SoilUnitCheck] = {}
    late: dict[int, int] = {}
    samples: dict[int, list[SoilUnitSample]] = {}
    reports: dict[int, set[int]] = {}
    if ids:
        for c in session.scalars(select(SoilUnitCheck).where(SoilUnitCheck.unit_id.in_(ids))
                                 .order_by(SoilUnitCheck.year)):  # fmt: skip
            checks[c.unit_id] = c  # the newest year last
            if rules.check_state(c.due_on, c.done_on, today) == "overdue":
                late[c.unit_id] = late.get(c.unit_id, 0) + 1
        for s in session.scalars(select(SoilUnitSample).where(SoilUnitSample.unit_id.in_(ids))):
            samples.setdefault(s.unit_id, []).append(s)
        for r in session.scalars(select(SoilUnitReport).where(SoilUnitReport.unit_id.in_(ids))):
            reports.setdefault(r.unit_id, set()).add(r.year)
    out = []
    for u, e in pairs:
        if region and not u.region_code.startswith(region.rstrip("0") or region):
            continue
        if q and q.strip() and q.strip() not in e.name:
            continue
        last = checks.get(u.id)
        ss = samples.get(u.id, [])
        row = UnitRow(
            unit=u, name=e.name, industry=e.industry,
            check_year=last.year if last else None,
            check_state=rules.check_state(last.due_on, last.done_on, today) if last else "none",
            checks_overdue=late.get(u.id, 0),
            items_overdue=len(rules.open_items_overdue(last.items, today)) if last else 0,
            samples=len(ss), exceeding=sum(1 for s in ss if s.exceeding),
            worst_soil=_worst((s.result for s in ss if s.medium == "soil"), _SOIL_ORDER),
            worst_groundwater=_worst((s.result for s in ss if s.medium == "groundwater"),
                                     _GW_ORDER),
            reports_missing=_missing_reports(u, reports.get(u.id, set()), today),
        )  # fmt: skip
        if flag == "overdue" and not row.overdue:
            continue
        if flag == "exceeding" and not row.exceeding:
            continue
        if flag == "report_missing" and not row.reports_missing:
            continue
        if flag == "any" and not row.flagged:
            continue
        out.append(row)
    return sorted(out, key=lambda r: (not r.flagged, r.unit.region_code, r.name))


def _subject_keys(unit: SoilUnit, checks: Iterable[SoilUnitCheck],
                  samples: Iterable[SoilUnitSample], today: date) -> list[str]:  # fmt: skip
    keys = [f"soil-unit:{unit.id}:check:{c.id}" for c in checks]
    keys += [f"soil-unit:{unit.id}:sample:{s.id}" for s in samples]
    keys += [f"soil-unit:{unit.id}:report:{y}" for y in range(unit.listed_year, today.year + 1)]
    return keys


def unit_file(session: Session, scope: Scope, unit_id: int, *, today: date) -> dict[str, Any]:
    """One unit's file: the unit and enterprise, its checks (newest year first) with their
    state, its samples (newest first) with judgement, its reports and missing years, its cases."""
    _reader(scope)
    unit, entry = _unit(session, scope, unit_id)
    checks = list(session.scalars(select(SoilUnitCheck).where(SoilUnitCheck.unit_id == unit.id)
                                  .order_by(SoilUnitCheck.year.desc())))  # fmt: skip
    samples = list(session.scalars(select(SoilUnitSample).where(SoilUnitSample.unit_id == unit.id)
                                   .order_by(SoilUnitSample.sampled_on.desc(),
                                             SoilUnitSample.point)))  # fmt: skip
    reports = list(session.scalars(select(SoilUnitReport).where(SoilUnitReport.unit_id == unit.id)
                                   .order_by(SoilUnitReport.year.desc())))  # fmt: skip
    cases: list[SubjectCase] = subject_cases(session, scope, "soil",
                                             _subject_keys(unit, checks, samples, today))  # fmt: skip
    return {
        "unit": unit, "enterprise": entry,
        "checks": [(c, rules.check_state(c.due_on, c.done_on, today),
                    rules.open_items_overdue(c.items, today)) for c in checks],
        "samples": samples, "reports": reports,
        "reports_missing": _missing_reports(unit, {r.year for r in reports}, today),
        "cases": cases,
    }  # fmt: skip


# ---------------------------------------------------------------- checks


def _items(items: Sequence[Mapping[str, Any]] | None, year: int) -> list[dict[str, Any]]:
    out = []
    for i, it in enumerate(items or [], start=1):
        text = str(it.get("item") or "").strip()
        if not text:
            raise SoilUnitError(f"items[{i}].item: missing (what is to be rectified)",
                                field=f"items[{i}].item")  # fmt: skip
        if len(text) > 300:
            raise SoilUnitError(f"items[{i}].item: longer than 300 characters",
                                field=f"items[{i}].item")  # fmt: skip
        deadline = _day(it.get("deadline"), f"items[{i}].deadline", required=True)
        assert deadline is not None
        if deadline.year < year:
            raise SoilUnitError(f"items[{i}].deadline: {deadline} is before the check's year "
                                f"{year}", field=f"items[{i}].deadline")  # fmt: skip
        status = str(it.get("status") or "open")
        if status not in ("open", "done"):
            raise SoilUnitError(f"items[{i}].status: {status!r} is neither open nor done",
                                field=f"items[{i}].status")  # fmt: skip
        done = _day(it.get("done_on"), f"items[{i}].done_on", required=False)
        if status == "done" and done is None:
            raise SoilUnitError(f"items[{i}].done_on: a done item needs the day it was done",
                                field=f"items[{i}].done_on")  # fmt: skip
        out.append({"item": text, "deadline": deadline.isoformat(), "status": status,
                    "done_on": done.isoformat() if done else None})  # fmt: skip
    if len(out) > _MAX_ITEMS:
        raise SoilUnitError(f"items: more than {_MAX_ITEMS}", field="items")
    return out


def record_check(session: Session, scope: Scope, unit_id: int, *, year: int,
                 done_on: Any = None, due_on: Any = None, findings: str = "",
                 items: Sequence[Mapping[str, Any]] | None = None, actor: str,
                 now: datetime | None = None, synthetic: bool = False) -> SoilUnitCheck:  # fmt: skip
    """Record (or complete) a unit's hidden-danger check of ``year``. A check planned for the
    year (no done date yet) is completed; one already done is refused. Refused: a year the unit
    is not listed in, a done date before the check's year or after today, a due date outside
    the year, an item without text or deadline. Nothing is stored when anything is wrong."""
    _writer(scope, "recording a hidden-danger check")
    unit, _ = _unit(session, scope, unit_id)
    now = now or utcnow()
    today = cst_today(now)
    if not rules.listed_in(unit.listed_year, unit.delisted_year, year):
        raise SoilUnitError(f"year: the unit is not on the list in {year} (listed "
                            f"{unit.listed_year}{'–' + str(unit.delisted_year - 1) if unit.delisted_year else ''})",
                            field="year")  # fmt: skip
    if year > today.year:
        raise SoilUnitError(f"year: {year} has not begun", field="year")
    done = _day(done_on, "done_on", required=False)
    due = _day(due_on, "due_on", required=False) or rules.check_due(year)
    if due.year != year:
        raise SoilUnitError(f"due_on: {due} is not in the check's year {year}", field="due_on")
    if done is not None and done.year < year:
        raise SoilUnitError(f"done_on: {done} is before the check's year {year}", field="done_on")
    if done is not None and done > today:
        raise SoilUnitError(f"done_on: {done} is after today {today}", field="done_on")
    if len(findings) > 4000:
        raise SoilUnitError("findings: longer than 4000 characters", field="findings")
    checked = _items(items, year)
    row = session.scalar(select(SoilUnitCheck).where(SoilUnitCheck.unit_id == unit.id,
                                                     SoilUnitCheck.year == year))  # fmt: skip
    if row is not None and row.done_on is not None:
        raise SoilUnitError(f"year: the check of {year} was already recorded as done on "
                            f"{row.done_on}", field="year")  # fmt: skip
    if row is None:
        row = SoilUnitCheck(unit_id=unit.id, region_code=unit.region_code, year=year, due_on=due,
                            case_id=None, synthetic=synthetic)  # fmt: skip
        session.add(row)
    elif due_on not in (None, ""):
        row.due_on = due
    row.done_on = done
    row.findings = findings.strip()
    row.items = checked
    if done is not None:
        row.submitted_by, row.submitted_at = actor, now
    session.flush()
    return row


# ---------------------------------------------------------------- samples


def _store_samples(session: Session, unit: SoilUnit, parsed: Parsed, *, actor: str,
                   now: datetime, synthetic: bool) -> list[SoilUnitSample]:  # fmt: skip
    if parsed.problems:
        msgs = [str(p) for p in parsed.problems]
        raise SoilUnitError(describe_problems(parsed.problems), field="samples", problems=msgs)
    seen: dict[tuple[str, str, date, float], int] = {}
    rows: list[tuple[int, SampleRow]] = parsed.rows
    dup = []
    for n, r in rows:
        key = (r.medium, r.point, r.sampled_on, r.depth_m)
        if key in seen:
            dup.append(f"row {n}: the same point, medium, date and depth as row {seen[key]}")
        seen[key] = n
    existing = {(s.medium, s.point, s.sampled_on, s.depth_m) for s in session.scalars(
        select(SoilUnitSample).where(SoilUnitSample.unit_id == unit.id))}  # fmt: skip
    for n, r in rows:
        if (r.medium, r.point, r.sampled_on, r.depth_m) in existing:
            dup.append(f"row {n}: point {r.point} ({r.medium}) on {r.sampled_on} at "
                       f"{r.depth_m:g} m is already stored")  # fmt: skip
    if dup:
        raise SoilUnitError(f"{len(dup)} bad row(s): " + "; ".join(dup[:5]), field="samples",
                            problems=dup)  # fmt: skip
    out = []
    for _, r in rows:
        j = judge(r.medium, r.values, r.ph)
        s = SoilUnitSample(unit_id=unit.id, region_code=unit.region_code, medium=r.medium,
                           point=r.point, sampled_on=r.sampled_on, depth_m=r.depth_m,
                           unit=r.unit, ph=r.ph, values=dict(r.values), result=j.result,
                           deciding=list(j.deciding), exceeding=j.exceeding,
                           standard=j.standard, submitted_by=actor, submitted_at=now,
                           case_id=None, synthetic=synthetic)  # fmt: skip
        session.add(s)
        out.append(s)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent writer stored the same sample first
        raise SoilUnitError("samples: one of the samples was stored meanwhile; send again",
                            field="samples") from exc  # fmt: skip
    return out


def add_samples(session: Session, scope: Scope, unit_id: int,
                rows: Sequence[Mapping[str, Any]], *, actor: str, now: datetime | None = None,
                synthetic: bool = False) -> list[SoilUnitSample]:  # fmt: skip
    """Store self-monitoring samples from a form or the API (keys as
    :data:`qingshan.soil.units.samples.COLUMNS` maps them; item keys or Chinese names for the
    values); all or nothing — every bad row named in one :class:`SoilUnitError`."""
    _writer(scope, "recording self-monitoring")
    unit, _ = _unit(session, scope, unit_id)
    now = now or utcnow()
    parsed = check_rows(rows, cst_today(now))
    return _store_samples(session, unit, parsed, actor=actor, now=now, synthetic=synthetic)


def import_samples(session: Session, scope: Scope, unit_id: int, data: bytes, *, max_bytes: int,
                   actor: str, now: datetime | None = None) -> list[SoilUnitSample]:  # fmt: skip
    """Store the samples of a CSV / .xlsx file (see :mod:`qingshan.soil.units.samples`): the whole
    file is refused when any row is bad, naming every bad row."""
    from qingshan.soil.units.samples import parse_table
    from qingshan.tablefile import TableFileError

    _writer(scope, "importing self-monitoring")
    unit, _ = _unit(session, scope, unit_id)
    now = now or utcnow()
    try:
        parsed = parse_table(data, cst_today(now), max_bytes=max_bytes)
    except TableFileError as exc:
        raise SoilUnitError(f"file: {exc}", field="file") from None
    return _store_samples(session, unit, parsed, actor=actor, now=now, synthetic=False)


# ---------------------------------------------------------------- reports


def submit_report(session: Session, scope: Scope, unit_id: int, *, year: int,
                  substances: Sequence[Mapping[str, Any]], submitted_on: Any = None,
                  note: str = "", actor: str, now: datetime | None = None,
                  synthetic: bool = False) -> SoilUnitReport:  # fmt: skip
    """File the yearly report of toxic and harmful substance discharges of ``year`` (once per
    year; a year the unit was not listed in, or one not yet ended, is refused)."""
    _writer(scope, "filing a discharge report")
    unit, _ = _unit(session, scope, unit_id)
    now = now or utcnow()
    today = cst_today(now)
    if not rules.listed_in(unit.listed_year, unit.delisted_year, year):
        raise SoilUnitError(f"year: the unit is not on the list in {year}", field="year")
    if year >= today.year:
        raise SoilUnitError(f"year: {year} has not ended; a report covers a whole year",
                            field="year")  # fmt: skip
    on = _day(submitted_on, "submitted_on", required=False) or today
    if on.year <= year or on > today:
        raise SoilUnitError(f"submitted_on: {on} is not after {year} and not after today",
                            field="submitted_on")  # fmt: skip
    subs = []
    for i, s in enumerate(substances, start=1):
        name = str(s.get("substance") or "").strip()
        if not name or len(name) > 100:
            raise SoilUnitError(f"substances[{i}].substance: missing or longer than 100",
                                field=f"substances[{i}].substance")  # fmt: skip
        try:
            amount = float(s.get("amount_kg"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise SoilUnitError(f"substances[{i}].amount_kg: {s.get('amount_kg')!r} is not a "
                                "number", field=f"substances[{i}].amount_kg") from None  # fmt: skip
        if not 0 <= amount < 1e12:
            raise SoilUnitError(f"substances[{i}].amount_kg: {amount:g} kg is negative or "
                                "too large", field=f"substances[{i}].amount_kg")  # fmt: skip
        medium = str(s.get("medium") or "water")
        if medium not in ("air", "water", "solid"):
            raise SoilUnitError(f"substances[{i}].medium: {medium!r} is not air, water or solid",
                                field=f"substances[{i}].medium")  # fmt: skip
        subs.append({"substance": name, "amount_kg": amount, "medium": medium})
    if not subs:
        raise SoilUnitError("substances: name at least one substance (a nil report: amount 0)",
                            field="substances")  # fmt: skip
    if session.scalar(select(SoilUnitReport.id).where(SoilUnitReport.unit_id == unit.id,
                                                      SoilUnitReport.year == year)):  # fmt: skip
        raise SoilUnitError(f"year: the report of {year} was already filed", field="year")
    row = SoilUnitReport(unit_id=unit.id, region_code=unit.region_code, year=year,
                         submitted_on=on, substances=subs, note=note.strip()[:2000],
                         submitted_by=actor, submitted_at=now, synthetic=synthetic)  # fmt: skip
    session.add(row)
    session.flush()
    return row


# ---------------------------------------------------------------- overdue, cases, the job


@dataclass(frozen=True)
class OverdueCheck:
    """A check past its due date and not done."""

    check: SoilUnitCheck
    unit_id: int
    enterprise_id: int
    name: str
    region_code: str
    days_overdue: int


def overdue_check_list(session: Session, scope: Scope, today: date) -> list[OverdueCheck]:
    """The checks of the scope's units past their due date and not done, most overdue first."""
    units = {u.id: (u, e) for u, e in units_for(session, scope)}
    if not units:
        return []
    rows = session.scalars(select(SoilUnitCheck).where(
        SoilUnitCheck.unit_id.in_(list(units)), SoilUnitCheck.done_on.is_(None),
        SoilUnitCheck.due_on < today))  # fmt: skip
    out = [OverdueCheck(c, c.unit_id, units[c.unit_id][0].enterprise_id, units[c.unit_id][1].name,
                        c.region_code, (today - c.due_on).days) for c in rows]  # fmt: skip
    return sorted(out, key=lambda o: (-o.days_overdue, o.region_code, o.name))


def overdue_checks(session: Session, scope: Scope, today: date | None = None) -> int:
    """How many checks of the scope's units are past their due date and not done (the overview
    page and the ``soil.checks_overdue`` KPI)."""
    return len(overdue_check_list(session, scope, today or cst_today()))


def open_cases(session: Session, sink: CaseSink, today: date, now: datetime) -> dict[str, int]:
    """Report every overdue check, exceeding sample and missing discharge report of the province
    to the sink (source ``soil``, category ``soil``). Keys are the row (or unit and year), so a
    second run extends the same cases; the case id is kept on the check and the sample."""
    counts = {"overdue": 0, "exceeding": 0, "report_missing": 0}
    occurred = min(now, utcnow())  # the demo's "now" may run ahead of the clock; cases refuse it
    for o in overdue_check_list(session, PROVINCE, today):
        c = o.check
        key = f"soil-unit:{o.unit_id}:check:{c.id}"
        c.case_id = sink.open_case(session, CaseReport(
            source="soil", source_key=key, group_key=key, region_code=c.region_code,
            category="soil", severity="general", occurred_at=occurred, enterprise_id=o.enterprise_id,
            title=f"{o.name} {c.year}年度土壤污染隐患排查逾期未完成",
            description=(f"土壤污染重点监管单位 {o.name} 的 {c.year} 年度隐患排查应于 {c.due_on} 前完成, "
                         f"已逾期 {o.days_overdue} 天 (《工矿用地土壤环境管理办法(试行)》第十一条)."),
            evidence={"unit_id": o.unit_id, "check_id": c.id, "year": c.year,
                      "due_on": c.due_on.isoformat(), "days_overdue": o.days_overdue},
        ))  # fmt: skip
        counts["overdue"] += 1
    units = {u.id: (u, e) for u, e in units_for(session, PROVINCE)}
    if not units:
        return counts
    for s in session.scalars(select(SoilUnitSample).where(
            SoilUnitSample.unit_id.in_(list(units)), SoilUnitSample.exceeding.is_(True))
            .order_by(SoilUnitSample.id)):  # fmt: skip
        u, e = units[s.unit_id]
        key = f"soil-unit:{u.id}:sample:{s.id}"
        what = "土壤" if s.medium == "soil" else "地下水"
        s.case_id = sink.open_case(session, CaseReport(
            source="soil", source_key=key, group_key=key, region_code=s.region_code,
            category="soil", occurred_at=occurred, enterprise_id=u.enterprise_id,
            severity="serious" if s.result in ("over_intervention", "V") and s.medium == "soil"
            else "general",
            title=f"{e.name} {what}自行监测超标 ({s.point}, {s.sampled_on})",
            description=(f"点位 {s.point} 于 {s.sampled_on} 采样 (深度 {s.depth_m:g} m) 按 {s.standard} "
                         f"判定为 {s.result}, 超标因子: {'、'.join(s.deciding) or '—'} "
                         "(《工矿用地土壤环境管理办法(试行)》第十三条)."),
            evidence={"unit_id": u.id, "sample_id": s.id, "medium": s.medium, "point": s.point,
                      "sampled_on": s.sampled_on.isoformat(), "result": s.result,
                      "deciding": list(s.deciding), "values": dict(s.values)},
        ))  # fmt: skip
        counts["exceeding"] += 1
    have: dict[int, set[int]] = {}
    for r in session.scalars(select(SoilUnitReport).where(SoilUnitReport.unit_id.in_(list(units)))):
        have.setdefault(r.unit_id, set()).add(r.year)
    for uid, (u, e) in units.items():
        for y in _missing_reports(u, have.get(uid, set()), today):
            key = f"soil-unit:{uid}:report:{y}"
            sink.open_case(session, CaseReport(
                source="soil", source_key=key, group_key=key, region_code=u.region_code,
                category="soil", severity="general", occurred_at=occurred,
                enterprise_id=u.enterprise_id,
                title=f"{e.name} 未报告 {y} 年度有毒有害物质排放情况",
                description=(f"土壤污染重点监管单位应按年度报告有毒有害物质排放情况 (《土壤污染防治法》"
                             f"第二十一条); {y} 年度报告应于 {rules.report_due(y)} 前提交."),
                evidence={"unit_id": uid, "year": y, "due_on": rules.report_due(y).isoformat()},
            ))  # fmt: skip
            counts["report_missing"] += 1
    session.flush()
    return counts


def run_soil_units(ctx: JobContext, sink: CaseSink, *, now: datetime | None = None) -> str:
    """The ``soil-units`` job (daily): a case for each overdue check, exceeding sample and missing
    discharge report of the province (each once; a second run opens nothing new)."""
    now = now or utcnow()
    with session_scope(ctx.engine) as session:
        n = open_cases(session, sink, cst_today(now), now)
    return (
        f"{n['overdue']} overdue check(s), {n['exceeding']} exceeding sample(s), "
        f"{n['report_missing']} missing report(s) reported as cases"
    )
