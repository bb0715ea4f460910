"""API shapes of the QC domain (Create / Public per entity)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class MarkCreate(BaseModel):
    kind: str = Field(description="停运 启炉 停炉 故障 维护 校准 并网 解列")
    start: datetime
    end: datetime
    parameter_code: str | None = Field(None, description="None: the whole outlet")
    reason: str = ""
    proof: list[str] = Field(default_factory=list, description="proof file ids / URLs 证明材料")


class MarkPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    site_id: int
    parameter_code: str | None
    kind: str
    start: datetime
    end: datetime
    reason: str
    proof: list[str]
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None


class JudgementPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    site_id: int
    window_start: datetime
    window_end: datetime
    revision: int
    trigger: str
    industry: str
    rule_version: str
    inputs_digest: str
    superseded_by: int | None
    created_at: datetime
    summary: dict
    marks: list
    limits: dict


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    judgement_id: int
    site_id: int
    parameter_code: str
    event_key: str
    start: datetime
    end: datetime
    periods: int
    max_value: float
    max_multiple: float
    limit: float
    standard: str
    limit_source: str


class CasePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    event_key: str
    site_id: int
    parameter_code: str
    title: str
    status: str
    opened_at: datetime
    judgement_id: int | None
    evidence: dict


class TransmissionPublic(BaseModel):
    site: str
    start: datetime
    end: datetime
    expected: int
    reported: int
    valid: int
    exempt: int
    transmission_rate: float | None
    validity_rate: float | None
    effective_rate: float | None
