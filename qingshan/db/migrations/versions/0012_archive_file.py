"""archive file (一企一档, issue #12): the enterprise's GB/T 4754-2017 code, address, 重点排污单位
categories, contacts and status, and its change history (enterprise_change); permits in versions
(permit.number no longer unique: unique (number, version)), their management category, the
version that superseded them, their outlets (permit_outlet) and annual caps (permit_cap);
inspections, violations and administrative penalties (archive_inspection, archive_violation,
archive_penalty)

Revision ID: 0012_archive_file
Revises: 0011_case_reports
Create Date: 2026-12-12 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0012_archive_file"
down_revision: str | None = "0011_case_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    with op.batch_alter_table("enterprise", schema=None) as b:
        b.add_column(sa.Column("industry_code", sa.String(length=4), nullable=True))
        b.add_column(sa.Column("address", sa.String(length=200), server_default="", nullable=False))
        b.add_column(sa.Column("key_categories", sa.JSON(), server_default="[]", nullable=False))
        b.add_column(sa.Column("contacts", sa.JSON(), server_default="[]", nullable=False))
        b.add_column(
            sa.Column("status", sa.String(length=16), server_default="operating", nullable=False)
        )
        b.create_index(b.f("ix_enterprise_industry_code"), ["industry_code"], unique=False)
    with op.batch_alter_table("permit", schema=None) as b:
        b.drop_constraint("uq_permit_number", type_="unique")
        b.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        b.add_column(
            sa.Column("category", sa.String(length=16), server_default="key", nullable=False)
        )
        b.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        b.add_column(sa.Column("reason", sa.Text(), server_default="", nullable=False))
        b.add_column(sa.Column("created_by", sa.String(length=64), nullable=True))
        b.add_column(sa.Column("created_at", utc, nullable=True))
        b.create_foreign_key(
            b.f("fk_permit_superseded_by_id_permit"), "permit", ["superseded_by_id"], ["id"]
        )
        b.create_unique_constraint(b.f("uq_permit_number_version"), ["number", "version"])
        b.create_index(b.f("ix_permit_number"), ["number"], unique=False)
    op.create_table(
        "enterprise_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("at", utc, nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_enterprise_change_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_change")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_enterprise_change_enterprise_id"), "enterprise_change", ["enterprise_id"]
    )
    op.create_table(
        "permit_outlet",
        sa.Column("permit_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["permit_id"], ["permit.id"], name=op.f("fk_permit_outlet_permit_id_permit")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_permit_outlet_site_id_site")),
        sa.PrimaryKeyConstraint("permit_id", "site_id", name=op.f("pk_permit_outlet")),
    )  # fmt: skip
    op.create_index(op.f("ix_permit_outlet_site_id"), "permit_outlet", ["site_id"])
    op.create_table(
        "permit_cap",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("permit_id", sa.Integer(), nullable=False),
        sa.Column("parameter_code", sa.String(length=16), nullable=False),
        sa.Column("tonnes_per_year", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["parameter_code"], ["parameter.code"], name=op.f("fk_permit_cap_parameter_code_parameter")),
        sa.ForeignKeyConstraint(["permit_id"], ["permit.id"], name=op.f("fk_permit_cap_permit_id_permit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permit_cap")),
        sa.UniqueConstraint("permit_id", "parameter_code", name=op.f("uq_permit_cap_permit_id_parameter_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_permit_cap_permit_id"), "permit_cap", ["permit_id"])
    op.create_table(
        "archive_inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=True),
        sa.Column("inspected_at", utc, nullable=False),
        sa.Column("inspectors", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_archive_inspection_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_inspection")),
    )  # fmt: skip
    op.create_index(
        "ix_archive_inspection_enterprise_at",
        "archive_inspection",
        ["enterprise_id", "inspected_at"],
    )
    op.create_index(op.f("ix_archive_inspection_source_ref"), "archive_inspection", ["source_ref"])
    op.create_table(
        "archive_violation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("found_at", utc, nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("parameter_code", sa.String(length=16), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_archive_violation_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["inspection_id"], ["archive_inspection.id"], name=op.f("fk_archive_violation_inspection_id_archive_inspection")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_archive_violation_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_violation")),
    )  # fmt: skip
    op.create_index(
        "ix_archive_violation_enterprise_at", "archive_violation", ["enterprise_id", "found_at"]
    )
    op.create_index(
        op.f("ix_archive_violation_inspection_id"), "archive_violation", ["inspection_id"]
    )
    op.create_table(
        "archive_penalty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("violation_id", sa.Integer(), nullable=True),
        sa.Column("decision_no", sa.String(length=64), nullable=False),
        sa.Column("legal_basis", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_yuan", sa.Float(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_archive_penalty_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["violation_id"], ["archive_violation.id"], name=op.f("fk_archive_penalty_violation_id_archive_violation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_penalty")),
        sa.UniqueConstraint("decision_no", name=op.f("uq_archive_penalty_decision_no")),
    )  # fmt: skip
    op.create_index(
        "ix_archive_penalty_enterprise_on", "archive_penalty", ["enterprise_id", "decided_on"]
    )
    op.create_index(op.f("ix_archive_penalty_violation_id"), "archive_penalty", ["violation_id"])


def downgrade() -> None:
    op.drop_table("archive_penalty")
    op.drop_table("archive_violation")
    op.drop_table("archive_inspection")
    op.drop_table("permit_cap")
    op.drop_table("permit_outlet")
    op.drop_table("enterprise_change")
    with op.batch_alter_table("permit", schema=None) as b:
        b.drop_index(b.f("ix_permit_number"))
        b.drop_constraint(b.f("uq_permit_number_version"), type_="unique")
        b.drop_constraint(b.f("fk_permit_superseded_by_id_permit"), type_="foreignkey")
        for c in ("created_at", "created_by", "reason", "superseded_by_id", "category", "version"):
            b.drop_column(c)
        b.create_unique_constraint(b.f("uq_permit_number"), ["number"])
    with op.batch_alter_table("enterprise", schema=None) as b:
        b.drop_index(b.f("ix_enterprise_industry_code"))
        for c in ("status", "contacts", "key_categories", "address", "industry_code"):
            b.drop_column(c)
