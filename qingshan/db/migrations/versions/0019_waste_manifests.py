"""waste manifests (issue #18): waste_facility and waste_facility_code (licensed receivers and
their codes), waste_manifest (versions of a 转移联单; corrections are new rows),
waste_manifest_leg (transporters in order) and waste_signature (insert-only signed actions)

Revision ID: 0019_waste_manifests
Revises: 0018_carbon
Create Date: 2026-12-06 23:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0019_waste_manifests"
down_revision: str | None = "0018_carbon"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "waste_facility",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("licence_no", sa.String(length=64), nullable=False),
        sa.Column("licence_valid_from", sa.Date(), nullable=False),
        sa.Column("licence_valid_to", sa.Date(), nullable=False),
        sa.Column("capacity_t_per_year", sa.Float(), nullable=False),
        sa.Column("methods", sa.JSON(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_waste_facility_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_facility")),
        sa.UniqueConstraint("enterprise_id", name=op.f("uq_waste_facility_enterprise_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_waste_facility_region_code"), "waste_facility", ["region_code"])
    op.create_table(
        "waste_facility_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("waste_code", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["facility_id"], ["waste_facility.id"], name=op.f("fk_waste_facility_code_facility_id_waste_facility")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_facility_code")),
        sa.UniqueConstraint("facility_id", "waste_code", name=op.f("uq_waste_facility_code_facility_id_waste_code")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_waste_facility_code_facility_id"), "waste_facility_code", ["facility_id"]
    )
    op.create_table(
        "waste_manifest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=14), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("waste_code", sa.String(length=10), nullable=False),
        sa.Column("quantity_t", sa.Float(), nullable=False),
        sa.Column("origin_region", sa.String(length=6), nullable=False),
        sa.Column("dest_region", sa.String(length=6), nullable=False),
        sa.Column("approval_ref", sa.String(length=64), nullable=True),
        sa.Column("transfer_on", sa.Date(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["supersedes_id"], ["waste_manifest.id"], name=op.f("fk_waste_manifest_supersedes_id_waste_manifest")),
        sa.ForeignKeyConstraint(["producer_id"], ["enterprise.id"], name=op.f("fk_waste_manifest_producer_id_enterprise")),
        sa.ForeignKeyConstraint(["receiver_id"], ["enterprise.id"], name=op.f("fk_waste_manifest_receiver_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_manifest")),
        sa.UniqueConstraint("number", "version", name=op.f("uq_waste_manifest_number_version")),
    )  # fmt: skip
    for col in ("number", "supersedes_id", "producer_id", "receiver_id", "origin_region", "dest_region", "transfer_on"):  # fmt: skip
        op.create_index(op.f(f"ix_waste_manifest_{col}"), "waste_manifest", [col])
    op.create_table(
        "waste_manifest_leg",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manifest_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("transporter_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["manifest_id"], ["waste_manifest.id"], name=op.f("fk_waste_manifest_leg_manifest_id_waste_manifest")),
        sa.ForeignKeyConstraint(["transporter_id"], ["enterprise.id"], name=op.f("fk_waste_manifest_leg_transporter_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_manifest_leg")),
        sa.UniqueConstraint("manifest_id", "seq", name=op.f("uq_waste_manifest_leg_manifest_id_seq")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_waste_manifest_leg_manifest_id"), "waste_manifest_leg", ["manifest_id"]
    )
    op.create_index(
        op.f("ix_waste_manifest_leg_transporter_id"), "waste_manifest_leg", ["transporter_id"]
    )
    op.create_table(
        "waste_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manifest_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("signed_at", utc, nullable=False),
        sa.Column("quantity_t", sa.Float(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("paper", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["manifest_id"], ["waste_manifest.id"], name=op.f("fk_waste_signature_manifest_id_waste_manifest")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_waste_signature_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_signature")),
    )  # fmt: skip
    op.create_index(op.f("ix_waste_signature_manifest_id"), "waste_signature", ["manifest_id"])
    op.create_index(op.f("ix_waste_signature_enterprise_id"), "waste_signature", ["enterprise_id"])


def downgrade() -> None:
    op.drop_table("waste_signature")
    op.drop_table("waste_manifest_leg")
    op.drop_table("waste_manifest")
    op.drop_table("waste_facility_code")
    op.drop_table("waste_facility")
