"""The demo's water forecasts: the past four weeks of daily issues (08:00 CST), each made only
from the values complete at its own issue time, with their warnings and cases — so the section
forecast pages have forecasts to set against what happened, and the warning list has entries."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from qingshan.cases.sink import CasesSink
from qingshan.db.engine import session_scope
from qingshan.forecast.water_models import WaterWarning
from qingshan.forecast.water_service import issue_past_forecasts
from qingshan.timeseries.store import ObservationStore

#: past days of issues the demo makes
DEMO_DAYS = 28


def seed_demo_water_forecasts(
    engine: Engine,
    store: ObservationStore,
    data_dir: Path,
    *,
    now: datetime,
    threshold: float,
    days: int = DEMO_DAYS,
) -> str | None:
    """Issue the demo's past water forecasts (once: a data dir with warnings or stored batches
    is left as it is, and each stored issue is skipped). Cases are registered at their issue."""
    started = time.monotonic()
    sink = CasesSink(actor="forecast", registered_at=lambda r: r.occurred_at)
    with session_scope(engine) as session:
        issued = issue_past_forecasts(
            session, store, data_dir, now, days=days, threshold=threshold, sink=sink
        )
        if not issued:
            return None
        warnings = session.scalar(select(func.count()).select_from(WaterWarning))
        cases = session.scalar(
            select(func.count(func.distinct(WaterWarning.case_id))).where(
                WaterWarning.case_id.is_not(None)
            )
        )
    took = time.monotonic() - started
    return (
        f"{len(issued)} daily issues, {sum(r.rows for r in issued):,} forecast rows, "
        f"{warnings} warnings, {cases} cases ({took:.1f} s)"
    )
