"""API shapes of the case reports: statistics, the monthly notice, the follow-up list."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class FiguresPublic(BaseModel):
    """A region's figures for a month (definitions: ``qingshan.cases.notice``)."""

    model_config = ConfigDict(from_attributes=True)

    new: int = Field(description="新增: registered in the month")
    closed: int = Field(description="销号 events in the month")
    due: int = Field(description="应办结: dispatches due by the month's end, open at its start")
    closed_due: int = Field(description="已办结: of those, closed by the month's end")
    closure_rate: float | None = Field(description="办结率 closed_due / due [0-1]")
    open: int = Field(description="在办 at the month's end")
    overdue: int = Field(description="逾期 at the month's end")
    relapses: int = Field(description="反弹 in the month")
    notice: int = Field(description="通报 in the month")
    supervise: int = Field(description="督办 in the month")
    summon: int = Field(description="约谈 in the month")
    accountability: int = Field(description="问责 in the month")


class NoticeRowPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    name_en: str
    level: str = Field(description="city | county")
    parent: str | None
    own: bool = Field(description="the cases at a city's (province's) own level: 市本级")
    figures: FiguresPublic


class OverduePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    case_id: int
    number: str
    title: str
    region_code: str
    region: str
    category: str
    source: str
    unit: str
    enterprise: str
    state: str
    due_at: datetime
    days_overdue: int = Field(description="[d]")
    level: int = Field(description="escalation rung: 0 none, 1 通报, 2 督办, 3 约谈, 4 问责")


class NoticePublic(BaseModel):
    month: str = Field(description="YYYY-MM (CST)")
    scope_code: str
    as_of: datetime = Field(description="figures up to this time")
    generated_at: datetime
    complete: bool = Field(description="the month had ended when computed")
    issued: bool = Field(description="the stored notice (false: computed now, none issued)")
    issued_by: str | None
    total: FiguresPublic
    rows: list[NoticeRowPublic]
    overdue: list[OverduePublic]


class FollowupItemPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    case_id: int
    number: str
    title: str
    region_code: str
    region: str
    category: str
    state: str
    unit: str
    enterprise: str
    due_at: datetime | None
    days_overdue: int | None
    level: int
    relapses: int
    reasons: list[str] = Field(description="overdue | supervised | relapsed | relapsed_in_quarter")


class FollowupPublic(BaseModel):
    quarter: str = Field(description="YYYYQn")
    scope_code: str
    cut_off: datetime
    items: list[FollowupItemPublic]


class RegionStatsPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    name_en: str
    own: bool
    total: int
    open: int
    closed: int
    overdue: int
    due: int
    closed_due: int
    closure_rate: float | None
    by_state: dict[str, int]


class TrendPublic(BaseModel):
    month: str
    registered: int
    closed: int


class StatsPublic(BaseModel):
    scope_code: str
    as_of: datetime
    total: RegionStatsPublic
    regions: list[RegionStatsPublic]
    by_state: dict[str, int]
    by_category: dict[str, int]
    by_source: dict[str, int]
    trend: list[TrendPublic]
