"""spatial control layers (issue #20): zone_layer — one imported version of a layer
(环境管控单元, 生态保护红线, 饮用水水源保护区, 园区) with its validity dates; zone_feature — one
polygon of it (GeoJSON in lon/lat, CGCS2000 ≈ WGS 84) with its bounding box, unit type or
protection level, linked drinking-water source site, requirement list and structured rules

Revision ID: 0022_zones
Revises: 0021_waste_transfer_approval
Create Date: 2026-12-07 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0022_zones"
down_revision: str | None = "0021_waste_transfer_approval"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "zone_layer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("crs", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("imported_at", utc, nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_zone_layer_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_layer")),
        sa.UniqueConstraint("kind", "name", "version", name=op.f("uq_zone_layer_kind")),
    )  # fmt: skip
    op.create_index(op.f("ix_zone_layer_region_code"), "zone_layer", ["region_code"])
    op.create_table(
        "zone_feature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("unit_type", sa.String(length=16), nullable=True),
        sa.Column("level", sa.String(length=8), nullable=True),
        sa.Column("site_code", sa.String(length=32), nullable=True),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("requirements", sa.JSON(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["layer_id"], ["zone_layer.id"], name=op.f("fk_zone_feature_layer_id_zone_layer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_feature")),
        sa.UniqueConstraint("layer_id", "code", name=op.f("uq_zone_feature_layer_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_zone_feature_layer_id"), "zone_feature", ["layer_id"])
    op.create_index(op.f("ix_zone_feature_region_code"), "zone_feature", ["region_code"])


def downgrade() -> None:
    op.drop_table("zone_feature")
    op.drop_table("zone_layer")
