"""The ranking's periodic job (listed in :mod:`qingshan.platform.jobs`): ``ranking-rollups``
keeps the region-day and section-month roll-ups of the previous and the current CST month up
to yesterday, so that the month just ended is ranked the morning after."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from sqlalchemy import Engine

from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.targets.ranking_service import refresh_air_days, refresh_water_months
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import as_cst, utcnow

__all__ = ["run_ranking_rollups"]


class JobContext(Protocol):
    @property
    def engine(self) -> Engine: ...

    @property
    def settings(self) -> Settings: ...


def run_ranking_rollups(ctx: JobContext) -> str:
    """``ranking-rollups``: recompute the days from the 1st of the previous CST month to
    yesterday (CST) from the observation store."""
    last = as_cst(utcnow()).date() - timedelta(days=1)
    first = (last.replace(day=1) - timedelta(days=1)).replace(day=1)
    store = ObservationStore(ctx.settings.observations_dir)
    with session_scope(ctx.engine) as session:
        air = refresh_air_days(session, store, first, last)
        water = refresh_water_months(session, store, first, last)
    return f"ranking roll-ups {first}…{last}: {air} region-days, {water} section-months"
