"""The public ranking's roll-ups (issue #16): what the ranking reads instead of the hourly store.

- :class:`RankingAirDay` — the daily statistics of a city or a county (GB 3095-2012 Table 4
  daily values: 24-h means of SO2, NO2, PM10, PM2.5, CO and the O3 daily maximum 8-h mean of HJ
  663-2013 6.1.2), the mean over the region's stations with a valid value that day.
- :class:`RankingWaterMonth` — the monthly means of a surface-water section's indicators
  (环办〔2011〕22号; the input of CWQI, 环办监测〔2017〕51号).

Rows derived for the demo's previous year (design.md "Demo history") carry ``synthetic``; they
are never read by backtests (which read the observation store, where they are not).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base


class RankingAirDay(Base):
    """A region's day: city (its national stations) or county (all its air stations)."""

    __tablename__ = "ranking_air_day"
    __audited__ = False  # derived, rebuilt from the store
    __table_args__ = (
        UniqueConstraint("level", "region_code", "day"),
        Index("ix_ranking_air_day_level_day", "level", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(8))  # "city" | "county"
    region_code: Mapped[str] = mapped_column(String(6), ForeignKey("region.code"))
    day: Mapped[date] = mapped_column(Date)
    so2: Mapped[float | None] = mapped_column(Float)  # [µg/m³]
    no2: Mapped[float | None] = mapped_column(Float)  # [µg/m³]
    pm10: Mapped[float | None] = mapped_column(Float)  # [µg/m³]
    pm25: Mapped[float | None] = mapped_column(Float)  # [µg/m³]
    co: Mapped[float | None] = mapped_column(Float)  # [mg/m³]
    o3_8h: Mapped[float | None] = mapped_column(Float)  # [µg/m³]
    sites: Mapped[int]
    synthetic: Mapped[bool]


class RankingWaterMonth(Base):
    """A section's month: the means of its indicators [mg/L; pH dimensionless]."""

    __tablename__ = "ranking_water_month"
    __audited__ = False
    __table_args__ = (
        UniqueConstraint("section_code", "month"),
        Index("ix_ranking_water_month_month", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_code: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(String(6), ForeignKey("region.code"))
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    water_body: Mapped[str] = mapped_column(String(8))  # "river" | "lake"
    means: Mapped[dict] = mapped_column(JSON)
    valid_days: Mapped[int]
    synthetic: Mapped[bool]
