"""The demo's stored indices (once): AQI, water classes and CWQI of the last
:data:`DEMO_INDEX_DAYS` days as derived series, so that the stored-AQI API and the month's CWQI
answer on first start. The ``indices`` job keeps them current from there; the rest of the year is
``qingshan batch indices --from … --to …`` (docs/batch.md), about a minute on the full demo."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, select

from qingshan.db.engine import session_scope
from qingshan.indices.service import AQI, compute_indices
from qingshan.monitoring.models import Series
from qingshan.timeseries.store import ObservationStore

#: a quarter: ~15 s on the full demo (a year would add a minute to every first start)
DEMO_INDEX_DAYS = 92


def seed_demo_indices(engine: Engine, store: ObservationStore, now: datetime) -> str | None:
    """Compute and store the indices of the last :data:`DEMO_INDEX_DAYS` days; None when the
    derived AQI series already exist (built before, or kept by the job)."""
    with session_scope(engine) as session:
        if session.scalar(select(Series.id).where(Series.parameter_code == AQI).limit(1)):
            return None
    report = compute_indices(store, engine, now - timedelta(days=DEMO_INDEX_DAYS), now)
    return f"{report.rows_written} index rows over {report.series} series, {DEMO_INDEX_DAYS} days"
