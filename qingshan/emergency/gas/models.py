"""Chemical parks, their boundary stations and toxic-gas alarms (issue #22, area gas; migration
0032_emergency_gas).

- ``gas_park``: a chemical park (化工园区) — name, boundary polygon (WGS-84 ring), county, and the
  zones park it is (``zones_park_id``, when one matches by name and county);
- ``gas_station``: a boundary station (园区边界有毒有害气体监测站) — the monitoring ``site`` of kind
  ``park_boundary`` (coordinates, region, its HJ 212 device by MN) tied to its park, with the
  substances it measures;
- ``gas_alarm``: one alarm of one station × substance — level 1 / 2, when the reading was taken
  (``data_time``, the packet's DataTime) and when the platform raised it, escalation,
  acknowledgement (who, when, note), clearing, and the incident or case it opened. Alarms are
  never deleted;
- ``gas_cursor``: the time of the newest reading of each series already judged, so that every
  reading is judged once and in order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["GasAlarm", "GasCursor", "GasPark", "GasStation"]


class GasPark(Base):
    """A chemical park with its boundary."""

    __tablename__ = "gas_park"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    #: the outer ring [[lon, lat], …] (WGS-84), closed
    boundary: Mapped[list] = mapped_column(JSON, default=list)
    #: the zones park (污水零直排区 park) of the same name in the same county, if any
    zones_park_id: Mapped[int | None] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(default=False)


class GasStation(Base):
    """A boundary station: a ``park_boundary`` site tied to its park."""

    __tablename__ = "gas_station"

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("gas_park.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), unique=True)
    #: HJ 212-2017 codes of the substances measured
    substances: Mapped[list] = mapped_column(JSON, default=list)


class GasAlarm(Base):
    """One alarm of a station × substance (never deleted)."""

    __tablename__ = "gas_alarm"

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("gas_park.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    parameter_code: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(Integer)  # 1 | 2
    state: Mapped[str] = mapped_column(String(16), index=True)  # active | cleared
    data_time: Mapped[datetime]  # the first reading over the threshold (its DataTime, UTC)
    raised_at: Mapped[datetime]  # when the platform raised it
    value: Mapped[float] = mapped_column(Float)  # the reading that raised it [mg/m³]
    threshold: Mapped[float] = mapped_column(Float)  # the level-1 threshold then [mg/m³]
    peak: Mapped[float] = mapped_column(Float)
    last_time: Mapped[datetime]
    last_value: Mapped[float] = mapped_column(Float)
    over_count: Mapped[int] = mapped_column(Integer, default=1)  # consecutive readings ≥ AL1
    below_count: Mapped[int] = mapped_column(Integer, default=0)  # consecutive readings < AL1
    escalated_at: Mapped[datetime | None]
    escalation: Mapped[str | None] = mapped_column(String(16))  # al2 | persisting
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None]
    ack_note: Mapped[str] = mapped_column(Text, default="")
    cleared_at: Mapped[datetime | None]
    incident_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(Integer)
    #: the wind at the station when raised: direction it blows FROM [°], speed [m/s]
    wind_from: Mapped[float | None] = mapped_column(Float)
    wind_speed: Mapped[float | None] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(default=False)


class GasCursor(Base):
    """The newest reading of a series already judged."""

    __tablename__ = "gas_cursor"
    __audited__ = False

    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), primary_key=True)
    last_time: Mapped[datetime]
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
