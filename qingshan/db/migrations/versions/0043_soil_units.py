"""soil units (issue #24, area units): soil_unit — an enterprise on the list of key
soil-supervised units (listed year, delisted year, reason); soil_unit_check — the yearly
hidden-danger check (due, done, findings, rectification items, the case opened when overdue);
soil_unit_sample — self-monitoring samples of soil (GB 36600-2018) and groundwater (GB/T
14848-2017) with their stored judgement; soil_unit_report — the yearly report of toxic and harmful
substance discharges.

Revision ID: 0043_soil_units
Revises: 0042_soil_groundwater
Create Date: 2026-12-07 13:20:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0043_soil_units"
down_revision: str | None = "0042_soil_groundwater"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, col: str, ref: str) -> sa.ForeignKeyConstraint:
    ref_table = ref.split(".")[0]
    return sa.ForeignKeyConstraint([col], [ref], name=op.f(f"fk_{table}_{col}_{ref_table}"))


def _common(t: str) -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        _fk(t, "unit_id", "soil_unit.id"),
        _fk(t, "region_code", "region.code"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    ]


def upgrade() -> None:
    t = "soil_unit"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("listed_year", sa.Integer(), nullable=False),
        sa.Column("delisted_year", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("listed_by", sa.String(length=64), nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _fk(t, "enterprise_id", "enterprise.id"),
        _fk(t, "region_code", "region.code"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("enterprise_id", name=op.f(f"uq_{t}_enterprise_id")),
    )
    op.create_index(op.f(f"ix_{t}_region_code"), t, ["region_code"])

    t = "soil_unit_check"
    op.create_table(
        t,
        *_common(t),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("unit_id", "year", name=op.f(f"uq_{t}_unit_id_year")),
    )
    op.create_index(op.f(f"ix_{t}_unit_id"), t, ["unit_id"])
    op.create_index(op.f(f"ix_{t}_region_code"), t, ["region_code"])
    op.create_index(op.f(f"ix_{t}_due_on"), t, ["due_on"])

    t = "soil_unit_sample"
    op.create_table(
        t,
        *_common(t),
        sa.Column("medium", sa.String(length=16), nullable=False),
        sa.Column("point", sa.String(length=64), nullable=False),
        sa.Column("sampled_on", sa.Date(), nullable=False),
        sa.Column("depth_m", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("ph", sa.Float(), nullable=True),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("result", sa.String(length=32), nullable=False),
        sa.Column("deciding", sa.JSON(), nullable=False),
        sa.Column("exceeding", sa.Boolean(), nullable=False),
        sa.Column("standard", sa.String(length=64), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.UniqueConstraint(
            "unit_id",
            "medium",
            "point",
            "sampled_on",
            "depth_m",
            name=op.f(f"uq_{t}_unit_id_medium_point_sampled_on_depth_m"),
        ),
    )
    op.create_index(op.f(f"ix_{t}_unit_id"), t, ["unit_id"])
    op.create_index(op.f(f"ix_{t}_region_code"), t, ["region_code"])

    t = "soil_unit_report"
    op.create_table(
        t,
        *_common(t),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("substances", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("unit_id", "year", name=op.f(f"uq_{t}_unit_id_year")),
    )
    op.create_index(op.f(f"ix_{t}_unit_id"), t, ["unit_id"])
    op.create_index(op.f(f"ix_{t}_region_code"), t, ["region_code"])


def downgrade() -> None:
    for t in ("soil_unit_report", "soil_unit_sample", "soil_unit_check", "soil_unit"):
        op.drop_table(t)
