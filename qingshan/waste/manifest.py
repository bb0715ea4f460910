"""The transfer manifest's lifecycle (转移联单), pure: states, named transitions and their guards,
the state derived from the signatures present (never stored), the next signers, the quantity
discrepancy, the manifest number and the licence rule.

Source: 危险废物转移管理办法 (MEE, MPS, MOT 2021, in force 2022-01-01) and 固废法 (2020) Art. 82;
the state table is the reference's §5 ([U], ``shared/reference/waste.md``):

============  =========================================  ===============================
state         entered when                               check
============  =========================================  ===============================
draft         the producer (移出人) creates               –
submitted     the producer signs ``submit``              receiver licensed for the code;
                                                         cross-province approval (Art. 82)
in_transit    transporter 1 (承运人) signs ``pickup``      legs in order: leg k picks up
                                                         only after leg k−1 hands over
received      the receiver (接受人) signs ``receive``      every leg handed over; quantity
              with the quantity received                 received (discrepancy → case)
closed        the producer signs ``close`` (确认办结)      –
rejected      the receiver signs ``reject``              every leg handed over (→ case)
voided        the producer signs ``void`` before pickup  –
============  =========================================  ===============================

Parties are written ``producer``, ``transporter:<seq>`` (seq 1..n) and ``receiver``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from qingshan.waste.errors import IllegalManifestStep, ManifestInvalid

__all__ = [
    "Action",
    "ManifestState",
    "Signed",
    "TRANSITIONS",
    "Transition",
    "check_step",
    "derive_state",
    "discrepancy",
    "is_cross_province",
    "licence_covers",
    "manifest_number",
    "manifest_rules",
    "next_signers",
    "parse_party",
]


class ManifestState(enum.StrEnum):
    """States of a manifest (the reference's §5 table), derived from its signatures."""

    DRAFT = "draft"  # 待提交
    SUBMITTED = "submitted"  # 已提交 / 待运输
    IN_TRANSIT = "in_transit"  # 运输中
    RECEIVED = "received"  # 已接收
    CLOSED = "closed"  # 已确认 / 办结
    REJECTED = "rejected"  # 退回 / 异常
    VOIDED = "voided"  # 作废


class Action(enum.StrEnum):
    """What a signature does."""

    SUBMIT = "submit"
    PICKUP = "pickup"
    HANDOVER = "handover"
    RECEIVE = "receive"
    REJECT = "reject"
    VOID = "void"
    CLOSE = "close"


S = ManifestState


@dataclass(frozen=True)
class Transition:
    """A named transition: ``role`` signs ``action`` in one of ``sources`` to reach ``target``
    (``target`` None: the state does not change — a transporter's handover between legs)."""

    name: str
    action: Action
    role: str  # producer | transporter | receiver
    sources: frozenset[ManifestState]
    target: ManifestState


#: the lifecycle, declared (guards on the legs in :func:`check_step`)
TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", Action.SUBMIT, "producer", frozenset({S.DRAFT}), S.SUBMITTED),
    Transition("void", Action.VOID, "producer", frozenset({S.DRAFT, S.SUBMITTED}), S.VOIDED),
    Transition("pickup", Action.PICKUP, "transporter", frozenset({S.SUBMITTED, S.IN_TRANSIT}),
               S.IN_TRANSIT),
    Transition("handover", Action.HANDOVER, "transporter", frozenset({S.IN_TRANSIT}),
               S.IN_TRANSIT),
    Transition("receive", Action.RECEIVE, "receiver", frozenset({S.IN_TRANSIT}), S.RECEIVED),
    Transition("reject", Action.REJECT, "receiver", frozenset({S.IN_TRANSIT}), S.REJECTED),
    Transition("close", Action.CLOSE, "producer", frozenset({S.RECEIVED}), S.CLOSED),
)  # fmt: skip
_BY_ACTION = MappingProxyType({t.action: t for t in TRANSITIONS})


@dataclass(frozen=True)
class Signed:
    """A signature as the lifecycle sees it: which party, which action, the quantity [t]."""

    party: str
    action: str
    quantity_t: float | None = None


@cache
def manifest_rules() -> MappingProxyType[str, Any]:
    """The platform's manifest defaults (``data/manifest_rules.json``): the discrepancy
    tolerance [fraction], the most legs, the largest quantity [t]."""
    text = resources.files("qingshan.waste").joinpath("data/manifest_rules.json").read_text("utf-8")
    return MappingProxyType(json.loads(text))


def parse_party(party: str, legs: int) -> tuple[str, int | None]:
    """(role, seq) of a party label: ``producer``, ``receiver`` or ``transporter:<seq>`` with
    ``1 <= seq <= legs``. Raises :class:`ManifestInvalid` naming the valid labels."""
    if party in ("producer", "receiver"):
        return party, None
    role, _, seq = party.partition(":")
    if role == "transporter" and seq.isdigit() and 1 <= int(seq) <= legs:
        return role, int(seq)
    valid = ["producer", *(f"transporter:{k}" for k in range(1, legs + 1)), "receiver"]
    raise ManifestInvalid(f"unknown party {party!r} (valid: {', '.join(valid)})", party=party)


def _has(signatures: Iterable[Signed], party: str, action: Action) -> bool:
    return any(s.party == party and s.action == action for s in signatures)


def derive_state(signatures: Sequence[Signed], legs: int) -> ManifestState:
    """The state that follows from the signatures present (never stored).

    A void, a rejection, a closure, a receipt, any pickup, a submission — the first found of
    these, in this order, decides; no signature: draft. ``legs`` [count] is the number of
    transporters (kept for symmetry with :func:`next_signers`)."""
    done = {(s.party, s.action) for s in signatures}
    actions = {a for _, a in done}
    if ("producer", Action.VOID) in done:
        return S.VOIDED
    if ("receiver", Action.REJECT) in done:
        return S.REJECTED
    if ("producer", Action.CLOSE) in done:
        return S.CLOSED
    if ("receiver", Action.RECEIVE) in done:
        return S.RECEIVED
    if Action.PICKUP in actions:
        return S.IN_TRANSIT
    if ("producer", Action.SUBMIT) in done:
        return S.SUBMITTED
    return S.DRAFT


def _guard(signatures: Sequence[Signed], legs: int, party: str, action: Action) -> bool:
    """The leg-order guards: leg k picks up once (leg 1 after submission, leg k after leg k−1
    has handed over), hands over once after its pickup; the receiver signs after every leg has
    handed over."""
    role, seq = parse_party(party, legs)
    transition = _BY_ACTION[action]
    if role != transition.role:
        return False
    if transition.role == "transporter":
        assert seq is not None
        me = f"transporter:{seq}"
        if action is Action.PICKUP:
            if _has(signatures, me, Action.PICKUP):
                return False
            return seq == 1 or _has(signatures, f"transporter:{seq - 1}", Action.HANDOVER)
        return _has(signatures, me, Action.PICKUP) and not _has(signatures, me, Action.HANDOVER)
    if transition.role == "receiver":
        return all(
            _has(signatures, f"transporter:{k}", Action.HANDOVER) for k in range(1, legs + 1)
        )
    return True


def next_signers(signatures: Sequence[Signed], legs: int) -> list[tuple[str, Action]]:
    """Every (party, action) the lifecycle allows now, in the parties' order."""
    state = derive_state(signatures, legs)
    parties = ["producer", *(f"transporter:{k}" for k in range(1, legs + 1)), "receiver"]
    out = []
    for party in parties:
        for t in TRANSITIONS:
            if state in t.sources and _guard(signatures, legs, party, t.action):
                out.append((party, t.action))
    return out


def check_step(signatures: Sequence[Signed], legs: int, party: str, action: str) -> ManifestState:
    """The state after ``party`` signs ``action``; raises :class:`IllegalManifestStep` naming
    the event, the state and the allowed events when the lifecycle does not allow it (out of
    order, twice, after a void …), :class:`ManifestInvalid` for an unknown party or action."""
    parse_party(party, legs)
    try:
        act = Action(action)
    except ValueError:
        raise ManifestInvalid(
            f"unknown action {action!r} (valid: {', '.join(a.value for a in Action)})",
            action=action,
        ) from None
    state = derive_state(signatures, legs)
    allowed = next_signers(signatures, legs)
    if (party, act) not in allowed:
        raise IllegalManifestStep(
            f"{party} {act.value}", state.value, [f"{p} {a.value}" for p, a in allowed]
        )
    return _BY_ACTION[act].target


def discrepancy(shipped: float, received: float, tolerance: float | None = None) -> float | None:
    """The relative difference (received − shipped) / shipped [fraction] when its size exceeds
    ``tolerance`` [fraction] (default: ``manifest_rules()['discrepancy_tolerance']``, 5 %), else
    None. ``shipped`` [t] must be positive.

    Source: 危险废物转移管理办法 (2021) — the receiver reports a mismatch of quantity (reference
    §5, lifecycle step 4 [U]); the tolerance is the platform's, not the 办法's."""
    if shipped <= 0:
        raise ManifestInvalid(
            f"shipped quantity must be positive, not {shipped} t", field="quantity_t"
        )
    tol = manifest_rules()["discrepancy_tolerance"] if tolerance is None else tolerance
    rel = (received - shipped) / shipped
    return rel if abs(rel) > tol + 1e-12 else None


def is_cross_province(origin_region: str, dest_region: str) -> bool:
    """Whether a transfer crosses a provincial line (GB/T 2260: the first two digits differ):
    such a transfer needs the origin province's approval (固废法 2020, Art. 82)."""
    return origin_region[:2] != dest_region[:2]


def manifest_number(year: int, region_code: str, serial: int) -> str:
    """The 14-digit manifest number: year (4) + province (2) + city (2) + serial (6) numbered
    per city, per 危险废物转移管理办法 (2021) Art. 15. ``region_code``: the producer's county or
    city (GB/T 2260)."""
    if not 1 <= serial <= 999_999:
        raise ManifestInvalid(f"serial {serial} outside 1..999999", field="number")
    return f"{year:04d}{region_code[:4]}{serial:06d}"


def licence_covers(licensed: Iterable[str], code: str) -> bool:
    """Whether a licence's codes cover ``code`` (``III-SSS-CC``): listed itself or by its
    category wildcard ``HWCC``."""
    codes = set(licensed)
    return code in codes or f"HW{code[-2:]}" in codes
