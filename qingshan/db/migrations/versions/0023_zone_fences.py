"""electronic fences (电子围栏, issue #20): zone_fence — one fence around a water section or a
drinking-water source (polygon in CGCS2000 lon/lat, its basis: a metric buffer of radius_m or the
source's 一级 protection zone); zone_fence_alert — one event found inside a fence (kind, ref,
distance to the site in metres, first/last seen, acknowledgement, the case it opened), unique per
(fence, kind, ref) so re-checking never duplicates; zone_fence_scan — the job's cursor per event kind

Revision ID: 0023_zone_fences
Revises: 0022_zones
Create Date: 2026-12-07 06:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0023_zone_fences"
down_revision: str | None = "0022_zones"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "zone_fence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_code", sa.String(length=32), nullable=False),
        sa.Column("site_kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("site_lon", sa.Float(), nullable=False),
        sa.Column("site_lat", sa.Float(), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("radius_m", sa.Float(), nullable=False),
        sa.Column("radius_custom", sa.Boolean(), nullable=False),
        sa.Column("zone_feature_id", sa.Integer(), nullable=True),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("generated_at", utc, nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_zone_fence_region_code_region")),
        sa.ForeignKeyConstraint(["zone_feature_id"], ["zone_feature.id"], name=op.f("fk_zone_fence_zone_feature_id_zone_feature")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_fence")),
        sa.UniqueConstraint("site_code", name=op.f("uq_zone_fence_site_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_zone_fence_region_code"), "zone_fence", ["region_code"])
    op.create_table(
        "zone_fence_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fence_id", sa.Integer(), nullable=False),
        sa.Column("event_kind", sa.String(length=16), nullable=False),
        sa.Column("event_ref", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("first_seen", utc, nullable=False),
        sa.Column("last_seen", utc, nullable=False),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.Column("acknowledged_at", utc, nullable=True),
        sa.Column("case_ref", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["fence_id"], ["zone_fence.id"], name=op.f("fk_zone_fence_alert_fence_id_zone_fence")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_fence_alert")),
        sa.UniqueConstraint("fence_id", "event_kind", "event_ref", name=op.f("uq_zone_fence_alert_fence_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_zone_fence_alert_fence_id"), "zone_fence_alert", ["fence_id"])
    op.create_table(
        "zone_fence_scan",
        sa.Column("event_kind", sa.String(length=16), nullable=False),
        sa.Column("cursor", sa.String(length=64), nullable=False),
        sa.Column("scanned_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("event_kind", name=op.f("pk_zone_fence_scan")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("zone_fence_scan")
    op.drop_table("zone_fence_alert")
    op.drop_table("zone_fence")
