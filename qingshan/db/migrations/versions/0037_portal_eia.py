"""portal eia (issue #23): portal_eia_approval — EIA approvals (环评审批) with project, point,
GB/T 4754-2017 industry code, document type, approval number (unique), authority, date,
conditions and approved totals (t/a), linked to the enterprise and the permit current when
recorded; portal_eia_application — 排污许可 applications (申请/变更/延续) as service records:
checklist, submitted/accepted/decided dates, decision, trips; portal_eia_case — the case a
warning opened, one per warning key.

Revision ID: 0037_portal_eia
Revises: 0036_portal_enterprise
Create Date: 2026-12-07 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037_portal_eia"
down_revision: str | None = "0036_portal_enterprise"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_eia_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("project", sa.String(length=200), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("industry_code", sa.String(length=4), nullable=False),
        sa.Column("doc_type", sa.String(length=16), nullable=False),
        sa.Column("approval_no", sa.String(length=64), nullable=False),
        sa.Column("authority", sa.String(length=64), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.Column("permit_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_portal_eia_approval_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_portal_eia_approval_region_code_region")),
        sa.ForeignKeyConstraint(["permit_id"], ["permit.id"], name=op.f("fk_portal_eia_approval_permit_id_permit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_eia_approval")),
        sa.UniqueConstraint("approval_no", name=op.f("uq_portal_eia_approval_approval_no")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_portal_eia_approval_enterprise_id"), "portal_eia_approval", ["enterprise_id"]
    )
    op.create_index(
        op.f("ix_portal_eia_approval_region_code"), "portal_eia_approval", ["region_code"]
    )
    op.create_index(
        op.f("ix_portal_eia_approval_approved_on"), "portal_eia_approval", ["approved_on"]
    )
    op.create_table(
        "portal_eia_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("permit_number", sa.String(length=32), nullable=True),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("trips", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_portal_eia_application_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_portal_eia_application_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_eia_application")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_portal_eia_application_enterprise_id"), "portal_eia_application", ["enterprise_id"]
    )
    op.create_index(
        op.f("ix_portal_eia_application_region_code"), "portal_eia_application", ["region_code"]
    )
    op.create_index(
        op.f("ix_portal_eia_application_submitted_on"), "portal_eia_application", ["submitted_on"]
    )
    op.create_table(
        "portal_eia_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=96), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_portal_eia_case_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_eia_case")),
        sa.UniqueConstraint("key", name=op.f("uq_portal_eia_case_key")),
    )  # fmt: skip
    op.create_index(op.f("ix_portal_eia_case_enterprise_id"), "portal_eia_case", ["enterprise_id"])


def downgrade() -> None:
    op.drop_table("portal_eia_case")
    op.drop_table("portal_eia_application")
    op.drop_table("portal_eia_approval")
