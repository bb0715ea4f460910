"""waste transfer approvals (issue #18): waste_transfer_approval — the origin province's approval
of a cross-province transfer (固废法 2020 Art. 82; 危险废物转移管理办法 2021) with its producer,
receiving facility, waste codes, approved quantity and validity

Revision ID: 0021_waste_transfer_approval
Revises: 0020_waste_ledger
Create Date: 2026-12-07 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0021_waste_transfer_approval"
down_revision: str | None = "0020_waste_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "waste_transfer_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("authority", sa.String(length=100), nullable=False),
        sa.Column("authority_region", sa.String(length=6), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("dest_region", sa.String(length=6), nullable=False),
        sa.Column("waste_codes", sa.JSON(), nullable=False),
        sa.Column("approved_t", sa.Float(), nullable=False),
        sa.Column("recorded_at", utc, nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["producer_id"], ["enterprise.id"], name=op.f("fk_waste_transfer_approval_producer_id_enterprise")),
        sa.ForeignKeyConstraint(["receiver_id"], ["enterprise.id"], name=op.f("fk_waste_transfer_approval_receiver_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_transfer_approval")),
        sa.UniqueConstraint("number", name=op.f("uq_waste_transfer_approval_number")),
    )  # fmt: skip
    op.create_index(op.f("ix_waste_transfer_approval_producer_id"), "waste_transfer_approval", ["producer_id"])  # fmt: skip
    op.create_index(op.f("ix_waste_transfer_approval_receiver_id"), "waste_transfer_approval", ["receiver_id"])  # fmt: skip
    op.create_index(op.f("ix_waste_transfer_approval_authority_region"), "waste_transfer_approval", ["authority_region"])  # fmt: skip


def downgrade() -> None:
    op.drop_table("waste_transfer_approval")
