"""The targets service: every rule that touches a session. The public API of the package.

Plans (:func:`load_plan`)
    A checked plan file (:mod:`.plan_file`) stored with its targets, their responsible units
    (the cases' 责任单位, added through the cases service when missing) and the decomposition
    to the cities (:mod:`.decompose`).
Reports (:func:`submit_report`, :func:`resubmit_report`, :func:`review_report`,
:func:`add_report_file`, :func:`report_file`)
    A city (or, for a target kept at the province, the province as lead department) reports a
    value with a note and evidence; the province accepts, returns or audits it
    (:mod:`.lifecycle`). A county reads its city's reports, never files them.
Progress
    The city × target board and a target's detail are read in :mod:`.board`.
Reminders
    Before a deadline, once per target, city and lead time: :mod:`.reminders`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases import service as cases
from qingshan.cases.service import EvidenceLimits
from qingshan.geo.regions import CITY_CODES, REGIONS
from qingshan.targets.decompose import city_shares
from qingshan.targets.errors import (
    BadReport,
    NotPermitted,
    ReportNotFound,
    TargetError,
    TargetNotFound,
)
from qingshan.targets.lifecycle import (
    REVIEW_EVENTS,
    ReportEvent,
    ReportState,
    fire,
)
from qingshan.targets.models import (
    Target,
    TargetFile,
    TargetPlan,
    TargetReminder,
    TargetReport,
    TargetShare,
    TargetUnit,
)
from qingshan.targets.plan_file import PlanSpec
from qingshan.timeutil import cst_today, utcnow

__all__ = [
    "PROVINCE",
    "LoadResult",
    "load_plan",
    "current_plan",
    "get_target",
    "cities_of",
    "board_region",
    "can_report",
    "submit_report",
    "resubmit_report",
    "review_report",
    "add_report_file",
    "report_file",
    "cst_today",
    "region_name",
]

PROVINCE = "330000"


# --- plans ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    plan_code: str
    targets: int
    shares: int
    units_added: list[str]

    def __str__(self) -> str:
        added = f", {len(self.units_added)} responsible units added" if self.units_added else ""
        return f"plan {self.plan_code}: {self.targets} targets, {self.shares} city shares{added}"


def _units_by_name(session: Session, names: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    """The province's responsible units named ``names`` (added as departments when missing)."""
    known = {u.name: u.id for u in cases.list_units(session, PROVINCE) if u.region_code == PROVINCE}
    added: list[str] = []
    for name in names:
        if name not in known:
            known[name] = cases.add_unit(session, name, "department", PROVINCE, ["*"]).id
            added.append(name)
    return known, added


def _city_units(session: Session) -> dict[str, int]:
    """Each city's department unit (its 生态环境局, or its first department) for the shares."""
    out: dict[str, int] = {}
    for u in cases.list_units(session, ""):
        if u.region_code in CITY_CODES and u.kind.value == "department":
            if u.region_code not in out or u.name.endswith("生态环境局"):
                out[u.region_code] = u.id
    return out


def load_plan(session: Session, spec: PlanSpec, *, now: datetime | None = None) -> LoadResult:
    """Store the checked plan ``spec``: its targets, responsible units and city shares. A plan
    of the same code is replaced when none of its targets has a report yet.

    Raises
    ------
    TargetError
        The plan is loaded and has reports (409).
    """
    old = session.get(TargetPlan, spec.code)
    if old is not None:
        ids = list(session.scalars(select(Target.id).where(Target.plan_code == spec.code)))
        if ids and session.scalar(select(TargetReport.id).where(TargetReport.target_id.in_(ids))):
            err = TargetError(f"plan {spec.code} is loaded and has progress reports; not replaced")
            err.status_code = 409
            raise err
        for table in (TargetUnit, TargetShare, TargetReminder):
            session.execute(delete(table).where(table.target_id.in_(ids)))
        session.execute(delete(Target).where(Target.plan_code == spec.code))
        session.delete(old)
        session.flush()
    names = list(dict.fromkeys(n for t in spec.targets for n in t.units))
    units, added = _units_by_name(session, names)
    city_unit = _city_units(session)
    session.add(
        TargetPlan(
            code=spec.code, title=spec.title, year=spec.year, period_start=spec.period_start,
            period_end=spec.period_end, source=spec.source, loaded_at=now or utcnow(),
        )
    )  # fmt: skip
    session.flush()  # the plan before its targets (no relationship orders them)
    n_shares = 0
    for t in spec.targets:
        row = Target(
            plan_code=spec.code, code=t.code, item=t.item, wording=t.wording,
            wording_en=t.wording_en, unit=t.unit, comparison=t.comparison, value=t.value,
            baseline=t.baseline, start=spec.period_start, deadline=t.deadline, metric=t.metric,
            kpi=t.kpi, split=t.split, weight=t.weight,
        )  # fmt: skip
        session.add(row)
        session.flush()
        for i, name in enumerate(t.units):
            session.add(TargetUnit(target_id=row.id, unit_id=units[name], lead=i == 0))
        for city, value in city_shares(t.split, t.value, CITY_CODES, t.shares).items():
            session.add(TargetShare(target_id=row.id, region_code=city,
                                    unit_id=city_unit.get(city), value=value))  # fmt: skip
            n_shares += 1
    session.flush()
    return LoadResult(spec.code, len(spec.targets), n_shares, added)


def current_plan(session: Session, code: str | None = None) -> TargetPlan | None:
    """The plan ``code``, or the newest loaded (by year, then load time)."""
    if code is not None:
        return session.get(TargetPlan, code)
    return session.scalars(
        select(TargetPlan).order_by(TargetPlan.year.desc(), TargetPlan.loaded_at.desc())
    ).first()


# --- scope ------------------------------------------------------------------------------------


def board_region(scope: Scope) -> str:
    """The region whose rows ``scope`` sees: the province, a city, or — for a county — its
    city (read-only)."""
    if scope.role is Role.PROVINCE:
        return PROVINCE
    if scope.role in (Role.CITY, Role.COUNTY):
        return scope.region_code[:4] + "00"
    raise NotPermitted("targets are read by province, city and county accounts")


def cities_of(scope: Scope) -> list[str]:
    region = board_region(scope)
    return list(CITY_CODES) if region == PROVINCE else [region]


def can_report(scope: Scope, target: Target, region_code: str) -> bool:
    """Whether ``scope`` files reports for ``target`` in ``region_code``: a city account for its
    city's share; the province (lead department) for a target kept at the province."""
    if scope.role is Role.CITY:
        return target.split != "province" and region_code == scope.region_code
    if scope.role is Role.PROVINCE:
        return target.split == "province" and region_code == PROVINCE
    return False


def get_target(session: Session, target_id: int) -> Target:
    row = session.get(Target, target_id)
    if row is None:
        raise TargetNotFound(target_id)
    return row


def _report(session: Session, scope: Scope, report_id: int) -> TargetReport:
    row = session.get(TargetReport, report_id)
    if row is None:
        raise ReportNotFound(report_id)
    region = board_region(scope)
    if region != PROVINCE and row.region_code != region:
        raise ReportNotFound(report_id)  # out of scope is reported alike
    return row


# --- reports ----------------------------------------------------------------------------------


def _check_figures(target: Target, value: float, as_of: date) -> None:
    if value != value or value < 0:  # NaN or negative
        raise BadReport("value", f"must be a number ≥ 0, got {value}")
    if target.unit == "%" and value > 100:
        raise BadReport("value", f"a rate is at most 100 %, got {value}")
    if as_of < target.start:
        raise BadReport("as_of", f"{as_of} is before the target's period starts ({target.start})")


def submit_report(
    session: Session,
    scope: Scope,
    target_id: int,
    region_code: str,
    value: float,
    as_of: date,
    note: str = "",
    *,
    now: datetime | None = None,
) -> TargetReport:
    """File a progress report (state ``submitted``) of ``region_code`` for a target.

    Raises
    ------
    NotPermitted
        ``scope`` does not report for that region and target (a county: read-only).
    BadReport
        A value below 0 (or a rate above 100 %), a day before the period, a day in the future.
    """
    target = get_target(session, target_id)
    if not can_report(scope, target, region_code):
        raise NotPermitted(
            f"{scope.role.value} account {scope.username!r} does not report target "
            f"{target.code} for {region_code}"
        )
    now = now or utcnow()
    _check_figures(target, value, as_of)
    if as_of > cst_today(now):
        raise BadReport("as_of", f"{as_of} is in the future")
    row = TargetReport(
        target_id=target.id, region_code=region_code, value=float(value), as_of=as_of,
        note=note.strip(), state=ReportState.SUBMITTED.value, submitted_by=scope.username,
        submitted_at=now, review_note="",
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def resubmit_report(
    session: Session,
    scope: Scope,
    report_id: int,
    value: float,
    as_of: date,
    note: str = "",
    *,
    now: datetime | None = None,
) -> TargetReport:
    """Resubmit a returned report with new figures (its reporter's region only)."""
    row = _report(session, scope, report_id)
    target = get_target(session, row.target_id)
    if not can_report(scope, target, row.region_code):
        raise NotPermitted(f"{scope.username!r} does not report for {row.region_code}")
    now = now or utcnow()
    row.state = fire(row.state, ReportEvent.RESUBMIT).value
    _check_figures(target, value, as_of)
    row.value, row.as_of, row.note = float(value), as_of, note.strip()
    row.submitted_by, row.submitted_at = scope.username, now
    session.flush()
    return row


def review_report(
    session: Session,
    scope: Scope,
    report_id: int,
    event: ReportEvent | str,
    reason: str = "",
    *,
    now: datetime | None = None,
) -> TargetReport:
    """The province accepts, returns (with ``reason``) or audits a report.

    Raises
    ------
    NotPermitted
        Not a province account, or not a review event.
    IllegalReportStep
        The event is not allowed in the report's state (names both).
    """
    try:
        event = ReportEvent(event)
    except ValueError:
        raise BadReport("event", f"{event!r}: accept, return or audit") from None
    if scope.role is not Role.PROVINCE or event not in REVIEW_EVENTS:
        raise NotPermitted(f"only the province reviews reports (event {event.value!r})")
    row = _report(session, scope, report_id)
    row.state = fire(row.state, event, reason=reason).value
    now = now or utcnow()
    if event is ReportEvent.AUDIT:
        row.audited_by, row.audited_at = scope.username, now
    else:
        row.reviewed_by, row.reviewed_at = scope.username, now
        row.review_note = reason.strip()
    session.flush()
    return row


def add_report_file(
    session: Session,
    scope: Scope,
    report_id: int,
    data: bytes,
    filename: str,
    *,
    limits: EvidenceLimits,
    now: datetime | None = None,
) -> TargetFile:
    """Attach an evidence file to a report of the caller's (checked and stored like case
    evidence, through the cases service)."""
    row = _report(session, scope, report_id)
    if not can_report(scope, get_target(session, row.target_id), row.region_code):
        raise NotPermitted(f"{scope.username!r} does not report for {row.region_code}")
    sniffed = cases.store_evidence(data, limits=limits)
    f = TargetFile(
        report_id=row.id, sha256=sniffed.sha256, size=sniffed.size,
        media_type=sniffed.media_type, filename=(Path(filename).name or "file")[:200],
        uploaded_by=scope.username, uploaded_at=now or utcnow(),
    )  # fmt: skip
    session.add(f)
    session.flush()
    return f


def report_file(
    session: Session, scope: Scope, file_id: int, *, root: Path
) -> tuple[TargetFile, Path]:
    """An evidence file of a report in ``scope`` and the path of its bytes."""
    f = session.get(TargetFile, file_id)
    if f is None:
        raise ReportNotFound(f"file {file_id}")
    _report(session, scope, f.report_id)
    return f, cases.stored_evidence_path(root, f.sha256)


def region_name(code: str, lang: str) -> str:
    r = REGIONS[code]
    return r.name if lang == "zh" else r.name_en
