"""Radiation safety tables (issue #22; migration 0031_emergency_radiation).

- ``emergency_rad_source``: one sealed radioactive source in the register (放射源台账) —
  nuclide, activity ``a0_bq`` on its ``reference_date`` (never without one), licence (辐射安全许可证
  number, holder enterprise in the archive, expiry), where it is (county, place, lon/lat), its
  status (in use / in storage / mobile / disused / collected), for a mobile source its licensed
  work area (``fence``, a GeoJSON polygon in CGCS2000 lon/lat), and for a disused source the day it
  became disused and its collection (day, receiving facility and its kind);
- ``emergency_rad_position``: one position report of a mobile source (tracking device or CSV),
  unique per (source, time); ``checked`` once the job has judged it;
- ``emergency_rad_alert``: one excursion of a mobile source — out of its fence or an abnormal dose
  rate at the container — from its first report to the report that ended it; the case it opened
  (once per excursion) and the incident, if one was opened.

The dose-rate stations are monitoring sites (site kind ``radiation_station``); their series live
in the observation store, not here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["RadiationSource", "RadiationPosition", "RadiationAlert"]


class RadiationSource(Base):
    """One sealed source in the register."""

    __tablename__ = "emergency_rad_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    nuclide: Mapped[str] = mapped_column(String(16))
    a0_bq: Mapped[float] = mapped_column(Float)
    reference_date: Mapped[date] = mapped_column(Date)
    use: Mapped[str] = mapped_column(String(64), default="")
    licence_no: Mapped[str] = mapped_column(String(64), default="")
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    licence_expiry: Mapped[date | None] = mapped_column(Date)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    location: Mapped[str] = mapped_column(String(300), default="")
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))  # register.Status
    fence: Mapped[dict | None] = mapped_column(JSON)
    disused_on: Mapped[date | None] = mapped_column(Date)
    collected_on: Mapped[date | None] = mapped_column(Date)
    facility_kind: Mapped[str | None] = mapped_column(String(24))  # register.FacilityKind
    facility_name: Mapped[str | None] = mapped_column(String(200))
    synthetic: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))


class RadiationPosition(Base):
    """One position report of a mobile source."""

    __tablename__ = "emergency_rad_position"
    __table_args__ = (
        UniqueConstraint("source_id", "time"),
        Index("ix_emergency_rad_position_checked", "checked", "id"),
    )
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("emergency_rad_source.id"), index=True)
    time: Mapped[datetime]
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    dose_usv_h: Mapped[float | None] = mapped_column(Float)
    origin: Mapped[str] = mapped_column(String(8))  # api | csv | demo
    received_at: Mapped[datetime]
    checked: Mapped[bool] = mapped_column(default=False)


class RadiationAlert(Base):
    """One excursion of a mobile source (out of fence, or abnormal dose rate)."""

    __tablename__ = "emergency_rad_alert"
    __table_args__ = (UniqueConstraint("source_id", "kind", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("emergency_rad_source.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # tracking.AlertKind
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    started_at: Mapped[datetime]
    last_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    reports: Mapped[int] = mapped_column(default=1)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    max_dose_usv_h: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    case_ref: Mapped[str | None] = mapped_column(String(64))
    incident_id: Mapped[int | None]
