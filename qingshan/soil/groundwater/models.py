"""Groundwater tables (地下水, issue #24; migration 0042_soil_groundwater).

The monitoring wells are monitoring sites (``site``, kind ``groundwater_well``; aquifer, depth and
well type in ``site.attrs``) and each sample's values are observations (stream ``groundwater``,
period ``day``, one series per well × indicator). Here:

- ``soil_gw_sample``: one sample of a well — its date and its GB/T 14848-2017 class with the
  class of each indicator and the deciding indicators (the class history of a well);
- ``soil_gw_zone``: one groundwater pollution-prevention zone (地下水污染防治分区: 保护区 /
  防控区 / 治理区) — a validated GeoJSON Polygon/MultiPolygon in CGCS2000 lon/lat.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["GroundwaterSample", "GroundwaterZone"]


class GroundwaterSample(Base):
    """One sample of a well, classed by GB/T 14848-2017."""

    __tablename__ = "soil_gw_sample"
    __table_args__ = (UniqueConstraint("site_id", "sampled_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    sampled_on: Mapped[date] = mapped_column(Date, index=True)
    klass: Mapped[str] = mapped_column(String(4))
    by_indicator: Mapped[dict] = mapped_column(JSON)
    deciding: Mapped[list] = mapped_column(JSON)
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))


class GroundwaterZone(Base):
    """One groundwater pollution-prevention zone."""

    __tablename__ = "soil_gw_zone"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16), index=True)  # zoning.ZONE_KINDS
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    geometry: Mapped[dict] = mapped_column(JSON)
    area_km2: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))
