"""emergency resources (issue #22): emres_depot — materials depots (物资库) of a bureau or an
enterprise, with position; emres_material — their stock lines (category per 《环境应急资源调查
指南（试行）》, quantity, unit, expiry, how held); emres_team — rescue teams (救援队伍) with their
base; emres_expert — the expert pool (专家库).

Revision ID: 0030_emergency_resources
Revises: 0029_emergency_risk
Create Date: 2026-12-07 09:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_emergency_resources"
down_revision: str | None = "0029_emergency_risk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "emres_depot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner_kind", sa.String(length=16), nullable=False),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("custodian", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_emres_depot_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_emres_depot_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emres_depot")),
        sa.UniqueConstraint("code", name=op.f("uq_emres_depot_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_emres_depot_enterprise_id"), "emres_depot", ["enterprise_id"])
    op.create_index(op.f("ix_emres_depot_region_code"), "emres_depot", ["region_code"])
    op.create_table(
        "emres_material",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("depot_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("specification", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("custodian", sa.String(length=100), nullable=False),
        sa.Column("produced_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("holding", sa.String(length=16), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["depot_id"], ["emres_depot.id"], name=op.f("fk_emres_material_depot_id_emres_depot")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_emres_material_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emres_material")),
        sa.UniqueConstraint("depot_id", "name", "specification", name=op.f("uq_emres_material_depot_id_name_specification")),
    )  # fmt: skip
    op.create_index(op.f("ix_emres_material_depot_id"), "emres_material", ["depot_id"])
    op.create_index(op.f("ix_emres_material_region_code"), "emres_material", ["region_code"])
    op.create_index(op.f("ix_emres_material_category"), "emres_material", ["category"])
    op.create_table(
        "emres_team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("specialities", sa.String(length=300), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("base", sa.String(length=300), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_emres_team_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emres_team")),
        sa.UniqueConstraint("code", name=op.f("uq_emres_team_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_emres_team_region_code"), "emres_team", ["region_code"])
    op.create_table(
        "emres_expert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("fields", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_emres_expert_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emres_expert")),
        sa.UniqueConstraint("code", name=op.f("uq_emres_expert_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_emres_expert_region_code"), "emres_expert", ["region_code"])


def downgrade() -> None:
    op.drop_table("emres_expert")
    op.drop_table("emres_team")
    op.drop_table("emres_material")
    op.drop_table("emres_depot")
