"""The water forecast's relational record: early warnings (migration 0015_water_warning)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base


class WaterWarning(Base):
    """A section whose probability of missing its target class (GB 3838-2002) passed the
    threshold in one issue of the water forecast: the forecast and its evidence, and the case
    it opened (or joined) through the cases' sink."""

    __tablename__ = "water_warning"
    __table_args__ = (
        Index("ix_water_warning_region_issued", "region_code", "issued_at"),
        Index("ix_water_warning_site_issued", "site_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: forecast-water:<section code>:<issue, UTC>
    source_key: Mapped[str] = mapped_column(String(128), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    section_code: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(String(6), ForeignKey("region.code"))
    issued_at: Mapped[datetime]
    #: the first target (CST day start, UTC) whose miss probability passed the threshold
    target_time: Mapped[datetime]
    horizon: Mapped[str] = mapped_column(String(8))  # "day" or "hour"
    lead: Mapped[int] = mapped_column(Integer)  # days (or hours) ahead
    #: HJ 212 code of the indicator most likely to miss
    parameter_code: Mapped[str | None] = mapped_column(String(16))
    target_class: Mapped[int] = mapped_column(Integer)  # 1…5 (I…V)
    forecast_class: Mapped[int] = mapped_column(Integer)  # 1…6 (6 = 劣V)
    miss_probability: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict] = mapped_column(JSON)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"))
    created_at: Mapped[datetime]
