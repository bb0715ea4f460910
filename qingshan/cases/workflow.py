"""The case lifecycle (闭环管理), declared: states, events, a transition table with named guards.

Pure: no session, no clock, no I/O. :func:`fire` is the one way a case changes state; the
service (:mod:`qingshan.cases.service`) gathers the :class:`Facts`, calls it and writes the
append-only ``case_event`` row. An illegal step raises :class:`~.errors.IllegalTransition`
naming the event and the state; a guard that does not hold raises
:class:`~.errors.GuardFailed` naming the guard.

The loop (浙江省生态环境厅 2021 工作要点 items 15–17: 交办 → 整改 → 验收 → 销号, 双签字, 防反弹)::

    registered ─assign(交办)─► assigned ─start(整改)─► rectifying ─submit(申请验收)─► submitted
        ▲                                                  ▲                            │
        │                                                  └────── return(退回) ─────────┤
    reopened ◄─reopen(反弹/重复举报)─ closed ◄─close(销号)─ accepted ◄─accept (two signatures)─┘

``merge`` (合并) and ``cancel`` (撤销, with a reason) end any open case; ``sign`` (签字),
``escalate`` (通报 → 督办 → 约谈 → 问责), ``remind`` (催办), ``overdue`` (逾期) and ``note``
(补充材料) are events that leave the state as it is, recorded all the same. ``accept`` is never
asked for: it follows from the facts (both sign-offs recorded) and the service fires it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from qingshan.cases.errors import GuardFailed, IllegalTransition

__all__ = [
    "CaseState",
    "CaseEvent",
    "Capacity",
    "EscalationLevel",
    "Facts",
    "Transition",
    "TRANSITIONS",
    "OPEN_STATES",
    "FINAL_STATES",
    "ACTIVE_STATES",
    "STATE_COLORS",
    "fire",
    "can_fire",
    "events_from",
]


class CaseState(enum.StrEnum):
    """Where a case stands (labels: :data:`qingshan.cases.labels`)."""

    REGISTERED = "registered"  # 登记
    ASSIGNED = "assigned"  # 已交办
    RECTIFYING = "rectifying"  # 整改中
    SUBMITTED = "submitted"  # 申请验收
    ACCEPTED = "accepted"  # 验收通过
    CLOSED = "closed"  # 已销号
    REOPENED = "reopened"  # 重新打开 (反弹 / 重复举报)
    MERGED = "merged"  # 已合并
    CANCELLED = "cancelled"  # 已撤销


class CaseEvent(enum.StrEnum):
    """What may happen to a case."""

    REGISTER = "register"  # 登记
    ASSIGN = "assign"  # 交办
    START = "start"  # 开始整改
    SUBMIT = "submit"  # 申请验收
    RETURN = "return"  # 退回
    SIGN = "sign"  # 签字 (one of the two sign-offs)
    ACCEPT = "accept"  # 验收通过 (derived: both sign-offs recorded)
    CLOSE = "close"  # 销号
    REOPEN = "reopen"  # 反弹 / 重复举报
    MERGE = "merge"  # 合并
    CANCEL = "cancel"  # 撤销
    ESCALATE = "escalate"  # 通报 → 督办 → 约谈 → 问责
    REMIND = "remind"  # 到期提醒
    OVERDUE = "overdue"  # 逾期
    NOTE = "note"  # 补充材料 / 说明
    ATTACH = "attach"  # another report of the same problem (a source) attached


class Capacity(enum.StrEnum):
    """In what capacity an account signs an acceptance (双签字)."""

    DEPARTMENT = "department"  # 责任部门
    GOVERNMENT = "government"  # 属地政府


class EscalationLevel(enum.IntEnum):
    """The escalation ladder (问责链条), in order."""

    NONE = 0
    NOTICE = 1  # 通报
    SUPERVISE = 2  # 督办
    SUMMON = 3  # 约谈
    ACCOUNTABILITY = 4  # 问责


#: states from which work is still owed (counted as open, can be escalated, merged, cancelled)
OPEN_STATES = frozenset(
    {
        CaseState.REGISTERED,
        CaseState.ASSIGNED,
        CaseState.RECTIFYING,
        CaseState.SUBMITTED,
        CaseState.REOPENED,
    }
)
#: states a deadline runs in (dispatched, not yet accepted)
ACTIVE_STATES = frozenset({CaseState.ASSIGNED, CaseState.RECTIFYING, CaseState.SUBMITTED})
#: states nothing leaves
FINAL_STATES = frozenset({CaseState.MERGED, CaseState.CANCELLED})
#: reasons a case is reopened
REOPEN_KINDS = ("relapse", "repeat_complaint")
#: a colour per state (the state badges of every page that lists cases, the case map's points)
STATE_COLORS: dict[str, str] = {
    "registered": "#8a6d3b",
    "assigned": "#1f6fb2",
    "rectifying": "#c26a00",
    "submitted": "#6b4fbb",
    "accepted": "#2e7d32",
    "closed": "#5f6b66",
    "reopened": "#c62828",
    "merged": "#9aa5a0",
    "cancelled": "#9aa5a0",
}


@dataclass(frozen=True)
class Facts:
    """What the guards look at: the request and the case as stored (gathered by the service)."""

    now: datetime | None = None
    reason: str = ""
    unit_id: int | None = None
    due_at: datetime | None = None
    signatures: Mapping[Capacity, str] = field(default_factory=dict)  # capacity → username
    capacity: Capacity | None = None  # sign: the capacity signed in
    signer: str | None = None  # sign: who signs
    entitled: bool = False  # sign: the signer may sign in that capacity for the case's region
    target_id: int | None = None  # merge: the case merged into
    case_id: int | None = None
    target_open: bool = False  # merge: the target is an open case in the same scope
    reopen_kind: str | None = None
    escalation: EscalationLevel = EscalationLevel.NONE


Guard = Callable[[Facts], str | None]
"""A guard returns None when it holds, else why not (one sentence)."""


def _reason(f: Facts) -> str | None:
    return None if f.reason.strip() else "a reason is required"


def _unit(f: Facts) -> str | None:
    return None if f.unit_id is not None else "no responsible unit (none routes this case)"


def _due_in_future(f: Facts) -> str | None:
    if f.due_at is None:
        return "no deadline"
    if f.now is not None and f.due_at <= f.now:
        return f"the deadline {f.due_at.isoformat()} is in the past"
    return None


def _entitled(f: Facts) -> str | None:
    if f.capacity is None:
        return "no capacity given (department or government)"
    if not f.entitled:
        return f"{f.signer} may not sign as {f.capacity.value} for this case's region"
    return None


def _not_signed_yet(f: Facts) -> str | None:
    if f.capacity is not None and f.capacity in f.signatures:
        return f"the {f.capacity.value} sign-off is already given by {f.signatures[f.capacity]}"
    return None


def _other_signer(f: Facts) -> str | None:
    others = {c: u for c, u in f.signatures.items() if c != f.capacity}
    for capacity, user in others.items():
        if user == f.signer:
            return (
                f"{f.signer} already signed as {capacity.value}: the two sign-offs need "
                "two different accounts"
            )
    return None


def _both_signed(f: Facts) -> str | None:
    missing = [c.value for c in Capacity if c not in f.signatures]
    if missing:
        return f"sign-off missing: {', '.join(missing)}"
    if len(set(f.signatures.values())) < len(Capacity):
        return "the two sign-offs are by the same account"
    return None


def _merge_target(f: Facts) -> str | None:
    if f.target_id is None:
        return "no case to merge into"
    if f.target_id == f.case_id:
        return "a case cannot be merged into itself"
    if not f.target_open:
        return f"case {f.target_id} is not an open case in your scope"
    return None


def _reopen_kind(f: Facts) -> str | None:
    if f.reopen_kind not in REOPEN_KINDS:
        return f"reopen needs a kind, one of {', '.join(REOPEN_KINDS)}"
    return None


def _next_level(f: Facts) -> str | None:
    if f.escalation >= EscalationLevel.ACCOUNTABILITY:
        return "already at the top of the ladder (问责)"
    return None


GUARDS: Mapping[str, Guard] = MappingProxyType(
    {
        "reason": _reason,
        "unit": _unit,
        "due_in_future": _due_in_future,
        "entitled": _entitled,
        "not_signed_yet": _not_signed_yet,
        "other_signer": _other_signer,
        "both_signed": _both_signed,
        "merge_target": _merge_target,
        "reopen_kind": _reopen_kind,
        "next_level": _next_level,
    }
)


@dataclass(frozen=True)
class Transition:
    """``event`` from any of ``sources`` to ``target`` (None: the state stays) when every guard
    holds."""

    event: CaseEvent
    sources: frozenset[CaseState]
    target: CaseState | None
    guards: tuple[str, ...] = ()


_S = CaseState
_OPEN = OPEN_STATES
_WORK = frozenset({_S.ASSIGNED, _S.RECTIFYING, _S.SUBMITTED, _S.REOPENED})

#: the transition table: event → its transition (one per event)
TRANSITIONS: Mapping[CaseEvent, Transition] = MappingProxyType(
    {
        t.event: t
        for t in (
            Transition(CaseEvent.ASSIGN, frozenset({_S.REGISTERED, _S.REOPENED}), _S.ASSIGNED,
                       ("unit", "due_in_future")),
            Transition(CaseEvent.START, frozenset({_S.ASSIGNED}), _S.RECTIFYING),
            Transition(CaseEvent.SUBMIT, frozenset({_S.RECTIFYING}), _S.SUBMITTED, ("reason",)),
            Transition(CaseEvent.RETURN, frozenset({_S.SUBMITTED}), _S.RECTIFYING, ("reason",)),
            Transition(CaseEvent.SIGN, frozenset({_S.SUBMITTED}), None,
                       ("entitled", "not_signed_yet", "other_signer")),
            Transition(CaseEvent.ACCEPT, frozenset({_S.SUBMITTED}), _S.ACCEPTED, ("both_signed",)),
            Transition(CaseEvent.CLOSE, frozenset({_S.ACCEPTED}), _S.CLOSED, ("both_signed",)),
            Transition(CaseEvent.REOPEN, frozenset({_S.ACCEPTED, _S.CLOSED}), _S.REOPENED,
                       ("reopen_kind", "reason")),
            Transition(CaseEvent.MERGE, _OPEN, _S.MERGED, ("merge_target",)),
            Transition(CaseEvent.CANCEL, _OPEN, _S.CANCELLED, ("reason",)),
            Transition(CaseEvent.ESCALATE, _WORK, None, ("next_level", "reason")),
            Transition(CaseEvent.REMIND, frozenset({_S.ASSIGNED, _S.RECTIFYING}), None),
            Transition(CaseEvent.OVERDUE, frozenset({_S.ASSIGNED, _S.RECTIFYING}), None),
            Transition(CaseEvent.NOTE, _OPEN | {_S.ACCEPTED}, None, ("reason",)),
            Transition(CaseEvent.ATTACH, _OPEN | {_S.ACCEPTED, _S.CLOSED}, None),
        )
    }
)  # fmt: skip


def fire(state: CaseState, event: CaseEvent, facts: Facts = Facts()) -> CaseState:
    """The state after ``event`` in ``state``.

    Raises
    ------
    IllegalTransition
        ``event`` is not allowed in ``state`` (the message names both).
    GuardFailed
        A guard of the transition does not hold (the message names event, state and guard).
    """
    t = TRANSITIONS.get(event)
    if event is CaseEvent.REGISTER or t is None or state not in t.sources:
        allowed = sorted(e.value for e in events_from(state))
        raise IllegalTransition(event.value, state.value, allowed)
    for name in t.guards:
        why = GUARDS[name](facts)
        if why is not None:
            raise GuardFailed(event.value, state.value, name, why)
    return state if t.target is None else t.target


def can_fire(state: CaseState, event: CaseEvent, facts: Facts = Facts()) -> bool:
    """Whether :func:`fire` would succeed."""
    try:
        fire(state, event, facts)
    except (IllegalTransition, GuardFailed):
        return False
    return True


def events_from(state: CaseState) -> list[CaseEvent]:
    """The events the table allows in ``state`` (guards not evaluated), in declaration order."""
    return [e for e, t in TRANSITIONS.items() if state in t.sources]
