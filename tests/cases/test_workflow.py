"""The lifecycle table (pure): every transition, every guard, illegal steps named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qingshan.cases.errors import GuardFailed, IllegalTransition
from qingshan.cases.workflow import (
    TRANSITIONS,
    Capacity,
    CaseEvent,
    CaseState,
    EscalationLevel,
    Facts,
    can_fire,
    events_from,
    fire,
)

S, E = CaseState, CaseEvent
NOW = datetime(2026, 3, 1, tzinfo=UTC)
BOTH = {Capacity.DEPARTMENT: "dept", Capacity.GOVERNMENT: "gov"}

#: (state, event, facts, next state): one line per transition of the table
LEGAL = [
    (S.REGISTERED, E.ASSIGN, Facts(now=NOW, unit_id=1, due_at=NOW + timedelta(days=1)), S.ASSIGNED),
    (S.REOPENED, E.ASSIGN, Facts(now=NOW, unit_id=1, due_at=NOW + timedelta(days=1)), S.ASSIGNED),
    (S.ASSIGNED, E.START, Facts(), S.RECTIFYING),
    (S.RECTIFYING, E.SUBMIT, Facts(reason="done"), S.SUBMITTED),
    (S.SUBMITTED, E.RETURN, Facts(reason="not done"), S.RECTIFYING),
    (S.SUBMITTED, E.SIGN, Facts(capacity=Capacity.DEPARTMENT, signer="d", entitled=True), S.SUBMITTED),
    (S.SUBMITTED, E.ACCEPT, Facts(signatures=BOTH), S.ACCEPTED),
    (S.ACCEPTED, E.CLOSE, Facts(signatures=BOTH), S.CLOSED),
    (S.CLOSED, E.REOPEN, Facts(reason="again", reopen_kind="relapse"), S.REOPENED),
    (S.ACCEPTED, E.REOPEN, Facts(reason="again", reopen_kind="repeat_complaint"), S.REOPENED),
    (S.RECTIFYING, E.MERGE, Facts(target_id=2, case_id=1, target_open=True), S.MERGED),
    (S.REGISTERED, E.CANCEL, Facts(reason="not ours"), S.CANCELLED),
    (S.RECTIFYING, E.ESCALATE, Facts(reason="督办"), S.RECTIFYING),
    (S.ASSIGNED, E.REMIND, Facts(), S.ASSIGNED),
    (S.RECTIFYING, E.OVERDUE, Facts(), S.RECTIFYING),
    (S.SUBMITTED, E.NOTE, Facts(reason="photo"), S.SUBMITTED),
    (S.CLOSED, E.ATTACH, Facts(), S.CLOSED),
]  # fmt: skip


@pytest.mark.parametrize(("state", "event", "facts", "after"), LEGAL)
def test_every_transition(state, event, facts, after):
    assert fire(state, event, facts) is after


def test_every_event_of_the_table_is_exercised():
    assert {e for _, e, _, _ in LEGAL} == set(TRANSITIONS)


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (S.REGISTERED, E.SUBMIT),
        (S.ASSIGNED, E.CLOSE),
        (S.RECTIFYING, E.SIGN),
        (S.CLOSED, E.ASSIGN),
        (S.MERGED, E.CANCEL),
        (S.CANCELLED, E.REOPEN),
        (S.REGISTERED, E.REGISTER),
    ],
)
def test_an_illegal_step_names_event_and_state(state, event):
    with pytest.raises(
        IllegalTransition, match=rf"event '{event}' is not allowed in state '{state}'"
    ):
        fire(state, event, Facts(reason="x"))


def test_final_states_allow_nothing():
    for state in (S.MERGED, S.CANCELLED):
        assert events_from(state) == []
        with pytest.raises(IllegalTransition, match="no event is allowed"):
            fire(state, E.NOTE, Facts(reason="x"))


@pytest.mark.parametrize(
    ("state", "event", "facts", "guard", "message"),
    [
        (S.REGISTERED, E.ASSIGN, Facts(now=NOW, due_at=NOW + timedelta(days=1)), "unit", "no responsible unit"),
        (S.REGISTERED, E.ASSIGN, Facts(now=NOW, unit_id=1, due_at=NOW - timedelta(days=1)), "due_in_future", "in the past"),
        (S.RECTIFYING, E.SUBMIT, Facts(reason="  "), "reason", "a reason is required"),
        (S.SUBMITTED, E.RETURN, Facts(), "reason", "a reason is required"),
        (S.SUBMITTED, E.SIGN, Facts(capacity=Capacity.GOVERNMENT, signer="x", entitled=False), "entitled", "x may not sign as government"),
        (S.SUBMITTED, E.SIGN, Facts(capacity=Capacity.DEPARTMENT, signer="y", entitled=True, signatures={Capacity.DEPARTMENT: "x"}), "not_signed_yet", "already given by x"),
        (S.SUBMITTED, E.SIGN, Facts(capacity=Capacity.GOVERNMENT, signer="x", entitled=True, signatures={Capacity.DEPARTMENT: "x"}), "other_signer", "two different accounts"),
        (S.SUBMITTED, E.ACCEPT, Facts(signatures={Capacity.DEPARTMENT: "x"}), "both_signed", "missing: government"),
        (S.ACCEPTED, E.CLOSE, Facts(signatures={Capacity.DEPARTMENT: "x", Capacity.GOVERNMENT: "x"}), "both_signed", "same account"),
        (S.CLOSED, E.REOPEN, Facts(reason="x"), "reopen_kind", "relapse, repeat_complaint"),
        (S.ASSIGNED, E.MERGE, Facts(target_id=1, case_id=1, target_open=True), "merge_target", "into itself"),
        (S.ASSIGNED, E.MERGE, Facts(target_id=2, case_id=1, target_open=False), "merge_target", "not an open case"),
        (S.ASSIGNED, E.CANCEL, Facts(), "reason", "a reason is required"),
        (S.ASSIGNED, E.ESCALATE, Facts(reason="x", escalation=EscalationLevel.ACCOUNTABILITY), "next_level", "top of the ladder"),
    ],
)  # fmt: skip
def test_every_guard(state, event, facts, guard, message):
    with pytest.raises(
        GuardFailed, match=rf"event '{event}' in state '{state}' refused \({guard}\): .*{message}"
    ):
        fire(state, event, facts)
    assert not can_fire(state, event, facts)
