"""The case reports' periodic job (listed in :mod:`qingshan.platform.jobs`): the monthly
dispatch notice (月调度通报), issued on the 1st for the month that just ended."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine

from qingshan.audit import acting_as
from qingshan.cases.notice import Notice
from qingshan.cases.periods import month_of
from qingshan.cases.reporting import issue_notice
from qingshan.db.engine import session_scope
from qingshan.timeutil import utcnow

__all__ = ["run_monthly_notice", "notice_summary"]


class JobContext(Protocol):
    @property
    def engine(self) -> Engine: ...


def run_monthly_notice(ctx: JobContext) -> str:
    """``case-notice``: compute and store the province's notice of the month before the
    current CST month (a run later in the month issues the same month again, replacing it)."""
    now = utcnow()
    month = month_of(now).previous()
    with acting_as("scheduler"), session_scope(ctx.engine) as session:
        n = issue_notice(session, month, actor="scheduler", now=now)
    return notice_summary(n)


def notice_summary(notice: Notice) -> str:
    """One line of a notice's province-wide figures (the job's result, the CLI's answer)."""
    f = notice.total
    rate = "—" if f.closure_rate is None else f"{100 * f.closure_rate:.1f} %"
    return (
        f"notice {notice.month}: {f.new} new, {f.closed} closed, closure rate {rate} "
        f"({f.closed_due}/{f.due}), {f.overdue} overdue, {f.relapses} relapses, "
        f"{f.escalations} escalations"
    )
