"""The monitoring model: sites, parameters (HJ 212-2017 codes) and series (site × parameter ×
period). Observation values live in the Parquet store (:mod:`qingshan.timeseries`); the latest
value per series is kept here for maps and dashboards."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qingshan.db.base import Base


class SiteKind(enum.StrEnum):
    AIR_STATION = "air_station"
    CITY_AIR = "city_air"  # a city's published mean of its national stations (城市空气质量)
    CITY_WATER = "city_water"  # a city's surface water as a whole (CWQI, 城市地表水环境质量)
    WATER_SECTION = "water_section"
    DRINKING_WATER_SOURCE = "drinking_water_source"
    GAS_OUTLET = "gas_outlet"
    WATER_OUTLET = "water_outlet"
    PARK_BOUNDARY = "park_boundary"  # 化工园区边界 toxic-gas station (issue #22)
    RADIATION_STATION = "radiation_station"  # 辐射环境自动监测站: ambient γ dose rate (issue #22)
    EMERGENCY_POINT = "emergency_point"  # 应急临时监测点 set during an incident (issue #22)
    GROUNDWATER_WELL = "groundwater_well"  # 地下水监测井, classed by GB/T 14848-2017 (issue #24)
    SEA_STATION = "sea_station"  # 近岸海域监测点位, classed by GB 3097-1997 (issue #25)
    SEA_OUTFALL = "sea_outfall"  # 入海排污口 monitoring point (issue #25)


#: the observation stream (Parquet partition, :mod:`qingshan.timeseries`) of each site kind
STREAM_OF_KIND: dict[SiteKind, str] = {
    SiteKind.AIR_STATION: "air",
    SiteKind.CITY_AIR: "air",
    SiteKind.CITY_WATER: "water",
    SiteKind.WATER_SECTION: "water",
    SiteKind.DRINKING_WATER_SOURCE: "water",
    SiteKind.GAS_OUTLET: "gas_outlet",
    SiteKind.WATER_OUTLET: "water_outlet",
    SiteKind.PARK_BOUNDARY: "park_gas",
    SiteKind.RADIATION_STATION: "radiation",
    SiteKind.EMERGENCY_POINT: "emergency",
    SiteKind.GROUNDWATER_WELL: "groundwater",
    SiteKind.SEA_STATION: "sea",
    SiteKind.SEA_OUTFALL: "sea_outfall",
}

#: streams of discrete samples (a lab's results for a sampling day: groundwater wells, sea-area
#: stations, sea outfalls), never averaged into day or month means — the coverage rules of the
#: roll-ups (GB 3095-2012 §8.2 Table 4: ≥ 20 hours a day, ≥ 27 days a month) are for continuous
#: monitoring; each standard classes these samples one by one (GB/T 14848-2017, GB 3097-1997)
SAMPLED_STREAMS: frozenset[str] = frozenset({"groundwater", "sea", "sea_outfall"})


class ControlLevel(enum.StrEnum):
    NATIONAL = "national"  # 国控
    PROVINCIAL = "provincial"  # 省控
    CITY = "city"  # 市控
    ENTERPRISE = "enterprise"  # 企业自行监测


class Period(enum.StrEnum):
    """Observation periods, as HJ 212-2017 names them (CN 2011 rtd, 2051 min, 2061 hour, 2031
    day), and the platform's month and year roll-ups."""

    RTD = "rtd"
    MIN = "min"
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Site(Base):
    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[SiteKind] = mapped_column(Enum(SiteKind, native_enum=False, length=32), index=True)
    control_level: Mapped[ControlLevel] = mapped_column(
        Enum(ControlLevel, native_enum=False, length=16)
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    longitude: Mapped[float | None] = mapped_column(Float)  # WGS-84
    latitude: Mapped[float | None] = mapped_column(Float)  # WGS-84
    #: kind-specific facts: water_body (river/lake), basin, target_class, source_type,
    #: reference_o2, replayed_from ...
    attrs: Mapped[dict] = mapped_column(JSON, default=dict)

    series: Mapped[list[Series]] = relationship(back_populates="site")


class Parameter(Base):
    """A monitored quantity by its HJ 212-2017 code (Appendix B), e.g. a21026 SO2."""

    __tablename__ = "parameter"
    __audited__ = False

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(16))


class Series(Base):
    __tablename__ = "series"
    __table_args__ = (UniqueConstraint("site_id", "parameter_code", "period"),)
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    parameter_code: Mapped[str] = mapped_column(ForeignKey("parameter.code"))
    period: Mapped[Period] = mapped_column(Enum(Period, native_enum=False, length=8))
    unit: Mapped[str] = mapped_column(String(16))

    site: Mapped[Site] = relationship(back_populates="series")


class LatestValue(Base):
    """The newest value of each series (time is the start of its period, UTC)."""

    __tablename__ = "latest_value"
    __audited__ = False

    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), primary_key=True)
    time: Mapped[datetime]
    value: Mapped[float | None] = mapped_column(Float)
    source_flag: Mapped[str | None] = mapped_column(String(4))
    qc_flag: Mapped[int] = mapped_column(default=0)
    attrs: Mapped[dict] = mapped_column(JSON, default=dict)
