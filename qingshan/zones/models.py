"""Spatial control tables (issue #20; migration 0022_zones).

- ``zone_layer``: one imported version of a layer (kind, name, version, the region it covers,
  validity dates, the CRS it came in, its import warnings); a new version is a new row, old ones
  stay (a siting check is reproducible only with its layer versions);
- ``zone_feature``: one polygon of a layer, GeoJSON in lon/lat (CGCS2000 ≈ WGS 84) with its
  bounding box, the unit type (控制单元) or protection level (水源保护区) and the drinking-water
  source site it protects, the requirement list (four dimensions, free text) and the structured
  rules (:func:`qingshan.zones.layers.rule_to_json`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["ZoneLayer", "ZoneFeatureRow"]


class ZoneLayer(Base):
    """One imported version of a spatial control layer."""

    __tablename__ = "zone_layer"
    __table_args__ = (UniqueConstraint("kind", "name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # LayerKind
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    crs: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(200))
    synthetic: Mapped[bool] = mapped_column(default=False)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    imported_at: Mapped[datetime]
    imported_by: Mapped[str] = mapped_column(String(64))


class ZoneFeatureRow(Base):
    """One polygon of a layer."""

    __tablename__ = "zone_feature"
    __table_args__ = (UniqueConstraint("layer_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("zone_layer.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    unit_type: Mapped[str | None] = mapped_column(String(16))
    level: Mapped[str | None] = mapped_column(String(8))
    site_code: Mapped[str | None] = mapped_column(String(32))
    geometry: Mapped[dict] = mapped_column(JSON)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    requirements: Mapped[dict] = mapped_column(JSON, default=dict)
    rules: Mapped[list] = mapped_column(JSON, default=list)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
