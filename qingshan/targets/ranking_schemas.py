"""API shapes of the public ranking (issue #16)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RankingRow(BaseModel):
    """One ranked region."""

    rank: int = Field(description="1 = best; equal values share a rank (并列)")
    region_code: str
    name: str
    name_en: str
    city_code: str
    value: float = Field(description="comprehensive index (air, 2 dp) or CWQI (water, 4 dp)")
    value_2026: float | None = Field(
        None,
        description="air only: the index over the GB 3095-2026 transitional limits, unweighted "
        "(HJ 663-2026 not confirmed; for information, not ranked)",
    )
    previous: float | None = Field(None, description="same period of the previous year")
    change: float | None = Field(None, description="同比 change [%]; negative = better")
    change_rank: int | None = Field(None, description="rank by change, most improved first")
    primary: list[str] = Field(
        default_factory=list, description="首要污染物 (air) / 主要污染指标 (water)"
    )
    sites: int = Field(description="stations (air) or sections (water) used")
    synthetic_previous: bool = Field(
        False, description="the previous year is the demo's synthetic one (design.md)"
    )


class LackingRow(BaseModel):
    """A region without valid data: listed, never ranked."""

    region_code: str
    name: str
    name_en: str
    city_code: str
    reason_code: str = Field(description="no_station, no_section, too_few_days or no_valid_section")
    reason: str = Field(description="the reason in English")
    statistic: str | None = Field(None, description="too_few_days: the daily value short of days")
    have: int | None = Field(None, description="valid days it has")
    need: int | None = Field(None, description="valid days it needs")
    where: str | None = Field(None, description="the month (YYYY-MM) or year short of days")
    section: str | None = Field(None, description="no_valid_section: a section short of days")


class Ranking(BaseModel):
    kind: str
    level: str
    period: str
    month: str
    label: str = Field(description="the period: 2026-11, 2026-01…2026-11 or 2026")
    first: str
    last: str
    method: str
    rows: list[RankingRow]
    lacking: list[LackingRow]
    synthetic_previous: bool = Field(
        False, description="some previous-year values are the demo's synthetic year"
    )
    months: list[str] = Field(description="the months with stored roll-ups, newest first")
