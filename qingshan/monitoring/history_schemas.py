"""API shapes of the section history, the basin overview and data freshness (issue #13)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_serializer

#: significant figures of a mean or multiple in JSON (the analyses' own precision is 2–3)
SIGNIFICANT = 4


def round_significant(x: float | None, digits: int = SIGNIFICANT) -> float | None:
    """``x`` to ``digits`` significant figures (7.130416… → 7.13, 0.0122916… → 0.01229)."""
    if x is None or x == 0 or x != x:
        return x
    return float(f"{x:.{digits}g}")


class Place(BaseModel):
    """Where a site lies: its city and, when it is placed in one, its county (GB/T 2260)."""

    region_code: str
    city_code: str | None
    city_name: str | None
    city_name_en: str | None
    county_code: str | None = None
    county_name: str | None = None
    county_name_en: str | None = None


class IndicatorLimits(BaseModel):
    """GB 3838-2002 Table 1 limits of one indicator, classes I…V [unit]; DO is a lower limit,
    pH a range (6–9) for every class; TP uses the lake/reservoir row for lakes."""

    key: str
    name: str
    name_en: str
    unit: str
    kind: str = Field(description="upper (≤), lower (DO: ≥) or range (pH)")
    limits: list[float]
    assessed: bool = Field(description="decides the class (环办〔2011〕22号 3.1); TN does not")
    clause: str


class IndicatorValue(BaseModel):
    value: float | None
    indicator_class: str | None
    worse_than_target: bool | None
    multiple: float | None = Field(
        None, description="over-standard multiple (C − S_III)/S_III, 环办〔2011〕22号 3.3"
    )

    @field_serializer("value", "multiple", when_used="json")
    def _rounded(self, x: float | None) -> float | None:
        """A year of daily means for five indicators is most of the section page's JSON: 16
        digits each were 236 kB, :data:`SIGNIFICANT` figures are enough for any class limit
        (GB 3838-2002 Table 1 gives at most 3)."""
        return round_significant(x)


class PollutantPublic(BaseModel):
    key: str
    name: str
    name_en: str
    indicator_class: str | None
    multiple: float | None


class ClassPoint(BaseModel):
    """The class of one period (a CST day or month) from the means of its valid values."""

    time: datetime = Field(description="start of the period [UTC]")
    label: str = Field(description="the period in China Standard Time: YYYY-MM or YYYY-MM-DD")
    section_class: str | None
    class_rank: int | None
    meets_target: bool | None
    complete: bool = Field(description="enough valid values for a valid mean (rollup rule)")
    coverage: float | None = Field(description="valid values / values of a complete period")
    indicators: dict[str, IndicatorValue]
    main_pollutants: list[PollutantPublic]


class SectionInfo(BaseModel):
    code: str
    name: str
    control_level: str
    water_body: str
    basin: str | None
    target_class: str | None
    place: Place
    longitude: float | None
    latitude: float | None
    approximate: bool = Field(description="placed within its city, coordinates not published")


class SectionHistory(BaseModel):
    section: SectionInfo
    start: datetime
    end: datetime
    indicators: list[IndicatorLimits]
    monthly: list[ClassPoint]
    daily: list[ClassPoint]
    months_assessed: int
    months_meeting_target: int
    method: str


class BasinSection(BaseModel):
    code: str
    name: str
    control_level: str
    water_body: str
    place: Place
    time: datetime | None
    section_class: str | None
    class_rank: int | None
    target_class: str | None
    meets_target: bool | None
    main_pollutants: list[PollutantPublic]
    url: str


class BasinStatusPublic(BaseModel):
    """River or basin status (环办〔2011〕22号 4.1 Table 2)."""

    status: str | None
    status_en: str | None
    color: str | None
    n_sections: int
    share_good: float | None = Field(description="classes I–III [%]")
    share_worst: float | None = Field(description="worse than V [%]")
    shares: dict[str, float]
    method: str | None = Field(description="share (≥ 5 sections) or mean (< 5)")
    mean_class: str | None = None


class BasinMonth(BaseModel):
    time: datetime
    label: str
    classes: dict[str, int]
    status: BasinStatusPublic


class BasinOverview(BaseModel):
    basin: str
    basins: list[str] = Field(description="every basin of the caller's scope")
    scope_region: str
    scope_limited: bool = Field(description="only the sections within the caller's region")
    latest: BasinStatusPublic
    sections: list[BasinSection]
    history: list[BasinMonth]
    latest_time: datetime | None


class FreshnessItem(BaseModel):
    kind: str = Field(description="air_station, water_section or logger")
    code: str
    name: str
    place: Place | None
    last_time: datetime | None = Field(description="end of the newest reported period [UTC]")
    age_hours: float | None
    state: str = Field(description="ok, late or missing (never reported counts as missing)")
    late_after_hours: float
    missing_after_hours: float
    url: str | None


class FreshnessCount(BaseModel):
    region_code: str
    name: str
    name_en: str
    city_level: bool = Field(
        False, description="within a city's scope: the sites placed in the city, no county"
    )
    total: int
    late: int
    missing: int


class FreshnessReport(BaseModel):
    now: datetime
    thresholds: dict[str, float]
    summary: list[FreshnessCount] = Field(description="per city (and county for a city scope)")
    totals: dict[str, FreshnessCount]
    items: list[FreshnessItem]
