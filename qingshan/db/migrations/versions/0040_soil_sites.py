"""soil sites (issue #24, area sites): soil_site — the register of contaminated construction land
(boundary, area computed and declared, responsible party, planned use and GB 36600 land category,
stage, pollutants, risk assessment, re-use); soil_site_stage — the insert-only stage history;
soil_site_sample — soil samples with their GB 36600-2018 judgement; soil_site_plan_item — the
plan per site (一地一策).

Revision ID: 0040_soil_sites
Revises: 0039_ecology
Create Date: 2026-12-07 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040_soil_sites"
down_revision: str | None = "0039_ecology"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, col: str, ref: str) -> sa.ForeignKeyConstraint:
    ref_table = ref.split(".")[0]
    return sa.ForeignKeyConstraint([col], [ref], name=op.f(f"fk_{table}_{col}_{ref_table}"))


def upgrade() -> None:
    t = "soil_site"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("boundary", sa.JSON(), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("area_declared_m2", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("former_use", sa.String(length=200), nullable=False),
        sa.Column("industry", sa.String(length=64), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("party_name", sa.String(length=200), nullable=False),
        sa.Column("party_uscc", sa.String(length=18), nullable=False),
        sa.Column("planned_use", sa.String(length=32), nullable=False),
        sa.Column("land_category", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("pollutants", sa.JSON(), nullable=False),
        sa.Column("risk", sa.JSON(), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=True),
        sa.Column("reused_on", sa.Date(), nullable=True),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _fk(t, "region_code", "region.code"),
        _fk(t, "enterprise_id", "enterprise.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("code", name=op.f(f"uq_{t}_code")),
    )
    op.create_index(op.f(f"ix_{t}_region_code"), t, ["region_code"])
    op.create_index(op.f(f"ix_{t}_enterprise_id"), t, ["enterprise_id"])
    op.create_index(op.f(f"ix_{t}_stage"), t, ["stage"])

    t = "soil_site_stage"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("previous", sa.String(length=24), nullable=True),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("moved_by", sa.String(length=64), nullable=False),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _fk(t, "site_id", "soil_site.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_site_id"), t, ["site_id"])

    t = "soil_site_sample"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("point", sa.String(length=40), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("depth_m", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("sampled_on", sa.Date(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("land_category", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=24), nullable=False),
        sa.Column("over_screening", sa.JSON(), nullable=False),
        sa.Column("over_intervention", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _fk(t, "site_id", "soil_site.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_site_id"), t, ["site_id"])

    t = "soil_site_plan_item"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=False),
        sa.Column("responsible_unit", sa.String(length=200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _fk(t, "site_id", "soil_site.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_site_id"), t, ["site_id"])


def downgrade() -> None:
    for t in ("soil_site_plan_item", "soil_site_sample", "soil_site_stage"):
        op.drop_table(t)
    op.drop_table("soil_site")
