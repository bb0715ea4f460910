"""Farmland tables (农用地, issue #24; migration 0041_soil_farmland).

- ``soil_farm_plot``: one farmland plot (地块) — county, a point and optionally its boundary (a
  GeoJSON Polygon/MultiPolygon, CGCS2000 lon/lat), its area [m²] (亩 derived: 1 亩 = 10 000/15 m²),
  its land use for GB 15618-2018 (``paddy`` 水田 / ``other`` 其他), and its current category
  (优先保护 / 安全利用 / 严格管控) from its newest sample (None until it has one);
- ``soil_farm_sample``: one soil sample of a plot — date, depth [cm], unit, pH (required, 0–14),
  item values (GB 15618-2018 keys, in ``unit``) and the category they give with the deciding items;
- ``soil_farm_category``: the plot's category history (one row each time it changes);
- ``soil_farm_measure``: a safe-use measure (安全利用 措施) on a 安全利用 plot or a strict-control
  measure (严格管控 措施) on a 严格管控 plot, with the area it covers [m²] and whether it worked
  (``effective``: the crops' sampling met the food standard; None until evaluated).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["FarmPlot", "FarmSample", "FarmCategoryChange", "FarmMeasure"]


class FarmPlot(Base):
    """One farmland plot."""

    __tablename__ = "soil_farm_plot"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    land_use: Mapped[str] = mapped_column(String(8))  # GB 15618 LAND_USES
    area_m2: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    boundary: Mapped[dict | None] = mapped_column(JSON)
    category: Mapped[str | None] = mapped_column(String(24), index=True)
    category_since: Mapped[date | None] = mapped_column(Date)
    synthetic: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))


class FarmSample(Base):
    """One soil sample of a plot, judged by GB 15618-2018."""

    __tablename__ = "soil_farm_sample"
    __table_args__ = (UniqueConstraint("plot_id", "sampled_on", "depth_top_cm"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plot_id: Mapped[int] = mapped_column(ForeignKey("soil_farm_plot.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    sampled_on: Mapped[date] = mapped_column(Date)
    depth_top_cm: Mapped[float] = mapped_column(Float)
    depth_bottom_cm: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    ph: Mapped[float] = mapped_column(Float)
    values: Mapped[dict] = mapped_column(JSON)
    category: Mapped[str] = mapped_column(String(24))
    deciding: Mapped[list] = mapped_column(JSON)
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))


class FarmCategoryChange(Base):
    """One change of a plot's category (its history)."""

    __tablename__ = "soil_farm_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    plot_id: Mapped[int] = mapped_column(ForeignKey("soil_farm_plot.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    category_from: Mapped[str | None] = mapped_column(String(24))
    category_to: Mapped[str] = mapped_column(String(24))
    sample_id: Mapped[int | None] = mapped_column(ForeignKey("soil_farm_sample.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))


class FarmMeasure(Base):
    """A safe-use or strict-control measure on a plot, for a year."""

    __tablename__ = "soil_farm_measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    plot_id: Mapped[int] = mapped_column(ForeignKey("soil_farm_plot.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    year: Mapped[int]
    kind: Mapped[str] = mapped_column(String(24))  # safeuse.MEASURES
    area_m2: Mapped[float] = mapped_column(Float)
    started_on: Mapped[date] = mapped_column(Date)
    effective: Mapped[bool | None]
    note: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
