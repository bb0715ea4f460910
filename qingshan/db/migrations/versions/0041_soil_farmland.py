"""soil farmland (issue #24): farmland plots (农用地地块) with their GB 15618-2018 category, soil
samples (pH, depth, unit, item values, the category and deciding items), the category history,
and safe-use / strict-control measures.

Revision ID: 0041_soil_farmland
Revises: 0040_soil_sites
Create Date: 2026-12-07 13:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0041_soil_farmland"
down_revision: str | None = "0040_soil_sites"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "soil_farm_plot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("land_use", sa.String(length=8), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("boundary", sa.JSON(), nullable=True),
        sa.Column("category", sa.String(length=24), nullable=True),
        sa.Column("category_since", sa.Date(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_soil_farm_plot_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soil_farm_plot")),
        sa.UniqueConstraint("code", name=op.f("uq_soil_farm_plot_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_soil_farm_plot_region_code"), "soil_farm_plot", ["region_code"])
    op.create_index(op.f("ix_soil_farm_plot_category"), "soil_farm_plot", ["category"])
    op.create_table(
        "soil_farm_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plot_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("sampled_on", sa.Date(), nullable=False),
        sa.Column("depth_top_cm", sa.Float(), nullable=False),
        sa.Column("depth_bottom_cm", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("ph", sa.Float(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("deciding", sa.JSON(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["plot_id"], ["soil_farm_plot.id"], name=op.f("fk_soil_farm_sample_plot_id_soil_farm_plot")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_soil_farm_sample_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soil_farm_sample")),
        sa.UniqueConstraint("plot_id", "sampled_on", "depth_top_cm", name=op.f("uq_soil_farm_sample_plot_id_sampled_on_depth_top_cm")),
    )  # fmt: skip
    op.create_index(op.f("ix_soil_farm_sample_plot_id"), "soil_farm_sample", ["plot_id"])
    op.create_index(op.f("ix_soil_farm_sample_region_code"), "soil_farm_sample", ["region_code"])
    op.create_table(
        "soil_farm_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plot_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("category_from", sa.String(length=24), nullable=True),
        sa.Column("category_to", sa.String(length=24), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["plot_id"], ["soil_farm_plot.id"], name=op.f("fk_soil_farm_category_plot_id_soil_farm_plot")),
        sa.ForeignKeyConstraint(["sample_id"], ["soil_farm_sample.id"], name=op.f("fk_soil_farm_category_sample_id_soil_farm_sample")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soil_farm_category")),
    )  # fmt: skip
    op.create_index(op.f("ix_soil_farm_category_plot_id"), "soil_farm_category", ["plot_id"])
    op.create_table(
        "soil_farm_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plot_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("effective", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["plot_id"], ["soil_farm_plot.id"], name=op.f("fk_soil_farm_measure_plot_id_soil_farm_plot")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_soil_farm_measure_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soil_farm_measure")),
    )  # fmt: skip
    op.create_index(op.f("ix_soil_farm_measure_plot_id"), "soil_farm_measure", ["plot_id"])
    op.create_index(op.f("ix_soil_farm_measure_region_code"), "soil_farm_measure", ["region_code"])


def downgrade() -> None:
    op.drop_table("soil_farm_measure")
    op.drop_table("soil_farm_category")
    op.drop_table("soil_farm_sample")
    op.drop_table("soil_farm_plot")
