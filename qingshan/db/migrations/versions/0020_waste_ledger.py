"""waste ledger (issue #18): waste_plan (annual management plans with the HJ 1259-2022 tier),
waste_declaration (monthly generation declarations), waste_storage_lot (the storage ledger),
waste_collection_point and waste_collection_member (small-producer collection)

Revision ID: 0020_waste_ledger
Revises: 0019_waste_manifests
Create Date: 2026-12-06 23:58:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0020_waste_ledger"
down_revision: str | None = "0019_waste_manifests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "waste_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("waste_code", sa.String(length=10), nullable=False),
        sa.Column("planned_t", sa.Float(), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("filed_at", utc, nullable=False),
        sa.Column("filed_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_waste_plan_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_plan")),
        sa.UniqueConstraint("enterprise_id", "year", "waste_code", name=op.f("uq_waste_plan_enterprise_id_year_waste_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_waste_plan_enterprise_id"), "waste_plan", ["enterprise_id"])
    op.create_index(op.f("ix_waste_plan_year"), "waste_plan", ["year"])
    op.create_table(
        "waste_declaration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("waste_code", sa.String(length=10), nullable=False),
        sa.Column("generated_t", sa.Float(), nullable=False),
        sa.Column("self_utilised_t", sa.Float(), nullable=False),
        sa.Column("self_disposed_t", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("declared_at", utc, nullable=False),
        sa.Column("declared_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_waste_declaration_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_declaration")),
        sa.UniqueConstraint("enterprise_id", "month", "waste_code", name=op.f("uq_waste_declaration_enterprise_id_month_waste_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_waste_declaration_enterprise_id"), "waste_declaration", ["enterprise_id"])  # fmt: skip
    op.create_index(op.f("ix_waste_declaration_month"), "waste_declaration", ["month"])
    op.create_table(
        "waste_storage_lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("waste_code", sa.String(length=10), nullable=False),
        sa.Column("stored_on", sa.Date(), nullable=False),
        sa.Column("quantity_t", sa.Float(), nullable=False),
        sa.Column("out_on", sa.Date(), nullable=True),
        sa.Column("limit_days", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_waste_storage_lot_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_storage_lot")),
    )  # fmt: skip
    op.create_index(op.f("ix_waste_storage_lot_enterprise_id"), "waste_storage_lot", ["enterprise_id"])  # fmt: skip
    op.create_index(op.f("ix_waste_storage_lot_stored_on"), "waste_storage_lot", ["stored_on"])
    op.create_index(op.f("ix_waste_storage_lot_out_on"), "waste_storage_lot", ["out_on"])
    op.create_table(
        "waste_collection_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["operator_id"], ["enterprise.id"], name=op.f("fk_waste_collection_point_operator_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_collection_point")),
    )  # fmt: skip
    op.create_index(op.f("ix_waste_collection_point_region_code"), "waste_collection_point", ["region_code"])  # fmt: skip
    op.create_index(op.f("ix_waste_collection_point_operator_id"), "waste_collection_point", ["operator_id"])  # fmt: skip
    op.create_table(
        "waste_collection_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_waste_collection_member_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["point_id"], ["waste_collection_point.id"], name=op.f("fk_waste_collection_member_point_id_waste_collection_point")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_collection_member")),
        sa.UniqueConstraint("point_id", "enterprise_id", name=op.f("uq_waste_collection_member_point_id_enterprise_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_waste_collection_member_point_id"), "waste_collection_member", ["point_id"])  # fmt: skip
    op.create_index(op.f("ix_waste_collection_member_enterprise_id"), "waste_collection_member", ["enterprise_id"])  # fmt: skip


def downgrade() -> None:
    op.drop_table("waste_collection_member")
    op.drop_table("waste_collection_point")
    op.drop_table("waste_storage_lot")
    op.drop_table("waste_declaration")
    op.drop_table("waste_plan")
