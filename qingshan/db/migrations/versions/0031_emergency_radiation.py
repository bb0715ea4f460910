"""emergency radiation (issue #22): emergency_rad_source — the register of sealed radioactive
sources (nuclide, activity on a reference date, licence, place, status, a mobile source's fence,
a disused source's collection); emergency_rad_position — position reports of mobile sources;
emergency_rad_alert — one row per excursion of a mobile source (out of fence / abnormal dose).

Revision ID: 0031_emergency_radiation
Revises: 0030_emergency_resources
Create Date: 2026-12-07 09:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qingshan.db.base import UTCDateTime

revision: str = "0031_emergency_radiation"
down_revision: str | None = "0030_emergency_resources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "emergency_rad_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("nuclide", sa.String(length=16), nullable=False),
        sa.Column("a0_bq", sa.Float(), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("use", sa.String(length=64), nullable=False),
        sa.Column("licence_no", sa.String(length=64), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("licence_expiry", sa.Date(), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("fence", sa.JSON(), nullable=True),
        sa.Column("disused_on", sa.Date(), nullable=True),
        sa.Column("collected_on", sa.Date(), nullable=True),
        sa.Column("facility_kind", sa.String(length=24), nullable=True),
        sa.Column("facility_name", sa.String(length=200), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_emergency_rad_source_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_emergency_rad_source_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_rad_source")),
        sa.UniqueConstraint("code", name=op.f("uq_emergency_rad_source_code")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_emergency_rad_source_enterprise_id"), "emergency_rad_source", ["enterprise_id"]
    )
    op.create_index(
        op.f("ix_emergency_rad_source_region_code"), "emergency_rad_source", ["region_code"]
    )
    op.create_table(
        "emergency_rad_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("max_dose_usv_h", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("case_ref", sa.String(length=64), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_emergency_rad_alert_region_code_region")),
        sa.ForeignKeyConstraint(["source_id"], ["emergency_rad_source.id"], name=op.f("fk_emergency_rad_alert_source_id_emergency_rad_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_rad_alert")),
        sa.UniqueConstraint("source_id", "kind", "started_at", name=op.f("uq_emergency_rad_alert_source_id_kind_started_at")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_emergency_rad_alert_region_code"), "emergency_rad_alert", ["region_code"]
    )
    op.create_index(op.f("ix_emergency_rad_alert_source_id"), "emergency_rad_alert", ["source_id"])
    op.create_table(
        "emergency_rad_position",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("time", UTCDateTime(timezone=True), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("dose_usv_h", sa.Float(), nullable=True),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("checked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["emergency_rad_source.id"], name=op.f("fk_emergency_rad_position_source_id_emergency_rad_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_rad_position")),
        sa.UniqueConstraint("source_id", "time", name=op.f("uq_emergency_rad_position_source_id_time")),
    )  # fmt: skip
    op.create_index(
        "ix_emergency_rad_position_checked", "emergency_rad_position", ["checked", "id"]
    )
    op.create_index(
        op.f("ix_emergency_rad_position_source_id"), "emergency_rad_position", ["source_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_emergency_rad_position_source_id"), table_name="emergency_rad_position")
    op.drop_index("ix_emergency_rad_position_checked", table_name="emergency_rad_position")
    op.drop_table("emergency_rad_position")
    op.drop_index(op.f("ix_emergency_rad_alert_source_id"), table_name="emergency_rad_alert")
    op.drop_index(op.f("ix_emergency_rad_alert_region_code"), table_name="emergency_rad_alert")
    op.drop_table("emergency_rad_alert")
    op.drop_index(op.f("ix_emergency_rad_source_region_code"), table_name="emergency_rad_source")
    op.drop_index(op.f("ix_emergency_rad_source_enterprise_id"), table_name="emergency_rad_source")
    op.drop_table("emergency_rad_source")
