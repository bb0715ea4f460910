"""Pollution-source archive (一企一档): enterprises and their change history, permits (排污许可)
in versions with their outlets, concentration limits and annual caps, inspections, the
violations found and the administrative penalties imposed.

A permit change is a new row with the same ``number`` and ``version + 1``; the version it
replaces points to it (``superseded_by_id``). Outlets are ``site`` rows of kind gas/water outlet
(:mod:`qingshan.monitoring.models`), never a second outlet table.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base


class Industry(enum.StrEnum):
    """The rule-pack industry (QC chooses its rule pack from it); the GB/T 4754-2017 code of the
    enterprise is kept beside it (:attr:`Enterprise.industry_code`)."""

    THERMAL_POWER = "thermal_power"  # 火电
    CEMENT = "cement"  # 水泥
    PAPER = "paper"  # 造纸
    DYEING = "dyeing"  # 印染
    CHEMICAL = "chemical"  # 化工


INDUSTRY_NAMES = {
    Industry.THERMAL_POWER: "火电",
    Industry.CEMENT: "水泥",
    Industry.PAPER: "造纸",
    Industry.DYEING: "印染",
    Industry.CHEMICAL: "化工",
}


def _values(enum_cls: type) -> list[str]:
    return [m.value for m in enum_cls]  # type: ignore[attr-defined]


class Enterprise(Base):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)  # 统一社会信用代码
    name: Mapped[str] = mapped_column(String(128))
    industry: Mapped[Industry] = mapped_column(Enum(Industry, native_enum=False, length=32))
    #: GB/T 4754-2017 小类 (4 digits), e.g. "4411" 火力发电
    industry_code: Mapped[str | None] = mapped_column(String(4), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    key_unit: Mapped[bool] = mapped_column(default=True)  # 重点排污单位 (any category)
    #: 重点排污单位 categories: water, air, soil, noise, risk (环境风险)
    key_categories: Mapped[list] = mapped_column(JSON, default=list)
    #: [{"name", "role", "phone"}]
    contacts: Mapped[list] = mapped_column(JSON, default=list)
    #: operating 在产, suspended 停产, closed 关闭
    status: Mapped[str] = mapped_column(String(16), default="operating")


class EnterpriseChange(Base):
    """One change of an enterprise's file: who, when, what (field → [old, new]) and why. Kept
    besides the audit log, which records the row; this is the file's own history."""

    __tablename__ = "enterprise_change"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")


class PermitCategory(enum.StrEnum):
    """排污许可管理类别 (《排污许可管理条例》2021 第六条): 重点管理, 简化管理, 登记管理."""

    KEY = "key"  # 重点管理
    SIMPLIFIED = "simplified"  # 简化管理
    REGISTRATION = "registration"  # 登记管理


class Permit(Base):
    """One version of a 排污许可证: the number stays across versions, ``version`` increases."""

    __tablename__ = "permit"
    __table_args__ = (UniqueConstraint("number", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    number: Mapped[str] = mapped_column(String(32), index=True)  # 许可证编号
    version: Mapped[int] = mapped_column(Integer, default=1)
    category: Mapped[PermitCategory] = mapped_column(
        Enum(PermitCategory, native_enum=False, length=16, values_callable=_values),
        default=PermitCategory.KEY,
    )
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    #: the version that replaced this one (None: the current version of its number)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("permit.id"))
    reason: Mapped[str] = mapped_column(Text, default="")  # 首次申领 / 变更 / 延续 …
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime | None]


class PermitOutlet(Base):
    """An outlet (a gas/water outlet site) a permit version covers."""

    __tablename__ = "permit_outlet"

    permit_id: Mapped[int] = mapped_column(ForeignKey("permit.id"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True, index=True)


class PermitLimit(Base):
    """A permitted concentration limit for one outlet and pollutant."""

    __tablename__ = "permit_limit"

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(ForeignKey("permit.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    parameter_code: Mapped[str] = mapped_column(ForeignKey("parameter.code"))
    limit: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    averaging: Mapped[str] = mapped_column(String(8))  # hour | day
    standard: Mapped[str] = mapped_column(String(64))  # e.g. "GB 13223-2011 表2"


class PermitCap(Base):
    """A permit's annual emission cap (许可排放量) for one pollutant [t/a]."""

    __tablename__ = "permit_cap"
    __table_args__ = (UniqueConstraint("permit_id", "parameter_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(ForeignKey("permit.id"), index=True)
    parameter_code: Mapped[str] = mapped_column(ForeignKey("parameter.code"))
    tonnes_per_year: Mapped[float] = mapped_column(Float)


class InspectionKind(enum.StrEnum):
    ONSITE = "onsite"  # 现场检查
    REMOTE = "remote"  # 非现场检查 (远程)


class Inspection(Base):
    """An inspection of an enterprise (on-site or remote): when, by whom, why (``source``:
    routine, spot_check 双随机, complaint, special), and what was found (its violations)."""

    __tablename__ = "archive_inspection"
    __table_args__ = (
        Index("ix_archive_inspection_enterprise_at", "enterprise_id", "inspected_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    kind: Mapped[InspectionKind] = mapped_column(
        Enum(InspectionKind, native_enum=False, length=16, values_callable=_values)
    )
    source: Mapped[str] = mapped_column(String(32), default="routine")
    #: what the source calls it, e.g. a spot-check task id "spot:12"
    source_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    inspected_at: Mapped[datetime]
    inspectors: Mapped[list] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Violation(Base):
    """A violation found (by an inspection, or recorded on its own) at an enterprise."""

    __tablename__ = "archive_violation"
    __table_args__ = (Index("ix_archive_violation_enterprise_at", "enterprise_id", "found_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    inspection_id: Mapped[int | None] = mapped_column(
        ForeignKey("archive_inspection.id"), index=True
    )
    found_at: Mapped[datetime]
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    parameter_code: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Penalty(Base):
    """An administrative penalty (行政处罚): decision number, legal basis, kind, amount [yuan],
    date of the decision and its status."""

    __tablename__ = "archive_penalty"
    __table_args__ = (Index("ix_archive_penalty_enterprise_on", "enterprise_id", "decided_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    violation_id: Mapped[int | None] = mapped_column(ForeignKey("archive_violation.id"), index=True)
    decision_no: Mapped[str] = mapped_column(String(64), unique=True)  # 处罚决定书文号
    legal_basis: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="fine")
    amount_yuan: Mapped[float | None] = mapped_column(Float)
    decided_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="decided")
    status_note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
