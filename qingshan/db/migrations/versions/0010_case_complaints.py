"""cases: case_complaint, the public's complaints (群众举报: web form and Open311) with their
tracking number, the hash of their secret and the case they live in

Revision ID: 0010_case_complaints
Revises: 0009_cases_from_qc
Create Date: 2026-12-09 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0010_case_complaints"
down_revision: str | None = "0009_cases_from_qc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "case_complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_no", sa.String(length=24), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("enterprise_text", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=64), nullable=False),
        sa.Column("contact_phone", sa.String(length=32), nullable=False),
        sa.Column("contact_email", sa.String(length=128), nullable=False),
        sa.Column("media_url", sa.String(length=1000), nullable=True),
        sa.Column("file_ids", sa.JSON(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("submitted_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], name=op.f("fk_case_complaint_case_id_case_record")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_case_complaint_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_complaint")),
        sa.UniqueConstraint("tracking_no", name=op.f("uq_case_complaint_tracking_no")),
    )  # fmt: skip
    op.create_index(op.f("ix_case_complaint_case_id"), "case_complaint", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_case_complaint_region_code"), "case_complaint", ["region_code"], unique=False
    )
    op.create_index(
        op.f("ix_case_complaint_submitted_at"), "case_complaint", ["submitted_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("case_complaint")
