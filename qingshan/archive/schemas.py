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
