"""zero-direct-discharge zones (污水零直排区, issue #20): zone_park — one 工业园区（工业集聚区）类
building unit (county, type, level, batch year, boundary in CGCS2000 lon/lat with its bounding
box, optionally the park feature of a zones layer it came from, its lifecycle state);
zone_park_task — a construction task (雨污分流, 管网排查 …) with its newest percent;
zone_park_progress — insert-only progress reports; zone_park_file — their evidence files;
zone_park_step — the insert-only acceptance history (自查, 市级复核, 省级验收, 反复) numbered per park

Revision ID: 0024_zero_discharge_parks
Revises: 0023_zone_fences
Create Date: 2026-12-07 06:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0024_zero_discharge_parks"
down_revision: str | None = "0023_zone_fences"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "zone_park",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("park_type", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("batch_year", sa.Integer(), nullable=False),
        sa.Column("responsible_unit", sa.String(length=200), nullable=False),
        sa.Column("feature_id", sa.Integer(), nullable=True),
        sa.Column("boundary", sa.JSON(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_zone_park_region_code_region")),
        sa.ForeignKeyConstraint(["feature_id"], ["zone_feature.id"], name=op.f("fk_zone_park_feature_id_zone_feature")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_park")),
        sa.UniqueConstraint("code", name=op.f("uq_zone_park_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_zone_park_region_code"), "zone_park", ["region_code"])
    op.create_index(op.f("ix_zone_park_state"), "zone_park", ["state"])
    op.create_table(
        "zone_park_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("percent", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["park_id"], ["zone_park.id"], name=op.f("fk_zone_park_task_park_id_zone_park")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_park_task")),
    )  # fmt: skip
    op.create_index(op.f("ix_zone_park_task_park_id"), "zone_park_task", ["park_id"])
    op.create_table(
        "zone_park_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("percent", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reported_by", sa.String(length=64), nullable=False),
        sa.Column("reported_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["zone_park_task.id"], name=op.f("fk_zone_park_progress_task_id_zone_park_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_park_progress")),
    )  # fmt: skip
    op.create_index(op.f("ix_zone_park_progress_task_id"), "zone_park_progress", ["task_id"])
    op.create_table(
        "zone_park_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("progress_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["progress_id"], ["zone_park_progress.id"], name=op.f("fk_zone_park_file_progress_id_zone_park_progress")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_park_file")),
    )  # fmt: skip
    op.create_index(op.f("ix_zone_park_file_progress_id"), "zone_park_file", ["progress_id"])
    op.create_table(
        "zone_park_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("result", sa.String(length=8), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.Column("state_before", sa.String(length=16), nullable=False),
        sa.Column("state_after", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", utc, nullable=False),
        sa.ForeignKeyConstraint(["park_id"], ["zone_park.id"], name=op.f("fk_zone_park_step_park_id_zone_park")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_park_step")),
        sa.UniqueConstraint("park_id", "seq", name=op.f("uq_zone_park_step_park_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_zone_park_step_park_id"), "zone_park_step", ["park_id"])


def downgrade() -> None:
    op.drop_table("zone_park_step")
    op.drop_table("zone_park_file")
    op.drop_table("zone_park_progress")
    op.drop_table("zone_park_task")
    op.drop_table("zone_park")
