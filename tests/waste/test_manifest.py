"""The manifest lifecycle, pure: states derived from signatures, named transitions, leg order,
the discrepancy, the number and the licence rule."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qingshan.waste.errors import IllegalManifestStep, ManifestInvalid
from qingshan.waste.manifest import (
    TRANSITIONS,
    Action,
    ManifestState,
    Signed,
    check_step,
    derive_state,
    discrepancy,
    is_cross_province,
    licence_covers,
    manifest_number,
    next_signers,
)

S = ManifestState


def walk(*steps: tuple[str, str], legs: int = 2) -> list[Signed]:
    """Sign ``steps`` in order, each checked by the lifecycle."""
    signed: list[Signed] = []
    for party, action in steps:
        check_step(signed, legs, party, action)
        signed.append(Signed(party, action))
    return signed


def test_every_state_of_the_reference_table_is_declared_and_reached_by_a_named_transition():
    assert [s.value for s in ManifestState] == [
        "draft", "submitted", "in_transit", "received", "closed", "rejected", "voided",
    ]  # fmt: skip
    assert {t.target for t in TRANSITIONS} == set(ManifestState) - {S.DRAFT}
    assert [t.name for t in TRANSITIONS] == [
        "submit", "void", "pickup", "handover", "receive", "reject", "close",
    ]  # fmt: skip


def test_a_two_leg_manifest_walked_to_closure_derives_each_state_from_the_signatures():
    steps = [("producer", "submit"), ("transporter:1", "pickup"), ("transporter:1", "handover"),
             ("transporter:2", "pickup"), ("transporter:2", "handover"), ("receiver", "receive"),
             ("producer", "close")]  # fmt: skip
    states = [derive_state(walk(*steps[:k]), 2) for k in range(len(steps) + 1)]
    assert states == [S.DRAFT, S.SUBMITTED, S.IN_TRANSIT, S.IN_TRANSIT, S.IN_TRANSIT,
                      S.IN_TRANSIT, S.RECEIVED, S.CLOSED]  # fmt: skip
    assert next_signers(walk(*steps), 2) == []


def test_leg_two_cannot_pick_up_before_leg_one_hands_over():
    signed = walk(("producer", "submit"), ("transporter:1", "pickup"))
    assert next_signers(signed, 2) == [("transporter:1", Action.HANDOVER)]
    with pytest.raises(IllegalManifestStep,
                       match=r"event 'transporter:2 pickup' is not allowed in state 'in_transit' "
                             r"\(allowed: transporter:1 handover\)"):  # fmt: skip
        check_step(signed, 2, "transporter:2", "pickup")


def test_the_receiver_signs_only_after_the_last_leg_hands_over():
    signed = walk(("producer", "submit"), ("transporter:1", "pickup"))
    with pytest.raises(IllegalManifestStep, match=r"'receiver receive' is not allowed"):
        check_step(signed, 1, "receiver", "receive")
    signed = walk(("producer", "submit"), ("transporter:1", "pickup"),
                  ("transporter:1", "handover"), legs=1)  # fmt: skip
    assert next_signers(signed, 1) == [("receiver", Action.RECEIVE), ("receiver", Action.REJECT)]


def test_pickup_before_submission_and_void_after_pickup_are_refused():
    with pytest.raises(IllegalManifestStep, match=r"'transporter:1 pickup' is not allowed in state 'draft' "
                                                  r"\(allowed: producer submit, producer void\)"):  # fmt: skip
        check_step([], 1, "transporter:1", "pickup")
    signed = walk(("producer", "submit"), ("transporter:1", "pickup"), legs=1)
    with pytest.raises(
        IllegalManifestStep, match=r"'producer void' is not allowed in state 'in_transit'"
    ):
        check_step(signed, 1, "producer", "void")


def test_void_and_reject_are_final():
    voided = walk(("producer", "void"))
    assert derive_state(voided, 1) is S.VOIDED and next_signers(voided, 1) == []
    rejected = walk(("producer", "submit"), ("transporter:1", "pickup"),
                    ("transporter:1", "handover"), ("receiver", "reject"), legs=1)  # fmt: skip
    assert derive_state(rejected, 1) is S.REJECTED
    with pytest.raises(IllegalManifestStep, match=r"in state 'rejected' \(no event is allowed\)"):
        check_step(rejected, 1, "producer", "close")


def test_unknown_party_or_action_names_the_valid_ones():
    with pytest.raises(ManifestInvalid, match=r"unknown party 'transporter:3' \(valid: producer, "
                                              r"transporter:1, transporter:2, receiver\)"):  # fmt: skip
        check_step([], 2, "transporter:3", "pickup")
    with pytest.raises(ManifestInvalid, match=r"unknown action 'sign' \(valid: submit, pickup"):
        check_step([], 2, "producer", "sign")


@pytest.mark.parametrize(("shipped", "received", "expected"), [
    (12.0, 12.0, None), (12.0, 11.5, None), (12.0, 11.4, None),  # −5.0 %: at the tolerance
    (12.0, 11.3, -0.7 / 12), (12.0, 12.7, 0.7 / 12), (20.0, 10.0, -0.5),
])  # fmt: skip
def test_discrepancy_beyond_five_percent(shipped, received, expected):
    got = discrepancy(shipped, received)
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_discrepancy_with_another_tolerance_and_a_bad_shipment():
    assert discrepancy(10.0, 9.8, tolerance=0.01) == pytest.approx(-0.02)
    with pytest.raises(ManifestInvalid, match=r"shipped quantity must be positive, not 0.0 t"):
        discrepancy(0.0, 1.0)


def test_number_licence_and_province_line():
    assert manifest_number(2026, "330106", 37) == "20263301000037"
    assert len(manifest_number(2026, "330206", 999_999)) == 14
    with pytest.raises(ManifestInvalid, match=r"serial 1000000 outside 1..999999"):
        manifest_number(2026, "330106", 1_000_000)
    assert licence_covers(["HW08"], "900-249-08") and licence_covers(["900-249-08"], "900-249-08")
    assert not licence_covers(["HW18", "900-041-49"], "900-249-08")
    assert is_cross_province("330106", "320500") and not is_cross_province("330106", "330206")


@settings(max_examples=25, deadline=None)
@given(legs=st.integers(1, 4), picks=st.lists(st.integers(0, 10), min_size=1, max_size=20))
def test_any_walk_of_allowed_steps_keeps_the_legs_in_order(legs, picks):
    """Walk the lifecycle choosing among the allowed steps: the state after each step is the
    transition's target, and no leg picks up before the leg ahead has handed over."""
    signed: list[Signed] = []
    for pick in picks:
        allowed = next_signers(signed, legs)
        if not allowed:
            assert derive_state(signed, legs) in (S.CLOSED, S.REJECTED, S.VOIDED)
            break
        party, action = allowed[pick % len(allowed)]
        target = check_step(signed, legs, party, action)
        signed.append(Signed(party, action))
        assert derive_state(signed, legs) is target
    order = [(s.party, s.action) for s in signed]
    for k in range(2, legs + 1):
        if (f"transporter:{k}", "pickup") in order:
            assert order.index((f"transporter:{k - 1}", "handover")) < order.index(
                (f"transporter:{k}", "pickup")
            )
