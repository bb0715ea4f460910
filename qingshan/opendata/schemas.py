"""API shapes of the open-data API (``/api/v1/open/…``).

Every list answers one envelope, :class:`Page`: ``{total, limit, offset, items}`` — ``total``
the number of items matching the request's filters (all pages), ``items`` the page asked for
(empty past the end, with the total). The sites list is GeoJSON (RFC 7946) with the same
members beside ``features`` (foreign members, RFC 7946 §6.1).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    total: int = Field(description="items matching the request, over all pages")
    limit: int
    offset: int
    items: list[T]


class SiteProperties(BaseModel):
    code: str
    name: str
    kind: str
    control_level: str
    region_code: str = Field(description="GB/T 2260 code of the site's county (or city)")
    city_code: str | None
    city_name: str | None
    city_name_en: str | None
    county_code: str | None
    county_name: str | None
    county_name_en: str | None
    approximate: bool = Field(description="the position is approximate (not published)")


class PointGeometry(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(description="[longitude, latitude] WGS 84 (RFC 7946 §3.1.2)")


class SiteFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry | None
    properties: SiteProperties


class SiteCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    total: int
    limit: int
    offset: int
    features: list[SiteFeature]


class SeriesItem(BaseModel):
    id: int
    parameter: str = Field(description="HJ 212-2017 Appendix B code, e.g. a34004")
    parameter_name: str
    parameter_name_en: str
    period: str
    unit: str


class ObservationItem(BaseModel):
    time: datetime = Field(description="start of the period [UTC]")
    value: float | None = Field(description="cleaned value [the series' unit]")
    raw_value: float | None
    source_flag: str | None = Field(description="HJ 212-2017 data flag (N, F, M, …)")
    qc_flag: int | None


class RollupItem(BaseModel):
    """A stored roll-up (mean) with its coverage as fields (parsed once from the row's
    ``source``, ``rollup:<source period>:<valid>/<expected>``)."""

    time: datetime = Field(description="start of the CST day, month or year [UTC]")
    value: float | None = Field(description="the mean, when valid [the series' unit]")
    mean_of_valid: float | None = Field(description="the mean of whatever valid values there were")
    source_period: str | None
    n_valid: int | None = Field(description="valid values that went into the mean")
    n_expected: int | None = Field(description="values of a complete period")
    coverage: float | None = Field(description="n_valid / n_expected [0–1]")
    valid: bool = Field(
        description="enough valid values for a valid mean (GB 3095-2012 §8.2 Table 4: 20 hours "
        "a day, 27 days a month (25 in February), 324 days a year)"
    )


class DailyAqiItem(BaseModel):
    date: date
    aqi: int | None
    level: int | None
    primary: list[str]
    edition: str
    concentrations: dict[str, float | None]


class WaterClassItem(BaseModel):
    time: datetime
    label: str
    section_class: str | None
    class_rank: int | None
    meets_target: bool | None
    complete: bool
    coverage: float | None
    main_pollutants: list[str]


class IndexPage(Page[T], Generic[T]):
    code: str
    name: str
    meta: dict[str, Any] = Field(default_factory=dict)
