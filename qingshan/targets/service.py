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
Progress (:func:`progress_board`, :func:`target_detail`, :func:`kpi_values`)
    Each target's value per city — computed by its KPI provider (:mod:`.kpi`) or the latest
    accepted report — its progress and status (:mod:`.status`), the city × target matrix and
    the cities' assessment scores (:mod:`.assessment`).
Reminders (:func:`send_reminders`)
    Before a deadline, once per target, city and lead time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases import service as cases
from qingshan.cases.service import EvidenceLimits
from qingshan.geo.regions import CITY_CODES, REGIONS
from qingshan.targets.assessment import AssessmentMethod, ScoredTarget, read_method, score_city
from qingshan.targets.decompose import city_shares
from qingshan.targets.errors import (
    BadReport,
    NotPermitted,
    ReportNotFound,
    TargetError,
    TargetNotFound,
)
from qingshan.targets.kpi import KpiRegistry, Period
from qingshan.targets.lifecycle import (
    COUNTED,
    REVIEW_EVENTS,
    ReportEvent,
    ReportState,
    events_from,
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
from qingshan.targets.status import Status, expected_progress, progress_fraction, status_of
from qingshan.timeutil import as_cst, utcnow

__all__ = [
    "PROVINCE",
    "REMINDER_DAYS",
    "LoadResult",
    "load_plan",
    "current_plan",
    "board_region",
    "can_report",
    "submit_report",
    "resubmit_report",
    "review_report",
    "add_report_file",
    "report_file",
    "Cell",
    "TargetRow",
    "Board",
    "progress_board",
    "TargetDetail",
    "target_detail",
    "kpi_values",
    "send_reminders",
    "reminders_for",
    "cst_today",
    "region_name",
]

PROVINCE = "330000"
#: reminders go this many days before a deadline (the nearest lead time not yet passed)
REMINDER_DAYS = (30, 7)


def cst_today(now: datetime | None = None) -> date:
    """Today in China Standard Time."""
    return as_cst(now or utcnow()).date()


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


def _cities_of(scope: Scope) -> list[str]:
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


def _target(session: Session, target_id: int) -> Target:
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
    target = _target(session, target_id)
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
    target = _target(session, row.target_id)
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
    if not can_report(scope, _target(session, row.target_id), row.region_code):
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


# --- progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A target in a region: owed value, current value, progress [0–1] and status."""

    region_code: str
    owed: float | None
    value: float | None
    progress: float | None
    status: Status | None  # None: nothing owed (a share of 0)
    as_of: date | None = None
    reports: int = 0


@dataclass
class TargetRow:
    target: Target
    province: Cell
    cities: dict[str, Cell]
    units: list[str]
    reported: int  # cities with a counted value
    owing: int  # cities that owe something


@dataclass
class Board:
    plan: TargetPlan
    as_of: date
    expected: float
    region: str
    cities: list[str]
    rows: list[TargetRow]
    scores: dict[str, float | None]
    kpis: list[tuple[str, str, str, float | None, str]] = field(default_factory=list)

    def cell(self, row: TargetRow) -> Cell:
        """``row``'s cell of the board's region (the province, or the viewer's city)."""
        return row.province if self.region == PROVINCE else row.cities[self.region]

    def counts(self) -> dict[str, int]:
        """Targets per status in the board's region."""
        out = {s.value: 0 for s in Status}
        for r in self.rows:
            status = self.cell(r).status
            if status is not None:
                out[status.value] += 1
        return out


def _latest_counted(session: Session, target_ids: list[int]) -> dict[tuple[int, str], TargetReport]:
    out: dict[tuple[int, str], TargetReport] = {}
    rows = session.scalars(
        select(TargetReport)
        .where(
            TargetReport.target_id.in_(target_ids),
            TargetReport.state.in_([s.value for s in COUNTED]),
        )  # fmt: skip
        .order_by(TargetReport.as_of, TargetReport.id)
    )
    for r in rows:
        out[(r.target_id, r.region_code)] = r
    return out


def _cell(t: Target, region: str, owed: float | None, value: float | None, as_of: date,
          when: date | None, n: int) -> Cell:  # fmt: skip
    if owed is None or (owed == 0 and t.split == "sum"):
        return Cell(region, owed, value, None, None, when, n)
    p = progress_fraction(value, owed, t.comparison, t.baseline if region == PROVINCE else 0.0)
    e = expected_progress(t.start, t.deadline, as_of)
    return Cell(region, owed, value, p, status_of(p, e, past_deadline=as_of > t.deadline), when, n)


def _kpi(registry: KpiRegistry | None, session: Session, t: Target, region: str,
         period: Period) -> float | None:  # fmt: skip
    if registry is None or t.kpi is None or t.kpi not in registry:
        return None
    v = registry.get(t.kpi).value(session, region, period)
    return None if v is None else v.value


def _row(session: Session, t: Target, shares: dict[str, float], counted, counts, cities,
         as_of: date, registry: KpiRegistry | None, units: list[str]) -> TargetRow:  # fmt: skip
    period = Period(t.start, min(as_of, t.deadline))
    cells: dict[str, Cell] = {}
    values: dict[str, float] = {}
    for city in CITY_CODES:
        if t.metric == "computed":
            v, when = _kpi(registry, session, t, city, period), (as_of if registry else None)
        else:
            rep = counted.get((t.id, city))
            v, when = (rep.value, rep.as_of) if rep else (None, None)
        if v is not None:
            values[city] = v
        if city in cities:
            cells[city] = _cell(t, city, shares.get(city), v, as_of, when, counts[(t.id, city)])
    owing = sum(1 for c in CITY_CODES if shares.get(c))
    if t.metric == "computed":
        pv = _kpi(registry, session, t, PROVINCE, period)
    elif t.split == "province":
        rep = counted.get((t.id, PROVINCE))
        pv = rep.value if rep else None
    elif t.split == "sum":
        pv = sum(values.values()) if values else None
    else:  # each: the mean of the cities that reported
        pv = round(sum(values.values()) / len(values), 1) if values else None
    prov = _cell(t, PROVINCE, t.value, pv, as_of, None, counts[(t.id, PROVINCE)])
    reported = sum(1 for c in CITY_CODES if c in values and shares.get(c))
    return TargetRow(t, prov, cells, units, reported, owing)


def progress_board(
    session: Session,
    scope: Scope,
    *,
    registry: KpiRegistry | None = None,
    as_of: date | None = None,
    plan_code: str | None = None,
    method: AssessmentMethod | None = None,
) -> Board | None:
    """The plan's progress as ``scope`` sees it on ``as_of`` (default today, CST): each
    target's province value and status, the cities' cells (the province sees 11 cities; a
    city or county account its city) and the cities' assessment scores. None: no plan loaded."""
    plan = current_plan(session, plan_code)
    if plan is None:
        return None
    as_of = as_of or cst_today()
    cities = _cities_of(scope)
    targets = list(session.scalars(select(Target).where(Target.plan_code == plan.code)
                                   .order_by(Target.id)))  # fmt: skip
    ids = [t.id for t in targets]
    shares: dict[int, dict[str, float]] = defaultdict(dict)
    for s in session.scalars(select(TargetShare).where(TargetShare.target_id.in_(ids))):
        shares[s.target_id][s.region_code] = s.value
    names = {u.id: u.name for u in cases.list_units(session, PROVINCE)}
    units: dict[int, list[str]] = defaultdict(list)
    for tu in session.scalars(select(TargetUnit).where(TargetUnit.target_id.in_(ids))
                              .order_by(TargetUnit.lead.desc())):  # fmt: skip
        units[tu.target_id].append(names.get(tu.unit_id, str(tu.unit_id)))
    counted = _latest_counted(session, ids)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for tid, region in session.execute(
        select(TargetReport.target_id, TargetReport.region_code).where(
            TargetReport.target_id.in_(ids)
        )
    ):
        counts[(tid, region)] += 1
    rows = [_row(session, t, shares[t.id], counted, counts, cities, as_of, registry, units[t.id])
            for t in targets]  # fmt: skip
    method = method or read_method()
    scores: dict[str, float | None] = {}
    for city in cities:
        scored = [
            ScoredTarget(
                r.target.code,
                r.cities[city].status or Status.NO_DATA,
                r.cities[city].progress,
                r.target.weight,
            )  # fmt: skip
            for r in rows
            if r.cities[city].status is not None
        ]
        scores[city] = score_city(scored, method)
    period_end = min(as_of, plan.period_end)
    expected = expected_progress(plan.period_start, plan.period_end, as_of)
    board = Board(plan, as_of, expected, board_region(scope), cities, rows, scores)
    board.kpis = kpi_values(session, board.region, Period(plan.period_start, period_end), registry)
    return board


def kpi_values(
    session: Session, region_code: str, period: Period, registry: KpiRegistry | None
) -> list[tuple[str, str, str, float | None, str]]:
    """Every registered KPI for ``region_code`` over ``period``: (name, label key, unit,
    value or None, basis)."""
    out: list[tuple[str, str, str, float | None, str]] = []
    for p in registry or ():
        v = p.value(session, region_code, period)
        out.append((p.name, p.label, p.unit, None if v is None else v.value,
                    "" if v is None else v.basis))  # fmt: skip
    return out


@dataclass
class TargetDetail:
    row: TargetRow
    plan: TargetPlan
    as_of: date
    reports: list[TargetReport]
    files: dict[int, list[TargetFile]]
    actions: dict[int, list[str]]  # report id → events the viewer may take
    may_report: list[str]  # regions the viewer may file a report for
    read_only: bool
    reminders: list[TargetReminder]


def target_detail(
    session: Session,
    scope: Scope,
    target_id: int,
    *,
    registry: KpiRegistry | None = None,
    as_of: date | None = None,
) -> TargetDetail:
    """A target as ``scope`` sees it: its row, the reports of the visible regions (newest
    first) with their files, the review steps the viewer may take, where the viewer may file."""
    t = _target(session, target_id)
    plan = session.get(TargetPlan, t.plan_code)
    assert plan is not None
    board = progress_board(session, scope, registry=registry, as_of=as_of, plan_code=plan.code)
    assert board is not None
    row = next(r for r in board.rows if r.target.id == t.id)
    region = board.region
    q = select(TargetReport).where(TargetReport.target_id == t.id)
    if region != PROVINCE:
        q = q.where(TargetReport.region_code == region)
    reports = list(session.scalars(q.order_by(TargetReport.submitted_at.desc(),
                                              TargetReport.id.desc())))  # fmt: skip
    files: dict[int, list[TargetFile]] = defaultdict(list)
    for f in session.scalars(select(TargetFile).where(
            TargetFile.report_id.in_([r.id for r in reports])).order_by(TargetFile.id)):  # fmt: skip
        files[f.report_id].append(f)
    actions: dict[int, list[str]] = {}
    for r in reports:
        allowed = events_from(ReportState(r.state))
        if scope.role is Role.PROVINCE:
            actions[r.id] = [e.value for e in allowed if e in REVIEW_EVENTS]
        elif ReportEvent.RESUBMIT in allowed and can_report(scope, t, r.region_code):
            actions[r.id] = [ReportEvent.RESUBMIT.value]
        else:
            actions[r.id] = []
    may = [c for c in [PROVINCE, *board.cities] if can_report(scope, t, c)
           and (c == PROVINCE or row.cities[c].owed)]  # fmt: skip
    rq = select(TargetReminder).where(TargetReminder.target_id == t.id)
    if region != PROVINCE:
        rq = rq.where(TargetReminder.region_code == region)
    return TargetDetail(row, plan, board.as_of, reports, dict(files), actions, may,
                        scope.role is Role.COUNTY, list(session.scalars(rq)))  # fmt: skip


# --- reminders --------------------------------------------------------------------------------


def send_reminders(
    session: Session,
    *,
    now: datetime | None = None,
    days: Sequence[int] = REMINDER_DAYS,
    plan_code: str | None = None,
) -> int:
    """Record a reminder for each city share (and province-kept target) not yet met whose
    deadline is within ``days`` (the nearest lead time passed, once each); the number sent.
    The targets page shows a city its reminders."""
    plan = current_plan(session, plan_code)
    if plan is None:
        return 0
    now = now or utcnow()
    today = cst_today(now)
    sent = {(r.target_id, r.region_code, r.days) for r in session.scalars(select(TargetReminder))}
    board = progress_board(session, Scope(PROVINCE, Role.PROVINCE, username="scheduler"),
                           as_of=today, plan_code=plan.code)  # fmt: skip
    assert board is not None
    n = 0
    for row in board.rows:
        t = row.target
        if t.metric == "computed":  # the platform computes it: nobody to remind
            continue
        left = (t.deadline - today).days
        hits = [d for d in days if 0 <= left <= d]
        if not hits:
            continue
        d = min(hits)
        cells = [row.province] if t.split == "province" else list(row.cities.values())
        for cell in cells:
            if cell.status in (None, Status.MET) or (t.id, cell.region_code, d) in sent:
                continue
            session.add(TargetReminder(target_id=t.id, region_code=cell.region_code, days=d,
                                       sent_at=now))  # fmt: skip
            n += 1
    session.flush()
    return n


def reminders_for(session: Session, scope: Scope) -> list[tuple[Target, TargetReminder]]:
    """The reminders of the viewer's region (the province: all), newest first."""
    region = board_region(scope)
    q = select(Target, TargetReminder).join(TargetReminder, TargetReminder.target_id == Target.id)
    if region != PROVINCE:
        q = q.where(TargetReminder.region_code == region)
    return [(t, r) for t, r in session.execute(q.order_by(TargetReminder.sent_at.desc()))]


def region_name(code: str, lang: str) -> str:
    r = REGIONS[code]
    return r.name if lang == "zh" else r.name_en
