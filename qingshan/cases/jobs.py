"""The cases' periodic job (listed in :mod:`qingshan.platform.jobs`): deadlines."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine

from qingshan.audit import acting_as
from qingshan.cases.deadlines import check_deadlines
from qingshan.db.engine import session_scope
from qingshan.timeutil import utcnow

__all__ = ["run_deadlines"]


class JobContext(Protocol):
    @property
    def engine(self) -> Engine: ...


def run_deadlines(ctx: JobContext) -> str:
    """``case-deadlines``: reminders before due, overdue detection, the escalation ladder
    (:func:`.deadlines.check_deadlines`), in one transaction, audited as ``scheduler``."""
    with acting_as("scheduler"), session_scope(ctx.engine) as session:
        return str(check_deadlines(session, now=utcnow()))
