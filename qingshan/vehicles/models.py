"""Vehicle registries (issue #21; migration 0026_vehicles): the small tables. The big data
(vehicles, I/M tests, remote sensing, OBD) is columnar, in :mod:`qingshan.vehicles.store`.

- ``vehicle_station``: one I/M inspection station (排放检验机构, I站) — code, name, county,
  qualification (CMA) number and its expiry, status, position (lon, lat; migration 0028);
- ``vehicle_test_line``: one test line (检测线) of a station, numbered per station, with the
  methods it can run (comma-separated method keys of :data:`qingshan.vehicles.judge.METHODS`);
- ``vehicle_equipment``: one device on a line (chassis dynamometer, gas analyser, opacimeter …)
  with its last calibration and the day the next one is due;
- ``nonroad_machine``: one registered non-road mobile machine (非道路移动机械编码登记) — code,
  type (GB 36886-2018 scope list), engine stage (GB 20891 China I–IV), power, owner, county,
  and its work site (name, lon, lat; migration 0027) for the low-emission-zone check.

Field lists follow the reference (shared/reference/vehicles.md §3); HJ 1238-2021's own field list
was not read [U].
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["VehicleStation", "VehicleTestLine", "VehicleEquipment", "NonRoadMachine"]


class VehicleStation(Base):
    """One I/M inspection station (I站)."""

    __tablename__ = "vehicle_station"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    cma_number: Mapped[str] = mapped_column(String(64), default="")
    cma_valid_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | suspended | closed
    synthetic: Mapped[bool] = mapped_column(default=False)
    # where it is (migration 0028), WGS 84 / CGCS2000: the station map; None = not drawn
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)


class VehicleTestLine(Base):
    """One test line of a station; ``methods`` lists the method keys it runs, comma-separated."""

    __tablename__ = "vehicle_test_line"
    __table_args__ = (UniqueConstraint("station_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("vehicle_station.id"), index=True)
    line_no: Mapped[int]
    methods: Mapped[str] = mapped_column(String(100))


class VehicleEquipment(Base):
    """One device on a test line with its calibration dates."""

    __tablename__ = "vehicle_equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("vehicle_test_line.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # dynamometer | gas_analyser | opacimeter | ...
    model: Mapped[str] = mapped_column(String(100), default="")
    calibrated_on: Mapped[date | None] = mapped_column(Date)
    calibration_due: Mapped[date | None] = mapped_column(Date)


class NonRoadMachine(Base):
    """One registered non-road mobile machine (编码登记)."""

    __tablename__ = "nonroad_machine"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # excavator | loader | forklift | ...
    engine_stage: Mapped[str] = mapped_column(String(8))  # 国I | 国II | 国III | 国IV (GB 20891)
    power_kw: Mapped[float | None] = mapped_column(Float)
    owner: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    registered: Mapped[date] = mapped_column(Date)
    synthetic: Mapped[bool] = mapped_column(default=False)
    # where it works (migration 0027): checked against the low-emission zones
    site: Mapped[str] = mapped_column(String(200), default="", server_default="")
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
