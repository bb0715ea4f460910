"""City/county statistics of the cases (统计分析): counts by state, category and source, by
region (the province sees its cities, a city its counties, a county itself), closure rate and
overdue by region, and the monthly trend of new and closed cases — for the statistics page and
``GET /api/v1/cases/stats``. Three grouped queries over the scope's cases, whatever their number
(the indexes of ``0011_case_reports`` serve them).

Definitions (the case list's, so every figure links to the list that shows its cases):

overdue (逾期)
    dispatched, not yet accepted (assigned, rectifying, submitted), the deadline passed.
due (应办结)
    cases whose current deadline has passed, neither merged nor cancelled; closed (已办结) those
    of them closed (销号); the closure rate (办结率) is closed / due, as in the monthly notice
    (:mod:`.notice`) but over every case to date rather than one month.
trend
    cases registered, and closed (their last 销号), per CST month over the last 12 months.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, case, func, select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.cases.models import CaseRecord
from qingshan.cases.periods import last_months
from qingshan.cases.reporting import check_reader
from qingshan.cases.workflow import ACTIVE_STATES, OPEN_STATES, CaseState
from qingshan.geo.models import RegionLevel
from qingshan.geo.regions import children, get_region
from qingshan.timeutil import utcnow

__all__ = ["RegionStats", "CaseStats", "case_stats", "cached_case_stats", "TREND_MONTHS"]

TREND_MONTHS = 12
#: how long the statistics of a scope are served from memory [s]: a dashboard's figures may
#: be this old; the case list (which every figure links to) is always current
STATS_TTL = 30.0
_VOID = (CaseState.MERGED, CaseState.CANCELLED)


@dataclass
class RegionStats:
    """One region's line. ``own``: the cases registered at the scope's own level (市本级)."""

    code: str
    name: str
    name_en: str
    own: bool = False
    total: int = 0
    open: int = 0
    closed: int = 0
    overdue: int = 0
    due: int = 0
    closed_due: int = 0
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def closure_rate(self) -> float | None:
        """办结率 ``closed_due / due`` [fraction 0–1], None when nothing is due."""
        return None if self.due == 0 else self.closed_due / self.due


@dataclass(frozen=True)
class CaseStats:
    scope_code: str
    as_of: datetime
    total: RegionStats
    regions: list[RegionStats]
    by_state: Mapping[str, int]
    by_category: Mapping[str, int]
    by_source: Mapping[str, int]
    #: (month "YYYY-MM", registered, closed), oldest first
    trend: list[tuple[str, int, int]]


def _line_of(scope_code: str):
    """region code → (line code, own) for a scope: the city of a case in the province, the
    county in a city; the scope itself for a case at the scope's own level."""
    level = get_region(scope_code).level

    def line(code: str) -> tuple[str, bool]:
        if code == scope_code:
            return code, level is not RegionLevel.COUNTY
        if level is RegionLevel.PROVINCE:
            return code[:4] + "00", False
        return code, False

    return line


def case_stats(session: Session, scope: Scope, *, now: datetime | None = None) -> CaseStats:
    """The statistics of the cases in ``scope`` at ``now`` (officers only)."""
    check_reader(scope)
    now = now or utcnow()
    in_scope = scope.where(CaseRecord.region_code, CaseRecord.enterprise_id)
    late = case((CaseRecord.due_at < now, 1), else_=0)
    rows = session.execute(
        select(CaseRecord.region_code, CaseRecord.state, func.count(), func.sum(late))
        .where(in_scope)
        .group_by(CaseRecord.region_code, CaseRecord.state)
    ).all()
    here = get_region(scope.region_code)
    lines: dict[tuple[str, bool], RegionStats] = {}
    if here.level is RegionLevel.COUNTY:
        lines[(here.code, False)] = RegionStats(here.code, here.name, here.name_en)
    else:
        for r in children(here.code):
            lines[(r.code, False)] = RegionStats(r.code, r.name, r.name_en)
    total = RegionStats(here.code, here.name, here.name_en)
    line_of = _line_of(scope.region_code)
    by_state = {s.value: 0 for s in CaseState}
    for code, state, n, n_late in rows:
        state = CaseState(state)
        key = line_of(code)
        if key not in lines:
            r = get_region(key[0])
            lines[key] = RegionStats(r.code, r.name, r.name_en, own=key[1])
        by_state[state.value] += n
        for target in (lines[key], total):
            target.total += n
            target.by_state[state.value] = target.by_state.get(state.value, 0) + n
            target.open += n if state in OPEN_STATES else 0
            target.closed += n if state is CaseState.CLOSED else 0
            target.overdue += (n_late or 0) if state in ACTIVE_STATES else 0
            target.due += (n_late or 0) if state not in _VOID else 0
            target.closed_due += (n_late or 0) if state is CaseState.CLOSED else 0
    by_category: dict[str, int] = {}
    by_source: dict[str, int] = {}
    for category, source, n in session.execute(
        select(CaseRecord.category, CaseRecord.source, func.count())
        .where(in_scope)
        .group_by(CaseRecord.category, CaseRecord.source)
    ):
        by_category[category] = by_category.get(category, 0) + n
        by_source[source] = by_source.get(source, 0) + n
    months = last_months(now, TREND_MONTHS)
    cols = []
    for m in months:
        for col in (CaseRecord.registered_at, CaseRecord.closed_at):
            cols.append(func.sum(case(((col >= m.start) & (col < m.end), 1), else_=0)))
    since = months[0].start
    got = session.execute(
        select(*cols).where(
            in_scope, (CaseRecord.registered_at >= since) | (CaseRecord.closed_at >= since)
        )
    ).one()
    trend = [(str(m), int(got[2 * i] or 0), int(got[2 * i + 1] or 0)) for i, m in enumerate(months)]
    regions = sorted(lines.values(), key=lambda r: (r.own, r.code))
    return CaseStats(
        scope_code=scope.region_code,
        as_of=now,
        total=total,
        regions=regions,
        by_state=by_state,
        by_category=dict(sorted(by_category.items(), key=lambda kv: -kv[1])),
        by_source=dict(sorted(by_source.items(), key=lambda kv: -kv[1])),
        trend=trend,
    )


_cache: dict[tuple, tuple[float, CaseStats]] = {}
_locks: dict[tuple, threading.Lock] = {}
_cache_lock = threading.Lock()


def cached_case_stats(session: Session, scope: Scope, *, ttl: float = STATS_TTL) -> CaseStats:
    """:func:`case_stats` of ``scope`` now, served from this process's memory when computed
    less than ``ttl`` seconds ago for the same database and scope (the statistics page and
    API: over 100,000 cases the three grouped queries take tens of milliseconds on
    PostgreSQL, too long to run for every reader of a busy dashboard).

    One request at a time computes a scope's figures: when they have expired, the others are
    served the previous figures meanwhile; when there are none yet, they wait for them."""
    check_reader(scope)
    bind = session.get_bind()
    url = bind.engine.url if isinstance(bind, Connection) else bind.url
    key = (str(url), scope.region_code, scope.role, scope.enterprises)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < ttl:
            return hit[1]
        if len(_cache) > 1000:  # many databases (tests) or scopes: start again
            _cache.clear()
            _locks.clear()
        lock = _locks.setdefault(key, threading.Lock())
    if hit is not None:
        if not lock.acquire(blocking=False):
            return hit[1]  # being computed again: the previous figures meanwhile
    else:
        lock.acquire()  # being computed for the first time: wait for it
        with _cache_lock:
            done = _cache.get(key)
        if done is not None and time.monotonic() - done[0] < ttl:
            lock.release()
            return done[1]
    try:
        st = case_stats(session, scope)
        with _cache_lock:
            _cache[key] = (time.monotonic(), st)
        return st
    finally:
        lock.release()
