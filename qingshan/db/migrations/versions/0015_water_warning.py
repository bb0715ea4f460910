"""water forecast warnings (issue #15): water_warning, one row per section and issue whose
probability of missing the section's target class (GB 3838-2002) passed the threshold, with the
forecast and its evidence, and the case it opened through the cases' sink

Revision ID: 0015_water_warning
Revises: 0014_case_counts
Create Date: 2026-12-06 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0015_water_warning"
down_revision: str | None = "0014_case_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "water_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=128), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("section_code", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("issued_at", utc, nullable=False),
        sa.Column("target_time", utc, nullable=False),
        sa.Column("horizon", sa.String(length=8), nullable=False),
        sa.Column("lead", sa.Integer(), nullable=False),
        sa.Column("parameter_code", sa.String(length=16), nullable=True),
        sa.Column("target_class", sa.Integer(), nullable=False),
        sa.Column("forecast_class", sa.Integer(), nullable=False),
        sa.Column("miss_probability", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_water_warning_site_id_site")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_water_warning_region_code_region")),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], name=op.f("fk_water_warning_case_id_case_record")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_water_warning")),
        sa.UniqueConstraint("source_key", name=op.f("uq_water_warning_source_key")),
    )  # fmt: skip
    op.create_index("ix_water_warning_region_issued", "water_warning", ["region_code", "issued_at"])
    op.create_index("ix_water_warning_site_issued", "water_warning", ["site_id", "issued_at"])


def downgrade() -> None:
    op.drop_index("ix_water_warning_site_issued", table_name="water_warning")
    op.drop_index("ix_water_warning_region_issued", table_name="water_warning")
    op.drop_table("water_warning")
