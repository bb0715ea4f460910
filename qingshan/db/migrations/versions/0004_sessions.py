"""sessions: revoked tokens (logout), usernames unique whatever their case

Revision ID: 0004_sessions
Revises: 0003_qc
Create Date: 2026-12-06 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0004_sessions"
down_revision: str | None = "0003_qc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "revoked_token",
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("expires_at", qingshan.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", qingshan.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_revoked_token")),
    )
    op.create_index(
        op.f("ix_revoked_token_expires_at"), "revoked_token", ["expires_at"], unique=False
    )
    op.create_index(
        "uq_app_user_username_lower", "app_user", [sa.text("lower(username)")], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_app_user_username_lower", table_name="app_user")
    op.drop_index(op.f("ix_revoked_token_expires_at"), table_name="revoked_token")
    op.drop_table("revoked_token")
