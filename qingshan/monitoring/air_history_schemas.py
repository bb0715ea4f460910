"""API shapes of the air history (station page and city air page, issue #13)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class Crumb(BaseModel):
    """One step of the breadcrumbs 浙江省 › 杭州市 › 西溪 (``url`` None: the page itself)."""

    name: str
    name_en: str
    url: str | None


class MemberStation(BaseModel):
    """A national station of the city (the city's daily values are their mean)."""

    code: str
    name: str
    region_code: str
    in_scope: bool = Field(description="the caller may open its station page")


class DailyAir(BaseModel):
    """One natural day (China Standard Time) of the daily report (日报)."""

    date: date
    aqi: int | None = Field(description="daily AQI; None: not published (no valid day)")
    level: int | None
    primary: list[str] = Field(description="首要污染物 (AQI > 50 only)")
    edition: str = Field(description="HJ 633 edition in force that day")
    concentrations: dict[str, float | None] = Field(
        description="daily statistics: SO2 NO2 CO PM10 PM2.5 24-h means, O3_8h (MDA8), O3_1h "
        "(daily maximum) [µg/m³; CO mg/m³]"
    )


class ComprehensiveIndexPublic(BaseModel):
    """环境空气质量综合指数 (环办监测〔2018〕19号, GB 3095-2012 grade II denominators)."""

    total: float
    single: dict[str, float]
    primary: str
    edition: str
    statistics: dict[str, float]


class PeriodSummary(BaseModel):
    days: int = Field(description="calendar days of the period")
    valid_days: int = Field(description="days with a published daily AQI")
    good_days: int = Field(description="days with AQI ≤ 100 (优良天数)")
    compliance_rate: float | None = Field(description="优良天数比例 [%]")
    level_days: dict[str, int] = Field(description="AQI level 1–6 → days")
    primary_days: dict[str, int] = Field(description="pollutant → days it was primary")
    primary_shares: dict[str, float] = Field(description="pollutant → share of valid days [%]")
    pm25_mean: float | None = Field(description="PM2.5 mean of valid days [µg/m³]")
    index: ComprehensiveIndexPublic | None


class MonthFigures(BaseModel):
    start: date
    end: date
    summary: PeriodSummary | None = Field(description="None: no data stored (无同期数据)")


class MonthComparison(BaseModel):
    """环比 and 同比 of the month of the range's last day, over the same days of each month."""

    month: str
    current: MonthFigures
    previous: MonthFigures
    last_year: MonthFigures
    mom: dict[str, float | None] = Field(description="环比: compliance [percentage points], "
                                         "pm25 and index [% change]")  # fmt: skip
    yoy: dict[str, float | None] | None = Field(description="同比; None: 无同期数据")


class AirHistory(BaseModel):
    kind: str = Field(description="station or city")
    code: str
    name: str
    name_en: str
    city_code: str
    region_code: str
    control_level: str | None
    context_only: bool = Field(
        description="a county account looking at its city: shown as context, its own stations "
        "are the county's"
    )
    start: date = Field(description="first day of the range (CST)")
    end: date = Field(description="last day of the range (CST), inclusive")
    latest: datetime | None = Field(description="newest stored hour [UTC]")
    map_url: str
    breadcrumbs: list[Crumb]
    stations: list[MemberStation]
    units: dict[str, str]
    hourly_time: list[datetime] = Field(description="hour starts [UTC]")
    hourly: dict[str, list[float | None]] = Field(
        description="aqi (CNEMC real-time AQI) and the six pollutants' 1-h values"
    )
    daily: list[DailyAir]
    summary: PeriodSummary
    month: MonthComparison
    replayed: bool = Field(description="demo: values replay CNEMC 2019")
