"""API shapes of the carbon accounts (``/api/v1/carbon``). Units in the field names: tCO2,
MWh, GJ, t, 10^4 Nm3, 10^4 yuan (万元)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from qingshan.api.limits import Day, Id

__all__ = [
    "FuelUseIn", "ActivityCreate", "LinePublic", "MonthResultPublic", "VersionPublic",
    "AccountMonthPublic", "WarningPublic", "CodePublic", "AccountPublic", "ResultRowPublic",
    "ProblemPublic", "ImportReportPublic", "FactorPublic", "PeakPathPublic", "PeakPathSet",
    "RecomputeRequest", "RecomputePublic",
]  # fmt: skip

_AMOUNT = Field(0.0, ge=0, allow_inf_nan=False)


class FuelUseIn(BaseModel):
    fuel: str = Field(
        min_length=1, max_length=64, description="a factor-library fuel key, e.g. raw_coal"
    )
    amount: float = Field(ge=0, allow_inf_nan=False, description="in `unit`")
    unit: str = Field(
        min_length=1, max_length=16, description="t (solids, liquids) or 10^4 Nm3 (gases)"
    )


class ActivityCreate(BaseModel):
    """One enterprise's activity data of one month (a resubmission makes a new revision)."""

    enterprise_id: int = Field(ge=1, le=2**31 - 1)
    month: Day = Field(description="the first day of the month, e.g. 2026-03-01")
    fuels: list[FuelUseIn] = Field(default_factory=list, max_length=40)
    electricity_purchased_mwh: float = _AMOUNT
    electricity_exported_mwh: float = _AMOUNT
    green_electricity_mwh: float = Field(0.0, ge=0, allow_inf_nan=False,
                                         description="zero-carbon electricity purchased (碳效码 only)")  # fmt: skip
    heat_purchased_gj: float = _AMOUNT
    heat_exported_gj: float = _AMOUNT
    clinker_t: float | None = Field(None, ge=0, allow_inf_nan=False)
    value_added_10k_yuan: float | None = Field(None, ge=0, allow_inf_nan=False,
                                               description="工业增加值; needed for the 碳效码")  # fmt: skip
    output_value_10k_yuan: float | None = Field(None, ge=0, allow_inf_nan=False)

    @field_validator("month")
    @classmethod
    def _first_day(cls, v: date) -> date:
        if v.day != 1:
            raise ValueError("month must be the first day of a month (e.g. 2026-03-01)")
        return v


class LinePublic(BaseModel):
    source: str
    scope: int
    activity: float
    unit: str
    tco2: float
    biomass: bool
    factor_id: str


class MonthResultPublic(BaseModel):
    enterprise_id: int
    month: date
    lines: list[LinePublic]
    scope1_tco2: float
    scope2_tco2: float
    biomass_tco2: float = Field(description="reported apart, not in the total")
    total_tco2: float
    edition: str = Field(description="GB/T 32150 edition of the accounting period")
    library_version: str
    basis: str
    factors: dict[str, dict]
    warnings: list[str]


class VersionPublic(BaseModel):
    version: int
    activity_revision: int
    library_version: str
    edition: str
    basis: str
    scope1_tco2: float
    scope2_tco2: float
    biomass_tco2: float
    total_tco2: float
    computed_at: datetime
    reason: str
    current: bool


class AccountMonthPublic(BaseModel):
    month: date
    revision: int
    source: str
    submitted_by: str
    submitted_at: datetime
    activity: dict
    result: MonthResultPublic
    versions: list[VersionPublic] = Field(description="newest first")


class WarningPublic(BaseModel):
    kind: Literal["missing_month", "ten_times", "no_value_added", "factor"]
    month: date | None
    message: str
    value: float | None = None
    reference: float | None = None


class CodePublic(BaseModel):
    grade: int | None = Field(description="碳效码 grade 1–5; null without value added")
    level: str | None
    k: float | None
    intensity: float | None = Field(description="tCO2 per 10^4 yuan value added")
    industry_avg: float | None
    colour: str | None
    method: str


class AccountPublic(BaseModel):
    enterprise_id: int
    name: str
    credit_code: str
    region_code: str
    industry: str
    industry_code: str | None
    year: int
    months: list[AccountMonthPublic]
    scope1_tco2: float
    scope2_tco2: float
    biomass_tco2: float
    total_tco2: float
    value_added_10k_yuan: float | None
    warnings: list[WarningPublic]
    code: CodePublic
    factors: dict[str, dict]


class ResultRowPublic(BaseModel):
    enterprise_id: int
    name: str
    region_code: str
    city_code: str
    industry: str
    industry_code: str | None
    month: date
    scope1_tco2: float
    scope2_tco2: float
    biomass_tco2: float
    total_tco2: float
    value_added_10k_yuan: float | None
    electricity_mwh: float
    basis: str
    library_version: str


class ProblemPublic(BaseModel):
    sheet: str
    row: int
    column: str
    header: str
    message: str


class ImportReportPublic(BaseModel):
    rows: int
    stored: int
    rejected: int = Field(description="rows not stored (each with its problems)")
    problems: list[ProblemPublic]


class FactorPublic(BaseModel):
    id: str
    kind: str
    value: float | None
    unit: str
    params: dict
    source: str
    valid_from: date
    valid_to: date | None
    tag: str = Field(
        description='"" read in the source; "U" unverified; "3P" third-party copies only'
    )


class PeakPathPublic(BaseModel):
    region_code: str
    path: dict[int, float] = Field(description="year → tCO2")


class PeakPathSet(BaseModel):
    path: dict[int, float] = Field(min_length=1, max_length=100, description="year → tCO2")


class RecomputeRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=160)
    enterprise_ids: list[Id] | None = Field(None, max_length=10_000)
    months: list[Day] | None = Field(None, max_length=240)


class RecomputePublic(BaseModel):
    versions: int = Field(description="new result versions written")
    library_version: str
