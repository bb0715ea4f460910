"""portal enterprise (issue #23): portal_certificate — one issued compliance certificate
(合规证明): its random verification code, the enterprise and period, the facts it states as
computed when issued, the SHA-256 and size of the PDF handed out, who issued it and when.

Revision ID: 0036_portal_enterprise
Revises: 0035_portal_notices
Create Date: 2026-12-07 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036_portal_enterprise"
down_revision: str | None = "0035_portal_notices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_size", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_portal_certificate_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_portal_certificate_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_certificate")),
        sa.UniqueConstraint("code", name=op.f("uq_portal_certificate_code")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_portal_certificate_enterprise_id"), "portal_certificate", ["enterprise_id"]
    )
    op.create_index(
        op.f("ix_portal_certificate_region_code"), "portal_certificate", ["region_code"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_portal_certificate_region_code"), table_name="portal_certificate")
    op.drop_index(op.f("ix_portal_certificate_enterprise_id"), table_name="portal_certificate")
    op.drop_table("portal_certificate")
