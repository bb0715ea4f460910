"""API shapes of the stored indices."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class AqiHour(BaseModel):
    time: dt.datetime = Field(description="start of the hour (UTC)")
    aqi: int | None = Field(description="CNEMC real-time AQI (HJ 633); null: not published")
    primary: list[str] = Field(description="首要污染物 (AQI > 50), HJ 633 order")


class AqiDay(BaseModel):
    date: dt.date = Field(description="the natural day (CST)")
    aqi: int | None = Field(description="HJ 633 daily report (日报); null: none")
    level: int | None = Field(description="AQI level 1–6 (HJ 633-2012 Table 2)")
    primary: list[str]
    source: str = Field(description="index and edition, e.g. index:aqi:HJ633-2026")


class StationAqi(BaseModel):
    """An air station's stored AQI (the ``indices`` job's derived series)."""

    code: str
    name: str
    start: dt.date
    end: dt.date
    hourly: list[AqiHour]
    daily: list[AqiDay]
