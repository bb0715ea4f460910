"""Writing a case's history: one append-only ``case_event`` row per event (the audit log
records the same change besides)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.cases.models import CaseEventRow, CaseRecord
from qingshan.cases.workflow import CaseEvent, CaseState

__all__ = ["record_event"]


def record_event(
    session: Session,
    case: CaseRecord,
    event: CaseEvent,
    *,
    actor: str,
    at: datetime,
    from_state: CaseState | None,
    reason: str = "",
    evidence: Iterable[int] = (),
    detail: Mapping[str, Any] | None = None,
) -> CaseEventRow:
    """Append ``event`` to ``case``'s history (the case's state is already the new one)."""
    seq = (
        session.scalar(select(func.max(CaseEventRow.seq)).where(CaseEventRow.case_id == case.id))
        or 0
    ) + 1
    row = CaseEventRow(
        case_id=case.id,
        seq=seq,
        event=event.value,
        from_state=None if from_state is None else from_state.value,
        to_state=case.state.value,
        actor=actor,
        at=at,
        reason=reason,
        evidence=list(evidence),
        detail=dict(detail or {}),
    )
    session.add(row)
    case.updated_at = at
    session.flush()
    return row
