"""Deadlines on the scheduler: reminders before a case is due, overdue detection, and the
escalation ladder (通报 → 督办 → 约谈 → 问责) climbed by the days overdue
(``data/rules.json``). Each is an event in the case's history, written once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.cases.lifecycle import fire_system
from qingshan.cases.models import CaseEventRow, CaseRecord
from qingshan.cases.rules import case_rules, escalation_due
from qingshan.cases.workflow import CaseEvent, CaseState, EscalationLevel

__all__ = ["DeadlineRun", "check_deadlines"]

LADDER_ZH = {
    EscalationLevel.NOTICE: "通报",
    EscalationLevel.SUPERVISE: "督办",
    EscalationLevel.SUMMON: "约谈",
    EscalationLevel.ACCOUNTABILITY: "问责",
}

_RUNNING = (CaseState.ASSIGNED, CaseState.RECTIFYING)


@dataclass(frozen=True)
class DeadlineRun:
    reminders: int
    overdue: int
    escalations: int

    def __str__(self) -> str:
        return (
            f"{self.reminders} reminders, {self.overdue} newly overdue, "
            f"{self.escalations} escalations"
        )


def _done(session: Session, case_ids: list[int], event: CaseEvent, since: datetime | None):
    """(case id, detail) of ``event`` rows of these cases (since the case's deadline was set)."""
    if not case_ids:
        return []
    q = select(CaseEventRow.case_id, CaseEventRow.detail, CaseEventRow.at).where(
        CaseEventRow.case_id.in_(case_ids), CaseEventRow.event == event.value
    )
    return session.execute(q).all()


def check_deadlines(session: Session, *, now: datetime, actor: str = "scheduler") -> DeadlineRun:
    """Remind cases due within ``reminder_days_before`` days (once per threshold and deadline),
    mark newly overdue ones (once per deadline), and escalate overdue ones one rung when the
    ladder's days have passed. Submitted cases wait for acceptance: their clock is stopped."""
    rules = case_rules()
    horizon = now + timedelta(days=max(rules.reminder_days_before, default=0))
    cases = list(
        session.scalars(
            select(CaseRecord).where(
                CaseRecord.state.in_(_RUNNING),
                CaseRecord.due_at.is_not(None),
                CaseRecord.due_at <= horizon,
            )
        )
    )
    ids = [c.id for c in cases]
    reminded = {
        (cid, d.get("due_at"), d.get("days_before"))
        for cid, d, _ in _done(session, ids, CaseEvent.REMIND, None)
    }
    flagged = {(cid, d.get("due_at")) for cid, d, _ in _done(session, ids, CaseEvent.OVERDUE, None)}
    n_remind = n_overdue = n_esc = 0
    for c in cases:
        assert c.due_at is not None
        due = c.due_at.isoformat()
        if c.due_at > now:
            left = (c.due_at - now) / timedelta(days=1)
            hits = [d for d in rules.reminder_days_before if left <= d]
            if hits:
                d = min(hits)
                if (c.id, due, d) not in reminded:
                    fire_system(
                        session, c, CaseEvent.REMIND, actor=actor, now=now,
                        reason=f"距整改期限不足{d}天 due in less than {d} day(s)",
                        detail={"due_at": due, "days_before": d},
                    )  # fmt: skip
                    n_remind += 1
            continue
        if (c.id, due) not in flagged:
            fire_system(session, c, CaseEvent.OVERDUE, actor=actor, now=now,
                        reason="逾期未完成整改 overdue", detail={"due_at": due})  # fmt: skip
            n_overdue += 1
        rung = escalation_due(c.due_at, now, c.escalation_level)
        if rung is not None:
            days = (now - c.due_at) // timedelta(days=1)
            fire_system(
                session, c, CaseEvent.ESCALATE, actor=actor, now=now,
                reason=f"{LADDER_ZH[rung]}: 逾期{days}天 overdue {days} day(s)",
                detail={"due_at": due, "auto": True},
            )  # fmt: skip
            n_esc += 1
    return DeadlineRun(n_remind, n_overdue, n_esc)
