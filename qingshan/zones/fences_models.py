"""Electronic fence tables (issue #20; migration 0023_zone_fences).

- ``zone_fence``: one fence per water section or drinking-water source (``site_code`` unique):
  the site's position when the fence was drawn, the basis (``buffer`` of ``radius_m`` or the
  source's 一级 ``zone``), ``radius_custom`` when an officer set the radius (a regeneration keeps
  it), the polygon in CGCS2000 lon/lat with its bounding box;
- ``zone_fence_alert``: one event found inside a fence, unique per (fence, kind, ref) — a
  re-check updates ``last_seen`` and never adds a row; acknowledgement and the case it opened;
- ``zone_fence_scan``: the job's cursor (the last ``seq`` read) per event kind.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["ZoneFence", "ZoneFenceAlert", "ZoneFenceScan"]


class ZoneFence(Base):
    __tablename__ = "zone_fence"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_code: Mapped[str] = mapped_column(String(32), unique=True)
    site_kind: Mapped[str] = mapped_column(String(16))  # fences.SiteKind
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    site_lon: Mapped[float] = mapped_column(Float)
    site_lat: Mapped[float] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(String(16))  # fences.Basis
    radius_m: Mapped[float] = mapped_column(Float)
    radius_custom: Mapped[bool] = mapped_column(default=False)
    zone_feature_id: Mapped[int | None] = mapped_column(ForeignKey("zone_feature.id"))
    geometry: Mapped[dict] = mapped_column(JSON)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    generated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))


class ZoneFenceAlert(Base):
    __tablename__ = "zone_fence_alert"
    __table_args__ = (UniqueConstraint("fence_id", "event_kind", "event_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fence_id: Mapped[int] = mapped_column(ForeignKey("zone_fence.id"), index=True)
    event_kind: Mapped[str] = mapped_column(String(16))  # fences.EventKind
    event_ref: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    distance_m: Mapped[float] = mapped_column(Float)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None]
    case_ref: Mapped[str | None] = mapped_column(String(64))


class ZoneFenceScan(Base):
    __tablename__ = "zone_fence_scan"

    event_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(64))
    scanned_at: Mapped[datetime]
