"""emergency risk (issue #22, area risk): emergency_risk_declaration — an enterprise's declared
risk substances and HJ 941-2018 M items with their review; emergency_risk_grade — each computed
grading (level, notation, inputs, result, grading version); emergency_plan — filed emergency plans
(signed, filed, review due, revision, files, the case opened on expiry); emergency_drill — drills.

Revision ID: 0029_emergency_risk
Revises: 0028_vehicle_station_location
Create Date: 2026-12-07 09:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029_emergency_risk"
down_revision: str | None = "0028_vehicle_station_location"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, col: str, ref: str) -> sa.ForeignKeyConstraint:
    ref_table = ref.split(".")[0]
    return sa.ForeignKeyConstraint([col], [ref], name=op.f(f"fk_{table}_{col}_{ref_table}"))


def upgrade() -> None:
    t = "emergency_risk_declaration"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("chemicals", sa.JSON(), nullable=False),
        sa.Column("m_items", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _fk(t, "enterprise_id", "enterprise.id"),
        _fk(t, "region_code", "region.code"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_enterprise_id"), t, ["enterprise_id"])
    op.create_index(op.f(f"ix_{t}_region_code"), t, ["region_code"])

    t = "emergency_risk_grade"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("notation", sa.String(length=120), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("grading_version", sa.String(length=32), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("computed_by", sa.String(length=64), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _fk(t, "enterprise_id", "enterprise.id"),
        _fk(t, "region_code", "region.code"),
        _fk(t, "declaration_id", "emergency_risk_declaration.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_enterprise_id"), t, ["enterprise_id"])
    op.create_index(op.f(f"ix_{t}_region_code"), t, ["region_code"])

    t = "emergency_plan"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("filing_bureau", sa.String(length=100), nullable=False),
        sa.Column("filing_no", sa.String(length=64), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("expired_case_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _fk(t, "enterprise_id", "enterprise.id"),
        _fk(t, "region_code", "region.code"),
        _fk(t, "supersedes_id", "emergency_plan.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_enterprise_id"), t, ["enterprise_id"])
    op.create_index(op.f(f"ix_{t}_region_code"), t, ["region_code"])
    op.create_index(op.f(f"ix_{t}_review_due"), t, ["review_due"])

    t = "emergency_drill"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("scenario", sa.String(length=200), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _fk(t, "enterprise_id", "enterprise.id"),
        _fk(t, "region_code", "region.code"),
        _fk(t, "plan_id", "emergency_plan.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_enterprise_id"), t, ["enterprise_id"])
    op.create_index(op.f(f"ix_{t}_region_code"), t, ["region_code"])


def downgrade() -> None:
    for t in ("emergency_drill", "emergency_plan", "emergency_risk_grade"):
        op.drop_table(t)
    op.drop_table("emergency_risk_declaration")
