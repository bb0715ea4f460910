"""Transfer manifests (转移联单): create, sign, correct, list, read, and the transfers the mass
balance and the flow map read.

Rules (危险废物转移管理办法 2021; 固废法 2020 Art. 82; the lifecycle in
:mod:`qingshan.waste.manifest`):

- the state is derived from the signatures of every version of a number, never stored;
- a signature is an insert-only row naming the party, the enterprise, the user and the time.
  **Who may sign**: a user linked to the party's enterprise (``User.enterprise_ids``), or a
  bureau account (province, city, county) whose region holds the manifest's origin or
  destination, entering a **paper** manifest (``paper=True``, a note naming the paper form; the
  办法 allows paper when the system is down, entered within 10 working days, Art. 20 ¶2). Anyone else:
  :class:`~qingshan.waste.errors.NotAParty` (403);
- submission checks the code on the transfer date (``validate_code``), the receiver's licence
  (:func:`~qingshan.waste.facility_service.check_licence`) and, across a provincial line, the
  recorded approval it cites (Art. 82; :func:`~qingshan.waste.approval_service.check_manifest`);
- the receiver's ``receive`` records the quantity received; a discrepancy beyond the tolerance
  (5 %, ``data/manifest_rules.json``) or a rejection is reported to the case sink (source
  ``waste``, category ``solid_waste`` of ``cases/data/rules.json``);
- a correction is a new version (``version + 1``, ``supersedes_id``, a reason); the old row and
  its signatures are untouched.

Scope: region accounts see the manifests whose origin or destination lies in their region;
enterprise accounts those they are a party to (producer, a transporter or the receiver).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import pandas as pd
from sqlalchemy import Select, exists, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import scope_of
from qingshan.archive.service import directory_entry as archive_entry
from qingshan.archive.service import enterprise_names
from qingshan.audit.log import acting_as
from qingshan.errors import NotFound
from qingshan.geo.regions import in_scope
from qingshan.qc.supervision import CaseReport, CaseSink
from qingshan.timeutil import CST, as_cst, utcnow
from qingshan.waste import approval_service
from qingshan.waste.approval import Overdue, TimedSignature, overdue
from qingshan.waste.codes import validate_code
from qingshan.waste.errors import ApprovalRequired, ManifestInvalid, NotAParty
from qingshan.waste.facility_service import check_licence, directory_entry
from qingshan.waste.manifest import (
    Action,
    ManifestState,
    Signed,
    check_step,
    derive_state,
    discrepancy,
    is_cross_province,
    manifest_number,
    manifest_rules,
    next_signers,
)
from qingshan.waste.models import (
    WasteFacility,
    WasteManifest,
    WasteManifestLeg,
    WastePlan,
    WasteSignature,
)

__all__ = [
    "CORRECTABLE",
    "ManifestDraft",
    "ManifestFilters",
    "ManifestRow",
    "ManifestView",
    "Page",
    "SignOutcome",
    "SignatureView",
    "VersionView",
    "correct",
    "create_manifest",
    "list_manifests",
    "manifest_detail",
    "may_create",
    "overdue_counts",
    "sign",
    "transfers_frame",
]

T = TypeVar("T")
#: the fields a correction may change
CORRECTABLE = ("waste_code", "quantity_t", "approval_ref", "transfer_on")
_BUREAU = (Role.PROVINCE, Role.CITY, Role.COUNTY)


@dataclass(frozen=True)
class Page(Generic[T]):
    total: int
    limit: int
    offset: int
    items: list[T]


@dataclass(frozen=True)
class ManifestDraft:
    """What the producer fills in: the receiver, the transporters in order, the code, the
    quantity [t], the planned transfer date; ``dest_region`` defaults to the receiver's county."""

    producer_id: int
    receiver_id: int
    transporter_ids: tuple[int, ...]
    waste_code: str
    quantity_t: float
    transfer_on: date
    dest_region: str | None = None
    approval_ref: str | None = None


@dataclass(frozen=True)
class ManifestFilters:
    state: ManifestState | None = None
    year: int | None = None
    enterprise_id: int | None = None  # as any party
    number: str | None = None  # a prefix
    cross_province: bool | None = None
    #: only the manifests past a time limit (True) or within them (False)
    overdue: bool | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class ManifestRow:
    id: int
    number: str
    version: int
    state: ManifestState
    producer_id: int
    producer_name: str
    receiver_id: int
    receiver_name: str
    waste_code: str
    category: str
    quantity_t: float
    received_t: float | None
    #: (received − shipped) / shipped [fraction] when beyond the tolerance, else None
    discrepancy: float | None
    transfer_on: date
    origin_region: str
    dest_region: str
    cross_province: bool
    legs: int
    #: the time limits missed (危险废物转移管理办法 2021 Art. 18, 20), from the signature times
    overdue: tuple[Overdue, ...] = ()


@dataclass(frozen=True)
class SignatureView:
    party: str
    action: str
    enterprise_id: int
    enterprise_name: str
    username: str
    signed_at: datetime
    quantity_t: float | None
    note: str
    paper: bool
    version: int


@dataclass(frozen=True)
class VersionView:
    id: int
    version: int
    created_at: datetime
    created_by: str
    reason: str | None
    waste_code: str
    quantity_t: float
    approval_ref: str | None
    transfer_on: date


@dataclass(frozen=True)
class ManifestView(ManifestRow):
    approval_ref: str | None = None
    created_at: datetime | None = None
    created_by: str = ""
    reason: str | None = None
    current_id: int = 0
    transporters: list[tuple[int, int, str]] = field(default_factory=list)  # (seq, id, name)
    signatures: list[SignatureView] = field(default_factory=list)
    versions: list[VersionView] = field(default_factory=list)
    next_signers: list[tuple[str, str]] = field(default_factory=list)
    tolerance: float = 0.05


# ----------------------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------------------
def _current() -> Any:
    newer = aliased(WasteManifest)
    return ~exists().where(newer.supersedes_id == WasteManifest.id)


def _scoped(stmt: Select, scope: Scope) -> Select:
    if scope.role is Role.PUBLIC:
        return stmt.where(false())
    if scope.role is Role.ENTERPRISE:
        ids = sorted(scope.enterprises)
        leg = exists().where(WasteManifestLeg.manifest_id == WasteManifest.id,
                             WasteManifestLeg.transporter_id.in_(ids))  # fmt: skip
        return stmt.where(or_(WasteManifest.producer_id.in_(ids),
                              WasteManifest.receiver_id.in_(ids), leg))  # fmt: skip
    return stmt.where(or_(scope.where(WasteManifest.origin_region),
                          scope.where(WasteManifest.dest_region)))  # fmt: skip


def _chain_signatures(session: Session, numbers: Sequence[str]) -> dict[str, list[WasteSignature]]:
    if not numbers:
        return {}
    rows = session.execute(
        select(WasteManifest.number, WasteSignature)
        .join(WasteManifest, WasteManifest.id == WasteSignature.manifest_id)
        .where(WasteManifest.number.in_(sorted(set(numbers))))
        .order_by(WasteSignature.signed_at, WasteSignature.id)
    ).all()
    out: dict[str, list[WasteSignature]] = {}
    for number, sig in rows:
        out.setdefault(str(number), []).append(sig)
    return out


def _leg_counts(session: Session, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(WasteManifestLeg.manifest_id, func.count())
        .where(WasteManifestLeg.manifest_id.in_(sorted(set(ids))))
        .group_by(WasteManifestLeg.manifest_id)
    ).all()
    return {int(m): int(n) for m, n in rows}


def _signed(sigs: Sequence[WasteSignature]) -> list[Signed]:
    return [Signed(s.party, s.action, s.quantity_t) for s in sigs]


def _received(sigs: Sequence[WasteSignature]) -> float | None:
    got = [s.quantity_t for s in sigs if s.action == Action.RECEIVE]
    return None if not got else got[-1]


def _today() -> date:
    return as_cst(utcnow()).date()


def _overdue(m: WasteManifest, sigs: Sequence[WasteSignature], legs: int,
             today: date) -> tuple[Overdue, ...]:  # fmt: skip
    timed = [TimedSignature(s.party, s.action, s.signed_at, bool(s.paper)) for s in sigs]
    return tuple(overdue(timed, legs, m.transfer_on, today))


def _row(m: WasteManifest, sigs: Sequence[WasteSignature], legs: int,
         names: Mapping[int, str], today: date | None = None) -> ManifestRow:  # fmt: skip
    received = _received(sigs)
    return ManifestRow(
        id=m.id, number=m.number, version=m.version, state=derive_state(_signed(sigs), legs),
        producer_id=m.producer_id, producer_name=names.get(m.producer_id, ""),
        receiver_id=m.receiver_id, receiver_name=names.get(m.receiver_id, ""),
        waste_code=m.waste_code, category=f"HW{m.waste_code[-2:]}", quantity_t=m.quantity_t,
        received_t=received,
        discrepancy=None if received is None else discrepancy(m.quantity_t, received),
        transfer_on=m.transfer_on, origin_region=m.origin_region, dest_region=m.dest_region,
        cross_province=is_cross_province(m.origin_region, m.dest_region), legs=legs,
        overdue=_overdue(m, sigs, legs, today or _today()),
    )  # fmt: skip


def list_manifests(session: Session, scope: Scope, filters: ManifestFilters | None = None
                   ) -> Page[ManifestRow]:  # fmt: skip
    """The current versions of the manifests ``scope`` sees, newest transfer first, filtered
    (the state filter applies to the derived state)."""
    f = filters or ManifestFilters()
    stmt = _scoped(select(WasteManifest).where(_current()), scope)
    if f.year is not None:
        stmt = stmt.where(WasteManifest.transfer_on >= date(f.year, 1, 1),
                          WasteManifest.transfer_on < date(f.year + 1, 1, 1))  # fmt: skip
    if f.number:
        stmt = stmt.where(WasteManifest.number.startswith(f.number, autoescape=True))
    if f.enterprise_id is not None:
        leg = exists().where(WasteManifestLeg.manifest_id == WasteManifest.id,
                             WasteManifestLeg.transporter_id == f.enterprise_id)  # fmt: skip
        stmt = stmt.where(or_(WasteManifest.producer_id == f.enterprise_id,
                              WasteManifest.receiver_id == f.enterprise_id, leg))  # fmt: skip
    if f.cross_province is not None:
        cross = func.substr(WasteManifest.dest_region, 1, 2) != func.substr(
            WasteManifest.origin_region, 1, 2
        )
        stmt = stmt.where(cross if f.cross_province else ~cross)
    stmt = stmt.order_by(WasteManifest.transfer_on.desc(), WasteManifest.id.desc())
    manifests = list(session.scalars(stmt))
    if f.state is not None or f.overdue is not None:
        sigs = _chain_signatures(session, [m.number for m in manifests])
        legs = _leg_counts(session, [m.id for m in manifests])
        today = _today()
        if f.state is not None:
            manifests = [m for m in manifests
                         if derive_state(_signed(sigs.get(m.number, [])), legs.get(m.id, 0)) == f.state]  # fmt: skip
        if f.overdue is not None:
            manifests = [m for m in manifests
                         if bool(_overdue(m, sigs.get(m.number, []), legs.get(m.id, 0), today))
                         is f.overdue]  # fmt: skip
    total = len(manifests)
    page = manifests[f.offset : f.offset + f.limit]
    sigs = _chain_signatures(session, [m.number for m in page])
    legs = _leg_counts(session, [m.id for m in page])
    names = enterprise_names(session, {i for m in page for i in (m.producer_id, m.receiver_id)})
    today = _today()
    items = [_row(m, sigs.get(m.number, []), legs.get(m.id, 0), names, today) for m in page]
    return Page(total=total, limit=f.limit, offset=f.offset, items=items)


def _visible(session: Session, scope: Scope, manifest_id: int) -> WasteManifest:
    m = session.scalars(
        _scoped(select(WasteManifest).where(WasteManifest.id == manifest_id), scope)
    ).one_or_none()
    if m is None:
        raise NotFound(f"manifest {manifest_id} does not exist or is outside the scope of "
                       f"{scope.username}", manifest_id=manifest_id)  # fmt: skip
    return m


def _versions(session: Session, number: str) -> list[WasteManifest]:
    return list(session.scalars(
        select(WasteManifest).where(WasteManifest.number == number).order_by(WasteManifest.version)
    ))  # fmt: skip


def manifest_detail(session: Session, scope: Scope, manifest_id: int) -> ManifestView:
    """One version of a manifest with the chain's signature timeline, its versions, its
    transporters and who may sign next; NotFound outside the scope."""
    m = _visible(session, scope, manifest_id)
    versions = _versions(session, m.number)
    legs = _legs(session, m.id)
    sigs = _chain_signatures(session, [m.number]).get(m.number, [])
    return _view(session, m, versions, legs, sigs)


def _legs(session: Session, manifest_id: int) -> list[WasteManifestLeg]:
    return list(session.scalars(
        select(WasteManifestLeg).where(WasteManifestLeg.manifest_id == manifest_id)
        .order_by(WasteManifestLeg.seq)
    ))  # fmt: skip


def _view(session: Session, m: WasteManifest, versions: Sequence[WasteManifest],
          legs: Sequence[WasteManifestLeg], sigs: Sequence[WasteSignature]) -> ManifestView:  # fmt: skip
    current = versions[-1]
    by_id = {v.id: v.version for v in versions}
    names = enterprise_names(session, {m.producer_id, m.receiver_id,
                                       *(g.transporter_id for g in legs),
                                       *(s.enterprise_id for s in sigs)})  # fmt: skip
    row = _row(m, sigs, len(legs), names)
    signed = _signed(sigs)
    return ManifestView(
        **row.__dict__, approval_ref=m.approval_ref, created_at=m.created_at,
        created_by=m.created_by, reason=m.reason, current_id=current.id,
        transporters=[(g.seq, g.transporter_id, names.get(g.transporter_id, "")) for g in legs],
        signatures=[SignatureView(s.party, s.action, s.enterprise_id,
                                  names.get(s.enterprise_id, ""), s.username, s.signed_at,
                                  s.quantity_t, s.note, s.paper, by_id.get(s.manifest_id, 0))
                    for s in sigs],
        versions=[VersionView(v.id, v.version, v.created_at, v.created_by, v.reason,
                              v.waste_code, v.quantity_t, v.approval_ref, v.transfer_on)
                  for v in versions],
        next_signers=[(p, a.value) for p, a in next_signers(signed, len(legs))]
        if m.id == current.id else [],
        tolerance=float(manifest_rules()["discrepancy_tolerance"]),
    )  # fmt: skip


# ----------------------------------------------------------------------------------------
# writing
# ----------------------------------------------------------------------------------------
def _check_quantity(q: float) -> float:
    top = float(manifest_rules()["max_quantity_t"])
    if not 0 < q <= top:
        raise ManifestInvalid(f"quantity {q} t outside (0, {top:g}] t", field="quantity_t")
    return float(q)


def _next_serial(session: Session, year: int, region_code: str) -> int:
    prefix = f"{year:04d}{region_code[:4]}"
    top = session.scalar(select(func.max(WasteManifest.number))
                         .where(WasteManifest.number.startswith(prefix)))  # fmt: skip
    return 1 if top is None else int(top[-6:]) + 1


#: GB/T 4754-2017 5435 危险货物道路运输: a carrier, not a 移出人
_CARRIER_INDUSTRY = "5435"


def may_create(session: Session, scope: Scope) -> bool:
    """Whether ``scope`` may create manifests: a bureau account (province, city, county: for a
    producer of its region), or an enterprise account acting for a 移出人 (危险废物转移管理办法
    2021 Art. 31 (二): the unit where a transfer starts) — an enterprise that has filed a
    management plan (the 联单 is filled from it, Art. 14), or one that is neither a carrier
    (GB/T 4754 5435) nor a licensed receiving facility. Transporters and facilities without a
    plan do not create manifests."""
    if scope.role in _BUREAU:
        return True
    if scope.role is not Role.ENTERPRISE or not scope.enterprises:
        return False
    ids = sorted(scope.enterprises)
    planned = set(session.scalars(select(WastePlan.enterprise_id)
                                  .where(WastePlan.enterprise_id.in_(ids))))  # fmt: skip
    facilities = set(session.scalars(select(WasteFacility.enterprise_id)
                                     .where(WasteFacility.enterprise_id.in_(ids))))  # fmt: skip
    for eid in ids:
        entry = archive_entry(session, eid)
        if entry is None:
            continue
        if eid in planned or (entry.industry_code != _CARRIER_INDUSTRY and eid not in facilities):
            return True
    return False


def create_manifest(session: Session, scope: Scope, draft: ManifestDraft, *, actor: str,
                    at: datetime | None = None) -> ManifestView:  # fmt: skip
    """A new manifest (version 1, draft) of ``draft.producer_id``: an enterprise user acting
    for the producer, or a bureau account of the producer's region. ``at``: when (the demo's
    history; default now)."""
    producer = directory_entry(session, draft.producer_id)
    if scope.role is Role.ENTERPRISE:
        if draft.producer_id not in scope.enterprises:
            raise NotAParty(f"{scope.username} does not act for producer {draft.producer_id}",
                            enterprise_id=draft.producer_id)  # fmt: skip
    elif scope.role in _BUREAU:
        if not in_scope(producer.region_code, scope.region_code):
            raise NotAParty(f"producer {draft.producer_id} is outside the region of {scope.username}",
                            enterprise_id=draft.producer_id)  # fmt: skip
    else:
        raise NotAParty("anonymous users may not create manifests")
    if scope.role is Role.ENTERPRISE and not may_create(session, scope):
        raise NotAParty(
            f"{scope.username} acts for no waste producer (移出人): transporters and receiving "
            "facilities do not create manifests (危险废物转移管理办法 2021 Art. 31)",
            enterprise_id=draft.producer_id,
        )  # fmt: skip
    receiver = directory_entry(session, draft.receiver_id)
    if not draft.transporter_ids:
        raise ManifestInvalid("a manifest needs at least one transporter", field="transporter_ids")
    if len(draft.transporter_ids) > int(manifest_rules()["max_legs"]):
        raise ManifestInvalid(f"at most {manifest_rules()['max_legs']} transporters",
                              field="transporter_ids")  # fmt: skip
    for t in draft.transporter_ids:
        directory_entry(session, t)
    code = validate_code(draft.waste_code, draft.transfer_on).code
    dest = (
        draft.dest_region
        or approval_service.destination(
            session, draft.approval_ref, draft.producer_id, draft.receiver_id
        )
        or receiver.region_code
    )
    if not (len(dest) == 6 and dest.isdigit()):
        raise ManifestInvalid(f"destination {dest!r} is not a GB/T 2260 code", field="dest_region")
    now = at or utcnow()
    year = draft.transfer_on.year
    m = WasteManifest(
        number=manifest_number(year, producer.region_code,
                               _next_serial(session, year, producer.region_code)),
        version=1, producer_id=draft.producer_id, receiver_id=draft.receiver_id,
        waste_code=code, quantity_t=_check_quantity(draft.quantity_t),
        origin_region=producer.region_code, dest_region=dest,
        approval_ref=(draft.approval_ref or "").strip() or None,
        transfer_on=draft.transfer_on, created_at=now, created_by=actor,
    )  # fmt: skip
    with acting_as(actor):
        session.add(m)
        session.flush()
        session.add_all(WasteManifestLeg(manifest_id=m.id, seq=k, transporter_id=t)
                        for k, t in enumerate(draft.transporter_ids, start=1))  # fmt: skip
        session.flush()
    return manifest_detail(session, _reader(scope), m.id)


def _reader(scope: Scope) -> Scope:
    return scope if scope.role is not Role.PUBLIC else replace(scope, role=Role.PROVINCE)


def _party_enterprise(m: WasteManifest, legs: Sequence[WasteManifestLeg], party: str) -> int:
    if party == "producer":
        return m.producer_id
    if party == "receiver":
        return m.receiver_id
    seq = int(party.split(":")[1])
    return next(g.transporter_id for g in legs if g.seq == seq)


def _check_submission(m: WasteManifest, session: Session) -> None:
    validate_code(m.waste_code, m.transfer_on)
    if is_cross_province(m.origin_region, m.dest_region):
        if not m.approval_ref:
            raise ApprovalRequired(
                f"manifest {m.number}: a transfer from {m.origin_region} to {m.dest_region} "
                "crosses a provincial line and needs the origin province's approval number "
                "(固废法 2020, Art. 82)", field="approval_ref",
            )  # fmt: skip
        check_licence(session, m.receiver_id, m.waste_code, m.transfer_on)
        approval_service.check_manifest(session, m)
        return
    check_licence(session, m.receiver_id, m.waste_code, m.transfer_on)


@dataclass(frozen=True)
class SignOutcome:
    """What a signature did: the party it signed as, the manifest's state after it, the
    quantity received [t] and its discrepancy [fraction] (beyond the tolerance, else None).
    The full view is :func:`manifest_detail`'s (the API and the pages read it after)."""

    manifest_id: int
    number: str
    party: str
    action: str
    state: ManifestState
    signed_at: datetime
    received_t: float | None
    discrepancy: float | None


def _chain_of(session: Session, manifest_id: int
              ) -> tuple[list[WasteManifest], list[WasteSignature]]:  # fmt: skip
    """The versions of ``manifest_id``'s number (by version) and their signatures (in signing
    order); both empty when there is no such manifest. Two indexed reads (the manifest itself
    usually comes from the session): measured faster than one joined two-entity read."""
    m = session.get(WasteManifest, manifest_id)
    if m is None:
        return [], []
    versions = _versions(session, m.number)
    sigs = list(session.scalars(
        select(WasteSignature).where(WasteSignature.manifest_id.in_([v.id for v in versions]))
        .order_by(WasteSignature.signed_at, WasteSignature.id)
    ))  # fmt: skip
    return versions, sigs


def sign(session: Session, user: User | Scope, manifest_id: int, action: str, *,
         quantity_t: float | None = None, note: str = "", sink: CaseSink | None = None,
         paper: bool = False, at: datetime | None = None) -> SignOutcome:  # fmt: skip
    """Sign ``action`` on the current version ``manifest_id`` as the party whose turn it is
    among those ``user`` acts for. See the module's rules; raises NotAParty (403),
    IllegalManifestStep (409), UnlicensedFacility / ApprovalRequired / ManifestInvalid (422).

    Cost: O(this manifest) — its versions, their signatures and its legs (three indexed reads)
    and one insert; the full view is not rebuilt (call :func:`manifest_detail` for it)."""
    scope = user if isinstance(user, Scope) else scope_of(user)
    versions, sigs = _chain_of(session, manifest_id)
    m = next((v for v in versions if v.id == manifest_id), None)
    if m is None:
        raise NotFound(f"manifest {manifest_id} does not exist", manifest_id=manifest_id)
    if versions[-1].id != m.id:
        raise ManifestInvalid(
            f"manifest {manifest_id} is version {m.version} of {m.number}, superseded by "
            f"version {versions[-1].version} (id {versions[-1].id}): sign the current version",
            field="manifest_id",
        )  # fmt: skip
    legs = _legs(session, m.id)
    parties = ["producer", *(f"transporter:{g.seq}" for g in legs), "receiver"]
    note = note.strip()
    if scope.role is Role.ENTERPRISE:
        mine = [p for p in parties if _party_enterprise(m, legs, p) in scope.enterprises]
        if not mine:  # not in its scope: the same 404 as a missing manifest
            raise NotFound(f"manifest {manifest_id} does not exist or is outside the scope of "
                           f"{scope.username}", manifest_id=manifest_id)  # fmt: skip
        if paper:
            raise NotAParty("only bureau accounts enter paper manifests", manifest_id=m.id)
    elif scope.role in _BUREAU and not (in_scope(m.origin_region, scope.region_code)
                                        or in_scope(m.dest_region, scope.region_code)):  # fmt: skip
        raise NotFound(f"manifest {manifest_id} does not exist or is outside the scope of "
                       f"{scope.username}", manifest_id=manifest_id)  # fmt: skip
    elif scope.role in _BUREAU and paper:
        if not note:
            raise ManifestInvalid("a paper back-entry needs a note naming the paper manifest",
                                  field="note")  # fmt: skip
        mine = parties
    else:
        raise NotAParty(
            f"{scope.username} is no party of manifest {m.number}: a bureau account signs only "
            "when entering a paper manifest (paper=true, with a note)", manifest_id=m.id,
        )  # fmt: skip
    signed = _signed(sigs)
    allowed = [p for p, a in next_signers(signed, len(legs)) if a == action and p in mine]
    party = allowed[0] if allowed else next((p for p in mine), "producer")
    check_step(signed, len(legs), party, action)
    if action == Action.SUBMIT:
        _check_submission(m, session)
    gap: float | None = None
    if action == Action.RECEIVE:
        if quantity_t is None:
            raise ManifestInvalid("the receiver records the quantity received", field="quantity_t")
        quantity_t = _check_quantity(quantity_t)
        gap = discrepancy(m.quantity_t, quantity_t)
    elif quantity_t is not None:
        raise ManifestInvalid(
            f"only a receipt carries a quantity, not {action}", field="quantity_t"
        )
    if action == Action.REJECT and not note:
        raise ManifestInvalid("a rejection needs a note giving the reason", field="note")
    now = at or utcnow()
    row = WasteSignature(manifest_id=m.id, party=party, action=action,
                         enterprise_id=_party_enterprise(m, legs, party), username=scope.username,
                         signed_at=now, quantity_t=quantity_t, note=note[:500], paper=paper)  # fmt: skip
    with acting_as(scope.username):
        session.add(row)
        session.flush()
        if sink is not None and (gap is not None or action == Action.REJECT):
            sink.open_case(session, _report(session, m, action, gap, quantity_t, note, now))
    after = [*sigs, row]
    return SignOutcome(
        manifest_id=m.id, number=m.number, party=party, action=action,
        state=derive_state(_signed(after), len(legs)), signed_at=now,
        received_t=_received(after), discrepancy=gap,
    )  # fmt: skip


def _report(session: Session, m: WasteManifest, action: str, gap: float | None,
            received: float | None, note: str, at: datetime) -> CaseReport:  # fmt: skip
    names = enterprise_names(session, [m.producer_id, m.receiver_id])
    if action == Action.REJECT:
        title = f"危废转移联单{m.number}被接受单位退回"
        severity = "serious"
    else:
        assert gap is not None
        title = f"危废转移联单{m.number}数量差异{gap:+.1%}"
        severity = "serious" if abs(gap) > 0.2 else "general"
    return CaseReport(
        source="waste", source_key=f"manifest:{m.number}:{action}", region_code=m.origin_region,
        category="solid_waste", severity=severity, title=title, occurred_at=at,
        enterprise_id=m.producer_id,
        description=(f"{names.get(m.producer_id, m.producer_id)} → "
                     f"{names.get(m.receiver_id, m.receiver_id)}: {m.waste_code}, shipped "
                     f"{m.quantity_t:g} t" + ("" if received is None else f", received {received:g} t")
                     + (f"; {note}" if note else "")),
        evidence={"manifest_id": m.id, "number": m.number, "action": action,
                  "waste_code": m.waste_code, "shipped_t": m.quantity_t, "received_t": received,
                  "discrepancy": gap, "tolerance": manifest_rules()["discrepancy_tolerance"]},
    )  # fmt: skip


def correct(session: Session, user: User | Scope, manifest_id: int, changes: Mapping[str, Any],
            reason: str, *, at: datetime | None = None) -> ManifestView:  # fmt: skip
    """A new version of the current manifest ``manifest_id`` with ``changes`` (of
    :data:`CORRECTABLE`) and a ``reason``; the old version and every signature are kept. The
    producer's or receiver's users, or a bureau account of its region, may correct; a
    submitted manifest's new values pass the submission checks again."""
    scope = user if isinstance(user, Scope) else scope_of(user)
    m = _visible(session, _reader(scope), manifest_id) if scope.role is not Role.PUBLIC else None
    if m is None:
        raise NotAParty("anonymous users may not correct manifests")
    if scope.role is Role.ENTERPRISE and not ({m.producer_id, m.receiver_id} & scope.enterprises):
        raise NotAParty(f"only the producer or the receiver corrects manifest {m.number}",
                        manifest_id=m.id)  # fmt: skip
    versions = _versions(session, m.number)
    if versions[-1].id != m.id:
        raise ManifestInvalid(f"manifest {manifest_id} is superseded by id {versions[-1].id}",
                              field="manifest_id")  # fmt: skip
    reason = reason.strip()
    if not reason:
        raise ManifestInvalid("a correction needs a reason", field="reason")
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise ManifestInvalid(f"cannot correct {', '.join(unknown)} (correctable: "
                              f"{', '.join(CORRECTABLE)})", field=unknown[0])  # fmt: skip
    legs = list(session.scalars(select(WasteManifestLeg)
                                .where(WasteManifestLeg.manifest_id == m.id)
                                .order_by(WasteManifestLeg.seq)))  # fmt: skip
    sigs = _chain_signatures(session, [m.number]).get(m.number, [])
    state = derive_state(_signed(sigs), len(legs))
    if state is ManifestState.VOIDED:
        raise ManifestInvalid(
            f"manifest {m.number} is voided: nothing to correct", field="manifest_id"
        )
    values = {k: getattr(m, k) for k in CORRECTABLE}
    values.update(changes)
    transfer_on = values["transfer_on"]
    if isinstance(transfer_on, str):
        transfer_on = date.fromisoformat(transfer_on)
    new = WasteManifest(
        number=m.number, version=m.version + 1, supersedes_id=m.id, producer_id=m.producer_id,
        receiver_id=m.receiver_id, waste_code=validate_code(values["waste_code"], transfer_on).code,
        quantity_t=_check_quantity(float(values["quantity_t"])), origin_region=m.origin_region,
        dest_region=m.dest_region, approval_ref=(values["approval_ref"] or "").strip() or None,
        transfer_on=transfer_on, created_at=at or utcnow(), created_by=scope.username,
        reason=reason[:200],
    )  # fmt: skip
    if all(getattr(new, k) == getattr(m, k) for k in CORRECTABLE):
        raise ManifestInvalid("the correction changes nothing", field="changes")
    if state is not ManifestState.DRAFT:
        _check_submission(new, session)
    with acting_as(scope.username):
        session.add(new)
        session.flush()
        session.add_all(WasteManifestLeg(manifest_id=new.id, seq=g.seq,
                                         transporter_id=g.transporter_id) for g in legs)  # fmt: skip
        session.flush()
    return manifest_detail(session, _reader(scope), new.id)


# ----------------------------------------------------------------------------------------
# the transfers (mass balance, flow map)
# ----------------------------------------------------------------------------------------
TRANSFER_COLUMNS = ["manifest_id", "number", "producer_id", "receiver_id", "waste_code",
                    "category", "shipped_t", "received_t", "month", "origin_city", "dest_city",
                    "cross_province"]  # fmt: skip


def transfers_frame(session: Session, scope: Scope, year: int) -> pd.DataFrame:
    """One row per received or closed manifest (current version) transferred in ``year``
    that ``scope`` sees: shipped and received [t], ``month`` (first day of the transfer
    date's month), origin and destination cities (GB/T 2260, ``xxxx00``), cross-province."""
    stmt = _scoped(select(WasteManifest).where(
        _current(), WasteManifest.transfer_on >= date(year, 1, 1),
        WasteManifest.transfer_on < date(year + 1, 1, 1)), scope)  # fmt: skip
    manifests = list(session.scalars(stmt.order_by(WasteManifest.transfer_on, WasteManifest.id)))
    sigs = _chain_signatures(session, [m.number for m in manifests])
    legs = _leg_counts(session, [m.id for m in manifests])
    rows = []
    for m in manifests:
        mine = sigs.get(m.number, [])
        state = derive_state(_signed(mine), legs.get(m.id, 0))
        if state not in (ManifestState.RECEIVED, ManifestState.CLOSED):
            continue
        rows.append((m.id, m.number, m.producer_id, m.receiver_id, m.waste_code,
                     f"HW{m.waste_code[-2:]}", m.quantity_t, _received(mine),
                     m.transfer_on.replace(day=1), m.origin_region[:4] + "00",
                     m.dest_region[:4] + "00", is_cross_province(m.origin_region, m.dest_region)))  # fmt: skip
    return pd.DataFrame(rows, columns=TRANSFER_COLUMNS)


def overdue_counts(session: Session, scope: Scope, year: int,
                   today: date | None = None) -> dict[str, int]:  # fmt: skip
    """How many current manifests transferred in ``year`` that ``scope`` sees are past a time
    limit (危险废物转移管理办法 2021 Art. 18, 20): ``receipt_open`` (arrived, receipt not signed
    in 5 working days), ``receipt_late`` (signed after them), ``paper_late`` (a paper
    back-entry after 10 working days) and ``manifests`` (any of these, counted once)."""
    stmt = _scoped(select(WasteManifest).where(
        _current(), WasteManifest.transfer_on >= date(year, 1, 1),
        WasteManifest.transfer_on < date(year + 1, 1, 1)), scope)  # fmt: skip
    manifests = list(session.scalars(stmt))
    sigs = _chain_signatures(session, [m.number for m in manifests])
    legs = _leg_counts(session, [m.id for m in manifests])
    day = today or _today()
    out = {"receipt_open": 0, "receipt_late": 0, "paper_late": 0, "manifests": 0}
    for m in manifests:
        found = _overdue(m, sigs.get(m.number, []), legs.get(m.id, 0), day)
        for o in found:
            key = (
                "paper_late"
                if o.kind == "paper"
                else ("receipt_open" if o.open else "receipt_late")
            )
            out[key] += 1
        out["manifests"] += bool(found)
    return out


def signed_today(session: Session) -> int:
    """Signatures written since midnight CST (the overview's activity figure)."""
    start = datetime.combine(utcnow().astimezone(CST).date(), datetime.min.time(), tzinfo=CST)
    return int(session.scalar(select(func.count()).select_from(WasteSignature)
                              .where(WasteSignature.signed_at >= start)) or 0)  # fmt: skip
