"""Tables of environmental credit (grade history) and double-random spot checks (事项清单, the
inspector roster, plans, draws, tasks and their results).

A draw keeps its canonical inputs file (``inputs``, the exact bytes as UTF-8 text), the file's
SHA-256, the seed and the result, so that anyone can re-run it
(:mod:`qingshan.enforcement.draw`). Nothing here is typed in by hand that could be derived:
a credit rating is computed (:mod:`qingshan.enforcement.ratings`), a task's inspectors drawn.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base


class CreditRating(Base):
    """One computed credit grade of an enterprise (a row per change: the grade history). The
    newest row of an enterprise is ``current``."""

    __tablename__ = "credit_rating"
    __audited__ = False  # derived by the rule, never typed in; the history is the table itself
    __table_args__ = (
        Index("ix_credit_rating_enterprise_computed", "enterprise_id", "computed_at"),
        Index("ix_credit_rating_current_region_grade", "current", "region_code", "grade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    rule_version: Mapped[str] = mapped_column(String(48))
    as_of: Mapped[date] = mapped_column(Date)  # the evaluation date (CST)
    computed_at: Mapped[datetime]
    score: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(16))
    colour: Mapped[str] = mapped_column(String(8))
    vetoed: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    current: Mapped[bool] = mapped_column(default=True)


class SpotCheckItem(Base):
    """An entry of the spot-check item list (随机抽查事项清单): legal basis, target group, ratio,
    frequency, who may inspect."""

    __tablename__ = "spot_check_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    legal_basis: Mapped[str] = mapped_column(Text)
    #: key (重点排污单位) | general (一般) | all
    target_group: Mapped[str] = mapped_column(String(16))
    ratio: Mapped[float] = mapped_column(Float)  # share of the target group drawn per period (0, 1]
    frequency: Mapped[str] = mapped_column(String(8))  # quarter | half | year
    qualification: Mapped[str] = mapped_column(String(64), default="")  # needed on the roster
    same_county: Mapped[bool] = mapped_column(default=True)  # exclude inspectors of the county
    inspectors_per_task: Mapped[int] = mapped_column(default=2)
    window_days: Mapped[int] = mapped_column(default=365)  # recent-inspection exclusion [d]
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))  # who publishes it
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Inspector(Base):
    """The enforcement roster (执法检查人员名录库): a person, not an account role."""

    __tablename__ = "inspector"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    badge_no: Mapped[str] = mapped_column(String(32), unique=True)  # 执法证号
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    unit: Mapped[str] = mapped_column(String(128), default="")
    qualifications: Mapped[list] = mapped_column(JSON, default=list)
    #: declared conflicts of interest: [{"enterprise_id": 12, "reason": "亲属任职"}]
    conflicts: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class SpotCheckPlan(Base):
    """A plan (抽查计划): one item, one organising region, one period (``2026Q4``, ``2026H2``,
    ``2026``)."""

    __tablename__ = "spot_check_plan"
    __table_args__ = (UniqueConstraint("item_id", "region_code", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("spot_check_item.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    period: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class SpotCheckDraw(Base):
    """The draw of a plan (one per plan), with what it takes to re-run it."""

    __tablename__ = "spot_check_draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("spot_check_plan.id"), unique=True)
    seed: Mapped[int] = mapped_column(BigInteger)
    algorithm: Mapped[str] = mapped_column(String(128))
    inputs: Mapped[str] = mapped_column(Text)  # the canonical inputs file
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict] = mapped_column(JSON)
    result_sha256: Mapped[str] = mapped_column(String(64))
    drawn_by: Mapped[str] = mapped_column(String(64))
    drawn_at: Mapped[datetime]


class SpotCheckTask(Base):
    """A drawn enterprise with its inspectors, and the result once recorded."""

    __tablename__ = "spot_check_task"
    __table_args__ = (UniqueConstraint("plan_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("spot_check_draw.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("spot_check_plan.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    inspector_ids: Mapped[list] = mapped_column(JSON, default=list)
    #: None until recorded; compliant | violation | closed | not_found
    outcome: Mapped[str | None] = mapped_column(String(16))
    findings: Mapped[str] = mapped_column(Text, default="")
    checked_on: Mapped[date | None] = mapped_column(Date)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("archive_inspection.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"))
    recorded_by: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime | None]


__all__ = [
    "CreditRating",
    "SpotCheckItem",
    "Inspector",
    "SpotCheckPlan",
    "SpotCheckDraw",
    "SpotCheckTask",
]
