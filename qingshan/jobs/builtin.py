"""The platform's own periodic jobs. Each takes a :class:`~qingshan.jobs.job.JobContext`
and returns a one-line summary."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from qingshan.db.engine import session_scope
from qingshan.jobs.job import JobContext
from qingshan.monitoring.models import Period
from qingshan.monitoring.registry import rollup_series_maps, update_latest
from qingshan.timeseries.rollup_job import rollup
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow

#: (source period, target period, how far back a scheduled run recomputes). Hourly values of
#: outlets come from the data loggers themselves (HJ 212-2017 CN 2061), so the platform rolls
#: up hours to days and days to months; minute-level validity is judged by :mod:`qingshan.qc`.
ROLLUP_STEPS = (
    (Period.HOUR, Period.DAY, timedelta(days=2)),
    (Period.DAY, Period.MONTH, timedelta(days=35)),
)


def rollups(
    ctx: JobContext,
    *,
    lookback: timedelta | None = None,
    streams: Collection[str] | None = None,
) -> str:
    """Daily means of hourly values (≥ 20 valid hours, GB 3095-2012 §8.2 Table 4) and monthly
    means of daily values (≥ 27 days, 25 in February, same table), with coverage, over the
    recent window of every series (``lookback`` overrides each step's window, for a backfill);
    late data within the window are folded in on the next run."""

    store = ObservationStore(ctx.settings.observations_dir)
    now = utcnow()
    written = 0
    for source, target, window in ROLLUP_STEPS:
        with session_scope(ctx.engine) as session:  # short: a few queries, one flush
            maps = rollup_series_maps(session, source, target, streams=streams)
        for stream, series_map in maps.items():
            result = rollup(
                store,
                stream,
                source.value,
                target.value,
                now - (lookback or window),
                now,
                series_map,
            )
            written += int(result["written"].sum())
            # every row of the window, written now or by an earlier run: the latest values
            # are derived from what the store holds, so a run killed between the write and
            # this update is repaired by the next one (which finds the rows unchanged)
            if len(result):
                latest = result.assign(
                    value=result["value"].where(result["valid"]), source_flag=None, qc_flag=0
                )
                with session_scope(ctx.engine) as session:
                    update_latest(session, latest)
    return f"{written} rollup rows written"


#: a partition is compacted once it holds this many files (the listener's ingest writes one
#: file per stream and date every few seconds)
COMPACT_MIN_FILES = 20


def compact(ctx: JobContext) -> str:
    """Compact every partition of the observation store with at least
    :data:`COMPACT_MIN_FILES` files (safe beside concurrent appends and crashes, see
    :mod:`qingshan.timeseries.compaction`)."""

    results = ObservationStore(ctx.settings.observations_dir).compact(min_files=COMPACT_MIN_FILES)
    files = sum(r.files_in for r in results)
    return f"{len(results)} partitions compacted ({files} files → {len(results)})"
