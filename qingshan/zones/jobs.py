"""The zones' periodic job (listed in :mod:`qingshan.platform.jobs`): ``zones-sweep``."""

from __future__ import annotations

from qingshan.audit import acting_as
from qingshan.db.engine import session_scope
from qingshan.jobs.job import JobContext
from qingshan.qc.supervision import CaseSink
from qingshan.timeutil import utcnow
from qingshan.zones.links import EnterpriseLocations
from qingshan.zones.sweep_service import run_sweep

__all__ = ["run_zones_sweep"]


def run_zones_sweep(ctx: JobContext, sink: CaseSink, locations: EnterpriseLocations) -> str:
    """``zones-sweep``: every archived enterprise against the red lines and 一级 zones in force
    today; each hit opens (or finds) its case through ``sink``
    (:func:`qingshan.zones.sweep_service.run_sweep`)."""
    with acting_as("scheduler"), session_scope(ctx.engine) as session:
        run = run_sweep(session, sink, locations, now=utcnow())
    return (
        f"{run.enterprises} enterprise(s) against {run.features} red-line / 一级 feature(s): "
        f"{run.hits} inside → {run.cases} case(s)"
    )
