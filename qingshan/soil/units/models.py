"""Key soil-supervised units (土壤污染重点监管单位, issue #24, area units; migration 0039_soil_units).

- ``soil_unit``: an archive enterprise put on the yearly list (名录) — the year it was first
  listed, the year it left the list (None while listed), the reason (industry or cause);
- ``soil_unit_check``: one year's hidden-danger check (土壤污染隐患排查) — due date, done date,
  findings and the rectification items (整改项: item, deadline, status, done date);
- ``soil_unit_sample``: one self-monitoring sample (自行监测) of soil (judged by GB 36600-2018,
  second-category land) or groundwater (judged by GB/T 14848-2017) — point, date, depth, unit,
  the values as reported and the judgement stored as computed (never typed in);
- ``soil_unit_report``: the yearly report of toxic and harmful substance discharges
  (有毒有害物质排放情况报告).

Cases are opened by the ``soil-units`` job through the CaseSink (source ``soil``), keyed by the
row (or the unit and year of a missing report), so running it again opens nothing new.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["SoilUnit", "SoilUnitCheck", "SoilUnitSample", "SoilUnitReport"]


class SoilUnit(Base):
    """An enterprise on the list of key soil-supervised units."""

    __tablename__ = "soil_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    listed_year: Mapped[int] = mapped_column(Integer)
    delisted_year: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    listed_by: Mapped[str] = mapped_column(String(64))
    listed_at: Mapped[datetime]
    synthetic: Mapped[bool] = mapped_column(default=False)


class SoilUnitCheck(Base):
    """One year's hidden-danger check of a unit; ``done_on`` None until it is carried out."""

    __tablename__ = "soil_unit_check"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("soil_unit.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    findings: Mapped[str] = mapped_column(Text, default="")
    # [{"item": str, "deadline": "YYYY-MM-DD", "status": "open"|"done", "done_on": str|None}]
    items: Mapped[list] = mapped_column(JSON, default=list)
    submitted_by: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime | None]
    case_id: Mapped[int | None] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(default=False)


class SoilUnitSample(Base):
    """One self-monitoring sample of soil or groundwater with its stored judgement."""

    __tablename__ = "soil_unit_sample"
    __table_args__ = (UniqueConstraint("unit_id", "medium", "point", "sampled_on", "depth_m"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("soil_unit.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    medium: Mapped[str] = mapped_column(String(16))  # soil | groundwater
    point: Mapped[str] = mapped_column(String(64))
    sampled_on: Mapped[date] = mapped_column(Date)
    depth_m: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))  # mg/kg (soil) | mg/L (groundwater)
    ph: Mapped[float | None] = mapped_column(Float)
    values: Mapped[dict] = mapped_column(JSON, default=dict)  # item key → value in ``unit``
    # soil: within_screening | over_screening | over_intervention; groundwater: I … V
    result: Mapped[str] = mapped_column(String(32))
    deciding: Mapped[list] = mapped_column(JSON, default=list)
    exceeding: Mapped[bool] = mapped_column(default=False)
    standard: Mapped[str] = mapped_column(String(64))
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime]
    case_id: Mapped[int | None] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(default=False)


class SoilUnitReport(Base):
    """A unit's yearly report of toxic and harmful substance discharges."""

    __tablename__ = "soil_unit_report"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("soil_unit.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    submitted_on: Mapped[date] = mapped_column(Date)
    # [{"substance": str, "amount_kg": float, "medium": "air"|"water"|"solid"}]
    substances: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime]
    synthetic: Mapped[bool] = mapped_column(default=False)
