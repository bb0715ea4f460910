"""The ``indices`` job: the recent window's indices stored as derived series (after roll-ups)."""

from __future__ import annotations

from datetime import timedelta

from qingshan.indices.service import compute_indices
from qingshan.jobs.job import JobContext
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow

#: how far back a scheduled run recomputes: two days of hours and days, as the roll-ups' hourly
#: step, so late data within it are folded in (a changed index gets a new revision)
LOOKBACK = timedelta(days=2)


def run_indices(ctx: JobContext, *, lookback: timedelta | None = None) -> str:
    """Hourly and daily AQI of every air station (HJ 633), the water class of every section
    sample (GB 3838-2002) and each city's CWQI of the CST months the window touches (环办监测
    〔2017〕51号, from the roll-ups' monthly means, so it runs after them) over the recent window (``lookback`` overrides it, for a
    backfill). A run killed midway is repaired by the next: rows already written are found
    unchanged and not written again."""
    store = ObservationStore(ctx.settings.observations_dir)
    now = utcnow()
    report = compute_indices(store, ctx.engine, now - (lookback or LOOKBACK), now)
    parts = ", ".join(f"{k} {v}" for k, v in sorted(report.written.items()))
    return f"{report.rows_written} index rows written ({parts})"
