"""API shapes of environmental credit and double-random spot checks (Create / Public per
entity)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

TargetGroup = Literal["key", "general", "all"]
Frequency = Literal["quarter", "half", "year"]
Outcome = Literal["compliant", "violation", "closed", "not_found"]


class CreditReason(BaseModel):
    kind: str
    key: str
    occurred: str
    title: str
    link: str | None = None
    points: float
    capped: bool = False
    veto: str | None = None


class CreditRatingPublic(BaseModel):
    enterprise_id: int
    enterprise_name: str
    region_code: str
    region_name: str
    region_name_en: str
    score: float
    grade: str
    grade_name: str
    grade_name_en: str
    colour: str
    vetoed: bool
    rule_version: str
    as_of: date
    computed_at: datetime


class CreditHistoryEntry(BaseModel):
    score: float
    grade: str
    grade_name: str
    grade_name_en: str
    colour: str
    vetoed: bool
    rule_version: str
    as_of: date
    computed_at: datetime


class CreditDetail(CreditRatingPublic):
    reasons: list[CreditReason]
    history: list[CreditHistoryEntry]
    weights_confirmed: bool
    rule_source: str


class GradeCount(BaseModel):
    grade: str
    name: str
    name_en: str
    colour: str
    count: int


class CreditPage(BaseModel):
    total: int
    limit: int
    offset: int
    rule_version: str
    weights_confirmed: bool
    by_grade: list[GradeCount]
    items: list[CreditRatingPublic]


class CreditRunPublic(BaseModel):
    rated: int
    changed: int
    as_of: date
    rule_version: str
    by_grade: dict[str, int]


class ItemCreate(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=128)
    legal_basis: str = Field(min_length=1, max_length=2000)
    target_group: TargetGroup
    ratio: float = Field(gt=0, le=1, description="share of the target group per period")
    frequency: Frequency
    qualification: str = Field("", max_length=64)
    same_county: bool = True
    inspectors_per_task: int = Field(2, ge=2, le=10)
    window_days: int = Field(365, ge=0, le=3650)
    region_code: str = Field(pattern=r"^\d{6}$")


class ItemPublic(ItemCreate):
    id: int
    active: bool


class InspectorCreate(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    badge_no: str = Field(min_length=1, max_length=32)
    region_code: str = Field(pattern=r"^\d{6}$")
    unit: str = Field("", max_length=128)
    qualifications: list[str] = Field(default_factory=list, max_length=20)
    conflicts: list[int] = Field(default_factory=list, max_length=200, description="enterprise ids")


class InspectorPublic(BaseModel):
    id: int
    name: str
    badge_no: str
    region_code: str
    unit: str
    qualifications: list[str]
    conflicts: list[dict]
    active: bool


class PlanCreate(BaseModel):
    item_code: str = Field(min_length=1, max_length=32)
    region_code: str = Field(pattern=r"^\d{6}$")
    period: str = Field(min_length=4, max_length=8, description="2026Q4, 2026H2 or 2026")
    title: str = Field("", max_length=200)


class TaskPublic(BaseModel):
    id: int
    plan_id: int
    enterprise_id: int
    enterprise_name: str
    region_code: str
    region_name: str
    region_name_en: str
    inspectors: list[str]
    outcome: Outcome | None = None
    findings: str = ""
    checked_on: date | None = None
    case_id: int | None = None
    inspection_id: int | None = None


class DrawPublic(BaseModel):
    id: int
    plan_id: int
    seed: int
    algorithm: str
    inputs_sha256: str
    result_sha256: str
    candidates: int
    drawn_at: datetime
    drawn_by: str
    quotas: dict[str, int]
    #: the quotas by county with names, in code order
    strata: list[dict] = Field(default_factory=list)


class PlanPublic(BaseModel):
    id: int
    item_code: str
    item_name: str
    region_code: str
    region_name: str
    region_name_en: str
    period: str
    title: str
    ratio: float
    created_at: datetime
    draw: DrawPublic | None = None
    tasks: int = 0
    recorded: int = 0
    violations: int = 0


class PlanDetail(PlanPublic):
    task_list: list[TaskPublic] = Field(default_factory=list)


class DrawRequest(BaseModel):
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="default: a random seed")


class ResultCreate(BaseModel):
    outcome: Outcome
    checked_on: date
    findings: str = Field("", max_length=4000)
    violation_category: str | None = Field(None, max_length=32)
    case_category: str | None = Field(None, max_length=32)
    severity: str = Field("general", max_length=16)


class VerificationPublic(BaseModel):
    draw_id: int | None
    ok: bool
    inputs_sha256: str
    published_sha256: str
    hash_matches: bool
    result_matches: bool
    rerun_error: str | None
    differences: list[str]
    tasks: int
