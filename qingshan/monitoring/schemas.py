"""API shapes of monitoring data."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class AirStationLatest(BaseModel):
    code: str
    name: str
    city_code: str
    city_name: str
    control_level: str
    region_code: str = Field(default="", description="GB/T 2260 county (or city) code")
    longitude: float | None
    latitude: float | None
    approximate: bool = Field(
        default=False,
        description="the position is approximate (attrs placement = approximate: e.g. a "
        "section placed by its named town or within its city); draw it as such",
    )
    time: datetime | None
    aqi: int | None
    level: int | None
    category: str | None
    color: str | None
    primary_pollutants: list[str]
    primary_indicators: list[str] = Field(
        default_factory=list,
        description="HJ 633 indicator keys that decided the AQI, e.g. PM2.5_1h",
    )
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
    approximate: bool = Field(
        default=False,
        description="the position is approximate (attrs placement = approximate: e.g. a "
        "section placed by its named town or within its city); draw it as such",
    )
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


class MainPollutant(BaseModel):
    key: str = Field(description="GB 3838 key, e.g. NH3_N")
    name: str = Field(description="Chinese name, e.g. 氨氮")
    name_en: str
    indicator_class: str
    multiple: float | None = Field(
        description="over-standard multiple (C − S_III)/S_III [dimensionless]; none for pH, DO"
    )


class WaterSectionLatest(BaseModel):
    code: str
    name: str
    control_level: str
    region_code: str
    city_code: str
    city_name: str
    basin: str | None
    water_body: str = Field(description="river, or lake (lakes and reservoirs: lake TP limits)")
    longitude: float | None
    latitude: float | None
    approximate: bool = Field(
        default=False,
        description="the position is approximate (attrs placement = approximate: e.g. a "
        "section placed by its named town or within its city); draw it as such",
    )
    time: datetime | None = Field(description="start of the newest hour, UTC")
    concentrations: dict[str, float | None] = Field(description="GB 3838 key → value [mg/L]")
    section_class: str | None = Field(description="I … V, 劣V; None without data")
    class_rank: int | None = Field(description="1 (I) … 6 (劣V)")
    target_class: str | None
    meets_target: bool | None = Field(description="达标: class at least as good as the target")
    status: str | None
    status_en: str | None
    indicator_classes: dict[str, str]
    over_standard_multiples: dict[str, float]
    main_pollutants: list[MainPollutant]
    main_pollutants_label: str = Field(description="as published, e.g. 总磷(0.2)、氨氮(0.2)")


class WaterSummary(BaseModel):
    sections: int
    assessed: int
    by_class: dict[str, int]
    with_target: int
    meeting_target: int
    compliance_rate: float | None = Field(description="达标率 [%]")
    good_rate: float | None = Field(description="Ⅰ～Ⅲ类比例 [%]")
    worse_than_v_rate: float | None = Field(description="劣Ⅴ类比例 [%]")
    latest_time: datetime | None
    networks: dict[str, int]


class WaterSectionsLatest(BaseModel):
    summary: WaterSummary
    sections: list[WaterSectionLatest]
