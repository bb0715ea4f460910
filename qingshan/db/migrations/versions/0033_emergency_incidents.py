"""emergency incidents (issue #22): emergency_incident — one 突发环境事件 (facts, level judged by
the national classification with its basis, response level and leading tier, stage; unique on
(origin, origin_key) so an alarm opens one incident); emergency_incident_log — the command log,
insert only, numbered per incident (report, stages, level judgements, orders and their done
markings); emergency_incident_point — an incident's temporary monitoring points (a site of kind
emergency_point) with the standard value their readings are compared with.

Revision ID: 0033_emergency_incidents
Revises: 0032_emergency_gas
Create Date: 2026-12-07 09:58:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033_emergency_incidents"
down_revision: str | None = "0032_emergency_gas"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "emergency_incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("origin_key", sa.String(length=64), nullable=True),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(length=4), nullable=False),
        sa.Column("level_basis", sa.JSON(), nullable=False),
        sa.Column("response_level", sa.String(length=4), nullable=False),
        sa.Column("lead_tier", sa.String(length=16), nullable=False),
        sa.Column("lead_region_code", sa.String(length=6), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_emergency_incident_region_code_region")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_emergency_incident_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_incident")),
        sa.UniqueConstraint("code", name=op.f("uq_emergency_incident_code")),
        sa.UniqueConstraint("origin", "origin_key", name=op.f("uq_emergency_incident_origin_origin_key")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_emergency_incident_occurred_at"), "emergency_incident", ["occurred_at"]
    )
    op.create_index(
        op.f("ix_emergency_incident_region_code"), "emergency_incident", ["region_code"]
    )
    op.create_index(
        op.f("ix_emergency_incident_enterprise_id"), "emergency_incident", ["enterprise_id"]
    )
    op.create_index(op.f("ix_emergency_incident_level"), "emergency_incident", ["level"])
    op.create_index(op.f("ix_emergency_incident_stage"), "emergency_incident", ["stage"])
    op.create_table(
        "emergency_incident_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("to_whom", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["emergency_incident.id"], name=op.f("fk_emergency_incident_log_incident_id_emergency_incident")),
        sa.ForeignKeyConstraint(["order_id"], ["emergency_incident_log.id"], name=op.f("fk_emergency_incident_log_order_id_emergency_incident_log")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_incident_log")),
        sa.UniqueConstraint("incident_id", "seq", name=op.f("uq_emergency_incident_log_incident_id_seq")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_emergency_incident_log_incident_id"), "emergency_incident_log", ["incident_id"]
    )
    op.create_table(
        "emergency_incident_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("parameter_code", sa.String(length=16), nullable=False),
        sa.Column("standard_value", sa.Float(), nullable=True),
        sa.Column("standard_label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["emergency_incident.id"], name=op.f("fk_emergency_incident_point_incident_id_emergency_incident")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_emergency_incident_point_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_incident_point")),
        sa.UniqueConstraint("incident_id", "site_id", name=op.f("uq_emergency_incident_point_incident_id_site_id")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_emergency_incident_point_incident_id"), "emergency_incident_point", ["incident_id"]
    )
    op.create_index(
        op.f("ix_emergency_incident_point_site_id"), "emergency_incident_point", ["site_id"]
    )


def downgrade() -> None:
    op.drop_table("emergency_incident_point")
    op.drop_table("emergency_incident_log")
    op.drop_table("emergency_incident")
