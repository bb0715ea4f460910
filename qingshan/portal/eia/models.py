"""EIA approvals and permit applications (issue #23, area eia; migration 0035_portal_eia).

- ``portal_eia_approval``: one 建设项目环境影响评价 approval (环评审批) — project, where it lies
  (WGS 84 point in Zhejiang), GB/T 4754-2017 industry code, document type (报告书 / 报告表 /
  登记表), approval number (批复文号, or the 登记表's 备案号), approving authority, date, the
  conditions (批复要求) and the approved pollutant totals (HJ 212-2017 code → t/a); linked to
  the enterprise of the archive and to its permit when the approval was recorded;
- ``portal_eia_application``: one 排污许可 application (申请 / 变更 / 延续) as a service record —
  its checklist of materials, submitted / accepted / decided dates, the decision and the
  applicant's trips to the hall (到现场次数) for the "最多跑一次" statistics;
- ``portal_eia_case``: the case a warning opened (one per warning key, never two).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["EiaApproval", "PermitApplication", "EiaWarningCase"]


class EiaApproval(Base):
    """One EIA approval (环评批复) or registration-form filing (登记表备案)."""

    __tablename__ = "portal_eia_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    project: Mapped[str] = mapped_column(String(200))
    longitude: Mapped[float] = mapped_column(Float)
    latitude: Mapped[float] = mapped_column(Float)
    industry_code: Mapped[str] = mapped_column(String(4))  # GB/T 4754-2017 class
    doc_type: Mapped[str] = mapped_column(String(16))  # report | table | registration
    approval_no: Mapped[str] = mapped_column(String(64), unique=True)
    authority: Mapped[str] = mapped_column(String(64))
    approved_on: Mapped[date] = mapped_column(Date, index=True)
    conditions: Mapped[list] = mapped_column(JSON, default=list)  # [str]
    totals: Mapped[dict] = mapped_column(JSON, default=dict)  # {HJ 212 code: t/a}
    #: the enterprise's current permit when the approval was recorded (None: none on file)
    permit_id: Mapped[int | None] = mapped_column(ForeignKey("permit.id"))
    origin: Mapped[str] = mapped_column(String(16), default="form")  # form | import | demo
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class PermitApplication(Base):
    """One 排污许可 application as a service record (申请 / 变更 / 延续)."""

    __tablename__ = "portal_eia_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # apply | change | renew
    permit_number: Mapped[str | None] = mapped_column(String(32))
    # [{"key": material key, "provided": bool}]
    checklist: Mapped[list] = mapped_column(JSON, default=list)
    submitted_on: Mapped[date] = mapped_column(Date, index=True)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(16))  # granted | refused
    trips: Mapped[int] = mapped_column(Integer, default=0)  # 到现场次数
    note: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class EiaWarningCase(Base):
    """The case a computed warning opened: one per warning key."""

    __tablename__ = "portal_eia_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(96), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    case_id: Mapped[int] = mapped_column(Integer)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime]
