"""Hazardous-waste tables (issue #18, 危险废物全流程闭环管理).

Manifests and facilities (migration ``0019_waste_manifests``):

- ``waste_facility``: a licensed receiving facility (利用处置单位), one per archive enterprise, with
  its 危险废物经营许可证 (number, term), capacity [t/yr] and utilisation/disposal methods;
- ``waste_facility_code``: the codes its licence covers (``900-249-08``, or a category wildcard
  ``HW08`` covering every code of the category);
- ``waste_manifest``: one version of a 转移联单 (危险废物转移管理办法 2021). A correction is a new
  row with ``version + 1``, ``supersedes_id`` and a ``reason``; a row is never edited once
  written (the service only inserts). The manifest's state is never stored: it is derived from
  its signatures (:func:`qingshan.waste.manifest.derive_state`);
- ``waste_manifest_leg``: the transporters (承运人) in order, ``seq`` 1..n;
- ``waste_signature``: one signed action (insert-only: an UPDATE or DELETE raises
  :class:`SignaturesAreInsertOnly`). Signatures belong to the whole chain of versions of a
  number; the row names the version that was current when it was signed.

The ledger tables (migration ``0020_waste_ledger``) follow in their own section below.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base
from qingshan.waste.errors import SignaturesAreInsertOnly

__all__ = [
    "WasteFacility",
    "WasteFacilityCode",
    "WasteManifest",
    "WasteManifestLeg",
    "WasteSignature",
]


# ---------------------------------------------------------------------------------------------
# Manifests and facilities (migration 0019_waste_manifests) — owner: manifests
# ---------------------------------------------------------------------------------------------


class WasteFacility(Base):
    """A receiving facility (利用处置单位) and its 危险废物经营许可证 (audited)."""

    __tablename__ = "waste_facility"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), unique=True)
    licence_no: Mapped[str] = mapped_column(String(64))
    licence_valid_from: Mapped[date] = mapped_column(Date)
    licence_valid_to: Mapped[date] = mapped_column(Date)
    capacity_t_per_year: Mapped[float] = mapped_column(Float)
    #: utilisation / disposal method codes (R1…R15, D1…D17 of the management plan's forms)
    methods: Mapped[list] = mapped_column(JSON, default=list)
    region_code: Mapped[str] = mapped_column(String(6), index=True)


class WasteFacilityCode(Base):
    """One code (or a category wildcard ``HWnn``) a facility's licence covers."""

    __tablename__ = "waste_facility_code"
    __table_args__ = (UniqueConstraint("facility_id", "waste_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("waste_facility.id"), index=True)
    waste_code: Mapped[str] = mapped_column(String(10))


class WasteManifest(Base):
    """One version of a transfer manifest (转移联单); corrections are new rows (audited)."""

    __tablename__ = "waste_manifest"
    __table_args__ = (UniqueConstraint("number", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 14 digits: year (4) + province (2) + city (2) + serial (6) [U]
    number: Mapped[str] = mapped_column(String(14), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("waste_manifest.id"), index=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    waste_code: Mapped[str] = mapped_column(String(10))
    quantity_t: Mapped[float] = mapped_column(Float)
    origin_region: Mapped[str] = mapped_column(String(6), index=True)
    dest_region: Mapped[str] = mapped_column(String(6), index=True)
    approval_ref: Mapped[str | None] = mapped_column(String(64))
    #: the planned transfer date: codes are validated against the list in force on it
    transfer_on: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(200))


class WasteManifestLeg(Base):
    """One transport leg: the ``seq``-th transporter (承运人) of a manifest version."""

    __tablename__ = "waste_manifest_leg"
    __table_args__ = (UniqueConstraint("manifest_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manifest_id: Mapped[int] = mapped_column(ForeignKey("waste_manifest.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    transporter_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)


class WasteSignature(Base):
    """One signed action on a manifest (insert-only, audited)."""

    __tablename__ = "waste_signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    manifest_id: Mapped[int] = mapped_column(ForeignKey("waste_manifest.id"), index=True)
    #: "producer" | "transporter:<seq>" | "receiver"
    party: Mapped[str] = mapped_column(String(16))
    #: "submit" | "pickup" | "handover" | "receive" | "reject" | "void" | "close"
    action: Mapped[str] = mapped_column(String(16))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    username: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]
    #: receive: the quantity received [t]
    quantity_t: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(500), default="")
    #: a bureau account's back-entry of a paper manifest signed by the party
    paper: Mapped[bool] = mapped_column(Boolean, default=False)


@event.listens_for(WasteSignature, "before_update")
@event.listens_for(WasteSignature, "before_delete")
def _insert_only(mapper, connection, target: WasteSignature) -> None:
    raise SignaturesAreInsertOnly(
        f"waste_signature {target.id} of manifest {target.manifest_id}: signatures are insert-only"
    )


# ---------------------------------------------------------------------------------------------
# Ledger (migration 0020_waste_ledger) — owner: ledger
# ---------------------------------------------------------------------------------------------

__all__ += [
    "WastePlan",
    "WasteDeclaration",
    "WasteStorageLot",
    "WasteCollectionPoint",
    "WasteCollectionMember",
]


class WastePlan(Base):
    """One line of a producer's annual management plan (管理计划, HJ 1259-2022 [U]): the tonnage
    of one code it plans to generate in ``year`` and the plan's tier (重点监管 ≥ 100 t, 简化管理
    10–100 t, 登记管理 < 10 t a year, :func:`qingshan.waste.kpis.management_tier`) (audited)."""

    __tablename__ = "waste_plan"
    __table_args__ = (UniqueConstraint("enterprise_id", "year", "waste_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    waste_code: Mapped[str] = mapped_column(String(10))
    planned_t: Mapped[float] = mapped_column(Float)
    #: the site's tier over all its codes of the year: "key" | "simplified" | "registered"
    tier: Mapped[str] = mapped_column(String(16))
    filed_at: Mapped[datetime]
    filed_by: Mapped[str] = mapped_column(String(64))


class WasteDeclaration(Base):
    """A producer's monthly declaration (月度申报) of one code [t]; declaring the same month and
    code again replaces the figures (the audit log keeps the old ones)."""

    __tablename__ = "waste_declaration"
    __table_args__ = (UniqueConstraint("enterprise_id", "month", "waste_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)  # first day of the month
    waste_code: Mapped[str] = mapped_column(String(10))
    generated_t: Mapped[float] = mapped_column(Float)
    self_utilised_t: Mapped[float] = mapped_column(Float, default=0.0)
    self_disposed_t: Mapped[float] = mapped_column(Float, default=0.0)
    source: Mapped[str] = mapped_column(String(16))  # form | import | sim
    declared_at: Mapped[datetime]
    declared_by: Mapped[str] = mapped_column(String(64))


class WasteStorageLot(Base):
    """A lot in storage (贮存台账): put in on ``stored_on``, taken out on ``out_on`` (None: on
    hand). ``limit_days``: an approved longer term (固废法 2020 Art. 81 ¶3), else the rule's."""

    __tablename__ = "waste_storage_lot"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    waste_code: Mapped[str] = mapped_column(String(10))
    stored_on: Mapped[date] = mapped_column(Date, index=True)
    quantity_t: Mapped[float] = mapped_column(Float)
    out_on: Mapped[date | None] = mapped_column(Date, index=True)
    limit_days: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(200), default="")


class WasteCollectionPoint(Base):
    """A collection point for small producers (小微产废企业集中收运点) in a county."""

    __tablename__ = "waste_collection_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)  # the county (GB/T 2260)
    operator_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    started_on: Mapped[date] = mapped_column(Date)


class WasteCollectionMember(Base):
    """A producer a collection point serves."""

    __tablename__ = "waste_collection_member"
    __table_args__ = (UniqueConstraint("point_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("waste_collection_point.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)


# ---------------------------------------------------------------------------------------------
# Cross-province approvals (migration 0021_waste_transfer_approval) — owner: manifests
# ---------------------------------------------------------------------------------------------

__all__ += ["WasteTransferApproval"]


class WasteTransferApproval(Base):
    """The origin province's decision approving a cross-province transfer (批准跨省转移危险废物的
    决定, 固废法 2020 Art. 82; 危险废物转移管理办法 2021 Art. 21–28): the authority, its number and
    date, the validity (Art. 27 ¶2: twelve months, capped by the requested period and the
    receiver's licence), the producer (移出人), the receiving facility (接受人) and its region,
    the codes and the approved quantity [t]. A manifest cites it by ``number``; the quantity
    shipped under it is summed from those manifests, never stored (audited)."""

    __tablename__ = "waste_transfer_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    #: 移出地省级生态环境主管部门, e.g. 浙江省生态环境厅
    authority: Mapped[str] = mapped_column(String(100))
    authority_region: Mapped[str] = mapped_column(String(6), index=True)  # the province, xx0000
    approved_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    producer_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    dest_region: Mapped[str] = mapped_column(String(6))
    #: the approved codes (``III-SSS-CC``)
    waste_codes: Mapped[list] = mapped_column(JSON)
    approved_t: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(64))
