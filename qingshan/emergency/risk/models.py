"""Risk enterprises, emergency plans and drills (issue #22, area risk; migration 0029_emergency_risk).

- ``emergency_risk_declaration``: what an enterprise declares for its HJ 941-2018 grading — the
  risk substances (substance key, max stock t, place), the process and control items (M) — with
  its review state (submitted → approved | returned); the inputs are kept as declared (JSON);
- ``emergency_risk_grade``: one computed grading of an approved declaration — the level, the
  notation, the air and water factors with their basis, the inputs it was computed from and the
  grading version; the newest row of an enterprise is its current grade (never typed in);
- ``emergency_plan``: one filed enterprise emergency plan (突发环境事件应急预案) — signed on, filed on,
  bureau, filing number, review due (required), revision number and the plan it supersedes, the
  uploaded files, and the case opened when it expired;
- ``emergency_drill``: one drill (应急演练) — date, scenario, participants, findings.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["RiskDeclaration", "RiskGrade", "EmergencyPlan", "EmergencyDrill"]


class RiskDeclaration(Base):
    """An enterprise's declared risk substances and M items, and their review."""

    __tablename__ = "emergency_risk_declaration"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    # [{"substance": key, "max_stock_t": float, "place": str}]
    chemicals: Mapped[list] = mapped_column(JSON, default=list)
    # {"process": {item: count}, "controls": {item: option}}  (HJ 941-2018 M tables)
    m_items: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(
        String(16), default="submitted"
    )  # submitted|approved|returned
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime]
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(default=False)


class RiskGrade(Base):
    """One computed HJ 941-2018 grading; inputs and result stored as computed."""

    __tablename__ = "emergency_risk_grade"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("emergency_risk_declaration.id"))
    level: Mapped[str] = mapped_column(String(8))  # 一般 | 较大 | 重大
    notation: Mapped[str] = mapped_column(String(120))
    inputs: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    grading_version: Mapped[str] = mapped_column(String(32))
    computed_at: Mapped[datetime]
    computed_by: Mapped[str] = mapped_column(String(64))
    synthetic: Mapped[bool] = mapped_column(default=False)


class EmergencyPlan(Base):
    """A filed enterprise emergency plan (one row per revision)."""

    __tablename__ = "emergency_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date] = mapped_column(Date)
    filed_on: Mapped[date | None] = mapped_column(Date)
    filing_bureau: Mapped[str] = mapped_column(String(100), default="")
    filing_no: Mapped[str] = mapped_column(String(64), default="")
    review_due: Mapped[date] = mapped_column(Date, index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("emergency_plan.id"))
    superseded: Mapped[bool] = mapped_column(default=False)
    files: Mapped[list] = mapped_column(JSON, default=list)  # [{"name","path","sha256","size"}]
    expired_case_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    synthetic: Mapped[bool] = mapped_column(default=False)


class EmergencyDrill(Base):
    """One emergency drill of an enterprise."""

    __tablename__ = "emergency_drill"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("emergency_plan.id"))
    held_on: Mapped[date] = mapped_column(Date)
    scenario: Mapped[str] = mapped_column(String(200))
    participants: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    synthetic: Mapped[bool] = mapped_column(default=False)
