"""Zero-direct-discharge zone tables (污水零直排区, issue #20; migration 0024_zero_discharge_parks).

- ``zone_park``: one building unit of the 工业园区（工业集聚区）类 — name, county, type, level,
  the year of its construction batch, its boundary (GeoJSON in lon/lat, copied from a ``park``
  feature of a zones layer when it has one, ``feature_id``) with its bounding box, and its
  lifecycle state (derived from its steps: only :func:`qingshan.zones.parks.fire` sets it);
- ``zone_park_task``: one construction task (雨污分流, 管网排查 …, :data:`~qingshan.zones.parks.TASK_KINDS`)
  with the percent of its newest progress report;
- ``zone_park_progress``: one progress report (percent, day, note) — insert only;
- ``zone_park_file``: an evidence file of a progress report (bytes in the evidence store);
- ``zone_park_step``: one acceptance step (自查, 市级复核, 省级验收) or a relapse (反复) — insert
  only, numbered per park: the park's history is never edited.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["ZonePark", "ZoneParkTask", "ZoneParkProgress", "ZoneParkFile", "ZoneParkStep"]


class ZonePark(Base):
    """One zero-direct-discharge building unit of the industrial-park class."""

    __tablename__ = "zone_park"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    park_type: Mapped[str] = mapped_column(String(16))  # ParkType
    level: Mapped[str] = mapped_column(String(16))  # ParkLevel
    batch_year: Mapped[int]
    responsible_unit: Mapped[str] = mapped_column(String(200), default="")
    feature_id: Mapped[int | None] = mapped_column(ForeignKey("zone_feature.id"))
    boundary: Mapped[dict] = mapped_column(JSON)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16), index=True)  # ParkState
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))


class ZoneParkTask(Base):
    """One construction task of a park; ``percent`` is its newest report's."""

    __tablename__ = "zone_park_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("zone_park.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # a key of TASK_KINDS
    title: Mapped[str] = mapped_column(String(200), default="")
    due: Mapped[date | None] = mapped_column(Date)
    percent: Mapped[float] = mapped_column(Float, default=0.0)


class ZoneParkProgress(Base):
    """One progress report of a task (insert only)."""

    __tablename__ = "zone_park_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("zone_park_task.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    percent: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[datetime]


class ZoneParkFile(Base):
    """An evidence file of a progress report (content-addressed in the evidence store)."""

    __tablename__ = "zone_park_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    progress_id: Mapped[int] = mapped_column(ForeignKey("zone_park_progress.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]


class ZoneParkStep(Base):
    """One step of a park's acceptance history (insert only, ``seq`` 1, 2, … per park)."""

    __tablename__ = "zone_park_step"
    __table_args__ = (UniqueConstraint("park_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("zone_park.id"), index=True)
    seq: Mapped[int]
    event: Mapped[str] = mapped_column(String(24))  # ParkEvent
    result: Mapped[str | None] = mapped_column(String(8))  # pass | fail; None for a relapse
    day: Mapped[date] = mapped_column(Date)
    reviewer: Mapped[str] = mapped_column(String(200))
    opinion: Mapped[str] = mapped_column(Text, default="")
    state_before: Mapped[str] = mapped_column(String(16))
    state_after: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
