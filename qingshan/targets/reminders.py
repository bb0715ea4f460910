"""Deadline reminders of the targets: before a target's deadline, once per target, city (or
the province, for a target it keeps) and lead time, for the shares not yet met (read from the
board, :mod:`.board`); the targets page shows a city its reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.targets.board import progress_board
from qingshan.targets.models import Target, TargetReminder
from qingshan.targets.service import PROVINCE, board_region, cst_today, current_plan
from qingshan.targets.status import Status
from qingshan.timeutil import utcnow

#: reminders go this many days before a deadline (the nearest lead time not yet passed)
REMINDER_DAYS = (30, 7)


def send_reminders(
    session: Session,
    *,
    now: datetime | None = None,
    days: Sequence[int] = REMINDER_DAYS,
    plan_code: str | None = None,
) -> int:
    """Record a reminder for each city share (and province-kept target) not yet met whose
    deadline is within ``days`` (the nearest lead time passed, once each); the number sent.
    The targets page shows a city its reminders."""
    plan = current_plan(session, plan_code)
    if plan is None:
        return 0
    now = now or utcnow()
    today = cst_today(now)
    sent = {(r.target_id, r.region_code, r.days) for r in session.scalars(select(TargetReminder))}
    board = progress_board(session, Scope(PROVINCE, Role.PROVINCE, username="scheduler"),
                           as_of=today, plan_code=plan.code)  # fmt: skip
    assert board is not None
    n = 0
    for row in board.rows:
        t = row.target
        if t.metric == "computed":  # the platform computes it: nobody to remind
            continue
        left = (t.deadline - today).days
        hits = [d for d in days if 0 <= left <= d]
        if not hits:
            continue
        d = min(hits)
        cells = [row.province] if t.split == "province" else list(row.cities.values())
        for cell in cells:
            if cell.status in (None, Status.MET) or (t.id, cell.region_code, d) in sent:
                continue
            session.add(TargetReminder(target_id=t.id, region_code=cell.region_code, days=d,
                                       sent_at=now))  # fmt: skip
            n += 1
    session.flush()
    return n


def reminders_for(session: Session, scope: Scope) -> list[tuple[Target, TargetReminder]]:
    """The reminders of the viewer's region (the province: all), newest first."""
    region = board_region(scope)
    q = select(Target, TargetReminder).join(TargetReminder, TargetReminder.target_id == Target.id)
    if region != PROVINCE:
        q = q.where(TargetReminder.region_code == region)
    return [(t, r) for t, r in session.execute(q.order_by(TargetReminder.sent_at.desc()))]
