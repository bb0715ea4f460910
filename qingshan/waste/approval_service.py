"""Cross-province transfer approvals (跨省转移批准, 固废法 2020 Art. 82; 危险废物转移管理办法 2021
Art. 21–28): recorded by a province-level bureau account (the origin province's 生态环境主管部门),
listed with the quantity shipped under each and what is left, and checked when a cross-province
manifest is submitted (:func:`check_manifest`; the rules in :mod:`qingshan.waste.approval`).

The quantity shipped under an approval is summed from the current versions of the manifests
citing its number (``approval_ref``) that have been submitted and not voided — a rejected
shipment still crossed the line and counts. Never stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, false, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import cached_directory, enterprise_names
from qingshan.audit.log import acting_as
from qingshan.geo.regions import in_scope
from qingshan.timeutil import as_cst, utcnow
from qingshan.waste.approval import (
    ApprovalTerms,
    approval_codes,
    approval_valid_to,
    check_approval,
)
from qingshan.waste.codes import CATEGORY_CODES, validate_code
from qingshan.waste.errors import ApprovalInvalid, ApprovalRefused, NotAParty
from qingshan.waste.facility_service import directory_entry
from qingshan.waste.manifest import is_cross_province, manifest_rules
from qingshan.waste.models import (
    WasteFacility,
    WasteManifest,
    WastePlan,
    WasteSignature,
    WasteTransferApproval,
)

__all__ = [
    "ApprovalSpec",
    "ApprovalView",
    "approvals",
    "check_manifest",
    "destination",
    "producer_choices",
    "record_approval",
    "shipped_under",
]


@dataclass(frozen=True)
class ApprovalSpec:
    """An approval as the bureau enters it. ``requested_to``: the end of the period the 移出人
    asked for (Art. 22 ¶2), caps the validity; ``dest_region``: the receiving site's county
    (GB/T 2260), default the receiver's."""

    number: str
    authority: str
    approved_on: date
    producer_id: int
    receiver_id: int
    waste_codes: tuple[str, ...]
    approved_t: float
    requested_to: date | None = None
    dest_region: str | None = None


@dataclass(frozen=True)
class ApprovalView:
    """An approval with the quantity shipped under it [t], what is left [t], and whether it is
    in force on ``on``."""

    id: int
    number: str
    authority: str
    authority_region: str
    approved_on: date
    valid_from: date
    valid_to: date
    producer_id: int
    producer_name: str
    receiver_id: int
    receiver_name: str
    dest_region: str
    waste_codes: tuple[str, ...]
    approved_t: float
    shipped_t: float
    remaining_t: float
    in_force: bool
    recorded_at: datetime
    recorded_by: str


def _province(code: str) -> str:
    return code[:2] + "0000"


def record_approval(session: Session, scope: Scope, spec: ApprovalSpec, *, actor: str,
                    at: datetime | None = None) -> ApprovalView:  # fmt: skip
    """Record an approval decided by the province of ``scope`` (a province-level bureau
    account: Art. 21 names the origin province's department). Checks: the producer is in that
    province, the receiving site is in another, the codes are valid on the approval date, the
    quantity is positive, the number is new; the validity follows Art. 27 ¶2
    (:func:`~qingshan.waste.approval.approval_valid_to`, capped at the receiver's licence when
    it is a registered facility). Raises NotAParty (403) for other accounts, ApprovalInvalid
    (422) naming the field."""
    if scope.role is not Role.PROVINCE:
        raise NotAParty(
            f"{scope.username} is not a province-level account: cross-province approvals are "
            "decided by the origin province's 生态环境主管部门 (危险废物转移管理办法 2021 Art. 21)"
        )  # fmt: skip
    number = " ".join(spec.number.split())
    if not number or len(number) > 64:
        raise ApprovalInvalid("the approval number is required (at most 64 characters)",
                              field="number")  # fmt: skip
    authority = " ".join(spec.authority.split())
    if not authority or len(authority) > 100:
        raise ApprovalInvalid("the approving authority is required (at most 100 characters)",
                              field="authority")  # fmt: skip
    producer = directory_entry(session, spec.producer_id)
    if _province(producer.region_code) != _province(scope.region_code):
        raise ApprovalInvalid(
            f"producer {spec.producer_id} is in {producer.region_code}, outside the province "
            f"{_province(scope.region_code)} of {scope.username}: the origin province approves",
            field="producer_id",
        )  # fmt: skip
    receiver = directory_entry(session, spec.receiver_id)
    dest = (spec.dest_region or receiver.region_code).strip()
    if not (len(dest) == 6 and dest.isdigit()):
        raise ApprovalInvalid(f"destination {dest!r} is not a GB/T 2260 code",
                              field="dest_region")  # fmt: skip
    if not is_cross_province(producer.region_code, dest):
        raise ApprovalInvalid(
            f"the receiving site {dest} is in the producer's province: a transfer within the "
            "province needs no cross-province approval", field="dest_region",
        )  # fmt: skip
    codes = approval_codes(spec.waste_codes)
    if not codes:
        raise ApprovalInvalid("an approval names at least one waste code", field="waste_codes")
    checked = []
    for c in codes:
        if c.startswith("HW"):
            if c not in CATEGORY_CODES:
                raise ApprovalInvalid(f"unknown category {c}", field="waste_codes")
            checked.append(c)
        else:
            checked.append(validate_code(c, spec.approved_on).code)
    top = float(manifest_rules()["max_quantity_t"])
    if not 0 < spec.approved_t <= top:
        raise ApprovalInvalid(f"approved quantity {spec.approved_t} t outside (0, {top:g}] t",
                              field="approved_t")  # fmt: skip
    if spec.requested_to is not None and spec.requested_to < spec.approved_on:
        raise ApprovalInvalid("the requested period ends before the approval date",
                              field="requested_to")  # fmt: skip
    licence_to = session.scalar(select(WasteFacility.licence_valid_to)
                                .where(WasteFacility.enterprise_id == spec.receiver_id))  # fmt: skip
    valid_to = approval_valid_to(spec.approved_on, spec.requested_to, licence_to)
    if session.scalar(select(WasteTransferApproval.id)
                      .where(WasteTransferApproval.number == number)) is not None:  # fmt: skip
        raise ApprovalInvalid(f"approval {number} is already recorded", field="number")
    row = WasteTransferApproval(
        number=number, authority=authority, authority_region=_province(scope.region_code),
        approved_on=spec.approved_on, valid_from=spec.approved_on, valid_to=valid_to,
        producer_id=spec.producer_id, receiver_id=spec.receiver_id, dest_region=dest,
        waste_codes=list(dict.fromkeys(checked)), approved_t=float(spec.approved_t),
        recorded_at=at or utcnow(), recorded_by=actor,
    )  # fmt: skip
    with acting_as(actor):
        session.add(row)
        session.flush()
    return _views(session, [row], as_cst(utcnow()).date())[0]


def _current() -> ColumnElement[bool]:
    newer = aliased(WasteManifest)
    return ~exists().where(newer.supersedes_id == WasteManifest.id)


def shipped_under(session: Session, numbers: Sequence[str],
                  exclude_number: str | None = None) -> dict[str, float]:  # fmt: skip
    """approval number → quantity [t] of the current manifest versions citing it that were
    submitted and not voided (``exclude_number``: a manifest left out, the one being checked)."""
    if not numbers:
        return {}
    chain = aliased(WasteManifest)

    def signed(action: str) -> ColumnElement[bool]:
        return exists().where(WasteSignature.manifest_id == chain.id,
                              chain.number == WasteManifest.number,
                              WasteSignature.action == action)  # fmt: skip

    stmt = (
        select(WasteManifest.approval_ref, func.sum(WasteManifest.quantity_t))
        .where(_current(), WasteManifest.approval_ref.in_(sorted(set(numbers))),
               signed("submit"), ~signed("void"))
        .group_by(WasteManifest.approval_ref)
    )  # fmt: skip
    if exclude_number is not None:
        stmt = stmt.where(WasteManifest.number != exclude_number)
    return {str(n): float(q or 0.0) for n, q in session.execute(stmt)}


def check_manifest(session: Session, m: WasteManifest) -> float:
    """Check a cross-province manifest ``m`` against the approval it cites (Art. 27–28): the
    quantity [t] left after it. Raises ApprovalRequired (no reference) / ApprovalRefused (an
    unknown number, or the condition that fails)."""
    number = (m.approval_ref or "").strip()
    a = session.scalars(select(WasteTransferApproval)
                        .where(WasteTransferApproval.number == number)).one_or_none()  # fmt: skip
    if a is None:
        raise ApprovalRefused(
            f"manifest {m.number}: no recorded approval numbered {number!r} — the origin "
            "province's approval must be recorded before a cross-province transfer "
            "(固废法 2020 Art. 82; 危险废物转移管理办法 2021 Art. 21)",
            condition="unknown", field="approval_ref",
        )  # fmt: skip
    if a.dest_region[:2] != m.dest_region[:2]:
        raise ApprovalRefused(
            f"approval {a.number} is for a transfer to {a.dest_region}, not to {m.dest_region}",
            condition="receiver", field="approval_ref",
        )  # fmt: skip
    before = shipped_under(session, [a.number], exclude_number=m.number).get(a.number, 0.0)
    return check_approval(_terms(a), producer_id=m.producer_id, receiver_id=m.receiver_id,
                          code=m.waste_code, ship_on=m.transfer_on, quantity_t=m.quantity_t,
                          shipped_before_t=before)  # fmt: skip


def destination(session: Session, number: str | None, producer_id: int,
                receiver_id: int) -> str | None:  # fmt: skip
    """The receiving site's county of the recorded approval ``number`` when it names this
    producer and receiver (a manifest citing it goes there), else None."""
    ref = (number or "").strip()
    if not ref:
        return None
    return session.scalar(select(WasteTransferApproval.dest_region).where(
        WasteTransferApproval.number == ref, WasteTransferApproval.producer_id == producer_id,
        WasteTransferApproval.receiver_id == receiver_id))  # fmt: skip


def producer_choices(session: Session, scope: Scope) -> list[tuple[int, str, str]]:
    """(id, name, county) of the producers in ``scope``'s region that filed a management plan
    (the 移出人 an approval may name), by name: the approval form's list."""
    ids = set(session.scalars(select(WastePlan.enterprise_id).distinct()))
    out = [(e.id, e.name, e.region_code) for i, e in cached_directory(session).items()
           if i in ids and in_scope(e.region_code, scope.region_code)]  # fmt: skip
    return sorted(out, key=lambda r: (r[1], r[0]))


def _terms(a: WasteTransferApproval) -> ApprovalTerms:
    return ApprovalTerms(a.number, a.producer_id, a.receiver_id, tuple(a.waste_codes),
                         a.valid_from, a.valid_to, a.approved_t)  # fmt: skip


def _views(session: Session, rows: Sequence[WasteTransferApproval], on: date) -> list[ApprovalView]:
    shipped = shipped_under(session, [a.number for a in rows])
    names = enterprise_names(session, {i for a in rows for i in (a.producer_id, a.receiver_id)})
    out = []
    for a in rows:
        used = round(shipped.get(a.number, 0.0), 6)
        out.append(ApprovalView(
            id=a.id, number=a.number, authority=a.authority, authority_region=a.authority_region,
            approved_on=a.approved_on, valid_from=a.valid_from, valid_to=a.valid_to,
            producer_id=a.producer_id, producer_name=names.get(a.producer_id, ""),
            receiver_id=a.receiver_id, receiver_name=names.get(a.receiver_id, ""),
            dest_region=a.dest_region, waste_codes=tuple(a.waste_codes),
            approved_t=a.approved_t, shipped_t=used,
            remaining_t=round(max(a.approved_t - used, 0.0), 6),
            in_force=a.valid_from <= on <= a.valid_to, recorded_at=a.recorded_at,
            recorded_by=a.recorded_by,
        ))  # fmt: skip
    return out


def approvals(session: Session, scope: Scope, *, on: date | None = None) -> list[ApprovalView]:
    """The approvals ``scope`` sees, newest first: bureau accounts those decided by their
    province or whose producer or receiving site lies in their region; enterprise accounts
    those naming an enterprise they act for; the public none. ``on``: the day ``in_force``
    refers to (default today, CST)."""
    stmt = select(WasteTransferApproval)
    if scope.role is Role.PUBLIC:
        stmt = stmt.where(false())
    elif scope.role is Role.ENTERPRISE:
        ids = sorted(scope.enterprises)
        stmt = stmt.where(or_(WasteTransferApproval.producer_id.in_(ids),
                              WasteTransferApproval.receiver_id.in_(ids)))  # fmt: skip
    elif scope.role is not Role.PROVINCE:
        producers = sorted(i for i, e in cached_directory(session).items()
                           if in_scope(e.region_code, scope.region_code))  # fmt: skip
        stmt = stmt.where(or_(scope.where(WasteTransferApproval.dest_region),
                              WasteTransferApproval.producer_id.in_(producers)))  # fmt: skip
    else:
        stmt = stmt.where(or_(WasteTransferApproval.authority_region == _province(scope.region_code),
                              scope.where(WasteTransferApproval.dest_region)))  # fmt: skip
    rows = list(session.scalars(stmt.order_by(WasteTransferApproval.approved_on.desc(),
                                              WasteTransferApproval.id.desc())))  # fmt: skip
    return _views(session, rows, on or as_cst(utcnow()).date())
