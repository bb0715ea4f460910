"""The ``forecast-water`` job: the daily section water forecast, its warnings and cases."""

from __future__ import annotations

from qingshan.db.engine import session_scope
from qingshan.forecast.water_service import issue_water_forecast, last_issue_time
from qingshan.jobs.job import JobContext
from qingshan.qc.supervision import CaseSink
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow


def run_forecast_water(ctx: JobContext, sink: CaseSink | None = None) -> str:
    """Issue the water forecast of today's issue time (08:00 CST by the registry's schedule;
    a late run issues the same instant, so a re-run is a no-op)."""
    store = ObservationStore(ctx.settings.observations_dir)
    with session_scope(ctx.engine) as session:
        res = issue_water_forecast(
            session,
            store,
            ctx.settings.data_dir,
            last_issue_time(utcnow()),
            threshold=ctx.settings.forecast_water_warning_threshold,
            sink=sink,
        )
    return str(res)
