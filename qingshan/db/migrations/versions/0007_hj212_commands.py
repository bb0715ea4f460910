"""hj212 commands: platform → logger requests (hj212_command), per-device SM4 key and the
request timeout and resend count (HJ 212-2025 §6.4.2; HJ 212-2017 §6.2 Table 1)

Revision ID: 0007_hj212_commands
Revises: 0005_audit_chain
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0007_hj212_commands"
down_revision: str | None = "0005_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "hj212_command",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mn", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("cn", sa.String(length=4), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("qn", sa.String(length=20), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("overtime", sa.Integer(), nullable=False),
        sa.Column("recount", sa.Integer(), nullable=False),
        sa.Column("qn_rtn", sa.Integer(), nullable=True),
        sa.Column("exe_rtn", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("expires_at", utc, nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("sent_at", utc, nullable=True),
        sa.Column("answered_at", utc, nullable=True),
        sa.Column("finished_at", utc, nullable=True),
        sa.Column("deadline_at", utc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hj212_command")),
    )
    with op.batch_alter_table("hj212_command", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hj212_command_mn"), ["mn"], unique=False)
        batch_op.create_index(batch_op.f("ix_hj212_command_state"), ["state"], unique=False)
    with op.batch_alter_table("hj212_device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sm4_key", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("overtime", sa.Integer(), nullable=False, server_default="10")
        )
        batch_op.add_column(sa.Column("recount", sa.Integer(), nullable=False, server_default="3"))


def downgrade() -> None:
    with op.batch_alter_table("hj212_device", schema=None) as batch_op:
        batch_op.drop_column("recount")
        batch_op.drop_column("overtime")
        batch_op.drop_column("sm4_key")
    with op.batch_alter_table("hj212_command", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hj212_command_state"))
        batch_op.drop_index(batch_op.f("ix_hj212_command_mn"))
    op.drop_table("hj212_command")
