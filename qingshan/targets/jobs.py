"""The targets' periodic job (listed in :mod:`qingshan.platform.jobs`): ``target-reminders``."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine

from qingshan.audit import acting_as
from qingshan.db.engine import session_scope
from qingshan.targets.reminders import REMINDER_DAYS, send_reminders
from qingshan.timeutil import utcnow

__all__ = ["run_reminders"]


class JobContext(Protocol):
    @property
    def engine(self) -> Engine: ...


def run_reminders(ctx: JobContext) -> str:
    """``target-reminders``: a reminder to each city (or lead department) whose target is not
    met with its deadline within 30 or 7 days, once per lead time (:func:`.send_reminders`)."""
    with acting_as("scheduler"), session_scope(ctx.engine) as session:
        n = send_reminders(session, now=utcnow())
    days = " / ".join(str(d) for d in REMINDER_DAYS)
    return f"{n} target reminder(s) sent ({days} days before the deadlines)"
