"""API shapes of the big screen's summary (:mod:`qingshan.screen.service`)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class AreaCounts(BaseModel):
    """One bar of a distribution: a city (province view) or a county (city and county views)."""

    code: str
    name: str
    name_en: str
    context: bool = Field(
        False, description="the city's national sites shown for a county that has none"
    )
    counts: dict[str, int] = Field(
        description="AQI level '1'…'6' (HJ 633-2026 Table 1) or GB 3838-2002 class I…劣V, "
        "'none' without a current value → number of sites"
    )


class CaseFigures(BaseModel):
    open: int = Field(description="在办: registered, dispatched, rectifying, submitted, reopened")
    overdue: int = Field(description="超期: dispatched, not yet accepted, past the deadline")
    by_state: dict[str, int] = Field(description="open state → cases")


class FreshnessFigures(BaseModel):
    total: int
    ok: int
    late: int
    missing: int
    by_kind: dict[str, dict[str, int]] = Field(description="kind → {total, ok, late, missing}")


class Trend(BaseModel):
    time: list[dt.datetime] = Field(description="hour start (UTC) or CST day start (UTC)")
    values: list[float | None]


class ScreenSummary(BaseModel):
    """What the big screen shows of one region, at one moment."""

    region: str
    region_name: str
    region_name_en: str
    context_region: str | None = Field(
        description="the city shown as context for a county without a national site"
    )
    as_of: dt.datetime = Field(description="when the summary was computed, UTC")
    air_time: dt.datetime | None = Field(description="newest hour of the air stations, UTC")
    water_time: dt.datetime | None = Field(description="newest hour of the sections, UTC")
    stations: int = Field(description="air stations of the region (context ones not counted)")
    aqi_mean: float | None = Field(description="mean real-time AQI of the region's stations")
    good_share: float | None = Field(description="stations at AQI level 1–2 now [%]")
    sections: int
    water_good_rate: float | None = Field(description="Ⅰ～Ⅲ类比例 [%] now")
    outlets: int
    exceeding_outlets: int = Field(description="超标: outlets above their permit limit now")
    cases: CaseFigures
    freshness: FreshnessFigures
    air_by_area: list[AreaCounts]
    water_by_area: list[AreaCounts]
    aqi_24h: Trend = Field(description="last 24 h: the mean hourly AQI of the region's cities")
    good_days_30d: Trend = Field(
        description="last 30 CST days: share of the region's cities with AQI ≤ 100 [%]"
    )
    good_rate_30d: float | None = Field(
        description="优良天数比例 over the 30 days [%]: good city-days / city-days with an AQI"
    )
