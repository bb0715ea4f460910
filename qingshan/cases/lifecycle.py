"""Acting on a case: one entry, :func:`act`, for every event a user fires, and
:func:`fire_system` for those the platform fires (accept after the second signature, reminders,
overdue, scheduled escalation).

Each step: load the case in the caller's scope (a case out of scope is reported as missing),
check the role (:mod:`.permissions`), gather the :class:`~.workflow.Facts`, fire the
transition (:func:`~.workflow.fire` raises on an illegal step or a failed guard), apply the
event's effect (the :data:`EFFECTS` table) and append the history row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import User
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import scope_of
from qingshan.cases.errors import BadCaseInput, CaseConflict, CaseNotFound, NotPermitted
from qingshan.cases.history import record_event
from qingshan.cases.models import CaseFile, CaseRecord, CaseSigner, CaseSignoff, ResponsibleUnit
from qingshan.cases.permissions import why_not
from qingshan.cases.rules import deadline_for
from qingshan.cases.workflow import (
    OPEN_STATES,
    Capacity,
    CaseEvent,
    EscalationLevel,
    Facts,
    fire,
)
from qingshan.geo.regions import in_scope
from qingshan.timeutil import utcnow

__all__ = ["ActionInput", "act", "fire_system", "get_case", "signer_capacities", "signatures"]


@dataclass(frozen=True)
class ActionInput:
    """What a user gives with an event (each event reads the fields it needs)."""

    reason: str = ""
    unit_id: int | None = None  # assign: the responsible unit (default: the routed one)
    due_at: datetime | None = None  # assign: the deadline (default: by category and severity)
    capacity: Capacity | None = None  # sign
    into_id: int | None = None  # merge: the case to merge into
    kind: str | None = None  # reopen: relapse | repeat_complaint
    evidence_ids: tuple[int, ...] = ()  # case_file ids attached to the event
    detail: Mapping[str, Any] = field(default_factory=dict)


def get_case(session: Session, scope: Scope, case_id: int) -> CaseRecord:
    """The case ``case_id`` if it lies in ``scope``, else :class:`CaseNotFound`."""
    case = session.scalar(
        select(CaseRecord).where(
            CaseRecord.id == case_id, scope.where(CaseRecord.region_code, CaseRecord.enterprise_id)
        )
    )
    if case is None:
        raise CaseNotFound(case_id)
    return case


def signer_capacities(session: Session, user: User, region_code: str) -> frozenset[Capacity]:
    """The capacities ``user`` may sign acceptances in for cases of ``region_code``."""
    rows = session.scalars(select(CaseSigner).where(CaseSigner.user_id == user.id)).all()
    return frozenset(r.capacity for r in rows if in_scope(region_code, r.region_code))


def signatures(session: Session, case: CaseRecord) -> dict[Capacity, str]:
    """The sign-offs of the case's current round: capacity → username."""
    rows = session.scalars(
        select(CaseSignoff).where(CaseSignoff.case_id == case.id, CaseSignoff.round == case.round)
    ).all()
    return {r.capacity: r.username for r in rows}


def _check_evidence(session: Session, case: CaseRecord, ids: Iterable[int]) -> list[int]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = set(
        session.scalars(
            select(CaseFile.id).where(CaseFile.id.in_(ids), CaseFile.case_id == case.id)
        )
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise CaseConflict("evidence_ids", f"no evidence {missing} on case {case.id}")
    return ids


@dataclass
class _Step:
    session: Session
    case: CaseRecord
    event: CaseEvent
    inp: ActionInput
    actor: str
    user: User | None
    now: datetime
    detail: dict[str, Any] = field(default_factory=dict)


def _facts(step: _Step, scope: Scope | None) -> Facts:
    s, case, inp = step.session, step.case, step.inp
    unit_id = inp.unit_id if inp.unit_id is not None else case.unit_id
    if step.event is CaseEvent.ASSIGN and unit_id is not None:
        unit = s.get(ResponsibleUnit, unit_id)
        if unit is None or not unit.active or not in_scope(case.region_code, unit.region_code):
            raise CaseConflict("unit_id", f"no active responsible unit {unit_id} for this region")
    due = inp.due_at
    if step.event is CaseEvent.ASSIGN and due is None:
        due = deadline_for(case.category, case.severity, step.now)
    entitled = False
    if step.event is CaseEvent.SIGN and step.user is not None and inp.capacity is not None:
        entitled = inp.capacity in signer_capacities(s, step.user, case.region_code)
    target_open = False
    if inp.into_id is not None and scope is not None:
        target = s.scalar(
            select(CaseRecord).where(
                CaseRecord.id == inp.into_id,
                scope.where(CaseRecord.region_code, CaseRecord.enterprise_id),
            )
        )
        target_open = target is not None and target.state in OPEN_STATES
    return Facts(
        now=step.now,
        reason=inp.reason,
        unit_id=unit_id,
        due_at=due,
        signatures=signatures(s, case),
        capacity=inp.capacity,
        signer=None if step.user is None else step.user.username,
        entitled=entitled,
        target_id=inp.into_id,
        case_id=case.id,
        target_open=target_open,
        reopen_kind=inp.kind,
        escalation=EscalationLevel(case.escalation_level),
    )


# -- effects: what each event changes besides the state (one function per event) -------------


def _assign(step: _Step, facts: Facts) -> None:
    step.case.unit_id = facts.unit_id
    step.case.assigned_at = step.now
    step.case.due_at = facts.due_at
    step.detail.update(unit_id=facts.unit_id, due_at=facts.due_at and facts.due_at.isoformat())


def _submit(step: _Step, facts: Facts) -> None:
    step.case.round += 1
    step.case.submitted_at = step.now
    step.detail["round"] = step.case.round


def _return(step: _Step, facts: Facts) -> None:
    step.detail["round"] = step.case.round


def _sign(step: _Step, facts: Facts) -> None:
    assert step.user is not None and facts.capacity is not None
    step.session.add(
        CaseSignoff(
            case_id=step.case.id,
            round=step.case.round,
            capacity=facts.capacity,
            user_id=step.user.id,
            username=step.user.username,
            signed_at=step.now,
            comment=step.inp.reason,
        )
    )
    step.detail.update(capacity=facts.capacity.value, round=step.case.round)


def _accept(step: _Step, facts: Facts) -> None:
    step.case.accepted_at = step.now
    step.detail.update(
        round=step.case.round, signatures={c.value: u for c, u in facts.signatures.items()}
    )


def _close(step: _Step, facts: Facts) -> None:
    step.case.closed_at = step.now


def _reopen(step: _Step, facts: Facts) -> None:
    c = step.case
    if facts.reopen_kind == "relapse":
        c.relapse_count += 1
    c.due_at = c.assigned_at = c.submitted_at = c.accepted_at = None
    step.detail["kind"] = facts.reopen_kind


def _merge(step: _Step, facts: Facts) -> None:
    step.case.merged_into_id = facts.target_id
    step.detail["into"] = facts.target_id


def _escalate(step: _Step, facts: Facts) -> None:
    level = EscalationLevel(step.case.escalation_level + 1)
    step.case.escalation_level = int(level)
    step.detail["level"] = level.name.lower()


def _nothing(step: _Step, facts: Facts) -> None:
    pass


EFFECTS: Mapping[CaseEvent, Callable[[_Step, Facts], None]] = MappingProxyType(
    {
        CaseEvent.ASSIGN: _assign,
        CaseEvent.START: _nothing,
        CaseEvent.SUBMIT: _submit,
        CaseEvent.RETURN: _return,
        CaseEvent.SIGN: _sign,
        CaseEvent.ACCEPT: _accept,
        CaseEvent.CLOSE: _close,
        CaseEvent.REOPEN: _reopen,
        CaseEvent.MERGE: _merge,
        CaseEvent.CANCEL: _nothing,
        CaseEvent.ESCALATE: _escalate,
        CaseEvent.REMIND: _nothing,
        CaseEvent.OVERDUE: _nothing,
        CaseEvent.NOTE: _nothing,
        CaseEvent.ATTACH: _nothing,
    }
)


def _run(step: _Step, scope: Scope | None) -> CaseRecord:
    case = step.case
    facts = _facts(step, scope)
    before = case.state
    after = fire(before, step.event, facts)
    evidence = _check_evidence(step.session, case, step.inp.evidence_ids)
    EFFECTS[step.event](step, facts)
    case.state = after
    step.detail.update(step.inp.detail)
    record_event(
        step.session, case, step.event, actor=step.actor, at=step.now, from_state=before,
        reason=step.inp.reason, evidence=evidence, detail=step.detail,
    )  # fmt: skip
    if step.event is CaseEvent.MERGE and facts.target_id is not None:
        target = step.session.get_one(CaseRecord, facts.target_id)
        _run(_Step(step.session, target, CaseEvent.ATTACH, ActionInput(
            reason=f"merged from case {case.number or case.id}", detail={"merged_from": case.id}),
            step.actor, None, step.now), None)  # fmt: skip
    if step.event is CaseEvent.SIGN and len(signatures(step.session, case)) == len(Capacity):
        _run(_Step(step.session, case, CaseEvent.ACCEPT, ActionInput(), step.actor, None,
                   step.now), None)  # fmt: skip
    return case


def act(
    session: Session,
    user: User,
    case_id: int,
    event: CaseEvent | str,
    inp: ActionInput = ActionInput(),
    *,
    now: datetime | None = None,
) -> CaseRecord:
    """``user`` fires ``event`` on case ``case_id`` with ``inp``; returns the case.

    Raises
    ------
    CaseNotFound
        No such case in the user's scope.
    NotPermitted
        The user's role (or missing signer entitlement, or level for escalation) does not allow
        the event.
    IllegalTransition, GuardFailed
        The event is not allowed in the case's state, or a guard does not hold (a reason
        missing, a deadline in the past, the same person signing twice, …).
    """
    try:
        ev = CaseEvent(event)
    except ValueError:
        raise BadCaseInput("event", f"unknown event {event!r}") from None
    scope = scope_of(user)
    case = get_case(session, scope, case_id)
    signer = bool(signer_capacities(session, user, case.region_code))
    why = why_not(
        ev, user.role, user_region=user.region_code, case_region=case.region_code, signer=signer
    )
    if why is not None:
        raise NotPermitted(f"{user.username} may not {ev.value} case {case_id}: {why}")
    step = _Step(session, case, ev, inp, user.username, user, now or utcnow())
    return _run(step, scope)


def fire_system(
    session: Session,
    case: CaseRecord,
    event: CaseEvent,
    *,
    actor: str = "system",
    reason: str = "",
    detail: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> CaseRecord:
    """The platform fires ``event`` (remind, overdue, escalate by the ladder's days) on
    ``case``, recorded under ``actor``."""
    inp = ActionInput(reason=reason, detail=dict(detail or {}))
    return _run(_Step(session, case, event, inp, actor, None, now or utcnow()), None)
