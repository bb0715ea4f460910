"""API shapes of the targets (``/api/v1/targets``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["CellPublic", "TargetPublic", "BoardPublic", "ReportPublic", "TargetDetailPublic",
           "ReportCreate", "ReportResubmit", "ReportReview", "KpiPublic"]  # fmt: skip


class CellPublic(BaseModel):
    region_code: str
    owed: float | None = Field(description="the target value owed (the city's share) [unit]")
    value: float | None = Field(description="computed, or the latest accepted report [unit]")
    progress: float | None = Field(description="share of the way to the value [0–1]")
    status: str | None = Field(
        description="met, on_track, at_risk, behind, no_data; null: no share"
    )
    as_of: date | None


class TargetPublic(BaseModel):
    id: int
    code: str
    item: str
    wording: str
    wording_en: str
    unit: str
    comparison: str
    value: float
    deadline: date
    metric: str = Field(description="computed (by its KPI provider) or reported")
    kpi: str | None
    split: str = Field(description="sum, each or province (docs/targets.md)")
    units: list[str] = Field(description="responsible units, the lead first")
    province: CellPublic
    cities: dict[str, CellPublic]


class KpiPublic(BaseModel):
    name: str
    unit: str
    value: float | None
    basis: str


class BoardPublic(BaseModel):
    plan: str
    title: str
    as_of: date
    expected: float = Field(description="elapsed share of the plan's period [0–1]")
    region: str = Field(description="the rows' region: 330000, or the caller's city")
    targets: list[TargetPublic]
    scores: dict[str, float | None] = Field(description="city → assessment score [0–100]")
    kpis: list[KpiPublic]


class ReportPublic(BaseModel):
    id: int
    target_id: int
    region_code: str
    value: float
    as_of: date
    note: str
    state: str
    submitted_by: str
    submitted_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str
    audited_by: str | None
    audited_at: datetime | None


class TargetDetailPublic(BaseModel):
    target: TargetPublic
    reports: list[ReportPublic]


class ReportCreate(BaseModel):
    region_code: str = Field(pattern=r"^\d{6}$")
    value: float = Field(ge=0)
    as_of: date
    note: str = Field("", max_length=2000)


class ReportResubmit(BaseModel):
    value: float = Field(ge=0)
    as_of: date
    note: str = Field("", max_length=2000)


class ReportReview(BaseModel):
    event: Literal["accept", "return", "audit"]
    reason: str = Field("", max_length=2000)
