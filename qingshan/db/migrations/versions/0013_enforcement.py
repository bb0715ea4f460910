"""enforcement (issue #12): environmental credit's grade history (credit_rating) and the
double-random spot checks — the item list (spot_check_item), the inspector roster (inspector),
plans, draws with their canonical inputs file and hash, tasks with their results

Revision ID: 0013_enforcement
Revises: 0012_archive_file
Create Date: 2026-12-12 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0013_enforcement"
down_revision: str | None = "0012_archive_file"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "credit_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("rule_version", sa.String(length=48), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("computed_at", utc, nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("colour", sa.String(length=8), nullable=False),
        sa.Column("vetoed", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_credit_rating_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_credit_rating_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_rating")),
    )  # fmt: skip
    op.create_index("ix_credit_rating_enterprise_computed", "credit_rating", ["enterprise_id", "computed_at"])  # fmt: skip
    op.create_index("ix_credit_rating_current_region_grade", "credit_rating", ["current", "region_code", "grade"])  # fmt: skip
    op.create_table(
        "spot_check_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("target_group", sa.String(length=16), nullable=False),
        sa.Column("ratio", sa.Float(), nullable=False),
        sa.Column("frequency", sa.String(length=8), nullable=False),
        sa.Column("qualification", sa.String(length=64), nullable=False),
        sa.Column("same_county", sa.Boolean(), nullable=False),
        sa.Column("inspectors_per_task", sa.Integer(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_spot_check_item_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_check_item")),
        sa.UniqueConstraint("code", name=op.f("uq_spot_check_item_code")),
    )  # fmt: skip
    op.create_table(
        "inspector",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("badge_no", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("unit", sa.String(length=128), nullable=False),
        sa.Column("qualifications", sa.JSON(), nullable=False),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_inspector_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspector")),
        sa.UniqueConstraint("badge_no", name=op.f("uq_inspector_badge_no")),
    )  # fmt: skip
    op.create_index(op.f("ix_inspector_region_code"), "inspector", ["region_code"])
    op.create_table(
        "spot_check_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["spot_check_item.id"], name=op.f("fk_spot_check_plan_item_id_spot_check_item")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_spot_check_plan_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_check_plan")),
        sa.UniqueConstraint("item_id", "region_code", "period", name=op.f("uq_spot_check_plan_item_id_region_code_period")),
    )  # fmt: skip
    op.create_index(op.f("ix_spot_check_plan_item_id"), "spot_check_plan", ["item_id"])
    op.create_index(op.f("ix_spot_check_plan_region_code"), "spot_check_plan", ["region_code"])
    op.create_table(
        "spot_check_draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("algorithm", sa.String(length=128), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("result_sha256", sa.String(length=64), nullable=False),
        sa.Column("drawn_by", sa.String(length=64), nullable=False),
        sa.Column("drawn_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["spot_check_plan.id"], name=op.f("fk_spot_check_draw_plan_id_spot_check_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_check_draw")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_spot_check_draw_plan_id")),
    )  # fmt: skip
    op.create_table(
        "spot_check_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("inspector_ids", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", utc, nullable=True),
        sa.ForeignKeyConstraint(["draw_id"], ["spot_check_draw.id"], name=op.f("fk_spot_check_task_draw_id_spot_check_draw")),
        sa.ForeignKeyConstraint(["plan_id"], ["spot_check_plan.id"], name=op.f("fk_spot_check_task_plan_id_spot_check_plan")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_spot_check_task_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_spot_check_task_region_code_region")),
        sa.ForeignKeyConstraint(["inspection_id"], ["archive_inspection.id"], name=op.f("fk_spot_check_task_inspection_id_archive_inspection")),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], name=op.f("fk_spot_check_task_case_id_case_record")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_check_task")),
        sa.UniqueConstraint("plan_id", "enterprise_id", name=op.f("uq_spot_check_task_plan_id_enterprise_id")),
    )  # fmt: skip
    for col in ("draw_id", "plan_id", "enterprise_id", "region_code"):
        op.create_index(op.f(f"ix_spot_check_task_{col}"), "spot_check_task", [col])


def downgrade() -> None:
    for col in ("draw_id", "plan_id", "enterprise_id", "region_code"):
        op.drop_index(op.f(f"ix_spot_check_task_{col}"), table_name="spot_check_task")
    op.drop_table("spot_check_task")
    op.drop_table("spot_check_draw")
    op.drop_index(op.f("ix_spot_check_plan_region_code"), table_name="spot_check_plan")
    op.drop_index(op.f("ix_spot_check_plan_item_id"), table_name="spot_check_plan")
    op.drop_table("spot_check_plan")
    op.drop_index(op.f("ix_inspector_region_code"), table_name="inspector")
    op.drop_table("inspector")
    op.drop_table("spot_check_item")
    op.drop_index("ix_credit_rating_current_region_grade", table_name="credit_rating")
    op.drop_index("ix_credit_rating_enterprise_computed", table_name="credit_rating")
    op.drop_table("credit_rating")
