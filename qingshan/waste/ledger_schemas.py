"""API shapes of the producers' ledger (``/api/v1/waste`` plans, declarations, storage,
collection points, KPIs, a producer's ledger). Quantities in tonnes [t]."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from qingshan.api.limits import Day

__all__ = [
    "PlanFile", "PlanLinePublic", "DeclarationCreate", "DeclarationPublic", "ImportReportPublic",
    "RowProblemPublic", "StorageLotCreate", "StorageOut", "StorageAlertPublic",
    "CollectionPointCreate", "CreatedId", "KpisPublic", "LedgerMonthPublic", "LedgerPublic",
]  # fmt: skip

Tonnes = Field(ge=0, allow_inf_nan=False)


class PlanFile(BaseModel):
    """An annual management plan: code → planned tonnes of the year."""

    lines: dict[str, float] = Field(min_length=1, description="waste code → planned [t]")


class PlanLinePublic(BaseModel):
    enterprise_id: int
    year: int
    waste_code: str
    planned_t: float
    tier: str = Field(description="HJ 1259-2022: key (≥ 100 t) | simplified | registered (< 10 t)")


class DeclarationCreate(BaseModel):
    """One month's declaration of one code (``month``: the first day)."""

    enterprise_id: int = Field(ge=1)
    month: Day
    waste_code: str = Field(max_length=10)
    generated_t: float = Tonnes
    self_utilised_t: float = Tonnes
    self_disposed_t: float = Tonnes


class DeclarationPublic(DeclarationCreate):
    pass


class RowProblemPublic(BaseModel):
    sheet: str
    row: int
    column: str
    header: str
    message: str


class ImportReportPublic(BaseModel):
    rows: int
    stored: int
    problems: list[RowProblemPublic]


class StorageLotCreate(BaseModel):
    enterprise_id: int = Field(ge=1)
    waste_code: str = Field(max_length=10)
    stored_on: Day
    quantity_t: float = Field(gt=0, allow_inf_nan=False)
    limit_days: int | None = Field(default=None, ge=1, description="an approved longer term")
    note: str = Field(default="", max_length=200)


class StorageOut(BaseModel):
    out_on: Day


class StorageAlertPublic(BaseModel):
    lot_id: int
    enterprise_id: int
    enterprise_name: str
    region_code: str
    waste_code: str
    stored_on: date
    quantity_t: float
    days_stored: int
    limit_days: int
    days_left: int
    operator: bool
    status: str = Field(description="due (within 30 days of the limit) | overdue")


class CollectionPointCreate(BaseModel):
    region_code: str = Field(pattern=r"^\d{6}$")
    operator_id: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=100)
    started_on: Day
    longitude: float | None = None
    latitude: float | None = None
    members: list[int] = Field(default_factory=list)


class CreatedId(BaseModel):
    id: int


class KpisPublic(BaseModel):
    """:func:`qingshan.waste.ledger_service.waste_kpis` (rates in %, None without data)."""

    region_code: str
    year: int
    generated_t: float
    self_utilised_t: float
    self_disposed_t: float
    received_t: float
    prior_stock_t: float
    utilised_disposed_t: float
    rate_denominator_t: float
    utilisation_rate: float | None
    counties: int
    counties_with_point: int
    county_coverage: float | None
    small_producers: int
    small_covered: int
    small_producer_coverage: float | None
    capacity_t: float
    capacity_new_t: float
    capacity_ratio: float | None


class LedgerMonthPublic(BaseModel):
    month: date
    generated_t: float
    self_utilised_t: float
    self_disposed_t: float
    transferred_t: float
    stock_end_t: float
    gap_t: float
    closes: bool | None


class LedgerPublic(BaseModel):
    enterprise_id: int
    name: str
    region_code: str
    year: int
    plan: list[PlanLinePublic]
    tier: str | None
    months: list[LedgerMonthPublic]
    generated_t: float
    transferred_t: float
    stock_t: float
    small_producer: bool
    collection_point: str | None
    alerts: list[StorageAlertPublic]
    unclosed_months: int
