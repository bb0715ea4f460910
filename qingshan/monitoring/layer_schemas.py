"""API shapes of the map layers (:mod:`qingshan.monitoring.layers`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from qingshan.monitoring.schemas import WaterSectionLatest, WaterSummary

LayerPeriod = Literal["latest", "hour", "day"]


class LayerStation(BaseModel):
    """An air station in a layer: its values at the layer's hour or day and their AQI."""

    code: str
    name: str
    region_code: str = Field(description="GB/T 2260 code of the station's county (or city)")
    city_code: str
    city_name: str
    control_level: str
    longitude: float | None
    latitude: float | None
    approximate: bool = Field(description="the position is approximate (placed by name)")
    context: bool = Field(
        description="shown as context: a national station of the city of a county that has none"
    )
    replayed: bool = False
    time: dt.datetime | None = Field(description="start of the hour or CST day, UTC")
    aqi: int | None
    aqi_withheld: bool = Field(
        description="values exist but the AQI is not published: an indicator is missing and "
        "the AQI of the rest is at most 100 (HJ 633-2026 §5.3.1)"
    )
    level: int | None
    primary_pollutants: list[str]
    primary_indicators: list[str]
    missing: list[str] = Field(description="indicators of the report without a value")
    concentrations: dict[str, float | None] = Field(
        description="HJ 633 indicator key → value [µg/m³; CO mg/m³], e.g. PM2.5_1h, O3_8h"
    )


class AirLayer(BaseModel):
    """Every air station of a region at one hour, one CST day, or its newest hour."""

    period: LayerPeriod
    time: dt.datetime | None = Field(description="start of the hour or CST day, UTC (latest: none)")
    date: dt.date | None = Field(description="the CST day of a day layer")
    region: str
    context_region: str | None = Field(
        description="the city whose national stations are shown as context, if any"
    )
    stations: list[LayerStation]


class LayerSection(WaterSectionLatest):
    approximate: bool = Field(description="the position is approximate (placed by name)")
    context: bool = Field(
        description="shown as context: a national section of the city of a county that has none"
    )


class WaterLayer(BaseModel):
    """Every national and provincial section of a region on one CST day, or at its newest hour."""

    period: LayerPeriod
    time: dt.datetime | None
    date: dt.date | None
    region: str
    context_region: str | None
    summary: WaterSummary = Field(description="counts over the region's own sections")
    sections: list[LayerSection]


class LayerRange(BaseModel):
    """The stored history a time slider can replay."""

    first_date: dt.date | None = Field(description="first CST day with stored values")
    last_time: dt.datetime | None = Field(description="newest stored hour, UTC")
    last_date: dt.date | None = Field(description="CST day of the newest stored hour")
