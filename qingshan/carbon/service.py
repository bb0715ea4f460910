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
from collections.abc import Collection, Iterable
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import (
    EnterpriseEntry,
    directory_entry,
    enterprise_directory,
    entry_in_scope,
)
from qingshan.carbon.accounting import (
    MonthResult,
    emissions_month,
    result_to_json,
)
from qingshan.carbon.activity import (
    ActivityMonth,
    activity_from_json,
    activity_to_json,
    validate_activity,
)
from qingshan.carbon.errors import BadActivity, BadWorkbook, CarbonError, NotFound
from qingshan.carbon.factors import FactorLibrary, load_library
from qingshan.carbon.imports import MAX_BYTES, ImportReport, header_of, parse_workbook
from qingshan.carbon.models import CarbonActivity, CarbonResult
from qingshan.tablefile import RowProblem, TableFileError
from qingshan.timeutil import utcnow

__all__ = [
    "SOURCES",
    "MIN_PEERS",
    "library_of",
    "submit_activity",
    "submit_many",
    "import_activity_excel",
    "recompute",
    "enterprises_in_scope",
    "enterprise_entry",
    "electricity_of",
    "FRAME_COLUMNS",
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


def enterprise_entry(session: Session, scope: Scope, enterprise_id: int) -> EnterpriseEntry:
    """The archive's entry of ``enterprise_id``: NotFound (404) without one or when ``scope``
    may not act for it — the same answer either way, as the archive gives (``no enterprise N in
    your scope``): an out-of-scope id does not reveal that the enterprise exists."""
    entry = directory_entry(session, enterprise_id)
    if entry is None or not entry_in_scope(entry, scope):
        raise NotFound(f"no enterprise {enterprise_id} in your scope", field="enterprise_id")
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
        total_tco2=r.total_tco2, value_added_10k_yuan=va, electricity_mwh=electricity_of(data),
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
    enterprise_entry(session, scope, activity.enterprise_id)
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


def electricity_of(data: dict | None) -> float:
    """Purchased electricity [MWh] of a stored result (its ``electricity`` line's activity)."""
    for line in (data or {}).get("lines", ()):
        if line.get("source") == "electricity":
            return float(line.get("activity") or 0.0)
    return 0.0
