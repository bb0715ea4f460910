"""The forecast's periodic job (listed in :mod:`qingshan.platform.jobs`): ``forecast-air``."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine

from qingshan.accounts.scope import PUBLIC_SCOPE
from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.forecast.service import issue_today
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow

__all__ = ["run_forecast_air"]


class JobContext(Protocol):
    @property
    def engine(self) -> Engine: ...

    @property
    def settings(self) -> Settings: ...


def run_forecast_air(ctx: JobContext, now: datetime | None = None) -> str:
    """``forecast-air`` (16:00 CST daily): the cities' AQI forecast of the next three days,
    fitted on the year of complete days before today and stored in the forecast store
    (:func:`.service.issue_today`). A second run the same day finds the issue stored and does
    nothing. Ambient air is public, so the province's public scope reads the stations."""
    store = ObservationStore(ctx.settings.observations_dir)
    try:
        with session_scope(ctx.engine) as session:
            result = issue_today(
                session, PUBLIC_SCOPE, store, ctx.settings.data_dir, now or utcnow()
            )
        return str(result)
    finally:
        store.close()
