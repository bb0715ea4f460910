"""API shapes of monitoring data."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class AirStationLatest(BaseModel):
    code: str
    name: str
    city_code: str
    city_name: str
    control_level: str
    longitude: float | None
    latitude: float | None
    time: datetime | None
    aqi: int | None
    level: int | None
    category: str | None
    color: str | None
    primary_pollutants: list[str]
    concentrations: dict[str, float | None]
    replayed: bool = False


class SitePublic(BaseModel):
    code: str
    name: str
    kind: str
    control_level: str
    region_code: str
    longitude: float | None
    latitude: float | None
    attrs: dict


class SeriesPublic(BaseModel):
    id: int
    parameter_code: str
    parameter_name: str
    period: str
    unit: str


class SiteDetail(SitePublic):
    series: list[SeriesPublic]


class ObservationPoint(BaseModel):
    time: datetime
    value: float | None
    raw_value: float | None
    source_flag: str | None
    qc_flag: int | None
