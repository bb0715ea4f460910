"""Target tables (目标任务分解 督查考核, plan items 1 and 3).

- ``target_plan``: one yearly plan (its code, title, year and period), loaded from a plan file
  (:mod:`qingshan.targets.plan_file`);
- ``target``: one quantitative target of a plan — item number, Chinese wording, unit, the
  comparison and value, deadline, whether it is computed by a KPI provider or reported by hand,
  and how it is split to the cities;
- ``target_unit``: the responsible units (``case_unit``, the cases' 责任单位) of a target;
- ``target_share``: a target's decomposition, the value a city (or a department) owes;
- ``target_report``: a progress report of a city for a target (value, note, evidence) with its
  review state (:mod:`qingshan.targets.lifecycle`);
- ``target_file``: an evidence file of a report, content-addressed like the cases' files;
- ``target_reminder``: the deadline reminders sent (one per target, city and lead time).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = [
    "TargetPlan",
    "Target",
    "TargetUnit",
    "TargetShare",
    "TargetReport",
    "TargetFile",
    "TargetReminder",
]


class TargetPlan(Base):
    """A yearly plan (工作要点) whose targets are tracked."""

    __tablename__ = "target_plan"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200), default="")
    loaded_at: Mapped[datetime]


class Target(Base):
    """One quantitative target of a plan."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("plan_code", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_code: Mapped[str] = mapped_column(ForeignKey("target_plan.code"), index=True)
    code: Mapped[str] = mapped_column(String(16))  # "14.2": item 14, second target
    item: Mapped[str] = mapped_column(String(16))  # the plan's item ("main" for 主要目标)
    wording: Mapped[str] = mapped_column(Text)  # Chinese, as the plan says it
    wording_en: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(32))
    comparison: Mapped[str] = mapped_column(String(2))  # ">=", "<=", "="
    value: Mapped[float] = mapped_column(Float)
    baseline: Mapped[float] = mapped_column(Float, default=0.0)
    start: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(16))  # "computed" or "reported"
    kpi: Mapped[str | None] = mapped_column(String(64))  # a KPI provider's name
    split: Mapped[str] = mapped_column(String(16))  # "sum", "each", "province"
    weight: Mapped[float] = mapped_column(Float, default=1.0)


class TargetUnit(Base):
    """A responsible unit (``case_unit``) of a target; ``lead``: the leading unit (牵头)."""

    __tablename__ = "target_unit"

    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("case_unit.id"), primary_key=True)
    lead: Mapped[bool] = mapped_column(default=False)


class TargetShare(Base):
    """The part of a target a city owes (``value`` in the target's unit)."""

    __tablename__ = "target_share"
    __table_args__ = (UniqueConstraint("target_id", "region_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("case_unit.id"))
    value: Mapped[float] = mapped_column(Float)


class TargetReport(Base):
    """A progress report: the value reached by ``as_of``, a note and evidence files; its
    ``state`` changes only through :mod:`qingshan.targets.lifecycle`."""

    __tablename__ = "target_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    value: Mapped[float] = mapped_column(Float)
    as_of: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), index=True)
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime]
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(Text, default="")
    audited_by: Mapped[str | None] = mapped_column(String(64))
    audited_at: Mapped[datetime | None]


class TargetFile(Base):
    """An evidence file of a report: content-addressed (``sha256``) under the evidence
    directory the cases use."""

    __tablename__ = "target_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("target_report.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]


class TargetReminder(Base):
    """A deadline reminder sent for a target to a city, ``days`` before its deadline (once)."""

    __tablename__ = "target_reminder"

    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    sent_at: Mapped[datetime]
