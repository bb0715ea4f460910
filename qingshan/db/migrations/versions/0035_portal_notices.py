"""Portal notices and enterprise self-registration (issue #23, areas notices + onboarding):
portal_notice — the bureau's notices (title, body, audience public/region/listed/officers, region,
listed enterprises, attachments in the evidence store, draft → published → withdrawn, never
deleted); portal_notice_read — read receipts, one per notice and account; portal_registration —
an enterprise's application for an account (credit code, enterprise, contact, username, password
hash, pending → approved | rejected with reason, the account created on approval).

Revision ID: 0035_portal_notices
Revises: 0034_lez_case_source
Create Date: 2026-12-07 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035_portal_notices"
down_revision: str | None = "0034_lez_case_source"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("enterprise_ids", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=64), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_portal_notice_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_notice")),
    )  # fmt: skip
    op.create_index(op.f("ix_portal_notice_audience"), "portal_notice", ["audience"])
    op.create_index(op.f("ix_portal_notice_region_code"), "portal_notice", ["region_code"])
    op.create_index(op.f("ix_portal_notice_state"), "portal_notice", ["state"])
    op.create_index(op.f("ix_portal_notice_published_at"), "portal_notice", ["published_at"])
    op.create_table(
        "portal_notice_read",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["portal_notice.id"], name=op.f("fk_portal_notice_read_notice_id_portal_notice")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_portal_notice_read_user_id_app_user")),
        sa.PrimaryKeyConstraint("notice_id", "user_id", name=op.f("pk_portal_notice_read")),
    )  # fmt: skip
    op.create_table(
        "portal_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("contact_name", sa.String(length=64), nullable=False),
        sa.Column("contact_phone", sa.String(length=32), nullable=False),
        sa.Column("contact_email", sa.String(length=128), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_portal_registration_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_portal_registration_region_code_region")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_portal_registration_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_registration")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_portal_registration_credit_code"), "portal_registration", ["credit_code"]
    )
    op.create_index(
        op.f("ix_portal_registration_enterprise_id"), "portal_registration", ["enterprise_id"]
    )
    op.create_index(
        op.f("ix_portal_registration_region_code"), "portal_registration", ["region_code"]
    )
    op.create_index(op.f("ix_portal_registration_username"), "portal_registration", ["username"])
    op.create_index(op.f("ix_portal_registration_state"), "portal_registration", ["state"])


def downgrade() -> None:
    op.drop_table("portal_registration")
    op.drop_table("portal_notice_read")
    op.drop_table("portal_notice")
