"""The cases per region and state (``case_count``): read by the case list for its counts by
state and its total, rebuilt after a bulk write that bypassed the ORM, and checked against the
cases themselves.

The table is kept by the mapper events of :mod:`.models` in the flush that writes a case (a
registration, every transition, a merge, a delete), so a list read in the same transaction
sees its own changes and a concurrent one sees committed counts only — exact, as counting the
cases was, without scanning every case of the scope on every page (at 100,000 cases that scan
was 16–38 ms of PostgreSQL per list request, the page itself 0.2–3 ms).
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from qingshan.cases.models import CaseCount, CaseRecord
from qingshan.cases.workflow import CaseState

__all__ = ["state_counts", "recount_cases", "count_drift"]


def state_counts(session: Session, region_prefix: str) -> dict[str, int]:
    """Cases per state (every state, 0 when none) of the regions whose code starts with
    ``region_prefix`` ('33' the province, '3301' a city, '330106' a county)."""
    rows = session.execute(
        select(CaseCount.state, func.sum(CaseCount.n))
        .where(CaseCount.region_code.startswith(region_prefix, autoescape=True))
        .group_by(CaseCount.state)
    ).all()
    counts = {s.value: 0 for s in CaseState}
    for state, n in rows:
        counts[CaseState(state).value] = int(n or 0)
    return counts


def _actual(session: Session) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(CaseRecord.region_code, CaseRecord.state, func.count()).group_by(
            CaseRecord.region_code, CaseRecord.state
        )
    ).all()
    return {(r, CaseState(s).value): int(n) for r, s, n in rows}


def count_drift(session: Session) -> dict[tuple[str, str], tuple[int, int]]:
    """(region, state) → (kept, actual) wherever ``case_count`` differs from the cases (empty
    when it is exact)."""
    kept = {
        (r, CaseState(s).value): int(n)
        for r, s, n in session.execute(select(CaseCount.region_code, CaseCount.state, CaseCount.n))
    }
    actual = _actual(session)
    return {
        k: (kept.get(k, 0), actual.get(k, 0))
        for k in kept.keys() | actual.keys()
        if kept.get(k, 0) != actual.get(k, 0)
    }


def recount_cases(session: Session) -> int:
    """Rebuild ``case_count`` from the cases (after a bulk ``insert(CaseRecord)`` that bypassed
    the ORM, or to repair); returns the number of (region, state) rows."""
    actual = _actual(session)
    session.execute(delete(CaseCount))
    if actual:
        session.execute(
            insert(CaseCount),
            [{"region_code": r, "state": CaseState(s), "n": n} for (r, s), n in actual.items()],
        )
    session.flush()
    return len(actual)
