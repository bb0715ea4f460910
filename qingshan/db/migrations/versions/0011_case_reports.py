"""case reports: case_notice (the stored monthly dispatch notices, 月调度通报); covering indexes
of case_record for the statistics and the case list (region, state, deadline; region, category,
source; region, registered, closed)

Revision ID: 0011_case_reports
Revises: 0010_case_complaints
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0011_case_reports"
down_revision: str | None = "0010_case_complaints"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "case_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("issued_at", utc, nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_case_notice_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notice")),
        sa.UniqueConstraint("month", "region_code", name=op.f("uq_case_notice_month_region_code")),
    )  # fmt: skip
    op.create_index(
        "ix_case_record_region_state_due", "case_record", ["region_code", "state", "due_at"]
    )
    op.create_index(
        "ix_case_record_region_category_source",
        "case_record",
        ["region_code", "category", "source"],
    )
    op.create_index("ix_case_record_region_registered_closed", "case_record", ["region_code", "registered_at", "closed_at"])  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_case_record_region_registered_closed", table_name="case_record")
    op.drop_index("ix_case_record_region_category_source", table_name="case_record")
    op.drop_index("ix_case_record_region_state_due", table_name="case_record")
    op.drop_table("case_notice")
