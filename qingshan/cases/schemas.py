"""API shapes of the cases: a case in lists and in full, its history, files, sign-offs and
reports; what registering and acting take."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StringConstraints,
)

from qingshan.accounts.models import Role
from qingshan.api.limits import MAX_ID, MAX_YEAR, MIN_YEAR, NoNul, RegionCode
from qingshan.cases.intake import SOURCES
from qingshan.cases.rules import case_rules
from qingshan.cases.workflow import Capacity, CaseEvent, CaseState

Text = Annotated[str, StringConstraints(max_length=4000), NoNul]
Short = Annotated[str, StringConstraints(max_length=200), NoNul]
#: the schema says what the domain accepts (the values of qingshan/cases/data/rules.json, the
#: sources, the regions of Zhejiang), so a client learns them from the OpenAPI document
if TYPE_CHECKING:
    SourceName: TypeAlias = str
    Category: TypeAlias = str
    Severity: TypeAlias = str
    CategoryOrAll: TypeAlias = str
else:
    SourceName = Literal[SOURCES]
    Category = Literal[case_rules().categories]
    Severity = Literal[case_rules().severities]
    CategoryOrAll = Literal[("*", *case_rules().categories)]
#: a database id
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="a database id")]


def _not_a_number(value: object) -> object:
    if isinstance(value, int | float):  # bool too: JSON numbers are not times
        raise ValueError("a time as text, e.g. 2026-03-01T10:00:00+08:00")
    return value


def _aware_in_range(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("needs a timezone (e.g. 2026-03-01T10:00:00+08:00 or …Z)")
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is outside {MIN_YEAR}–{MAX_YEAR}")
    return value


#: a time with its zone, as text, in the years the platform holds (said in the schema too)
CaseTime = Annotated[
    datetime,
    BeforeValidator(_not_a_number),
    AfterValidator(_aware_in_range),
    Field(json_schema_extra={"pattern": r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-"}),
]
#: not only spaces
#: a name or title: something besides blanks, and no NUL byte (said in the schema too)
Named = Annotated[str, StringConstraints(min_length=1, pattern=r"^[^\x00]*\S[^\x00]*$"), NoNul]


class CaseSummary(BaseModel):
    """A case as the list shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str | None = Field(description="案件编号 <region>-<year>-<id>")
    source: str = Field(description="qc_exceedance, qc_pattern, complaint, inspection, …")
    category: str
    severity: str = Field(description="general 一般, serious 较重, major 重大")
    state: CaseState
    title: str
    region_code: str
    enterprise_id: int | None
    site_id: int | None
    parameter_code: str | None
    longitude: float | None
    latitude: float | None
    place: str
    unit_id: int | None
    occurred_at: datetime
    registered_at: datetime
    assigned_at: datetime | None
    due_at: datetime | None = Field(description="整改期限")
    submitted_at: datetime | None
    accepted_at: datetime | None
    closed_at: datetime | None
    escalation_level: int = Field(description="0 none, 1 通报, 2 督办, 3 约谈, 4 问责")
    relapse_count: int = Field(description="times reopened as a relapse (反弹)")
    merged_into_id: int | None


class CasePage(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    items: list[CaseSummary]
    total: int
    page: int
    per_page: int
    counts: dict[str, int] = Field(description="cases per state matching the other filters")


class EventPublic(BaseModel):
    """One row of a case's history (append-only)."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    event: str
    from_state: str | None
    to_state: str
    actor: str
    at: datetime
    reason: str
    evidence: list[int] = Field(description="case_file ids")
    detail: dict[str, Any]


class FilePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    sha256: str
    size: int = Field(description="[bytes]")
    media_type: str
    filename: str
    uploaded_by: str
    uploaded_at: datetime


class SignoffPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    round: int
    capacity: Capacity
    username: str
    signed_at: datetime
    comment: str


class SourcePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    source: str
    source_key: str
    group_key: str | None
    reported_at: datetime
    payload: dict[str, Any]


class UnitPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: Capacity
    region_code: str
    categories: list[str]
    active: bool = True


class CaseDetailPublic(BaseModel):
    case: CaseSummary
    description: str
    events: list[EventPublic]
    files: list[FilePublic]
    signoffs: list[SignoffPublic]
    sources: list[SourcePublic]
    unit: UnitPublic | None
    actions: list[CaseEvent] = Field(description="the events you may fire now")
    signer_capacities: list[Capacity] = Field(description="capacities you may sign in here")
    merged_from: list[int]


class Location(BaseModel):
    """A point (WGS-84 degrees)."""

    longitude: StrictFloat = Field(ge=-180, le=180)
    latitude: StrictFloat = Field(ge=-90, le=90)


class CaseCreate(BaseModel):
    """A new case (登记) by an officer; see ``POST /cases/duplicates`` first."""

    source: SourceName = Field(description="complaint, inspection, patrol, central_inspection, …")
    category: Category
    severity: Severity = "general"
    title: Annotated[Named, StringConstraints(max_length=200)]
    region_code: RegionCode = Field(description="GB/T 2260 code of a region of Zhejiang")
    occurred_at: CaseTime = Field(description="when the problem was found (not in the future)")
    description: Text = ""
    enterprise_id: Id | None = None
    site_id: Id | None = None
    parameter_code: Annotated[str, StringConstraints(max_length=16), NoNul] | None = None
    location: Location | None = None
    place: Short = ""


class RegistrationPublic(BaseModel):
    case: CaseSummary
    outcome: str = Field(description="new | existing | attached | relapse (反弹: reopened)")


class DuplicatePublic(BaseModel):
    case: CaseSummary
    reasons: list[str] = Field(description="same_enterprise, nearby")
    distance_m: float | None


class ActionBody(BaseModel):
    """What an action takes (each event reads the fields it needs)."""

    reason: Text = ""
    unit_id: Id | None = Field(None, description="assign: the responsible unit")
    due_at: CaseTime | None = Field(None, description="assign: the deadline (default by rules)")
    capacity: Capacity | None = Field(None, description="sign: department or government")
    into_id: Id | None = Field(None, description="merge: the case to merge into")
    kind: str | None = Field(None, description="reopen: relapse | repeat_complaint")
    evidence_ids: list[Id] = Field(default_factory=list, max_length=50)


class UnitCreate(BaseModel):
    name: Annotated[Named, StringConstraints(max_length=128)]
    kind: Capacity
    region_code: RegionCode
    categories: list[CategoryOrAll] = Field(
        default_factory=lambda: ["*"],
        min_length=1,
        max_length=50,
        description="the categories a department is competent for, or ['*'] (all; the default)",
    )


class UnitUpdate(BaseModel):
    """What changes of a unit (a field left out stays): its name, its categories (a
    department needs at least one, or ``*``), whether it is active."""

    name: Annotated[Named, StringConstraints(max_length=128)] | None = None
    categories: list[CategoryOrAll] | None = Field(None, min_length=1, max_length=50)
    active: bool | None = None


class SignerGrant(BaseModel):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64), NoNul]
    capacity: Capacity
    region_code: RegionCode


class SignerPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: int
    capacity: Capacity
    region_code: str
    granted_by: str
    granted_at: datetime


class SignerGrantPublic(BaseModel):
    """A signer entitlement within your region: who, as what, for which region."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: Role
    user_region: str
    capacity: Capacity
    region_code: str
    granted_by: str
    granted_at: datetime


class PointPublic(BaseModel):
    id: int
    longitude: float
    latitude: float
    state: CaseState
    title: str
