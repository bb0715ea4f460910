"""The targets board: each target's value per city — computed by its KPI provider
(:mod:`.kpi`) or the latest counted report (:mod:`.service`) — its progress and status
(:mod:`.status`), the city × target matrix with the cities' assessment scores
(:mod:`.assessment`), and one target's detail with the reports and what the viewer may do."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases import service as cases
from qingshan.geo.regions import CITY_CODES
from qingshan.targets.assessment import AssessmentMethod, ScoredTarget, read_method, score_city
from qingshan.targets.kpi import KpiRegistry, Period
from qingshan.targets.lifecycle import COUNTED, REVIEW_EVENTS, ReportEvent, ReportState, events_from
from qingshan.targets.models import (
    Target,
    TargetFile,
    TargetPlan,
    TargetReminder,
    TargetReport,
    TargetShare,
    TargetUnit,
)
from qingshan.targets.service import (
    PROVINCE,
    board_region,
    can_report,
    cities_of,
    cst_today,
    current_plan,
    get_target,
)
from qingshan.targets.status import Status, expected_progress, progress_fraction, status_of


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
    cities = cities_of(scope)
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
    t = get_target(session, target_id)
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
