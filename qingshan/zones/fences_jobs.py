"""The electronic fences' periodic job (listed in :mod:`qingshan.platform.jobs`): ``zones-fences``."""

from __future__ import annotations

from qingshan.audit import acting_as
from qingshan.db.engine import session_scope
from qingshan.jobs.job import JobContext
from qingshan.qc.supervision import CaseSink
from qingshan.timeutil import utcnow
from qingshan.zones.fences import FenceEvents, FenceSites
from qingshan.zones.fences_service import case_policy, check_events, sync_fences

__all__ = ["run_fences"]


def run_fences(ctx: JobContext, sites: FenceSites, events: FenceEvents, sink: CaseSink) -> str:
    """``zones-fences``: draw the fences of new sections and sources and redraw those whose site
    moved (:func:`~qingshan.zones.fences_service.sync_fences`), then check the new events against
    them (:func:`~qingshan.zones.fences_service.check_events`; a re-run adds no alert twice).
    Settings: ``zones_fence_radius_m`` (a new fence's radius), ``zones_fence_cases`` (which
    alerts open a case)."""
    now = utcnow()
    policy = case_policy(ctx.settings.zones_fence_cases)
    with acting_as("scheduler"), session_scope(ctx.engine) as session:
        drawn = sync_fences(session, sites, actor="scheduler", now=now,
                            radius_m=ctx.settings.zones_fence_radius_m)  # fmt: skip
        run = check_events(session, events, now=now, sink=sink, case_policy=policy)
    return (
        f"{drawn} fence(s) drawn; {run.events} event(s) checked, {run.hits} inside a fence, "
        f"{run.new_alerts} new alert(s), {run.cases} case(s)"
    )
