"""Receiving facilities (利用处置单位): their 危险废物经营许可证 (number, term, licensed codes),
capacity [t/yr] and how much of it this year's receipts use.

A facility is an archive enterprise (read through :mod:`qingshan.archive.service`). The licence
check a manifest's submission runs (:func:`check_licence`) lives here: a receiver must hold a
licence valid on the transfer date that covers the code or its category (危险废物转移管理办法
2021; the reference's §5: 接受人 holds a 危险废物经营许可证 covering those codes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import EnterpriseEntry, enterprise_names
from qingshan.archive.service import directory_entry as archive_entry
from qingshan.errors import NotFound, PermissionDenied
from qingshan.geo.regions import in_scope
from qingshan.timeutil import CST, utcnow
from qingshan.waste.codes import CATEGORY_CODES, validate_code
from qingshan.waste.errors import ManifestInvalid, UnknownWasteCategory, UnlicensedFacility
from qingshan.waste.manifest import licence_covers
from qingshan.waste.models import (
    WasteFacility,
    WasteFacilityCode,
    WasteManifest,
    WasteSignature,
)

__all__ = [
    "FacilitySpec",
    "FacilityView",
    "check_licence",
    "directory_entry",
    "facilities",
    "register_facility",
]


@dataclass(frozen=True)
class FacilitySpec:
    """A facility's licence as registered: codes are ``III-SSS-CC`` or a category ``HWnn``."""

    enterprise_id: int
    licence_no: str
    licence_valid_from: date
    licence_valid_to: date
    capacity_t_per_year: float
    codes: tuple[str, ...]
    methods: tuple[str, ...] = ()


@dataclass(frozen=True)
class FacilityView:
    """A facility with its licence and this year's receipts [t] against its capacity [t/yr]."""

    id: int
    enterprise_id: int
    name: str
    region_code: str
    licence_no: str
    licence_valid_from: date
    licence_valid_to: date
    licence_valid: bool
    capacity_t_per_year: float
    methods: tuple[str, ...]
    codes: tuple[str, ...]
    year: int
    received_t: float
    #: received_t / capacity [fraction]; None when the capacity is 0
    capacity_use: float | None


def directory_entry(session: Session, enterprise_id: int) -> EnterpriseEntry:
    """The archive's directory entry of an enterprise (read once per session); NotFound."""
    entry = archive_entry(session, enterprise_id)
    if entry is None:
        raise NotFound(f"enterprise {enterprise_id} does not exist", field="enterprise_id")
    return entry


def _licence_code(code: str, on: date) -> str:
    text = code.strip().upper()
    if text.startswith("HW"):
        if text not in CATEGORY_CODES:
            raise UnknownWasteCategory(
                f"unknown category {text} in a licence; valid: HW01–HW40, HW45–HW50",
                category=text,
            )
        return text
    return validate_code(text, on).code


def register_facility(session: Session, scope: Scope, spec: FacilitySpec) -> int:
    """Register (or re-register) a facility's licence; returns its id. Province and city
    accounts of the facility's region only. The codes replace the previous list."""
    if scope.role not in (Role.PROVINCE, Role.CITY):
        raise PermissionDenied(f"{scope.username} may not register facilities (province, city)")
    entry = directory_entry(session, spec.enterprise_id)
    scope.check_region(entry.region_code)
    if spec.licence_valid_to < spec.licence_valid_from:
        raise ManifestInvalid("licence ends before it starts", field="licence_valid_to")
    if not spec.capacity_t_per_year >= 0:
        raise ManifestInvalid("capacity must be ≥ 0 t/yr", field="capacity_t_per_year")
    if not spec.codes:
        raise ManifestInvalid("a licence covers at least one code", field="codes")
    codes = sorted({_licence_code(c, spec.licence_valid_from) for c in spec.codes})
    row = session.scalars(
        select(WasteFacility).where(WasteFacility.enterprise_id == spec.enterprise_id)
    ).one_or_none()
    if row is None:
        row = WasteFacility(enterprise_id=spec.enterprise_id)
        session.add(row)
    row.licence_no = spec.licence_no.strip()
    row.licence_valid_from = spec.licence_valid_from
    row.licence_valid_to = spec.licence_valid_to
    row.capacity_t_per_year = float(spec.capacity_t_per_year)
    row.methods = list(spec.methods)
    row.region_code = entry.region_code
    session.flush()
    session.execute(delete(WasteFacilityCode).where(WasteFacilityCode.facility_id == row.id))
    session.add_all(WasteFacilityCode(facility_id=row.id, waste_code=c) for c in codes)
    session.flush()
    return row.id


def check_licence(session: Session, receiver_id: int, code: str, on: date) -> None:
    """Raise :class:`UnlicensedFacility` unless ``receiver_id`` holds a licence valid on ``on``
    covering ``code`` (itself or its category ``HWnn``)."""
    fac = session.scalars(
        select(WasteFacility).where(WasteFacility.enterprise_id == receiver_id)
    ).one_or_none()
    if fac is None:
        raise UnlicensedFacility(
            f"receiver {receiver_id} holds no 危险废物经营许可证 (not a registered facility)",
            receiver_id=receiver_id, code=code,
        )  # fmt: skip
    if not fac.licence_valid_from <= on <= fac.licence_valid_to:
        raise UnlicensedFacility(
            f"licence {fac.licence_no} of receiver {receiver_id} is not valid on {on.isoformat()} "
            f"(valid {fac.licence_valid_from.isoformat()}–{fac.licence_valid_to.isoformat()})",
            receiver_id=receiver_id, code=code,
        )  # fmt: skip
    codes = session.scalars(
        select(WasteFacilityCode.waste_code).where(WasteFacilityCode.facility_id == fac.id)
    ).all()
    if not licence_covers(codes, code):
        raise UnlicensedFacility(
            f"licence {fac.licence_no} of receiver {receiver_id} does not cover {code} "
            f"(nor category HW{code[-2:]}); licensed: {', '.join(sorted(codes))}",
            receiver_id=receiver_id, code=code,
        )  # fmt: skip


def _received_by(session: Session, enterprise_ids: Sequence[int], year: int) -> dict[int, float]:
    """receiver enterprise → quantity received [t] in ``year`` (CST) by ``receive`` signatures."""
    if not enterprise_ids:
        return {}
    rows = session.execute(
        select(WasteManifest.receiver_id, WasteSignature.signed_at, WasteSignature.quantity_t)
        .join(WasteManifest, WasteManifest.id == WasteSignature.manifest_id)
        .where(WasteSignature.action == "receive",
               WasteManifest.receiver_id.in_(sorted(set(enterprise_ids))),
               WasteManifest.transfer_on >= date(year - 1, 12, 1))
    ).all()  # fmt: skip
    out: dict[int, float] = {}
    for rid, at, q in rows:
        if at.astimezone(CST).year == year and q is not None:
            out[int(rid)] = out.get(int(rid), 0.0) + float(q)
    return out


def facilities(session: Session, scope: Scope, *, year: int | None = None) -> list[FacilityView]:
    """The facilities ``scope`` sees — region accounts: those of their region; enterprise
    accounts: every facility (the licensed list is published, a producer picks a receiver from
    it) — with their licence, codes and the year's receipts against capacity."""
    if scope.role is Role.PUBLIC:
        return []
    today = utcnow().astimezone(CST).date()
    year = today.year if year is None else year
    stmt = select(WasteFacility).order_by(WasteFacility.region_code, WasteFacility.id)
    rows = [
        f for f in session.scalars(stmt)
        if scope.role is Role.ENTERPRISE or in_scope(f.region_code, scope.region_code)
    ]  # fmt: skip
    if not rows:
        return []
    codes: dict[int, list[str]] = {}
    for fid, code in session.execute(
        select(WasteFacilityCode.facility_id, WasteFacilityCode.waste_code)
        .where(WasteFacilityCode.facility_id.in_([f.id for f in rows]))
        .order_by(WasteFacilityCode.waste_code)
    ):  # fmt: skip
        codes.setdefault(int(fid), []).append(str(code))
    names = enterprise_names(session, [f.enterprise_id for f in rows])
    received = _received_by(session, [f.enterprise_id for f in rows], year)
    out = []
    for f in rows:
        got = round(received.get(f.enterprise_id, 0.0), 3)
        cap = float(f.capacity_t_per_year)
        out.append(FacilityView(
            id=f.id, enterprise_id=f.enterprise_id, name=names.get(f.enterprise_id, ""),
            region_code=f.region_code, licence_no=f.licence_no,
            licence_valid_from=f.licence_valid_from, licence_valid_to=f.licence_valid_to,
            licence_valid=f.licence_valid_from <= today <= f.licence_valid_to,
            capacity_t_per_year=cap, methods=tuple(f.methods or ()),
            codes=tuple(codes.get(f.id, ())), year=year, received_t=got,
            capacity_use=None if cap <= 0 else got / cap,
        ))  # fmt: skip
    return out


def facility_count(session: Session) -> int:
    """How many facilities are registered (the overview's count)."""
    return int(session.scalar(select(func.count()).select_from(WasteFacility)) or 0)
