"""portal rights (issue #23): the emission-rights ledger (排污权) — rights_account (enterprise ×
pollutant, the reserve 储备 per region × pollutant, issuance/retirement per pollutant),
rights_movement (double entries in kg/a, insert only; corrections reverse, leases carry their
dated return) and rights_cap_change (a holding above the permit's annual cap, approved by a
higher-level officer).

Revision ID: 0038_portal_rights
Revises: 0037_portal_eia
Create Date: 2026-12-07 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038_portal_rights"
down_revision: str | None = "0037_portal_eia"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rights_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("pollutant", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_rights_account_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_rights_account_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_account")),
        sa.UniqueConstraint("key", name=op.f("uq_rights_account_key")),
    )  # fmt: skip
    op.create_index(op.f("ix_rights_account_kind"), "rights_account", ["kind"])
    op.create_index(op.f("ix_rights_account_pollutant"), "rights_account", ["pollutant"])
    op.create_index(op.f("ix_rights_account_region_code"), "rights_account", ["region_code"])
    op.create_index(op.f("ix_rights_account_enterprise_id"), "rights_account", ["enterprise_id"])
    op.create_table(
        "rights_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("pollutant", sa.String(length=16), nullable=False),
        sa.Column("debit_account_id", sa.Integer(), nullable=False),
        sa.Column("credit_account_id", sa.Integer(), nullable=False),
        sa.Column("amount_kg", sa.BigInteger(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("document_no", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("value_yuan", sa.Float(), nullable=True),
        sa.Column("lease_end", sa.Date(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("project", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["debit_account_id"], ["rights_account.id"], name=op.f("fk_rights_movement_debit_account_id_rights_account")),
        sa.ForeignKeyConstraint(["credit_account_id"], ["rights_account.id"], name=op.f("fk_rights_movement_credit_account_id_rights_account")),
        sa.ForeignKeyConstraint(["reverses_id"], ["rights_movement.id"], name=op.f("fk_rights_movement_reverses_id_rights_movement")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_movement")),
    )  # fmt: skip
    op.create_index(op.f("ix_rights_movement_kind"), "rights_movement", ["kind"])
    op.create_index(op.f("ix_rights_movement_pollutant"), "rights_movement", ["pollutant"])
    op.create_index(
        op.f("ix_rights_movement_debit_account_id"), "rights_movement", ["debit_account_id"]
    )
    op.create_index(
        op.f("ix_rights_movement_credit_account_id"), "rights_movement", ["credit_account_id"]
    )
    op.create_index(op.f("ix_rights_movement_on"), "rights_movement", ["on"])
    op.create_index(op.f("ix_rights_movement_reverses_id"), "rights_movement", ["reverses_id"])
    op.create_table(
        "rights_cap_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("pollutant", sa.String(length=16), nullable=False),
        sa.Column("cap_kg", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("document_no", sa.String(length=64), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_region", sa.String(length=6), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_region", sa.String(length=6), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_rights_cap_change_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_cap_change")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_rights_cap_change_enterprise_id"), "rights_cap_change", ["enterprise_id"]
    )


def downgrade() -> None:
    op.drop_table("rights_cap_change")
    op.drop_table("rights_movement")
    op.drop_table("rights_account")
