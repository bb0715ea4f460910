"""marine outfalls (issue #25): the sea-outfall register (入海排污口: type, place, receiving sea
area, responsible party — an archive enterprise or a sewage plant — remediation stage and its
monitoring point), the archive enterprises traced behind each outfall, and the remediation
timeline (排查 → 监测 → 溯源 → 整治 → 销号, each step with the case it opened). The coastal area
keeps its records as monitoring sites and observations and has no table.

Revision ID: 0044_marine_outfalls
Revises: 0043_soil_units
Create Date: 2026-12-07 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0044_marine_outfalls"
down_revision: str | None = "0043_soil_units"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "marine_outfall",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("sea_area", sa.String(length=64), nullable=False),
        sa.Column("responsible_enterprise_id", sa.Integer(), nullable=True),
        sa.Column("responsible_plant", sa.String(length=128), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_marine_outfall_region_code_region")),
        sa.ForeignKeyConstraint(["responsible_enterprise_id"], ["enterprise.id"], name=op.f("fk_marine_outfall_responsible_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_marine_outfall_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marine_outfall")),
        sa.UniqueConstraint("code", name=op.f("uq_marine_outfall_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_marine_outfall_kind"), "marine_outfall", ["kind"])
    op.create_index(op.f("ix_marine_outfall_region_code"), "marine_outfall", ["region_code"])
    op.create_index(op.f("ix_marine_outfall_responsible_enterprise_id"), "marine_outfall", ["responsible_enterprise_id"])  # fmt: skip
    op.create_index(op.f("ix_marine_outfall_stage"), "marine_outfall", ["stage"])
    op.create_table(
        "marine_outfall_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outfall_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("outlet_code", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_marine_outfall_source_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["outfall_id"], ["marine_outfall.id"], name=op.f("fk_marine_outfall_source_outfall_id_marine_outfall")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marine_outfall_source")),
        sa.UniqueConstraint("outfall_id", "enterprise_id", name=op.f("uq_marine_outfall_source_outfall_id_enterprise_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_marine_outfall_source_outfall_id"), "marine_outfall_source", ["outfall_id"])  # fmt: skip
    op.create_index(op.f("ix_marine_outfall_source_enterprise_id"), "marine_outfall_source", ["enterprise_id"])  # fmt: skip
    op.create_table(
        "marine_outfall_stage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outfall_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["outfall_id"], ["marine_outfall.id"], name=op.f("fk_marine_outfall_stage_outfall_id_marine_outfall")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marine_outfall_stage")),
    )  # fmt: skip
    op.create_index(op.f("ix_marine_outfall_stage_outfall_id"), "marine_outfall_stage", ["outfall_id"])  # fmt: skip


def downgrade() -> None:
    op.drop_table("marine_outfall_stage")
    op.drop_table("marine_outfall_source")
    op.drop_table("marine_outfall")
