"""soil groundwater (issue #24): the samples of groundwater monitoring wells with their
GB/T 14848-2017 class (the values themselves are observations, stream ``groundwater``), and the
groundwater pollution-prevention zones (地下水污染防治分区) as polygons.

Revision ID: 0042_soil_groundwater
Revises: 0041_soil_farmland
Create Date: 2026-12-07 13:15:30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0042_soil_groundwater"
down_revision: str | None = "0041_soil_farmland"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "soil_gw_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("sampled_on", sa.Date(), nullable=False),
        sa.Column("klass", sa.String(length=4), nullable=False),
        sa.Column("by_indicator", sa.JSON(), nullable=False),
        sa.Column("deciding", sa.JSON(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_soil_gw_sample_site_id_site")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_soil_gw_sample_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soil_gw_sample")),
        sa.UniqueConstraint("site_id", "sampled_on", name=op.f("uq_soil_gw_sample_site_id_sampled_on")),
    )  # fmt: skip
    op.create_index(op.f("ix_soil_gw_sample_site_id"), "soil_gw_sample", ["site_id"])
    op.create_index(op.f("ix_soil_gw_sample_region_code"), "soil_gw_sample", ["region_code"])
    op.create_index(op.f("ix_soil_gw_sample_sampled_on"), "soil_gw_sample", ["sampled_on"])
    op.create_table(
        "soil_gw_zone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("area_km2", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_soil_gw_zone_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soil_gw_zone")),
        sa.UniqueConstraint("code", name=op.f("uq_soil_gw_zone_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_soil_gw_zone_kind"), "soil_gw_zone", ["kind"])
    op.create_index(op.f("ix_soil_gw_zone_region_code"), "soil_gw_zone", ["region_code"])


def downgrade() -> None:
    op.drop_table("soil_gw_zone")
    op.drop_table("soil_gw_sample")
