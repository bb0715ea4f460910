"""API shapes of environmental credit and double-random spot checks (Create / Public per
entity)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from pydantic import BaseModel, BeforeValidator, Field, StrictBool, StringConstraints

from qingshan.api.limits import MAX_ID, NoNul, RegionCode
from qingshan.archive.records import VIOLATION_CATEGORIES
from qingshan.cases.rules import case_rules
from qingshan.enforcement.credit import credit_rule
from qingshan.enforcement.draw import MAX_SEED

TargetGroup = Literal["key", "general", "all"]
Frequency = Literal["quarter", "half", "year"]
Outcome = Literal["compliant", "violation", "closed", "not_found"]
#: the schema says what the domain accepts (regions of Zhejiang, the rule's grades, the
#: archive's violation categories, the cases' categories and severities)
if TYPE_CHECKING:
    GradeKey: TypeAlias = str
    ViolationCategory: TypeAlias = str
    CaseCategory: TypeAlias = str
    Severity: TypeAlias = str
else:
    GradeKey = Literal[tuple(g.key for g in credit_rule().grades)]
    ViolationCategory = Literal[tuple(VIOLATION_CATEGORIES)]
    CaseCategory = Literal[case_rules().categories]
    Severity = Literal[case_rules().severities]


def _an_integer(value: object) -> object:
    """A JSON integer as JSON Schema reads it (``78`` or ``78.0``), not ``"78"`` nor ``true``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("a JSON integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("a JSON integer")
        return int(value)
    return value


Int = Annotated[int, BeforeValidator(_an_integer)]
#: a database id (JSON integers only: "1" and true are refused, as the schema says; the
#: constraints before the validator, so that the schema shows them as minimum and maximum)
Id = Annotated[
    int, Field(ge=1, le=MAX_ID, description="a database id"), BeforeValidator(_an_integer)
]
Seed = Annotated[int, Field(ge=0, le=MAX_SEED), BeforeValidator(_an_integer)]


def _a_number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("a JSON number")
    return value


def _a_date(value: object) -> object:
    if not isinstance(value, str):  # JSON numbers are not dates
        raise ValueError("a date as text YYYY-MM-DD")
    return value


Number = Annotated[float, BeforeValidator(_a_number)]
Day = Annotated[date, BeforeValidator(_a_date)]
#: text without NUL bytes (PostgreSQL's text cannot hold one; the schema's pattern says so),
#: ``Named`` not only spaces either
Named = Annotated[
    str, StringConstraints(min_length=1, pattern=r"^[^\x00]*[^\x00\s][^\x00]*$"), NoNul
]
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$"), NoNul]


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
    name: Named = Field(max_length=128)
    legal_basis: Named = Field(max_length=2000)
    target_group: TargetGroup
    ratio: Number = Field(ge=0.001, le=1, description="share of the target group per period")
    frequency: Frequency
    qualification: Text = Field("", max_length=64)
    same_county: StrictBool = True
    inspectors_per_task: Int = Field(2, ge=2, le=10)
    window_days: Int = Field(365, ge=0, le=3650)
    region_code: RegionCode


class ItemPublic(ItemCreate):
    id: int
    active: bool


class InspectorCreate(BaseModel):
    name: Named = Field(max_length=64)
    badge_no: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9-]+$")
    region_code: RegionCode
    unit: Text = Field("", max_length=128)
    qualifications: list[
        Annotated[str, StringConstraints(max_length=32, pattern=r"^[^\x00]*$"), NoNul]
    ] = Field(default_factory=list, max_length=20)
    conflicts: list[Id] = Field(default_factory=list, max_length=200, description="enterprise ids")


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
    item_code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    region_code: RegionCode
    period: str = Field(
        pattern=r"^(20[0-9]{2}|2100)(Q[1-4]|H[12])?$",
        description="2026Q4, 2026H2 or 2026 (as the item's frequency)",
    )
    title: Text = Field("", max_length=200)


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
    seed: Seed | None = Field(None, description="default: a random seed")


class NoProblem(BaseModel):
    """A result without a problem: compliant, closed (or not operating), not found."""

    outcome: Literal["compliant", "closed", "not_found"]
    checked_on: Day = Field(description="CST date, between the draw and today")
    findings: Text = Field("", max_length=4000)


class ProblemFound(BaseModel):
    """A problem found: its category (the archive's), what was found; a case is opened."""

    outcome: Literal["violation"]
    checked_on: Day = Field(description="CST date, between the draw and today")
    findings: Named = Field(max_length=4000)
    violation_category: ViolationCategory
    case_category: CaseCategory | None = None
    severity: Severity = "general"


ResultCreate = Annotated[NoProblem | ProblemFound, Field(discriminator="outcome")]


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
