"""API shapes of the hazardous-waste manifests and facilities (``/api/v1/waste``). Quantities in
tonnes [t], capacities [t/yr], fractions as 0–1, regions as GB/T 2260 codes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from qingshan.api.limits import Day

__all__ = [
    "ManifestCreate", "SignatureCreate", "CorrectionCreate", "ManifestRowPublic", "ManifestPage",
    "LegPublic", "SignaturePublic", "VersionPublic", "NextSignerPublic", "ManifestPublic",
    "FacilityPublic", "FacilityCreate",
]  # fmt: skip

Id = Field(ge=1, le=2**31 - 1)
_CODE = Field(min_length=8, max_length=12, pattern=r"^\s*\d{3}-?\d{3}-?\d{2}\s*$",
              description="废物代码 III-SSS-CC, e.g. 900-249-08")  # fmt: skip
_QTY = Field(gt=0, le=100_000, allow_inf_nan=False, description="[t]")
State = Literal["draft", "submitted", "in_transit", "received", "closed", "rejected", "voided"]
Action = Literal["submit", "pickup", "handover", "receive", "reject", "void", "close"]


class ManifestCreate(BaseModel):
    """A new manifest (version 1, draft), filled in by the producer (移出人)."""

    model_config = ConfigDict(extra="forbid")

    producer_id: int = Id
    receiver_id: int = Id
    transporter_ids: list[int] = Field(min_length=1, max_length=5,
                                       description="the transporters (承运人) in order")  # fmt: skip
    waste_code: str = _CODE
    quantity_t: float = _QTY
    transfer_on: Day = Field(description="the planned transfer date")
    dest_region: str | None = Field(None, pattern=r"^\d{6}$",
                                    description="destination county; default the receiver's")  # fmt: skip
    approval_ref: str | None = Field(None, max_length=64,
                                     description="cross-province approval (固废法 Art. 82)")  # fmt: skip


class SignatureCreate(BaseModel):
    """A signature: the party is the one whose turn it is among the user's enterprises."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    quantity_t: float | None = Field(None, gt=0, le=100_000, allow_inf_nan=False,
                                     description="receive only: the quantity received [t]")  # fmt: skip
    note: str = Field("", max_length=500)
    paper: bool = Field(False, description="a bureau account entering a paper manifest")


class CorrectionCreate(BaseModel):
    """A correction: a new version with the changed fields and a reason."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200)
    waste_code: str | None = Field(None, min_length=8, max_length=12,
                                   pattern=r"^\s*\d{3}-?\d{3}-?\d{2}\s*$")  # fmt: skip
    quantity_t: float | None = Field(None, gt=0, le=100_000, allow_inf_nan=False)
    approval_ref: str | None = Field(None, max_length=64)
    transfer_on: Day | None = None


class OverduePublic(BaseModel):
    """A time limit missed: ``receipt`` (危险废物转移管理办法 2021 Art. 18, 5 working days after
    arrival) or ``paper`` (Art. 20, a paper manifest entered within 10 working days); ``open``:
    the step is still not done."""

    kind: str
    due: date
    open: bool


class ManifestRowPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    version: int
    state: State
    producer_id: int
    producer_name: str
    receiver_id: int
    receiver_name: str
    waste_code: str
    category: str
    quantity_t: float
    received_t: float | None
    discrepancy: float | None = Field(
        description="(received − shipped) / shipped beyond the tolerance"
    )
    transfer_on: date
    origin_region: str
    dest_region: str
    cross_province: bool
    legs: int
    overdue: list[OverduePublic] = Field(default_factory=list)


class ManifestPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ManifestRowPublic]


class LegPublic(BaseModel):
    seq: int
    transporter_id: int
    name: str


class SignaturePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    party: str
    action: str
    enterprise_id: int
    enterprise_name: str
    username: str
    signed_at: datetime
    quantity_t: float | None
    note: str
    paper: bool
    version: int


class VersionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    created_at: datetime
    created_by: str
    reason: str | None
    waste_code: str
    quantity_t: float
    approval_ref: str | None
    transfer_on: date


class NextSignerPublic(BaseModel):
    party: str
    action: str


class ManifestPublic(ManifestRowPublic):
    approval_ref: str | None
    created_at: datetime
    created_by: str
    reason: str | None
    current_id: int
    tolerance: float
    transporters: list[LegPublic]
    signatures: list[SignaturePublic]
    versions: list[VersionPublic]
    next_signers: list[NextSignerPublic]


class FacilityPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    name: str
    region_code: str
    licence_no: str
    licence_valid_from: date
    licence_valid_to: date
    licence_valid: bool
    capacity_t_per_year: float
    methods: list[str]
    codes: list[str]
    year: int
    received_t: float
    capacity_use: float | None


class FacilityCreate(BaseModel):
    """A facility's 危险废物经营许可证 (province and city accounts)."""

    model_config = ConfigDict(extra="forbid")

    enterprise_id: int = Id
    licence_no: str = Field(min_length=1, max_length=64)
    licence_valid_from: Day
    licence_valid_to: Day
    capacity_t_per_year: float = Field(ge=0, le=10_000_000, allow_inf_nan=False)
    codes: list[str] = Field(min_length=1, max_length=500,
                             description="licensed codes III-SSS-CC or categories HWnn")  # fmt: skip
    methods: list[str] = Field(default_factory=list, max_length=40)


class ApprovalCreate(BaseModel):
    """The origin province's decision approving a cross-province transfer (固废法 2020 Art. 82;
    危险废物转移管理办法 2021 Art. 21, 27): recorded by a province-level account."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=1, max_length=64, description="批准文号")
    authority: str = Field(min_length=1, max_length=100, description="审批机关")
    approved_on: Day
    producer_id: int = Id
    receiver_id: int = Id
    waste_codes: list[str] = Field(min_length=1, max_length=50,
                                   description="codes III-SSS-CC or categories HWnn")  # fmt: skip
    approved_t: float = Field(gt=0, le=100_000, allow_inf_nan=False)
    requested_to: Day | None = None
    dest_region: str | None = Field(None, pattern=r"^\d{6}$",
                                    description="the receiving site's county (GB/T 2260)")  # fmt: skip


class ApprovalPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    authority: str
    authority_region: str
    approved_on: date
    valid_from: date
    valid_to: date
    producer_id: int
    producer_name: str
    receiver_id: int
    receiver_name: str
    dest_region: str
    waste_codes: list[str]
    approved_t: float
    shipped_t: float
    remaining_t: float
    in_force: bool
    recorded_at: datetime
    recorded_by: str
