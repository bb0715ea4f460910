"""Pollution-source archive (一企一档): enterprises, permits (排污许可) and their outlet limits."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, Enum, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base


class Industry(enum.StrEnum):
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


class Enterprise(Base):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)  # 统一社会信用代码
    name: Mapped[str] = mapped_column(String(128))
    industry: Mapped[Industry] = mapped_column(Enum(Industry, native_enum=False, length=32))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    key_unit: Mapped[bool] = mapped_column(default=True)  # 重点排污单位


class Permit(Base):
    __tablename__ = "permit"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # 许可证编号
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)


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
