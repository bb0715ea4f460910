"""The case service on SQLite and PostgreSQL: the loop to 销号, every user action and its
guards, the two signatures, merge, reopen, escalation, deadlines, duplicates and relapse, the
append-only history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from qingshan.cases import service
from qingshan.cases.errors import (
    BadCaseInput,
    CaseConflict,
    CaseNotFound,
    GuardFailed,
    IllegalTransition,
    NotPermitted,
)
from qingshan.cases.models import (
    CaseEventRow,
    CaseRecord,
    CaseSignoff,
    CaseSource,
    HistoryIsAppendOnly,
)
from qingshan.cases.workflow import CaseEvent, CaseState
from qingshan.db.engine import session_scope

from .conftest import NOW, make_draft, user

S = CaseState


def _new(s, world, **kw) -> CaseRecord:
    return service.register_case(s, make_draft(world, **kw), actor="xihu", now=NOW).case


def _to_submitted(s, world) -> CaseRecord:
    c = _new(s, world)
    service.assign_case(s, user(s, "xihu"), c.id, now=NOW)
    service.start_rectification(s, user(s, "owner"), c.id, now=NOW)
    service.submit_for_acceptance(s, user(s, "owner"), c.id, reason="已更换布袋", now=NOW)
    return c


def _history(s, case_id):
    rows = s.scalars(
        select(CaseEventRow).where(CaseEventRow.case_id == case_id).order_by(CaseEventRow.seq)
    )
    return [(e.event, e.from_state, e.to_state, e.actor) for e in rows]


def test_the_loop_to_closure_with_two_signatures(engine, world):
    with session_scope(engine) as s:
        c = _new(s, world)
        assert c.state is S.REGISTERED and c.number == f"330106-2026-{c.id:06d}"
        assert c.unit_id == world.dept_unit  # routed: the county's department for every category
        c = service.assign_case(s, user(s, "xihu"), c.id, now=NOW)
        assert c.state is S.ASSIGNED and c.due_at == NOW + timedelta(days=30)  # air, general
        service.start_rectification(s, user(s, "owner"), c.id, now=NOW)
        service.submit_for_acceptance(s, user(s, "owner"), c.id, reason="已整改", now=NOW)
        assert c.round == 1
        service.sign_acceptance(s, user(s, "dept"), c.id, "department", now=NOW)
        assert c.state is S.SUBMITTED
        service.sign_acceptance(s, user(s, "gov"), c.id, "government", now=NOW)
        assert c.state is S.ACCEPTED and c.accepted_at == NOW
        service.close_case(s, user(s, "xihu"), c.id, now=NOW)
        assert c.state is S.CLOSED
        assert _history(s, c.id) == [
            ("register", None, "registered", "xihu"),
            ("assign", "registered", "assigned", "xihu"),
            ("start", "assigned", "rectifying", "owner"),
            ("submit", "rectifying", "submitted", "owner"),
            ("sign", "submitted", "submitted", "dept"),
            ("sign", "submitted", "submitted", "gov"),
            ("accept", "submitted", "accepted", "gov"),
            ("close", "accepted", "closed", "xihu"),
        ]
        signed = s.scalars(select(CaseSignoff).order_by(CaseSignoff.capacity)).all()
        assert [(x.capacity.value, x.username, x.signed_at) for x in signed] == [
            ("department", "dept", NOW),
            ("government", "gov", NOW),
        ]


def test_the_same_person_cannot_sign_twice(engine, world):
    with session_scope(engine) as s:
        c = _to_submitted(s, world)
        hz = user(s, "hz")  # may sign as government for 330100 (and so 330106)
        service.grant_signer(s, hz, "department", "330100", by="test")
        service.sign_acceptance(s, hz, c.id, "department", now=NOW)
        with pytest.raises(
            GuardFailed,
            match=r"\(other_signer\): hz already signed as department: the two sign-offs need two different accounts",
        ):
            service.sign_acceptance(s, hz, c.id, "government", now=NOW)
        with pytest.raises(
            GuardFailed, match=r"\(not_signed_yet\): the department sign-off is already given by hz"
        ):
            service.sign_acceptance(s, user(s, "dept"), c.id, "department", now=NOW)
        assert c.state is S.SUBMITTED


def test_someone_not_entitled_cannot_sign(engine, world):
    with session_scope(engine) as s:
        c = _to_submitted(s, world)
        with pytest.raises(NotPermitted, match="xihu may not sign case .*: not entitled to sign"):
            service.sign_acceptance(s, user(s, "xihu"), c.id, "department", now=NOW)
        with pytest.raises(
            GuardFailed,
            match=r"\(entitled\): dept may not sign as government for this case's region",
        ):
            service.sign_acceptance(s, user(s, "dept"), c.id, "government", now=NOW)
        with pytest.raises(NotPermitted, match="role enterprise may not sign"):
            service.sign_acceptance(s, user(s, "owner"), c.id, "department", now=NOW)
        # a government signer of 宁波 is not entitled for 西湖
        nb = user(s, "nb")
        service.grant_signer(s, nb, "government", "330200", by="test")
        with pytest.raises(CaseNotFound):  # and does not even see the case
            service.sign_acceptance(s, nb, c.id, "government", now=NOW)


def test_return_starts_a_new_signature_round(engine, world):
    with session_scope(engine) as s:
        c = _to_submitted(s, world)
        service.sign_acceptance(s, user(s, "dept"), c.id, "department", now=NOW)
        with pytest.raises(
            GuardFailed, match=r"event 'return' in state 'submitted' refused \(reason\)"
        ):
            service.return_case(s, user(s, "xihu"), c.id, reason=" ", now=NOW)
        service.return_case(s, user(s, "xihu"), c.id, reason="布袋未更换完", now=NOW)
        assert c.state is S.RECTIFYING
        service.submit_for_acceptance(s, user(s, "owner"), c.id, reason="已全部更换", now=NOW)
        assert c.round == 2
        # the first round's department signature does not count in the second
        service.sign_acceptance(s, user(s, "gov"), c.id, "government", now=NOW)
        assert c.state is S.SUBMITTED
        service.sign_acceptance(s, user(s, "dept"), c.id, "department", now=NOW)
        assert c.state is S.ACCEPTED


def test_illegal_steps_name_event_and_state(engine, world):
    with session_scope(engine) as s:
        c = _new(s, world)
        with pytest.raises(
            IllegalTransition, match="event 'close' is not allowed in state 'registered'"
        ):
            service.close_case(s, user(s, "xihu"), c.id, now=NOW)
        with pytest.raises(
            IllegalTransition, match="event 'submit' is not allowed in state 'registered'"
        ):
            service.submit_for_acceptance(s, user(s, "owner"), c.id, reason="x", now=NOW)
        with pytest.raises(BadCaseInput, match="unknown event 'fly'"):
            service.act(s, user(s, "xihu"), c.id, "fly")
        with pytest.raises(NotPermitted, match="accept is fired by the system"):
            service.act(s, user(s, "xihu"), c.id, CaseEvent.ACCEPT)
        with pytest.raises(NotPermitted, match="role enterprise may not assign"):
            service.assign_case(s, user(s, "owner"), c.id, now=NOW)


def test_a_deadline_in_the_past_and_a_foreign_unit_are_refused(engine, world):
    with session_scope(engine) as s:
        c = _new(s, world)
        with pytest.raises(
            GuardFailed,
            match=r"\(due_in_future\): the deadline 2026-03-01T02:00:00\+00:00 is in the past",
        ):
            service.assign_case(s, user(s, "xihu"), c.id, due_at=NOW - timedelta(days=1), now=NOW)
        other = service.add_unit(s, "宁波市生态环境局", "department", "330200")
        with pytest.raises(
            BadCaseInput, match=f"unit_id: no active responsible unit {other.id} for this region"
        ):
            service.assign_case(s, user(s, "xihu"), c.id, unit_id=other.id, now=NOW)
        c = service.assign_case(s, user(s, "xihu"), c.id, unit_id=world.gov_unit,
                                due_at=NOW + timedelta(days=3), now=NOW)  # fmt: skip
        assert (c.unit_id, c.due_at) == (world.gov_unit, NOW + timedelta(days=3))


def test_a_case_without_a_unit_cannot_be_assigned(engine, world):
    with session_scope(engine) as s:
        c = _new(s, world, region_code="330203", enterprise_id=None, longitude=None, latitude=None)
        assert c.unit_id is None
        with pytest.raises(GuardFailed, match=r"\(unit\): no responsible unit"):
            service.assign_case(s, user(s, "nb"), c.id, now=NOW)


def test_cancel_merge_keep_histories(engine, world):
    with session_scope(engine) as s:
        a, b, x = _new(s, world), _new(s, world, title="又见黑烟"), _new(s, world, title="误报")
        service.merge_case(s, user(s, "xihu"), b.id, a.id, reason="同一问题", now=NOW)
        assert b.state is S.MERGED and b.merged_into_id == a.id
        assert _history(s, b.id)[-1] == ("merge", "registered", "merged", "xihu")
        assert _history(s, a.id)[-1] == ("attach", "registered", "registered", "xihu")
        with pytest.raises(
            GuardFailed, match=r"\(merge_target\): a case cannot be merged into itself"
        ):
            service.merge_case(s, user(s, "xihu"), a.id, a.id, now=NOW)
        with pytest.raises(GuardFailed, match=f"case {b.id} is not an open case in your scope"):
            service.merge_case(s, user(s, "xihu"), x.id, b.id, now=NOW)
        with pytest.raises(GuardFailed, match=r"\(reason\): a reason is required"):
            service.cancel_case(s, user(s, "xihu"), x.id, reason="", now=NOW)
        service.cancel_case(s, user(s, "xihu"), x.id, reason="非环境问题", now=NOW)
        assert x.state is S.CANCELLED
        with pytest.raises(IllegalTransition, match="no event is allowed"):
            service.add_note(s, user(s, "xihu"), x.id, reason="?", now=NOW)


def test_escalation_comes_from_above(engine, world):
    with session_scope(engine) as s:
        c = _new(s, world)
        service.assign_case(s, user(s, "xihu"), c.id, now=NOW)
        with pytest.raises(NotPermitted, match="escalation .* comes from a higher level"):
            service.escalate_case(s, user(s, "xihu"), c.id, reason="x", now=NOW)
        for who, level in (("hz", 1), ("zj", 2), ("hz", 3), ("zj", 4)):
            service.escalate_case(s, user(s, who), c.id, reason="逾期未整改", now=NOW)
            assert c.escalation_level == level
        with pytest.raises(GuardFailed, match="top of the ladder"):
            service.escalate_case(s, user(s, "zj"), c.id, reason="x", now=NOW)
        levels = [e.detail["level"] for e in s.scalars(
            select(CaseEventRow).where(CaseEventRow.event == "escalate").order_by(CaseEventRow.seq))]  # fmt: skip
        assert levels == ["notice", "supervise", "summon", "accountability"]


def test_reopen_relapse_and_repeat(engine, world):
    with session_scope(engine) as s:
        c = _to_submitted(s, world)
        service.sign_acceptance(s, user(s, "dept"), c.id, "department", now=NOW)
        service.sign_acceptance(s, user(s, "gov"), c.id, "government", now=NOW)
        service.close_case(s, user(s, "xihu"), c.id, now=NOW)
        with pytest.raises(GuardFailed, match="reopen needs a kind"):
            service.reopen_case(s, user(s, "xihu"), c.id, kind="again", reason="x", now=NOW)
        service.reopen_case(
            s, user(s, "xihu"), c.id, kind="repeat_complaint", reason="群众再次举报", now=NOW
        )
        assert c.state is S.REOPENED and c.relapse_count == 0 and c.due_at is None
        service.assign_case(s, user(s, "xihu"), c.id, now=NOW)
        assert c.state is S.ASSIGNED


def test_deadlines_remind_flag_overdue_and_escalate(engine, world):
    with session_scope(engine) as s:
        c = _new(s, world)
        service.assign_case(s, user(s, "xihu"), c.id, due_at=NOW + timedelta(days=10), now=NOW)
        run = service.check_deadlines(s, now=NOW + timedelta(days=8))  # 2 days left: ≤ 3
        assert (run.reminders, run.overdue, run.escalations) == (1, 0, 0)
        assert service.check_deadlines(s, now=NOW + timedelta(days=8, hours=1)).reminders == 0
        assert (
            service.check_deadlines(s, now=NOW + timedelta(days=9, hours=12)).reminders == 1
        )  # ≤ 1 day
        run = service.check_deadlines(s, now=NOW + timedelta(days=10, hours=1))
        assert (run.overdue, run.escalations) == (1, 1) and c.escalation_level == 1  # 通报
        run = service.check_deadlines(s, now=NOW + timedelta(days=11))
        assert (run.overdue, run.escalations) == (0, 0)
        run = service.check_deadlines(s, now=NOW + timedelta(days=26))  # 16 days overdue: 督办
        assert run.escalations == 1 and c.escalation_level == 2
        events = [e for e, *_ in _history(s, c.id)]
        assert events == [
            "register",
            "assign",
            "remind",
            "remind",
            "overdue",
            "escalate",
            "escalate",
        ]
        # submitted cases wait for acceptance: no more overdue handling
        service.start_rectification(s, user(s, "owner"), c.id, now=NOW)
        service.submit_for_acceptance(s, user(s, "owner"), c.id, reason="done", now=NOW)
        assert service.check_deadlines(s, now=NOW + timedelta(days=80)).escalations == 0


def test_duplicates_are_shown_before_registering(engine, world):
    with session_scope(engine) as s:
        a = _new(s, world)
        near = _new(s, world, enterprise_id=None, longitude=120.103, latitude=30.251)  # ~300 m
        far = _new(s, world, enterprise_id=None, longitude=120.20, latitude=30.25)  # ~9.6 km
        _new(s, world, category="noise")  # another category
        draft = make_draft(world, enterprise_id=world.ent, longitude=120.1005, latitude=30.2501)
        found = service.find_duplicates(s, draft, now=NOW)
        assert [d.case.id for d in found] == [a.id, near.id]
        assert found[0].reasons == ("same_enterprise", "nearby") and found[0].distance_m < 60
        assert found[1].reasons == ("nearby",) and 250 < found[1].distance_m < 350
        assert far.id not in [d.case.id for d in found]
        # the window: 30 days before the problem
        later = make_draft(world, occurred_at=NOW + timedelta(days=40))
        assert service.find_duplicates(s, later, now=NOW + timedelta(days=40)) == []


def test_relapse_reopens_the_closed_case_and_counts(engine, world):
    with session_scope(engine) as s:
        c = _to_submitted(s, world)
        service.sign_acceptance(s, user(s, "dept"), c.id, "department", now=NOW)
        service.sign_acceptance(s, user(s, "gov"), c.id, "government", now=NOW)
        service.close_case(s, user(s, "xihu"), c.id, now=NOW)
        again = service.register_case(s, make_draft(world, title="黑烟又现"), actor="xihu",
                                      now=NOW + timedelta(days=200))  # fmt: skip
        assert again.outcome == "relapse" and again.case.id == c.id
        assert c.state is S.REOPENED and c.relapse_count == 1
        assert _history(s, c.id)[-1] == ("reopen", "closed", "reopened", "xihu")
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 1
        # another category, or after 12 months: a new case
        other = service.register_case(s, make_draft(world, category="noise"), actor="xihu", now=NOW)
        assert other.outcome == "new"


def test_idempotent_reports_and_groups(engine, world):
    with session_scope(engine) as s:
        r1 = service.register_case(s, make_draft(world, source="qc_pattern", source_key="k1", group_key="g"), actor="qc", now=NOW)  # fmt: skip
        r2 = service.register_case(s, make_draft(world, source="qc_pattern", source_key="k1", group_key="g", title="t2"), actor="qc", now=NOW)  # fmt: skip
        r3 = service.register_case(s, make_draft(world, source="qc_pattern", source_key="k2", group_key="g"), actor="qc", now=NOW)  # fmt: skip
        assert (r1.outcome, r2.outcome, r3.outcome) == ("new", "existing", "attached")
        assert r1.case.id == r2.case.id == r3.case.id and r2.case.title == "t2"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("category", "smell", "category: unknown category 'smell'; one of emission_exceedance"),
        ("severity", "huge", "severity: unknown severity 'huge'; one of general, serious, major"),
        ("source", "rumour", "source: unknown source 'rumour'"),
        ("title", " ", "title: must not be empty"),
        ("region_code", "990000", "region_code: region code '990000' is outside Zhejiang"),
        ("occurred_at", NOW + timedelta(days=1), "occurred_at: .* is in the future"),
        ("longitude", 500.0, "longitude: longitude within ±180"),
    ],
)
def test_bad_drafts_name_the_field(engine, world, field, value, message):
    with session_scope(engine) as s, pytest.raises(BadCaseInput, match=message):
        service.register_case(s, make_draft(world, **{field: value}), actor="x", now=NOW)


def test_registering_is_scoped(engine, world):
    from qingshan.accounts.service import scope_of

    with session_scope(engine) as s:
        with pytest.raises(NotPermitted, match="role enterprise may not register"):
            service.register_case(
                s, make_draft(world), actor="owner", scope=scope_of(user(s, "owner"))
            )
        from qingshan.accounts.errors import OutOfScope

        with pytest.raises(OutOfScope):
            service.register_case(s, make_draft(world), actor="nb", scope=scope_of(user(s, "nb")))


def test_history_is_append_only(engine, world):
    with session_scope(engine) as s:
        case_id = _new(s, world).id
    for change in ("edit", "delete"):
        with session_scope(engine) as s:
            row = s.scalars(select(CaseEventRow).where(CaseEventRow.case_id == case_id)).one()
            if change == "edit":
                row.reason = "rewritten"
            else:
                s.delete(row)
            with pytest.raises(
                HistoryIsAppendOnly, match=f"case {case_id}: the history is append-only"
            ):
                s.flush()
            s.rollback()


def test_available_actions_are_the_users(engine, world):
    with session_scope(engine) as s:
        c = _to_submitted(s, world)
        acts = lambda u: [e.value for e in service.available_actions(s, user(s, u), c)]  # noqa: E731
        assert acts("dept") == ["return", "sign", "merge", "cancel", "note"]
        assert acts("owner") == ["note"]
        assert acts("hz") == ["return", "sign", "merge", "cancel", "escalate", "note"]
        service.sign_acceptance(s, user(s, "dept"), c.id, "department", now=NOW)
        assert "sign" not in acts("dept") and "sign" in acts("gov")
        service.sign_acceptance(s, user(s, "gov"), c.id, "government", now=NOW)
        assert acts("xihu") == ["close", "reopen", "note"]
        assert acts("owner") == ["note"]


def test_a_group_key_is_its_sources_own(engine, world):
    """Two sources' reports with the same group key (QC's ``<outlet>:<pattern>`` and a
    forecast's that happens to read the same) are two problems, two cases."""
    with session_scope(engine) as s:
        qc = service.register_case(s, make_draft(world, source="qc_pattern", source_key="a", group_key="7:flat"), actor="qc", now=NOW)  # fmt: skip
        fc = service.register_case(s, make_draft(world, source="forecast", source_key="a", group_key="7:flat"), actor="fc", now=NOW)  # fmt: skip
        again = service.register_case(s, make_draft(world, source="forecast", source_key="b", group_key="7:flat"), actor="fc", now=NOW)  # fmt: skip
        assert (qc.outcome, fc.outcome, again.outcome) == ("new", "new", "attached")
        assert qc.case.id != fc.case.id == again.case.id
        keys = s.execute(
            select(CaseSource.source, CaseSource.source_key, CaseSource.case_id).order_by(
                CaseSource.id
            )
        ).all()
        assert keys == [("qc_pattern", "a", qc.case.id), ("forecast", "a", fc.case.id),
                        ("forecast", "b", fc.case.id)]  # fmt: skip


def test_the_same_key_from_another_region_is_refused_not_taken_over(engine, world):
    """滨江's hand-over item 1 is not 西湖's item 1: the second is refused (naming the case it
    collides with), and 西湖's case keeps its title and report."""
    with session_scope(engine) as s:
        first = service.register_case(s, make_draft(world, source="central_inspection", source_key="1", title="西湖 第1项"), actor="zj", now=NOW)  # fmt: skip
        with pytest.raises(CaseConflict, match=r"central_inspection report '1' already names case 330106-2026-\d+ of region 330106, not 330108"):  # fmt: skip
            service.register_case(s, make_draft(world, source="central_inspection", source_key="1", title="滨江 第1项", region_code="330108", enterprise_id=world.ent2), actor="zj", now=NOW)  # fmt: skip
        assert first.case.title == "西湖 第1项"
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 1
