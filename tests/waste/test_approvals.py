"""Cross-province approvals (危险废物转移管理办法 2021 Art. 21–28) and the manifests' time limits
(Art. 18, 20), with worked numbers: the validity rule, the working-day calendar over 国庆 2026,
an approval of 30 t used by 12 t manifests until the third is refused, each refusal naming its
condition, and the receipt and paper limits computed from signature times on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.timeutil import CST
from qingshan.waste.approval import (
    Overdue,
    TimedSignature,
    add_working_days,
    approval_valid_to,
    overdue,
)
from qingshan.waste.approval_service import ApprovalSpec, approvals, record_approval
from qingshan.waste.errors import ApprovalInvalid, ApprovalRefused, NotAParty
from qingshan.waste.manifest import ManifestState
from qingshan.waste.manifest_service import (
    ManifestFilters,
    create_manifest,
    list_manifests,
    overdue_counts,
    sign,
)

from .manifest_world import AT, HANGZHOU, PROVINCE, build_world

S = ManifestState
NUMBER = "浙环危转〔2026〕12号"
#: 江苏省昆山市: the receiving site across the provincial line
KUNSHAN = "320583"


def _cst(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=CST).astimezone(UTC)


def test_an_approval_is_in_force_twelve_months_capped_by_the_request_and_the_licence():
    # Art. 27 ¶2; months counted as 民法典 Art. 201–202 (corresponding day, else month end)
    assert approval_valid_to(date(2026, 5, 1), None, None) == date(2027, 5, 1)
    assert approval_valid_to(date(2026, 8, 31), None, None) == date(2027, 8, 31)
    assert approval_valid_to(date(2028, 2, 29), None, None) == date(2029, 2, 28)
    assert approval_valid_to(date(2026, 5, 1), date(2026, 10, 31), None) == date(2026, 10, 31)
    assert approval_valid_to(date(2026, 5, 1), None, date(2027, 1, 15)) == date(2027, 1, 15)
    with pytest.raises(ApprovalInvalid, match=r"before its date"):
        approval_valid_to(date(2026, 5, 1), None, date(2026, 4, 30))


def test_working_days_follow_the_state_council_calendar():
    # 2026: 中秋 Fri 25 Sep off, 国庆 1–7 Oct off, Sat 10 Oct a 调休 working day
    assert add_working_days(date(2026, 9, 29), 5) == date(2026, 10, 12)
    assert add_working_days(date(2026, 9, 24), 1) == date(2026, 9, 28)
    assert add_working_days(date(2026, 5, 12), 5) == date(2026, 5, 19)
    assert add_working_days(date(2026, 5, 12), 10) == date(2026, 5, 26)
    assert add_working_days(date(2026, 5, 12), 0) == date(2026, 5, 12)


def test_the_receipt_and_paper_limits_from_signature_times():
    handed = [TimedSignature("producer", "submit", _cst(2026, 9, 29, 9)),
              TimedSignature("transporter:1", "pickup", _cst(2026, 9, 29, 10)),
              TimedSignature("transporter:1", "handover", _cst(2026, 9, 29, 15))]  # fmt: skip
    # arrived Tue 29 Sep: five working days end Mon 12 Oct (国庆 in between)
    on_time = [*handed, TimedSignature("receiver", "receive", _cst(2026, 10, 12, 17))]
    assert overdue(on_time, 1, date(2026, 9, 29), date(2026, 12, 1)) == []
    late = [*handed, TimedSignature("receiver", "receive", _cst(2026, 10, 13, 9))]
    assert overdue(late, 1, date(2026, 9, 29), date(2026, 12, 1)) == [
        Overdue("receipt", date(2026, 10, 12), False)
    ]
    assert overdue(handed, 1, date(2026, 9, 29), date(2026, 10, 12)) == []
    assert overdue(handed, 1, date(2026, 9, 29), date(2026, 10, 13)) == [
        Overdue("receipt", date(2026, 10, 12), True)
    ]
    # a paper receipt entered on Wed 27 May for a transfer of Tue 12 May: 10 working days end
    # Tue 26 May (Art. 20 ¶2) — and the receipt itself is late (due Tue 19 May)
    paper = [TimedSignature("producer", "submit", _cst(2026, 5, 12, 9)),
             TimedSignature("transporter:1", "pickup", _cst(2026, 5, 12, 10)),
             TimedSignature("transporter:1", "handover", _cst(2026, 5, 12, 15)),
             TimedSignature("receiver", "receive", _cst(2026, 5, 27, 9), paper=True)]  # fmt: skip
    assert overdue(paper, 1, date(2026, 5, 12), date(2026, 6, 1)) == [
        Overdue("receipt", date(2026, 5, 19), False),
        Overdue("paper", date(2026, 5, 26), False),
    ]


@pytest.fixture
def world(engine):
    with session_scope(engine) as s:
        w = build_world(s)
        record_approval(s, PROVINCE, ApprovalSpec(
            number=NUMBER, authority="浙江省生态环境厅", approved_on=date(2026, 5, 1),
            producer_id=w.producer, receiver_id=w.facility, waste_codes=("900-249-08",),
            approved_t=30.0, dest_region=KUNSHAN,
        ), actor="province")  # fmt: skip
        return w


def _cross(s, w, **changes):
    base = dict(dest_region=KUNSHAN, approval_ref=NUMBER)
    base.update(changes)
    return create_manifest(s, w.owner(w.producer), w.draft(**base), actor="producer1", at=AT)


def _refused(s, w, m, condition: str, message: str) -> None:
    with pytest.raises(ApprovalRefused, match=message) as err:
        sign(s, w.owner(w.producer), m.id, "submit", at=AT)
    assert err.value.context["condition"] == condition


def test_a_cross_province_manifest_must_fit_its_approval(engine, world):
    w = world
    with session_scope(engine) as s:
        a, b, c = (_cross(s, w) for _ in range(3))  # 12 t each against 30 t approved
        assert sign(s, w.owner(w.producer), a.id, "submit", at=AT).state is S.SUBMITTED
        assert sign(s, w.owner(w.producer), b.id, "submit", at=AT).state is S.SUBMITTED
        _refused(s, w, c, "quantity", r"allows 30 t; 24 t already shipped under it, so 12 t "
                                      r"more exceeds it by 6 t .*Art. 28 \(一\)")  # fmt: skip
        (view,) = approvals(s, PROVINCE, on=date(2026, 5, 12))
        assert (view.approved_t, view.shipped_t, view.remaining_t, view.in_force) == (
            30.0, 24.0, 6.0, True)  # fmt: skip
        assert view.valid_to == date(2027, 5, 1)
        # a voided manifest no longer uses the approval: c now fits (12 + 12 ≤ 30)
        sign(s, w.owner(w.producer), b.id, "void", at=AT)
        assert sign(s, w.owner(w.producer), c.id, "submit", at=AT).state is S.SUBMITTED
        assert approvals(s, PROVINCE)[0].remaining_t == 6.0
        _refused(s, w, _cross(s, w, waste_code="900-041-49"), "code",
                 r"does not cover 900-041-49 \(approved: 900-249-08\)")  # fmt: skip
        _refused(s, w, _cross(s, w, transfer_on=date(2027, 5, 2)), "validity",
                 r"in force 2026-05-01–2027-05-01, not on the shipping day 2027-05-02")  # fmt: skip
        _refused(s, w, _cross(s, w, approval_ref="浙环危转〔2026〕99号"), "unknown",
                 r"no recorded approval numbered")  # fmt: skip
        _refused(s, w, _cross(s, w, dest_region="340104"), "receiver",
                 r"is for a transfer to 320583, not to 340104")  # fmt: skip
        # the approval's last day is a valid shipping day
        last = _cross(s, w, transfer_on=date(2027, 5, 1), quantity_t=6.0)
        assert sign(s, w.owner(w.producer), last.id, "submit", at=AT).state is S.SUBMITTED
        assert approvals(s, PROVINCE)[0].remaining_t == 0.0


def test_only_the_province_records_and_bad_approvals_are_refused(engine, world):
    w = world
    spec = ApprovalSpec(number="浙环危转〔2026〕13号", authority="浙江省生态环境厅",
                        approved_on=date(2026, 5, 1), producer_id=w.producer,
                        receiver_id=w.facility, waste_codes=("HW08",), approved_t=10.0,
                        dest_region=KUNSHAN)  # fmt: skip
    with session_scope(engine) as s:
        with pytest.raises(NotAParty, match=r"not a province-level account"):
            record_approval(s, HANGZHOU, spec, actor="hangzhou")
        with pytest.raises(ApprovalInvalid, match=r"in the producer's province") as err:
            record_approval(s, PROVINCE, spec.__class__(**{**spec.__dict__, "dest_region": "330206"}),
                            actor="province")  # fmt: skip
        assert err.value.context["field"] == "dest_region"
        with pytest.raises(ApprovalInvalid, match=r"already recorded"):
            record_approval(s, PROVINCE, spec.__class__(**{**spec.__dict__, "number": NUMBER}),
                            actor="province")  # fmt: skip
        with pytest.raises(ApprovalInvalid, match=r"approved quantity 0.0 t"):
            record_approval(s, PROVINCE, spec.__class__(**{**spec.__dict__, "approved_t": 0.0}),
                            actor="province")  # fmt: skip
        view = record_approval(s, PROVINCE, spec, actor="province")
        # the facility's licence ends 2028-12-31: twelve months decide
        assert (view.valid_to, view.waste_codes, view.authority_region) == (
            date(2027, 5, 1), ("HW08",), "330000")  # fmt: skip
        # the category covers any HW08 code
        m = _cross(s, w, approval_ref=view.number, waste_code="251-001-08", quantity_t=4.0)
        assert sign(s, w.owner(w.producer), m.id, "submit", at=AT).state is S.SUBMITTED
        # scopes: the producer sees both, an outsider enterprise none, a city its producer's
        assert len(approvals(s, w.owner(w.producer))) == 2
        assert approvals(s, w.owner(w.outsider)) == []
        assert len(approvals(s, HANGZHOU)) == 2
        assert approvals(s, Scope("330300", Role.CITY, username="wenzhou")) == []


def test_overdue_manifests_are_flagged_listed_and_counted(engine, world):
    w = world
    with session_scope(engine) as s:
        # within the province, one leg each: arrived Tue 29 Sep 2026
        def shipped(on: date):
            m = create_manifest(s, w.owner(w.producer),
                                w.draft(transporter_ids=(w.carrier1,), transfer_on=on),
                                actor="producer1", at=_cst(on.year, on.month, on.day, 8))  # fmt: skip
            for who, action, hour in ((w.producer, "submit", 9), (w.carrier1, "pickup", 10),
                                      (w.carrier1, "handover", 15)):  # fmt: skip
                sign(s, w.owner(who), m.id, action, at=_cst(on.year, on.month, on.day, hour))
            return m

        late = shipped(date(2026, 9, 29))
        sign(s, w.owner(w.facility), late.id, "receive", quantity_t=12.0,
             at=_cst(2026, 10, 13, 9))  # fmt: skip
        ok = shipped(date(2026, 9, 29))
        sign(s, w.owner(w.facility), ok.id, "receive", quantity_t=12.0, at=_cst(2026, 10, 12, 9))
        open_ = shipped(date(2026, 9, 30))  # never received: past its limit by now
        paper = shipped(date(2026, 5, 12))
        sign(s, PROVINCE, paper.id, "receive", quantity_t=12.0, paper=True,
             note="纸质联单补录 No.0012", at=_cst(2026, 5, 27, 9))  # fmt: skip
        page = list_manifests(s, PROVINCE, ManifestFilters(overdue=True))
        flagged = {r.id: r.overdue for r in page.items}
        assert flagged == {
            late.id: (Overdue("receipt", date(2026, 10, 12), False),),
            open_.id: (Overdue("receipt", date(2026, 10, 13), True),),
            paper.id: (Overdue("receipt", date(2026, 5, 19), False),
                       Overdue("paper", date(2026, 5, 26), False)),
        }  # fmt: skip
        assert [
            r.id for r in list_manifests(s, PROVINCE, ManifestFilters(overdue=False)).items
        ] == [ok.id]
        assert overdue_counts(s, PROVINCE, 2026) == {
            "receipt_open": 1, "receipt_late": 2, "paper_late": 1, "manifests": 3}  # fmt: skip
        # the transporter sees its own manifests' flags too
        assert overdue_counts(s, w.owner(w.carrier1), 2026)["manifests"] == 3
