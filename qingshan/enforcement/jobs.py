"""The enforcement's periodic job (listed in :mod:`qingshan.platform.jobs`): ``credit``."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine

from qingshan.audit import acting_as
from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.enforcement.service import recompute_credit
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow

__all__ = ["run_credit"]


class JobContext(Protocol):
    @property
    def engine(self) -> Engine: ...

    @property
    def settings(self) -> Settings: ...


def run_credit(ctx: JobContext) -> str:
    """``credit``: every enterprise's grade recomputed from its record on today's CST date
    (:func:`.service.recompute_credit`, transmission rate from the observation store), a history
    row for each change, in one transaction, as ``scheduler``."""
    store = ObservationStore(ctx.settings.observations_dir)
    try:
        with acting_as("scheduler"), session_scope(ctx.engine) as session:
            return str(recompute_credit(session, now=utcnow(), store=store))
    finally:
        store.close()
