"""The carbon accounts (企业碳账户, issue #17): activity submissions, emission versions, the
account of an enterprise's year, the results frame the pages roll up, the peak path and the
碳效码 of an enterprise.

Every submission of a month's activity is kept (``carbon_activity``, a new ``revision`` each
time; the newest is in force) and computed at once with
:func:`qingshan.carbon.accounting.emissions_month` (GB/T 32150 and the NDRC guidelines); the
result is stored as a version (``carbon_result``) with the factors it used. A revised activity or
a factor correction (:func:`recompute`) writes a new version and keeps the old ones
(``current=False``) with the reason of the new one.

Scope: region users read and submit for the enterprises of their region; enterprise users only
for the enterprises they act for (:attr:`qingshan.accounts.scope.Scope.enterprises`). The
enterprises come from the archive's public directory (:func:`qingshan.archive.service.
enterprise_directory`), never its tables.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import EnterpriseEntry, enterprise_directory
from qingshan.carbon.accounting import (
    MonthResult,
    emissions_month,
    result_from_json,
    result_to_json,
)
from qingshan.carbon.activity import (
    ActivityMonth,
    activity_from_json,
    activity_to_json,
    validate_activity,
)
from qingshan.carbon.errors import CarbonError
from qingshan.carbon.factors import FactorLibrary, load_library
from qingshan.carbon.grading import CarbonCode, carbon_code, intensity
from qingshan.carbon.imports import MAX_BYTES, ImportReport, header_of, parse_workbook
from qingshan.carbon.models import CarbonActivity, CarbonPeakPath, CarbonResult
from qingshan.carbon.plausibility import AccountWarning, check_months, months_of_year
from qingshan.geo.regions import in_scope
from qingshan.tablefile import RowProblem, TableFileError
from qingshan.timeutil import utcnow

__all__ = [
    "SOURCES",
    "MIN_PEERS",
    "AccountMonth",
    "ResultVersion",
    "EnterpriseAccount",
    "NotFound",
    "OutsideScope",
    "BadActivity",
    "BadWorkbook",
    "library_of",
    "submit_activity",
    "submit_many",
    "import_activity_excel",
    "recompute",
    "account",
    "results_frame",
    "set_peak_path",
    "peak_path",
    "carbon_code_of",
    "carbon_codes",
    "enterprises_in_scope",
]

#: where an activity came from
SOURCES = ("import", "api", "sim", "form")
#: fewer enterprises than this in a GB/T 4754 division that year: the rule-pack industry is the
#: peer group instead (said so in the code's ``method``)
MIN_PEERS = 5
#: results_frame's columns, in order (the pages' contract)
FRAME_COLUMNS = [
    "enterprise_id", "name", "region_code", "city_code", "industry", "industry_code", "month",
    "scope1_tco2", "scope2_tco2", "biomass_tco2", "total_tco2", "value_added_10k_yuan",
    "electricity_mwh", "basis", "library_version",
]  # fmt: skip


class NotFound(CarbonError):
    """No such enterprise (or not one the caller may see)."""

    status_code = 404


class OutsideScope(CarbonError):
    """An enterprise outside the caller's region or enterprise set."""

    status_code = 403


class BadActivity(CarbonError):
    """An activity that cannot be stored (month not a first day, out of range, bad source)."""


class BadWorkbook(CarbonError):
    """A file that is not a readable activity workbook (damaged, an .xls, no header row)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


def library_of(data_dir: Path | None) -> FactorLibrary:
    """The factor library in force: the package's data plus ``data_dir/carbon/factors`` (a
    correction dropped there supersedes a package factor by its id; see ``docs/carbon.md``)."""
    extra = None if data_dir is None else data_dir / "carbon" / "factors"
    return load_library(extra if extra is not None and extra.is_dir() else None)


# ----------------------------------------------------------------------------------------
# enterprises in scope
# ----------------------------------------------------------------------------------------
def enterprises_in_scope(session: Session, scope: Scope) -> dict[int, EnterpriseEntry]:
    """id → directory entry of every enterprise ``scope`` may see (an enterprise user: those it
    acts for; the public scope: none)."""
    if scope.role is Role.PUBLIC:
        return {}
    entries = enterprise_directory(session, scope.region_code)
    if scope.role is Role.ENTERPRISE:
        allowed = scope.enterprises
        return {e.id: e for e in entries if e.id in allowed}
    return {e.id: e for e in entries}


def _everyone(session: Session) -> dict[int, EnterpriseEntry]:
    """id → directory entry of every enterprise, read once per session (an import of many rows
    checks each one's enterprise: one query, not one per row)."""
    cached = session.info.get("carbon.directory")
    if cached is None:
        cached = {e.id: e for e in enterprise_directory(session, "330000")}
        session.info["carbon.directory"] = cached
    return cached


def _entry(session: Session, scope: Scope, enterprise_id: int) -> EnterpriseEntry:
    everyone = _everyone(session)
    entry = everyone.get(enterprise_id)
    if entry is None:  # added since the session first read the directory
        session.info.pop("carbon.directory", None)
        entry = _everyone(session).get(enterprise_id)
    if entry is None:
        raise NotFound(f"enterprise {enterprise_id} does not exist", field="enterprise_id")
    if (
        scope.role is Role.PUBLIC
        or not in_scope(entry.region_code, scope.region_code)
        or (scope.role is Role.ENTERPRISE and enterprise_id not in scope.enterprises)
    ):
        raise OutsideScope(
            f"enterprise {enterprise_id} is outside the scope of {scope.username}",
            field="enterprise_id",
        )
    return entry


# ----------------------------------------------------------------------------------------
# submitting
# ----------------------------------------------------------------------------------------
def _check_month(month: date, today: date) -> None:
    if month.day != 1:
        raise BadActivity(f"month must be the first day of a month (got {month})", field="month")
    if month.year < 2005 or month > date(today.year, today.month, 1):
        raise BadActivity(
            f"month {month:%Y-%m} is out of range (2005-01 to {today:%Y-%m})", field="month"
        )


def _store_result(
    session: Session,
    result: MonthResult,
    *,
    revision: int,
    reason: str,
    now: datetime,
    va: float | None,
) -> CarbonResult:
    """Store ``result`` as the new current version of its month (older versions kept)."""
    eid, month = result.enterprise_id, result.month
    last = session.scalar(
        select(func.max(CarbonResult.version)).where(
            CarbonResult.enterprise_id == eid, CarbonResult.month == month
        )
    )
    session.execute(
        update(CarbonResult)
        .where(CarbonResult.enterprise_id == eid, CarbonResult.month == month,
               CarbonResult.current.is_(True))
        .values(current=False)
    )  # fmt: skip
    row = CarbonResult(**_result_values(result, version=(last or 0) + 1, revision=revision,
                                        reason=reason, now=now, va=va))  # fmt: skip
    session.add(row)
    return row


def _result_values(
    r: MonthResult, *, version: int, revision: int, reason: str, now: datetime, va: float | None
) -> dict:
    data = result_to_json(r)
    return dict(
        enterprise_id=r.enterprise_id, month=r.month, version=version, activity_revision=revision,
        library_version=r.library_version, basis=r.basis, edition=r.edition,
        scope1_tco2=r.scope1_tco2, scope2_tco2=r.scope2_tco2, biomass_tco2=r.biomass_tco2,
        total_tco2=r.total_tco2, value_added_10k_yuan=va, electricity_mwh=_electricity(data),
        green_tco2=r.green_tco2, data=data,
        warnings=list(r.warnings), computed_at=now,
        reason=reason[:200], current=True,
    )  # fmt: skip


def submit_activity(
    session: Session,
    scope: Scope,
    activity: ActivityMonth,
    *,
    source: str,
    actor: str,
    library: FactorLibrary | None = None,
    now: datetime | None = None,
) -> MonthResult:
    """Store ``activity`` as the newest revision of its month and its emissions as the new
    current version; return the result.

    The activity is checked first (amounts finite and >= 0, the month a first day in range, the
    enterprise in ``scope``, every fuel and unit known to ``library``: the computation raises
    :class:`~qingshan.carbon.errors.UnknownFuel` / ``WrongUnit``), so nothing is stored for a
    bad month. ``library`` defaults to the package's (the API passes :func:`library_of`)."""
    if source not in SOURCES:
        raise BadActivity(
            f"source must be one of {', '.join(SOURCES)} (got {source!r})", field="source"
        )
    now = now or utcnow()
    _check_month(activity.month, now.date())
    _entry(session, scope, activity.enterprise_id)
    validate_activity(activity)
    library = library or load_library()
    result = emissions_month(activity, library)
    eid, month = activity.enterprise_id, activity.month
    last = session.scalar(
        select(func.max(CarbonActivity.revision)).where(
            CarbonActivity.enterprise_id == eid, CarbonActivity.month == month
        )
    )
    revision = (last or 0) + 1
    session.add(CarbonActivity(enterprise_id=eid, month=month, data=activity_to_json(activity),
                               source=source, submitted_by=actor, submitted_at=now,
                               revision=revision))  # fmt: skip
    reason = "computed" if revision == 1 else "activity revised"
    _store_result(session, result, revision=revision, reason=reason, now=now,
                  va=activity.value_added_10k_yuan)  # fmt: skip
    session.flush()
    return result


def submit_many(
    session: Session,
    activities: list[ActivityMonth],
    *,
    source: str,
    actor: str,
    library: FactorLibrary,
    now: datetime,
) -> int:
    """Store many first submissions at once (the simulator, a migration of old accounts):
    each activity as revision 1 and its result as version 1, with bulk inserts (no audit rows:
    not a user's change). Refused with :class:`BadActivity` if any (enterprise, month) already
    has a submission — a resubmission goes through :func:`submit_activity`. Every activity is
    validated and computed before anything is stored. Returns the number stored."""
    if source not in SOURCES:
        raise BadActivity(
            f"source must be one of {', '.join(SOURCES)} (got {source!r})", field="source"
        )
    if not activities:
        return 0
    for a in activities:
        _check_month(a.month, now.date())
        validate_activity(a)
    results = [emissions_month(a, library) for a in activities]
    ids = {a.enterprise_id for a in activities}
    months = {a.month for a in activities}
    taken = session.execute(
        select(CarbonActivity.enterprise_id, CarbonActivity.month)
        .where(CarbonActivity.enterprise_id.in_(sorted(ids)), CarbonActivity.month.in_(sorted(months)))
    ).all()  # fmt: skip
    wanted = {(a.enterprise_id, a.month) for a in activities}
    clash = sorted(set(map(tuple, taken)) & wanted)
    if clash or len(wanted) != len(activities):
        raise BadActivity(f"{len(clash) or 'duplicate'} enterprise-month(s) already submitted "
                          "(resubmit them one by one)", field="month")  # fmt: skip
    session.execute(insert(CarbonActivity), [
        dict(enterprise_id=a.enterprise_id, month=a.month, data=activity_to_json(a), source=source,
             submitted_by=actor, submitted_at=now, revision=1) for a in activities])  # fmt: skip
    session.execute(insert(CarbonResult), [
        _result_values(r, version=1, revision=1, reason="computed", now=now,
                       va=a.value_added_10k_yuan) for a, r in zip(activities, results, strict=True)])  # fmt: skip
    return len(activities)


def import_activity_excel(
    session: Session,
    scope: Scope,
    data: bytes,
    *,
    actor: str,
    library: FactorLibrary | None = None,
    now: datetime | None = None,
    max_bytes: int = MAX_BYTES,
) -> ImportReport:
    """Import an activity workbook (the layout of :mod:`qingshan.carbon.imports`, the template
    of :func:`qingshan.carbon.imports.template`): one row per enterprise-month.

    **Good rows are stored, bad rows are reported and not stored.** Each good row goes through
    :func:`submit_activity` in a savepoint, so a row is stored whole (activity and result) or
    not at all; a problem names the row, the column and what is wrong. An unreadable file
    raises :class:`BadWorkbook` (422)."""
    library = library or load_library()
    now = now or utcnow()
    directory = {e.credit_code: (e.id, e.name) for e in enterprise_directory(session, "330000")}
    if len(data) > max_bytes:
        raise BadWorkbook(f"larger than the limit of {max_bytes} bytes "
                          "(setting QINGSHAN_MAX_FILE_BYTES)")  # fmt: skip
    try:
        parsed = parse_workbook(data, directory=directory,
                                allowed=set(enterprises_in_scope(session, scope)),
                                library=library, now=now, max_bytes=max_bytes)  # fmt: skip
    except TableFileError as exc:
        raise BadWorkbook(str(exc)) from None
    report = ImportReport(rows=parsed.rows, problems=list(parsed.problems))
    for rownum, activity in parsed.good:
        try:
            with session.begin_nested():
                submit_activity(session, scope, activity, source="import", actor=actor,
                                library=library, now=now)  # fmt: skip
        except CarbonError as exc:
            report.problems.append(
                RowProblem(parsed.sheet, rownum, "", header_of(exc.field), str(exc))
            )
            continue
        report.stored += 1
        report.months.append((activity.enterprise_id, activity.month))
    report.problems.sort(key=lambda p: (p.row, p.column))
    return report


# ----------------------------------------------------------------------------------------
# recomputation
# ----------------------------------------------------------------------------------------
def recompute(
    session: Session,
    library: FactorLibrary,
    *,
    reason: str,
    enterprise_ids: Collection[int] | None = None,
    months: Collection[date] | None = None,
    now: datetime | None = None,
) -> int:
    """Recompute the current results with ``library`` (a factor correction) and store a new
    version wherever the emissions or the factors used changed; the old version stays with
    ``current=False``. ``reason`` is recorded as ``"factor correction: <reason>"``. Returns the
    number of new versions. Results whose figures and factors are unchanged are left alone."""
    if not reason.strip():
        raise BadActivity("a recomputation needs a reason", field="reason")
    now = now or utcnow()
    q = select(CarbonResult).where(CarbonResult.current.is_(True))
    if enterprise_ids is not None:
        q = q.where(CarbonResult.enterprise_id.in_(sorted(set(enterprise_ids))))
    if months is not None:
        q = q.where(CarbonResult.month.in_(sorted(set(months))))
    current = session.scalars(q.order_by(CarbonResult.enterprise_id, CarbonResult.month)).all()
    if not current:
        return 0
    acts = _activities_in_force(session, {r.enterprise_id for r in current},
                                {r.month for r in current})  # fmt: skip
    label = f"factor correction: {reason.strip()}"
    new_rows = []
    for old in current:
        act = acts.get((old.enterprise_id, old.month))
        if act is None:
            continue
        revision, activity = act
        r = emissions_month(activity, library, basis=old.basis)
        fresh = result_to_json(r)
        if _same(old, r, fresh):
            continue
        old.current = False
        new_rows.append(_result_values(r, version=old.version + 1, revision=revision,
                                       reason=label, now=now,
                                       va=activity.value_added_10k_yuan))  # fmt: skip
    session.flush()
    if new_rows:
        session.execute(insert(CarbonResult), new_rows)
    return len(new_rows)


def _same(old: CarbonResult, r: MonthResult, fresh: dict) -> bool:
    def close(a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)

    return (
        close(old.total_tco2, r.total_tco2)
        and close(old.biomass_tco2, r.biomass_tco2)
        and close(old.scope1_tco2, r.scope1_tco2)
        and (old.data or {}).get("factors") == fresh.get("factors")
    )


def _activities_in_force(
    session: Session, enterprise_ids: Iterable[int], months: Iterable[date]
) -> dict[tuple[int, date], tuple[int, ActivityMonth]]:
    """(enterprise, month) → (revision, activity) of the newest revision."""
    rows = session.execute(
        select(CarbonActivity.enterprise_id, CarbonActivity.month, CarbonActivity.revision,
               CarbonActivity.data)
        .where(CarbonActivity.enterprise_id.in_(sorted(set(enterprise_ids))),
               CarbonActivity.month.in_(sorted(set(months))))
    ).all()  # fmt: skip
    out: dict[tuple[int, date], tuple[int, ActivityMonth]] = {}
    for eid, month, rev, data in rows:
        key = (int(eid), month)
        if key not in out or rev > out[key][0]:
            out[key] = (int(rev), activity_from_json(data))
    return out


# ----------------------------------------------------------------------------------------
# the account of an enterprise's year
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ResultVersion:
    """One stored version of a month's result (the version history the account shows)."""

    version: int
    activity_revision: int
    library_version: str
    edition: str
    basis: str
    scope1_tco2: float
    scope2_tco2: float
    biomass_tco2: float
    total_tco2: float
    computed_at: datetime
    reason: str
    current: bool


@dataclass(frozen=True)
class AccountMonth:
    """One month of an account: the activity in force (its revision, source, who and when),
    the current result, and every version of the result, newest first."""

    month: date
    activity: ActivityMonth
    revision: int
    source: str
    submitted_by: str
    submitted_at: datetime
    result: MonthResult
    versions: tuple[ResultVersion, ...]


@dataclass(frozen=True)
class EnterpriseAccount:
    """An enterprise's carbon account of one year: its months, the year's totals [tCO2], value
    added [10^4 yuan] (None when a month lacks it), the warnings (plausibility and the results'
    own), the 碳效码 and the factors used (id → value, unit, source, period, tag)."""

    enterprise_id: int
    name: str
    credit_code: str
    region_code: str
    industry: str
    industry_code: str | None
    year: int
    months: tuple[AccountMonth, ...]
    scope1_tco2: float
    scope2_tco2: float
    biomass_tco2: float
    total_tco2: float
    value_added_10k_yuan: float | None
    warnings: tuple[AccountWarning, ...]
    code: CarbonCode
    factors: dict[str, dict] = field(default_factory=dict)


def _frontier(session: Session, year: int) -> date | None:
    """The newest month any enterprise has reported in ``year`` (the reporting frontier)."""
    return session.scalar(
        select(func.max(CarbonActivity.month)).where(
            CarbonActivity.month >= date(year, 1, 1), CarbonActivity.month <= date(year, 12, 1)
        )
    )


def account(session: Session, scope: Scope, enterprise_id: int, year: int) -> EnterpriseAccount:
    """The carbon account of ``enterprise_id`` for ``year`` (raises :class:`NotFound` /
    :class:`OutsideScope`). Months without a submission up to the reporting frontier are
    warned as missing; an empty year is an account with no months (and the warnings)."""
    entry = _entry(session, scope, enterprise_id)
    lo, hi = date(year, 1, 1), date(year, 12, 1)
    acts = session.scalars(
        select(CarbonActivity)
        .where(CarbonActivity.enterprise_id == enterprise_id, CarbonActivity.month >= lo,
               CarbonActivity.month <= hi)
        .order_by(CarbonActivity.month, CarbonActivity.revision)
    ).all()  # fmt: skip
    newest: dict[date, CarbonActivity] = {a.month: a for a in acts}
    results = session.scalars(
        select(CarbonResult)
        .where(CarbonResult.enterprise_id == enterprise_id, CarbonResult.month >= lo,
               CarbonResult.month <= hi)
        .order_by(CarbonResult.month, CarbonResult.version.desc())
    ).all()  # fmt: skip
    by_month: dict[date, list[CarbonResult]] = defaultdict(list)
    for r in results:
        by_month[r.month].append(r)
    months: list[AccountMonth] = []
    factors: dict[str, dict] = {}
    result_warnings: list[AccountWarning] = []
    for m in sorted(newest):
        versions = by_month.get(m, [])
        cur = next((v for v in versions if v.current), None)
        if cur is None:
            continue
        a = newest[m]
        res = result_from_json(cur.data)
        factors.update(res.factors)
        result_warnings += [AccountWarning("factor", m, w) for w in res.warnings]
        months.append(AccountMonth(
            month=m, activity=activity_from_json(a.data), revision=a.revision, source=a.source,
            submitted_by=a.submitted_by, submitted_at=a.submitted_at, result=res,
            versions=tuple(ResultVersion(
                v.version, v.activity_revision, v.library_version, v.edition, v.basis,
                v.scope1_tco2, v.scope2_tco2, v.biomass_tco2, v.total_tco2, v.computed_at,
                v.reason, v.current) for v in versions),
        ))  # fmt: skip
    totals = {am.month: am.result.total_tco2 for am in months}
    va = {am.month: am.activity.value_added_10k_yuan for am in months}
    warnings = check_months(totals, va, months_of_year(year, _frontier(session, year)))
    warnings += _dedupe(result_warnings)
    va_total = None if not months or any(v is None for v in va.values()) else sum(
        float(v or 0.0) for v in va.values())  # fmt: skip
    return EnterpriseAccount(
        enterprise_id=enterprise_id, name=entry.name, credit_code=entry.credit_code,
        region_code=entry.region_code, industry=entry.industry, industry_code=entry.industry_code,
        year=year, months=tuple(months),
        scope1_tco2=sum(am.result.scope1_tco2 for am in months),
        scope2_tco2=sum(am.result.scope2_tco2 for am in months),
        biomass_tco2=sum(am.result.biomass_tco2 for am in months),
        total_tco2=sum(totals.values()), value_added_10k_yuan=va_total,
        warnings=tuple(warnings), code=carbon_code_of(session, scope, enterprise_id, year),
        factors=factors,
    )  # fmt: skip


def _dedupe(ws: list[AccountWarning]) -> list[AccountWarning]:
    """The computation's warnings, once per message with its months collapsed (a factor used
    past its period warns every month: one warning naming the months)."""
    groups: dict[str, list[date]] = {}
    for w in ws:
        groups.setdefault(_MONTH_IN_TEXT.sub("", w.message), []).append(w.month or date.min)
    out = []
    for text, months in groups.items():
        ms = sorted(set(months))
        span = (
            f"{ms[0]:%Y-%m}"
            if len(ms) == 1
            else f"{len(ms)} months, {ms[0]:%Y-%m} to {ms[-1]:%Y-%m}"
        )
        out.append(AccountWarning("factor", ms[0] if len(ms) == 1 else None, f"{text} ({span})"))
    return out


_MONTH_IN_TEXT = re.compile(r" for (?<![\d-])\d{4}-\d{2}(?![\d-])")


# ----------------------------------------------------------------------------------------
# the frame the pages roll up
# ----------------------------------------------------------------------------------------
def results_frame(session: Session, scope: Scope, *, year_from: int, year_to: int) -> pd.DataFrame:
    """One row per (enterprise, month) of the current versions in ``year_from``..``year_to`` of
    the enterprises ``scope`` sees, columns :data:`FRAME_COLUMNS` (tCO2, 10^4 yuan, MWh;
    ``electricity_mwh`` = purchased electricity of the month). Empty frame, same columns, when
    nothing is stored."""
    ents = enterprises_in_scope(session, scope)
    if not ents:
        return _empty_frame()
    rows = session.execute(
        select(CarbonResult.enterprise_id, CarbonResult.month, CarbonResult.scope1_tco2,
               CarbonResult.scope2_tco2, CarbonResult.biomass_tco2, CarbonResult.total_tco2,
               CarbonResult.value_added_10k_yuan, CarbonResult.electricity_mwh,
               CarbonResult.basis, CarbonResult.library_version)
        .where(CarbonResult.current.is_(True), CarbonResult.month >= date(year_from, 1, 1),
               CarbonResult.month <= date(year_to, 12, 1))
        .order_by(CarbonResult.enterprise_id, CarbonResult.month)
    ).all()  # fmt: skip
    out = []
    for eid, month, s1, s2, bio, total, va, elec, basis, libv in rows:
        e = ents.get(int(eid))
        if e is None:
            continue
        out.append((e.id, e.name, e.region_code, e.region_code[:4] + "00", e.industry,
                    e.industry_code, month, s1, s2, bio, total, va, elec, basis,
                    libv))  # fmt: skip
    if not out:
        return _empty_frame()
    df = pd.DataFrame(out, columns=FRAME_COLUMNS)
    df["month"] = pd.to_datetime(df["month"]).dt.date
    return df


def _empty_frame() -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype="object") for c in FRAME_COLUMNS})
    for c in ("scope1_tco2", "scope2_tco2", "biomass_tco2", "total_tco2", "value_added_10k_yuan",
              "electricity_mwh"):  # fmt: skip
        df[c] = df[c].astype("float64")
    df["enterprise_id"] = df["enterprise_id"].astype("int64")
    return df


def _electricity(data: dict | None) -> float:
    """Purchased electricity [MWh] of a stored result (its ``electricity`` line's activity)."""
    for line in (data or {}).get("lines", ()):
        if line.get("source") == "electricity":
            return float(line.get("activity") or 0.0)
    return 0.0


# ----------------------------------------------------------------------------------------
# the peak path
# ----------------------------------------------------------------------------------------
def set_peak_path(
    session: Session,
    scope: Scope,
    region_code: str,
    path: dict[int, float],
    *,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Set ``region_code``'s peak path (达峰路径): year → target emissions [tCO2]. Replaces the
    years given (other years kept). Region users only, within their region."""
    if scope.role in (Role.PUBLIC, Role.ENTERPRISE):
        raise OutsideScope(f"{scope.username} may not set a peak path", field="region_code")
    scope.check_region(region_code)
    now = now or utcnow()
    for year, tco2 in path.items():
        if not 1990 <= int(year) <= 2100:
            raise BadActivity(f"year {year} is out of range (1990–2100)", field="year")
        if not math.isfinite(tco2) or tco2 < 0:
            raise BadActivity(f"peak-path value of {year} must be a finite number >= 0 "
                              f"(got {tco2!r})", field="tco2")  # fmt: skip
    for year, tco2 in sorted(path.items()):
        row = session.get(CarbonPeakPath, (region_code, int(year)))
        if row is None:
            session.add(CarbonPeakPath(region_code=region_code, year=int(year), tco2=float(tco2),
                                       set_by=actor, set_at=now))  # fmt: skip
        else:
            row.tco2, row.set_by, row.set_at = float(tco2), actor, now
    session.flush()


def peak_path(session: Session, region_code: str) -> dict[int, float]:
    """``region_code``'s peak path: year → tCO2, by year (empty when none is set)."""
    rows = session.execute(
        select(CarbonPeakPath.year, CarbonPeakPath.tco2)
        .where(CarbonPeakPath.region_code == region_code)
        .order_by(CarbonPeakPath.year)
    ).all()
    return {int(y): float(t) for y, t in rows}


# ----------------------------------------------------------------------------------------
# 碳效码
# ----------------------------------------------------------------------------------------
def _year_intensities(session: Session, year: int) -> dict[int, float | None]:
    """enterprise → the year's intensity [tCO2/10^4 yuan] over its current results (None when
    a month lacks value added). The CO2 counted is the total minus zero-carbon electricity
    (:func:`qingshan.carbon.accounting.code_tco2`, the 2021 method's deduction)."""
    rows = session.execute(
        select(CarbonResult.enterprise_id, CarbonResult.total_tco2,
               CarbonResult.value_added_10k_yuan, CarbonResult.green_tco2)
        .where(CarbonResult.current.is_(True), CarbonResult.month >= date(year, 1, 1),
               CarbonResult.month <= date(year, 12, 1))
    ).all()  # fmt: skip
    tco2: dict[int, float] = defaultdict(float)
    va: dict[int, float | None] = {}
    for eid, total, v, green in rows:
        eid = int(eid)
        tco2[eid] += float(total) - float(green or 0.0)
        if v is None:
            va[eid] = None
        elif eid not in va or va[eid] is not None:
            va[eid] = (va.get(eid) or 0.0) + float(v)
    return {e: intensity(tco2[e], va[e]) for e in tco2}


def carbon_codes(session: Session, scope: Scope, year: int) -> dict[int, CarbonCode]:
    """enterprise id → 碳效码 of ``year`` of every enterprise ``scope`` sees that has a result in
    the year (the rule of :func:`carbon_code_of`, computed once for all)."""
    mine = enterprises_in_scope(session, scope)
    if not mine:
        return {}
    everyone = enterprise_directory(session, "330000")
    intens = _year_intensities(session, year)
    return {eid: _code(entry, everyone, intens, year) for eid, entry in mine.items()
            if eid in intens}  # fmt: skip


def _code(
    entry: EnterpriseEntry, everyone: list[EnterpriseEntry], intens: dict[int, float | None],
    year: int,
) -> CarbonCode:  # fmt: skip
    division = (entry.industry_code or "")[:2]
    peers = [v for e in everyone
             if division and (e.industry_code or "")[:2] == division
             and (v := intens.get(e.id)) is not None]  # fmt: skip
    basis = f"GB/T 4754-2017 division {division}"
    if len(peers) < MIN_PEERS:
        peers = [v for e in everyone
                 if e.industry == entry.industry and (v := intens.get(e.id)) is not None]  # fmt: skip
        basis = (f"rule-pack industry {entry.industry} (division {division or '—'} has fewer "
                 f"than {MIN_PEERS} peers)")  # fmt: skip
    avg = sum(peers) / len(peers) if peers else None
    code = carbon_code(intens.get(entry.id), avg)
    return replace(
        code, method=f"{code.method}; peers: {basis}, {len(peers)} enterprises in {year}"
    )


def carbon_code_of(session: Session, scope: Scope, enterprise_id: int, year: int) -> CarbonCode:
    """The 碳效码 of ``enterprise_id`` for ``year``: intensity = the year's CO2 [tCO2] (the total
    less zero-carbon electricity, :func:`qingshan.carbon.accounting.code_tco2`) ÷ its value added
    [10^4 yuan]; K = intensity ÷ the mean intensity of its peers in the same year — the
    enterprises of its GB/T 4754-2017 division (大类, the first two digits of ``industry_code``),
    or of its rule-pack industry when the division has fewer than :data:`MIN_PEERS` enterprises
    with an intensity (the code's ``method`` says which). Grades and levels per
    :mod:`qingshan.carbon.grading` (2021 method; verify against DB33/T 1347—2023). No value
    added: no intensity, no grade (a warning on the account)."""
    entry = _entry(session, scope, enterprise_id)
    return _code(entry, enterprise_directory(session, "330000"),
                 _year_intensities(session, year), year)  # fmt: skip
