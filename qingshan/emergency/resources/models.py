"""Tables of the emergency resources (应急资源, issue #22): depots (物资库) and the materials they
hold (应急物资), rescue teams (救援队伍) and experts (专家库).

Every record carries ``region_code`` (the county, GB/T 2260) for scope; positions are longitude
and latitude in degrees (WGS 84 / CGCS2000, as the rest of the platform). Category, holding,
speciality and field values are the codes of :mod:`qingshan.emergency.resources.catalog`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["EmresDepot", "EmresExpert", "EmresMaterial", "EmresTeam"]


class EmresDepot(Base):
    """A materials depot (环境应急物资库), owned by a bureau or an enterprise."""

    __tablename__ = "emres_depot"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_kind: Mapped[str] = mapped_column(String(16))  # bureau | enterprise
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(300), default="")
    custodian: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    synthetic: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EmresMaterial(Base):
    """One stock line of a depot: an item of one specification, its quantity and expiry.
    A depot holds an item of a specification once (re-importing updates it)."""

    __tablename__ = "emres_material"
    __table_args__ = (UniqueConstraint("depot_id", "name", "specification"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    depot_id: Mapped[int] = mapped_column(ForeignKey("emres_depot.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    specification: Mapped[str] = mapped_column(String(200), default="")
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    custodian: Mapped[str] = mapped_column(String(100), default="")
    produced_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    holding: Mapped[str] = mapped_column(String(16))  # self | entrusted | agreement
    synthetic: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EmresTeam(Base):
    """A rescue team (环境应急救援队伍) with its base."""

    __tablename__ = "emres_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column()
    specialities: Mapped[str] = mapped_column(String(300))  # comma-separated codes
    contact: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    base: Mapped[str] = mapped_column(String(300), default="")
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EmresExpert(Base):
    """An expert of the 环境应急专家库. The position is the expert's organisation; without one the
    nearest query uses the centre of the expert's region."""

    __tablename__ = "emres_expert"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    fields: Mapped[str] = mapped_column(String(200))  # comma-separated codes
    organisation: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
