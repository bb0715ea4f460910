"""Sea outfalls (入海排污口, issue #25; migration 0044_marine_outfalls).

- ``marine_outfall``: the register — code, name, type (工业排污口 / 城镇污水处理厂排污口 / 农业排口 /
  其他), where it lies (county, WGS-84 point), the sea area it discharges into, the responsible
  party (REQUIRED: an archive enterprise, or a sewage plant by name), its remediation stage
  (排查 → 监测 → 溯源 → 整治 → 销号) and its monitoring point (a site of kind ``sea_outfall``);
- ``marine_outfall_source``: the traced sources behind an outfall — archive enterprises (the
  responsible one, those connected to a plant 纳管, those found upstream) with the archive outlet
  that links them where there is one;
- ``marine_outfall_stage``: one step of the remediation timeline (the stage entered, the day,
  who, a note, the case it opened).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["SeaOutfall", "OutfallSource", "OutfallStage"]


class SeaOutfall(Base):
    """One sea outfall of the register."""

    __tablename__ = "marine_outfall"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(
        String(16), index=True
    )  # industrial|sewage_plant|agricultural|other
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    longitude: Mapped[float] = mapped_column(Float)
    latitude: Mapped[float] = mapped_column(Float)
    sea_area: Mapped[str] = mapped_column(String(64))
    responsible_enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id"), index=True
    )
    responsible_plant: Mapped[str] = mapped_column(String(128), default="")
    stage: Mapped[str] = mapped_column(String(16), index=True, default="survey")
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))


class OutfallSource(Base):
    """An archive enterprise traced behind an outfall."""

    __tablename__ = "marine_outfall_source"
    __table_args__ = (UniqueConstraint("outfall_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outfall_id: Mapped[int] = mapped_column(ForeignKey("marine_outfall.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))  # responsible|connected|upstream
    outlet_code: Mapped[str] = mapped_column(String(32), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class OutfallStage(Base):
    """One step of an outfall's remediation timeline."""

    __tablename__ = "marine_outfall_stage"

    id: Mapped[int] = mapped_column(primary_key=True)
    outfall_id: Mapped[int] = mapped_column(ForeignKey("marine_outfall.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    case_id: Mapped[int | None]
