"""targets (issue #16): target_plan (a yearly plan), target (its quantitative targets),
target_unit (their responsible units, the cases' case_unit), target_share (the decomposition to
cities), target_report (progress reports and their review state), target_file (a report's
evidence files) and target_reminder (deadline reminders sent)

Revision ID: 0017_targets
Revises: 0016_ranking_rollups
Create Date: 2026-12-06 20:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0017_targets"
down_revision: str | None = "0016_ranking_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "target_plan",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_target_plan")),
    )  # fmt: skip
    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_code", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("item", sa.String(length=16), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("wording_en", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("comparison", sa.String(length=2), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("kpi", sa.String(length=64), nullable=True),
        sa.Column("split", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["plan_code"], ["target_plan.code"], name=op.f("fk_target_plan_code_target_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target")),
        sa.UniqueConstraint("plan_code", "code", name=op.f("uq_target_plan_code_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_target_plan_code"), "target", ["plan_code"])
    op.create_table(
        "target_unit",
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("lead", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["target_id"], ["target.id"], name=op.f("fk_target_unit_target_id_target")),
        sa.ForeignKeyConstraint(["unit_id"], ["case_unit.id"], name=op.f("fk_target_unit_unit_id_case_unit")),
        sa.PrimaryKeyConstraint("target_id", "unit_id", name=op.f("pk_target_unit")),
    )  # fmt: skip
    op.create_table(
        "target_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["target_id"], ["target.id"], name=op.f("fk_target_share_target_id_target")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_target_share_region_code_region")),
        sa.ForeignKeyConstraint(["unit_id"], ["case_unit.id"], name=op.f("fk_target_share_unit_id_case_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_share")),
        sa.UniqueConstraint("target_id", "region_code", name=op.f("uq_target_share_target_id_region_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_target_share_target_id"), "target_share", ["target_id"])
    op.create_index(op.f("ix_target_share_region_code"), "target_share", ["region_code"])
    op.create_table(
        "target_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", utc, nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", utc, nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("audited_by", sa.String(length=64), nullable=True),
        sa.Column("audited_at", utc, nullable=True),
        sa.ForeignKeyConstraint(["target_id"], ["target.id"], name=op.f("fk_target_report_target_id_target")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_target_report_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_report")),
    )  # fmt: skip
    op.create_index(op.f("ix_target_report_target_id"), "target_report", ["target_id"])
    op.create_index(op.f("ix_target_report_region_code"), "target_report", ["region_code"])
    op.create_index(op.f("ix_target_report_state"), "target_report", ["state"])
    op.create_table(
        "target_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["target_report.id"], name=op.f("fk_target_file_report_id_target_report")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_file")),
    )  # fmt: skip
    op.create_index(op.f("ix_target_file_report_id"), "target_file", ["report_id"])
    op.create_table(
        "target_reminder",
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("sent_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["target_id"], ["target.id"], name=op.f("fk_target_reminder_target_id_target")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_target_reminder_region_code_region")),
        sa.PrimaryKeyConstraint("target_id", "region_code", "days", name=op.f("pk_target_reminder")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("target_reminder")
    op.drop_index(op.f("ix_target_file_report_id"), table_name="target_file")
    op.drop_table("target_file")
    op.drop_index(op.f("ix_target_report_state"), table_name="target_report")
    op.drop_index(op.f("ix_target_report_region_code"), table_name="target_report")
    op.drop_index(op.f("ix_target_report_target_id"), table_name="target_report")
    op.drop_table("target_report")
    op.drop_index(op.f("ix_target_share_region_code"), table_name="target_share")
    op.drop_index(op.f("ix_target_share_target_id"), table_name="target_share")
    op.drop_table("target_share")
    op.drop_table("target_unit")
    op.drop_index(op.f("ix_target_plan_code"), table_name="target")
    op.drop_table("target")
    op.drop_table("target_plan")
