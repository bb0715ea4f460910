"""carbon (issue #17): carbon_activity (monthly activity submissions, revisions kept),
carbon_result (computed emission versions, old ones kept with current=False) and
carbon_peak_path (a region's peak path, one value per year)

Revision ID: 0018_carbon
Revises: 0017_targets
Create Date: 2026-12-06 23:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0018_carbon"
down_revision: str | None = "0017_targets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "carbon_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", utc, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_carbon_activity_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carbon_activity")),
        sa.UniqueConstraint("enterprise_id", "month", "revision", name=op.f("uq_carbon_activity_enterprise_id_month_revision")),
    )  # fmt: skip
    op.create_index(op.f("ix_carbon_activity_enterprise_id"), "carbon_activity", ["enterprise_id"])
    op.create_index(op.f("ix_carbon_activity_month"), "carbon_activity", ["month"])
    op.create_table(
        "carbon_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("activity_revision", sa.Integer(), nullable=False),
        sa.Column("library_version", sa.String(length=64), nullable=False),
        sa.Column("basis", sa.String(length=32), nullable=False),
        sa.Column("edition", sa.String(length=32), nullable=False),
        sa.Column("scope1_tco2", sa.Float(), nullable=False),
        sa.Column("scope2_tco2", sa.Float(), nullable=False),
        sa.Column("biomass_tco2", sa.Float(), nullable=False),
        sa.Column("total_tco2", sa.Float(), nullable=False),
        sa.Column("value_added_10k_yuan", sa.Float(), nullable=True),
        sa.Column("electricity_mwh", sa.Float(), nullable=False),
        sa.Column("green_tco2", sa.Float(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("computed_at", utc, nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_carbon_result_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carbon_result")),
        sa.UniqueConstraint("enterprise_id", "month", "version", name=op.f("uq_carbon_result_enterprise_id_month_version")),
    )  # fmt: skip
    op.create_index(op.f("ix_carbon_result_enterprise_id"), "carbon_result", ["enterprise_id"])
    op.create_index("ix_carbon_result_current_month", "carbon_result", ["current", "month"])
    op.create_table(
        "carbon_peak_path",
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("tco2", sa.Float(), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_carbon_peak_path_region_code_region")),
        sa.PrimaryKeyConstraint("region_code", "year", name=op.f("pk_carbon_peak_path")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("carbon_peak_path")
    op.drop_index("ix_carbon_result_current_month", table_name="carbon_result")
    op.drop_index(op.f("ix_carbon_result_enterprise_id"), table_name="carbon_result")
    op.drop_table("carbon_result")
    op.drop_index(op.f("ix_carbon_activity_month"), table_name="carbon_activity")
    op.drop_index(op.f("ix_carbon_activity_enterprise_id"), table_name="carbon_activity")
    op.drop_table("carbon_activity")
