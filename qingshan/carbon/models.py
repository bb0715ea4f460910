"""Carbon account tables (issue #17, 碳排放核算).

- ``carbon_activity``: one submission of an enterprise's monthly activity data (fuels,
  electricity, heat, clinker, value added) as :func:`qingshan.carbon.activity.activity_to_json`;
  every resubmission of the same month is a new ``revision`` and the newest is the one in force;
- ``carbon_result``: one computed version of a month's emissions
  (:func:`qingshan.carbon.accounting.emissions_month`) with the factors it used; a factor
  correction or a revised activity writes a new ``version`` and marks the old ``current=False``
  (kept, with the ``reason`` of the new one);
- ``carbon_peak_path``: the peak path (达峰路径) a region's user sets, one value per year [tCO2].
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["CarbonActivity", "CarbonResult", "CarbonPeakPath"]


class CarbonActivity(Base):
    """One submitted revision of an enterprise's activity data for one month (audited)."""

    __tablename__ = "carbon_activity"
    __table_args__ = (UniqueConstraint("enterprise_id", "month", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)  # first day of the month
    data: Mapped[dict] = mapped_column(JSON)  # activity_to_json
    source: Mapped[str] = mapped_column(String(16))  # import | api | sim | form
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime]
    revision: Mapped[int] = mapped_column(Integer, default=1)


class CarbonResult(Base):
    """One computed version of a month's emissions [tCO2]; ``current`` marks the one in force."""

    __tablename__ = "carbon_result"
    __audited__ = False  # derived (activity + factor library); the table is its history
    __table_args__ = (
        UniqueConstraint("enterprise_id", "month", "version"),
        Index("ix_carbon_result_current_month", "current", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    month: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    activity_revision: Mapped[int] = mapped_column(Integer)
    library_version: Mapped[str] = mapped_column(String(64))
    basis: Mapped[str] = mapped_column(String(32))
    edition: Mapped[str] = mapped_column(String(32))
    scope1_tco2: Mapped[float] = mapped_column(Float)
    scope2_tco2: Mapped[float] = mapped_column(Float)
    biomass_tco2: Mapped[float] = mapped_column(Float)
    total_tco2: Mapped[float] = mapped_column(Float)
    value_added_10k_yuan: Mapped[float | None] = mapped_column(Float)
    #: purchased electricity of the month [MWh] (the activity's; the pages' electricity view)
    electricity_mwh: Mapped[float] = mapped_column(Float, default=0.0)
    #: zero-carbon electricity at the grid factor [tCO2], deducted for the 碳效码 only
    green_tco2: Mapped[float] = mapped_column(Float, default=0.0)
    data: Mapped[dict] = mapped_column(JSON)  # result_to_json
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200))
    current: Mapped[bool] = mapped_column(default=True)


class CarbonPeakPath(Base):
    """The peak path a region's user sets: the region's target emissions of one year [tCO2]."""

    __tablename__ = "carbon_peak_path"

    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    tco2: Mapped[float] = mapped_column(Float)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime]
