"""The manifest service on both backends: a three-party manifest signed by its users to
closure, out-of-order, non-party, unlicensed, cross-province, a discrepancy and a rejection that
open cases through the cases package's real sink, corrections as versions, scoping, audit and
the transfers frame."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from qingshan.audit.models import AuditLog
from qingshan.cases.models import CaseRecord
from qingshan.cases.sink import CasesSink
from qingshan.db.engine import session_scope
from qingshan.errors import NotFound
from qingshan.waste.approval_service import ApprovalSpec, record_approval
from qingshan.waste.errors import (
    ApprovalRequired,
    IllegalManifestStep,
    ManifestInvalid,
    NotAParty,
    SignaturesAreInsertOnly,
    UnknownWasteCode,
    UnlicensedFacility,
)
from qingshan.waste.manifest import ManifestState
from qingshan.waste.manifest_service import (
    ManifestFilters,
    correct,
    create_manifest,
    list_manifests,
    manifest_detail,
    sign,
    transfers_frame,
)
from qingshan.waste.models import WasteManifest, WasteSignature

from .manifest_world import (
    AT,
    HANGZHOU,
    NINGBO,
    PROVINCE,
    WENZHOU,
    XIHU,
    build_world,
    users,
)

S = ManifestState
SINK = CasesSink(actor="waste", registered_at=lambda r: r.occurred_at)


@pytest.fixture
def world(engine):
    with session_scope(engine) as s:
        return build_world(s)


def _new(s, w, **changes):
    return create_manifest(s, w.owner(w.producer), w.draft(**changes), actor="producer1", at=AT)


def _to_arrival(s, w, m):
    """Submit and carry ``m`` over both legs, signing as each party's enterprise scope."""
    sign(s, w.owner(w.producer), m.id, "submit", at=AT)
    for carrier in (w.carrier1, w.carrier2):
        sign(s, w.owner(carrier), m.id, "pickup", at=AT)
        sign(s, w.owner(carrier), m.id, "handover", at=AT)


def test_three_parties_sign_a_manifest_to_closure_as_their_users(engine, world):
    w = world
    with session_scope(engine) as s:
        u = users(s, w)
        m = _new(s, w)
        assert (m.number, m.version, m.state, m.legs) == ("20263301000001", 1, S.DRAFT, 2)
        assert m.next_signers == [("producer", "submit"), ("producer", "void")]
        states = []
        for name, action in [("producer1", "submit"), ("carrier1", "pickup"),
                             ("carrier1", "handover"), ("carrier2", "pickup"),
                             ("carrier2", "handover")]:  # fmt: skip
            states.append(sign(s, u[name], m.id, action, at=AT).state)
        v = sign(s, u["facility1"], m.id, "receive", quantity_t=11.8, sink=SINK, at=AT)
        assert (v.state, v.received_t, v.discrepancy) == (S.RECEIVED, 11.8, None)
        assert sign(s, u["producer1"], m.id, "close", at=AT).state is S.CLOSED
        v = manifest_detail(s, PROVINCE, m.id)
    assert states == [S.SUBMITTED, S.IN_TRANSIT, S.IN_TRANSIT, S.IN_TRANSIT, S.IN_TRANSIT]
    assert v.state is S.CLOSED and v.next_signers == []
    assert [(g.party, g.action, g.username, g.enterprise_name) for g in v.signatures] == [
        ("producer", "submit", "producer1", "西湖精细化工"),
        ("transporter:1", "pickup", "carrier1", "余杭危运物流"),
        ("transporter:1", "handover", "carrier1", "余杭危运物流"),
        ("transporter:2", "pickup", "carrier2", "北仑危运车队"),
        ("transporter:2", "handover", "carrier2", "北仑危运车队"),
        ("receiver", "receive", "facility1", "北仑危废处置中心"),
        ("producer", "close", "producer1", "西湖精细化工"),
    ]
    with session_scope(engine) as s:  # no case: −1.7 % is inside the 5 % tolerance
        assert s.scalars(select(CaseRecord)).all() == []
        audited = s.scalars(
            select(AuditLog.entity).where(AuditLog.entity == "waste_signature")
        ).all()
        assert len(audited) == 7


def test_out_of_order_and_twice_are_illegal_steps(engine, world):
    w = world
    with session_scope(engine) as s:
        m = _new(s, w)
        with pytest.raises(
            IllegalManifestStep, match=r"'transporter:1 pickup' is not allowed in state 'draft'"
        ):
            sign(s, w.owner(w.carrier1), m.id, "pickup")
        sign(s, w.owner(w.producer), m.id, "submit")
        sign(s, w.owner(w.carrier1), m.id, "pickup")
        with pytest.raises(IllegalManifestStep,
                           match=r"'transporter:2 pickup' is not allowed in state 'in_transit' "
                                 r"\(allowed: transporter:1 handover\)"):  # fmt: skip
            sign(s, w.owner(w.carrier2), m.id, "pickup")
        with pytest.raises(IllegalManifestStep, match=r"'producer submit' is not allowed"):
            sign(s, w.owner(w.producer), m.id, "submit")


def test_a_non_party_and_a_bureau_without_paper_may_not_sign(engine, world):
    w = world
    with session_scope(engine) as s:
        u = users(s, w)
        m = _new(s, w)
        # a user of no party: the 404 of a missing manifest (its number is not revealed)
        with pytest.raises(NotFound, match=r"manifest \d+ does not exist or is outside the "
                                           r"scope of outsider1"):  # fmt: skip
            sign(s, u["outsider1"], m.id, "submit")
        with pytest.raises(
            NotAParty, match=r"a bureau account signs only when entering a paper manifest"
        ):
            sign(s, HANGZHOU, m.id, "submit")
        with pytest.raises(NotFound, match=r"outside the scope of wenzhou"):  # not even its number
            sign(s, WENZHOU, m.id, "submit", paper=True, note="纸质联单 No.1")
        with pytest.raises(ManifestInvalid, match=r"a paper back-entry needs a note"):
            sign(s, HANGZHOU, m.id, "submit", paper=True)
        assert sign(s, HANGZHOU, m.id, "submit", paper=True, note="纸质联单 No.1 (系统故障)"
                    ).state is S.SUBMITTED  # fmt: skip
        v = manifest_detail(s, HANGZHOU, m.id)
        assert v.state is S.SUBMITTED and (v.signatures[0].paper, v.signatures[0].username) == (
            True,
            "hangzhou",
        )
        assert NotAParty("x").status_code == 403


def test_an_unlicensed_receiver_is_refused_at_submit(engine, world):
    w = world
    with session_scope(engine) as s:
        m = _new(s, w, receiver_id=w.unlicensed)
        with pytest.raises(UnlicensedFacility,
                           match=r"licence 浙危废经第3302000002号 of receiver \d+ does not cover 900-249-08 "
                                 r"\(nor category HW08\); licensed: HW18"):  # fmt: skip
            sign(s, w.owner(w.producer), m.id, "submit")
        m2 = _new(s, w, receiver_id=w.carrier2)
        with pytest.raises(UnlicensedFacility, match=r"holds no 危险废物经营许可证"):
            sign(s, w.owner(w.producer), m2.id, "submit")
        # the category wildcard HW08 covers another HW08 code; 900-041-49 is licensed by name
        ok = _new(s, w, waste_code="251-001-08")
        assert sign(s, w.owner(w.producer), ok.id, "submit").state is S.SUBMITTED
    with session_scope(engine) as s:  # nothing signed for the refused ones
        assert s.scalars(select(WasteSignature.manifest_id)).all() == [ok.id]


def test_cross_province_needs_the_approval_reference(engine, world):
    w = world
    with session_scope(engine) as s:
        m = _new(s, w, dest_region="320583")
        assert m.cross_province
        with pytest.raises(
            ApprovalRequired, match=r"crosses a provincial line .*固废法 2020, Art. 82"
        ):
            sign(s, w.owner(w.producer), m.id, "submit")
        record_approval(s, PROVINCE, ApprovalSpec(
            number="浙固转审〔2026〕17号", authority="浙江省生态环境厅",
            approved_on=date(2026, 4, 1), producer_id=w.producer, receiver_id=w.facility,
            waste_codes=("900-249-08",), approved_t=50.0, dest_region="320583",
        ), actor="province")  # fmt: skip
        fixed = correct(s, w.owner(w.producer), m.id, {"approval_ref": "浙固转审〔2026〕17号"},
                        "跨省转移审批已取得")  # fmt: skip
        assert sign(s, w.owner(w.producer), fixed.id, "submit").state is S.SUBMITTED


def test_codes_are_validated_on_the_transfer_date(engine, world):
    w = world
    with session_scope(engine) as s:
        with pytest.raises(
            UnknownWasteCode, match=r"900-999-08 is not in the National Hazardous Waste List"
        ):
            _new(s, w, waste_code="900-999-08")
        with pytest.raises(ManifestInvalid, match=r"quantity 0.0 t outside"):
            _new(s, w, quantity_t=0.0)


def test_a_discrepancy_beyond_the_tolerance_opens_a_case(engine, world):
    w = world
    with session_scope(engine) as s:
        m = _new(s, w)
        _to_arrival(s, w, m)
        v = sign(s, w.owner(w.facility), m.id, "receive", quantity_t=10.2, sink=SINK, at=AT)
        assert v.discrepancy == pytest.approx(-0.15)  # (10.2 − 12) / 12
    with session_scope(engine) as s:
        case = s.scalars(select(CaseRecord)).one()
        assert (
            case.source,
            case.category,
            case.severity,
            case.region_code,
            case.enterprise_id,
        ) == ("waste", "solid_waste", "general", "330106", w.producer)
        assert case.title == "危废转移联单20263301000001数量差异-15.0%"


def test_a_rejection_needs_a_reason_and_opens_a_case(engine, world):
    w = world
    with session_scope(engine) as s:
        m = _new(s, w)
        _to_arrival(s, w, m)
        with pytest.raises(ManifestInvalid, match=r"a rejection needs a note"):
            sign(s, w.owner(w.facility), m.id, "reject", sink=SINK)
        v = sign(
            s, w.owner(w.facility), m.id, "reject", note="包装破损，标签不符", sink=SINK, at=AT
        )
        assert v.state is S.REJECTED
    with session_scope(engine) as s:
        case = s.scalars(select(CaseRecord)).one()
        assert (case.severity, case.title) == (
            "serious",
            "危废转移联单20263301000001被接受单位退回",
        )


def test_a_correction_keeps_both_versions_and_the_signatures(engine, world):
    w = world
    with session_scope(engine) as s:
        m = _new(s, w)
        sign(s, w.owner(w.producer), m.id, "submit", at=AT)
        v2 = correct(s, w.owner(w.producer), m.id, {"quantity_t": 12.6}, "过磅复核")
        assert (v2.version, v2.quantity_t, v2.state, v2.reason) == (
            2,
            12.6,
            S.SUBMITTED,
            "过磅复核",
        )
        assert [(x.version, x.quantity_t) for x in v2.versions] == [(1, 12.0), (2, 12.6)]
        assert [g.version for g in v2.signatures] == [1]
        with pytest.raises(ManifestInvalid, match=r"superseded by version 2"):
            sign(s, w.owner(w.carrier1), m.id, "pickup")
        with pytest.raises(ManifestInvalid, match=r"cannot correct receiver_id \(correctable: "):
            correct(s, w.owner(w.producer), v2.id, {"receiver_id": w.unlicensed}, "x")
        with pytest.raises(ManifestInvalid, match=r"a correction needs a reason"):
            correct(s, w.owner(w.producer), v2.id, {"quantity_t": 13.0}, " ")
        with pytest.raises(NotAParty, match=r"only the producer or the receiver corrects"):
            correct(s, w.owner(w.carrier1), v2.id, {"quantity_t": 13.0}, "x")
        # a submitted manifest's correction passes the submission checks again
        with pytest.raises(UnlicensedFacility, match=r"does not cover 772-002-18"):
            correct(s, w.owner(w.producer), v2.id, {"waste_code": "772-002-18"}, "code")
        assert sign(s, w.owner(w.carrier1), v2.id, "pickup").state is S.IN_TRANSIT
    with session_scope(engine) as s:
        old = s.get(WasteManifest, m.id)
        assert (old.version, old.quantity_t) == (1, 12.0)  # untouched
        # every write audited: two manifest versions (create), no update of the first
        audit = s.execute(select(AuditLog.action, AuditLog.actor, AuditLog.entity_id)
                          .where(AuditLog.entity == "waste_manifest").order_by(AuditLog.id)).all()  # fmt: skip
        assert [tuple(a) for a in audit] == [("create", "producer1", str(m.id)),
                                             ("create", f"ent{w.producer}", str(v2.id))]  # fmt: skip
        page = list_manifests(s, PROVINCE)
        assert [(r.version, r.quantity_t) for r in page.items] == [(2, 12.6)]
        assert manifest_detail(s, PROVINCE, m.id).current_id == v2.id


def test_signatures_are_insert_only(engine, world):
    w = world
    with session_scope(engine) as s:
        m = _new(s, w)
        sign(s, w.owner(w.producer), m.id, "submit")
    with pytest.raises(SignaturesAreInsertOnly, match=r"signatures are insert-only"):
        with session_scope(engine) as s:
            s.scalars(select(WasteSignature)).one().note = "changed"
            s.flush()
    with pytest.raises(SignaturesAreInsertOnly):
        with session_scope(engine) as s:
            s.delete(s.scalars(select(WasteSignature)).one())
            s.flush()


def test_scope_parties_and_regions(engine, world):
    w = world
    with session_scope(engine) as s:
        m = _new(s, w)
        cross = _new(s, w, dest_region="320583")
        numbers = lambda sc: sorted(r.number for r in list_manifests(s, sc).items)  # noqa: E731
        assert numbers(PROVINCE) == numbers(HANGZHOU) == numbers(XIHU) == [m.number, cross.number]
        assert numbers(NINGBO) == [m.number]  # destination 北仑 only for the first
        assert numbers(WENZHOU) == []
        assert (
            numbers(w.owner(w.carrier2)) == numbers(w.owner(w.facility)) == [m.number, cross.number]
        )
        assert numbers(w.owner(w.outsider)) == []
        with pytest.raises(
            NotFound, match=r"manifest \d+ does not exist or is outside the scope of wenzhou"
        ):
            manifest_detail(s, WENZHOU, m.id)
        with pytest.raises(NotAParty, match=r"does not act for producer"):
            create_manifest(s, w.owner(w.carrier1), w.draft(), actor="carrier1")
        assert list_manifests(s, PROVINCE, ManifestFilters(cross_province=True)).total == 1
        assert list_manifests(s, PROVINCE, ManifestFilters(state=S.DRAFT, limit=1)).total == 2


def test_transfers_frame_has_one_row_per_received_manifest(engine, world):
    w = world
    with session_scope(engine) as s:
        a = _new(s, w)
        _to_arrival(s, w, a)
        sign(s, w.owner(w.facility), a.id, "receive", quantity_t=11.9, at=AT)
        b = _new(s, w, quantity_t=3.0, transfer_on=date(2026, 6, 2))
        _to_arrival(s, w, b)
        sign(s, w.owner(w.facility), b.id, "receive", quantity_t=3.0, at=AT)
        sign(s, w.owner(w.producer), b.id, "close", at=AT)
        _new(s, w, quantity_t=5.0)  # a draft: not a transfer
        df = transfers_frame(s, PROVINCE, 2026)
        assert df[["shipped_t", "received_t", "month", "origin_city", "dest_city", "category",
                   "cross_province"]].to_dict("records") == [
            {"shipped_t": 12.0, "received_t": 11.9, "month": date(2026, 5, 1), "origin_city": "330100",
             "dest_city": "330200", "category": "HW08", "cross_province": False},
            {"shipped_t": 3.0, "received_t": 3.0, "month": date(2026, 6, 1), "origin_city": "330100",
             "dest_city": "330200", "category": "HW08", "cross_province": False},
        ]  # fmt: skip
        assert transfers_frame(s, WENZHOU, 2026).empty and transfers_frame(s, PROVINCE, 2025).empty
