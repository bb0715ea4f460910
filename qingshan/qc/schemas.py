"""API shapes of the QC domain (Create / Public per entity)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic.json_schema import WithJsonSchema

from qingshan.api.limits import AwareTime, NoNul
from qingshan.standards.errors import StandardsError
from qingshan.standards.pollutant_codes import COMMON_NAMES, POLLUTANT_CODES, normalise_code

#: a mark's reason, at most this many characters
MAX_REASON_CHARS = 2000
#: proof entries (file ids / URLs) of a mark, and the length of each
MAX_PROOF_ENTRIES, MAX_PROOF_CHARS = 50, 500


def _hj212_code(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalise_code(value)
    except StandardsError as exc:
        raise ValueError(f"not an HJ 212 pollutant code: {value!r}") from exc


#: an HJ 212-2017 Appendix B code or a common name (SO2, NOx…); the schema lists them, the
#: validator also reads the HJ/T 212-2005 codes (normalise_code)
ParameterCode = (
    Annotated[
        str,
        StringConstraints(max_length=32),
        NoNul,
        AfterValidator(_hj212_code),
        WithJsonSchema({"type": "string", "enum": sorted({*POLLUTANT_CODES, *COMMON_NAMES})}),
    ]
    | None
)
ProofEntry = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PROOF_CHARS), NoNul]


class MarkCreate(BaseModel):
    kind: Annotated[str, StringConstraints(max_length=8), NoNul] = Field(
        description="停运 启炉 停炉 故障 维护 校准 并网 解列"
    )
    start: AwareTime = Field(description="with a timezone, e.g. 2026-03-01T10:00:00+08:00")
    end: AwareTime
    parameter_code: ParameterCode = Field(
        None, description="HJ 212-2017 code (or a common name); None: the whole outlet"
    )
    reason: Annotated[str, StringConstraints(max_length=MAX_REASON_CHARS), NoNul] = ""
    proof: list[ProofEntry] = Field(
        default_factory=list,
        max_length=MAX_PROOF_ENTRIES,
        description="proof file ids / URLs 证明材料",
    )


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
    value_basis: str = Field(
        "hour_mean",
        description="what max_value is: converted (hourly mean at the reference O2, gas), "
        "day_mean (daily mean, water) or hour_mean",
    )


class CasePublic(BaseModel):
    """A case an outlet's QC reports opened (the case itself: ``/api/v1/cases/{id}``)."""

    id: int
    number: str | None = Field(description="案件编号")
    source: str = Field(description="qc_exceedance (超标) or qc_pattern (数据造假特征)")
    event_key: str = Field(description="the key of the first report (an event key for 超标)")
    site_id: int
    parameter_code: str | None
    title: str
    status: str = Field(description="the case's state (registered, assigned, …, closed)")
    opened_at: datetime
    judgement_id: int | None
    evidence: dict = Field(description="the first report's evidence")
    reports: int = Field(description="reports the case stands for")


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
