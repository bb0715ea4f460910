"""API shapes of the pollution-source archive (一企一档): enterprises, permits, outlets with
their latest values against the permit limits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from qingshan.archive.models import Industry


class PermitPublic(BaseModel):
    """排污许可证: number and validity (``status`` on the day asked: 有效, 即将到期, 已过期)."""

    number: str
    valid_from: date
    valid_to: date
    status: Literal["valid", "expiring", "expired", "pending"] = Field(
        description="valid; expiring within 90 days; expired; pending (not yet in force)"
    )


class LatestValuePublic(BaseModel):
    """One parameter's newest hourly value at an outlet, against its permit limit."""

    parameter_code: str = Field(description="HJ 212-2017 Appendix B code, e.g. a21026")
    name: str = Field(description="二氧化硫")
    name_en: str
    symbol: str | None = Field(None, description="SO2, NOx, COD … where there is a usual one")
    unit: str = Field(description="unit of the value, e.g. mg/m³")
    value: float | None = Field(description="as measured [unit]")
    converted: float | None = Field(
        None, description="折算: at the reference O2 (gas pollutants, when O2 was reported) [unit]"
    )
    reference_o2: float | None = Field(None, description="reference O2 of the conversion [%]")
    limit: float | None = Field(None, description="the permit's limit [limit_unit]")
    limit_unit: str | None = None
    averaging: str | None = Field(None, description="hour | day: what the limit is a mean of")
    standard: str | None = None
    exceeds: bool | None = Field(
        None,
        description="value (converted where it applies) above the limit; None: no limit or value",
    )


class OutletPublic(BaseModel):
    """A discharge outlet (排口): a site of kind gas_outlet or water_outlet."""

    code: str
    name: str
    kind: Literal["gas_outlet", "water_outlet"]
    region_code: str
    source_type: str | None = None
    source_name: str | None = Field(None, description="e.g. 燃煤发电锅炉（超低排放）")
    latest_time: datetime | None = Field(description="the outlet's newest hour (UTC, start)")
    values: list[LatestValuePublic]
    exceeding: bool = Field(description="any value of the newest hour above its limit")
    open_cases: int = Field(description="电子督办 cases not closed")
    events: int = Field(description="exceedance events of the current QC verdicts")


class EnterprisePublic(BaseModel):
    id: int
    name: str
    credit_code: str = Field(description="统一社会信用代码")
    industry: Industry
    industry_name: str = Field(description="火电 水泥 造纸 印染 化工")
    industry_code: str | None = Field(None, description="GB/T 4754-2017 小类")
    region_code: str
    region_name: str
    region_name_en: str
    city_code: str
    city_name: str
    city_name_en: str
    key_unit: bool = Field(description="重点排污单位")
    permit: PermitPublic | None
    outlets: list[OutletPublic]
    exceeding_outlets: int
    open_cases: int
    events: int


class EnterpriseSummary(BaseModel):
    """Counts over every enterprise matching the filters (not only the page)."""

    enterprises: int
    outlets: int
    exceeding_outlets: int
    open_cases: int
    by_industry: dict[str, int]


class EnterprisePage(BaseModel):
    total: int
    limit: int
    offset: int
    summary: EnterpriseSummary
    items: list[EnterprisePublic]


class EnterpriseRef(BaseModel):
    id: int
    name: str
    credit_code: str
    industry: Industry
    industry_name: str
    region_code: str
    region_name: str
    region_name_en: str


class OutletDetail(OutletPublic):
    """An outlet with its enterprise and permit: the header of the outlet page."""

    enterprise: EnterpriseRef | None
    permit: PermitPublic | None


class LimitPublic(BaseModel):
    site_code: str
    parameter_code: str
    name: str
    name_en: str
    limit: float
    unit: str
    averaging: str
    standard: str


class CapPublic(BaseModel):
    parameter_code: str
    name: str
    name_en: str
    tonnes_per_year: float = Field(description="许可排放量 [t/a]")


class PermitVersionPublic(BaseModel):
    """One version of a 排污许可证 with its outlets, limits and caps."""

    id: int
    number: str
    version: int
    category: str = Field(description="key 重点管理, simplified 简化管理, registration 登记管理")
    valid_from: date
    valid_to: date
    status: str = Field(description="valid, expiring, expired, pending; superseded")
    reason: str
    outlets: list[str]
    limits: list[LimitPublic]
    caps: list[CapPublic]


class ViolationPublic(BaseModel):
    id: int
    found_at: datetime
    category: str
    category_name: str
    category_name_en: str
    description: str
    site_code: str | None
    parameter_code: str | None


class InspectionPublic(BaseModel):
    id: int
    kind: str = Field(description="onsite 现场, remote 非现场")
    source: str
    source_ref: str | None
    inspected_at: datetime
    inspectors: list[str]
    summary: str
    violations: list[ViolationPublic]


class PenaltyPublic(BaseModel):
    id: int
    decision_no: str
    legal_basis: str
    kind: str
    amount_yuan: float | None = Field(description="[CNY]")
    decided_on: date
    status: str
    violation_id: int | None


class CasePublicRef(BaseModel):
    id: int
    number: str | None
    title: str
    state: str
    category: str
    registered_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    overdue: bool
    relapse_count: int
    url: str


class FindingPublic(BaseModel):
    kind: str = Field(
        description="exceedance violation penalty overdue_case relapsed_case data_fraud"
    )
    key: str
    time: datetime
    title: str
    ref_url: str | None
    confirmed: bool = False


class StripCellPublic(BaseModel):
    label: str = Field(description="2025Q3 or 2025-07")
    start: date
    end: date
    worst: str | None = Field(description="the worst finding kind of the period; None: none")
    counts: dict[str, int]
    link: str | None
    titles: list[str]


class EmissionPublic(BaseModel):
    """Amount discharged over a year (or the year so far) against the permit's annual cap."""

    parameter_code: str
    name: str
    name_en: str
    year: int
    start: date
    end: date = Field(description="the day after the last day counted")
    tonnes: float = Field(description="[t]")
    cap: float | None = Field(description="[t/a]")
    share: float | None = Field(description="tonnes / cap")
    coverage: float = Field(description="hours with a valid amount / hours of the period")
    basis: str = Field(description="cou, flow_x_concentration, mixed, none")


class CreditPublic(BaseModel):
    grade: str
    name: str
    name_en: str
    colour: str
    score: float | None
    reasons: list[str]
    rule_version: str
    evaluated_on: date | None
    weights_confirmed: bool
    history: list[dict] = Field(default_factory=list, description="newest first")
    url: str | None = None


class ChangePublic(BaseModel):
    at: datetime
    actor: str
    changes: dict[str, list]
    reason: str


class EnterpriseFile(BaseModel):
    """一企一档: everything the platform knows of one enterprise."""

    id: int
    name: str
    credit_code: str
    credit_code_warnings: list[str]
    industry: Industry
    industry_name: str
    industry_code: str | None = Field(description="GB/T 4754-2017 小类")
    industry_code_name: str | None
    industry_code_name_en: str | None
    region_code: str
    region_name: str
    region_name_en: str
    city_name: str
    city_name_en: str
    address: str
    longitude: float | None
    latitude: float | None
    key_unit: bool
    key_categories: list[str]
    contacts: list[dict]
    status: str
    permits: list[PermitVersionPublic]
    outlets: list[OutletPublic]
    strip_quarters: list[StripCellPublic]
    strip_months: list[StripCellPublic]
    findings: list[FindingPublic] = Field(description="the last 36 months, newest first")
    inspections: list[InspectionPublic]
    penalties: list[PenaltyPublic]
    cases: list[CasePublicRef]
    emissions: list[EmissionPublic]
    transmission: dict | None = Field(description="有效传输率 of the last 30 days")
    credit: CreditPublic | None = Field(description="None: 未评价")
    history: list[ChangePublic]
