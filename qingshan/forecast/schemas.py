"""API shapes of the air forecast pages (issue #15)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class Band(BaseModel):
    """A forecast value with its 80 % prediction interval (quantiles 0.1, 0.5, 0.9)."""

    q10: float | None
    q50: float | None
    q90: float | None


class ForecastDay(BaseModel):
    """One forecast target day of a city."""

    target_day: date
    days_ahead: int = Field(description="days after the issue day (1 = the day after)")
    aqi: int | None = Field(description="AQI of the median concentrations (HJ 633 daily report)")
    aqi_band: Band = Field(description="AQI of the 0.1 / 0.5 / 0.9 concentrations")
    level: int | None = Field(description="AQI level 1-6 (HJ 633 Table 2)")
    primary: list[str] = Field(description="primary pollutant(s); empty when AQI <= 50")
    pollutants: dict[str, Band] = Field(description="PM2.5 PM10 O3_8h NO2 SO2 [µg/m³], CO [mg/m³]")


class CityForecast(BaseModel):
    """A city's forecast of one issue."""

    city_code: str
    name: str
    name_en: str
    issued_at: datetime
    days: list[ForecastDay]


class AirForecasts(BaseModel):
    """The cities' forecasts a caller may read (the province: all; a city: its own; a county:
    its city's, as context)."""

    region_code: str
    context_only: bool = Field(description="a county account reading its city's forecast")
    issued_at: datetime | None
    model: str
    cities: list[CityForecast]
    units: dict[str, str]


class PastDay(BaseModel):
    """A past day of a city: what happened and what had been forecast for it."""

    day: date
    observed: dict[str, float | None] = Field(description="AQI and the six concentrations")
    observed_level: int | None
    observed_primary: list[str]
    forecasts: dict[str, dict[str, Band]] = Field(
        description="days ahead ('1','2','3') → variable (AQI, PM2.5 …) → band"
    )
    forecast_levels: dict[str, int | None] = Field(description="days ahead → forecast level")


class CityForecastDetail(BaseModel):
    """The city forecast page: the latest forecast and the past weeks against what happened."""

    city_code: str
    name: str
    name_en: str
    context_only: bool
    forecast: CityForecast | None
    past: list[PastDay]
    scores: list[dict[str, Any]] = Field(
        description="per days ahead over the past days: n, level accuracy, AQI MAE, coverage"
    )
    units: dict[str, str]


class Skill(BaseModel):
    """The stored backtest (qingshan forecast evaluate's JSON) and the days it used."""

    made_at: datetime | None
    days: dict[str, Any]
    result: dict[str, Any] | None
