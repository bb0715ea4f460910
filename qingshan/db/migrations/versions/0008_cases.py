"""cases: case_record, case_event (append-only history), case_source, case_signoff,
case_signer, case_unit, case_file; user_enterprise (an account acting for several enterprises,
filled from app_user.enterprise_id)

Revision ID: 0008_cases
Revises: 0007_hj212_commands
Create Date: 2026-12-09 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0008_cases"
down_revision: str | None = "0007_hj212_commands"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("registered", "assigned", "rectifying", "submitted", "accepted", "closed", "reopened",
          "merged", "cancelled")  # fmt: skip
CAPACITIES = ("department", "government")


def _capacity() -> sa.Enum:
    return sa.Enum(*CAPACITIES, name="capacity", native_enum=False, length=16)


def upgrade() -> None:
    utc = qingshan.db.base.UTCDateTime(timezone=True)
    op.create_table(
        "case_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", _capacity(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_case_unit_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_unit")),
    )  # fmt: skip
    op.create_index(op.f("ix_case_unit_region_code"), "case_unit", ["region_code"], unique=False)
    op.create_table(
        "case_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("state", sa.Enum(*STATES, name="casestate", native_enum=False, length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("parameter_code", sa.String(length=16), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", utc, nullable=False),
        sa.Column("registered_at", utc, nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", utc, nullable=True),
        sa.Column("due_at", utc, nullable=True),
        sa.Column("submitted_at", utc, nullable=True),
        sa.Column("accepted_at", utc, nullable=True),
        sa.Column("closed_at", utc, nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("relapse_count", sa.Integer(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_case_record_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["merged_into_id"], ["case_record.id"], name=op.f("fk_case_record_merged_into_id_case_record")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_case_record_region_code_region")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_case_record_site_id_site")),
        sa.ForeignKeyConstraint(["unit_id"], ["case_unit.id"], name=op.f("fk_case_record_unit_id_case_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_record")),
        sa.UniqueConstraint("number", name=op.f("uq_case_record_number")),
    )  # fmt: skip
    op.create_index(op.f("ix_case_record_due_at"), "case_record", ["due_at"], unique=False)
    op.create_index("ix_case_record_enterprise_category", "case_record", ["enterprise_id", "category"], unique=False)  # fmt: skip
    op.create_index(op.f("ix_case_record_region_code"), "case_record", ["region_code"], unique=False)  # fmt: skip
    op.create_index("ix_case_record_registered_at", "case_record", ["registered_at"], unique=False)
    op.create_index(op.f("ix_case_record_site_id"), "case_record", ["site_id"], unique=False)
    op.create_index(op.f("ix_case_record_source"), "case_record", ["source"], unique=False)
    op.create_index("ix_case_record_state_region", "case_record", ["state", "region_code"], unique=False)  # fmt: skip
    op.create_table(
        "case_signer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("capacity", _capacity(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("granted_by", sa.String(length=64), nullable=False),
        sa.Column("granted_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_case_signer_region_code_region")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_case_signer_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_signer")),
        sa.UniqueConstraint("user_id", "capacity", "region_code", name=op.f("uq_case_signer_user_id_capacity_region_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_case_signer_user_id"), "case_signer", ["user_id"], unique=False)
    op.create_table(
        "user_enterprise",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_user_enterprise_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_user_enterprise_user_id_app_user")),
        sa.PrimaryKeyConstraint("user_id", "enterprise_id", name=op.f("pk_user_enterprise")),
    )  # fmt: skip
    op.execute(
        "INSERT INTO user_enterprise (user_id, enterprise_id) "
        "SELECT id, enterprise_id FROM app_user WHERE enterprise_id IS NOT NULL"
    )
    op.create_table(
        "case_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", utc, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], name=op.f("fk_case_event_case_id_case_record")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_event")),
        sa.UniqueConstraint("case_id", "seq", name=op.f("uq_case_event_case_id_seq")),
    )  # fmt: skip
    op.create_index("ix_case_event_event_at", "case_event", ["event", "at"], unique=False)
    op.create_table(
        "case_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], name=op.f("fk_case_file_case_id_case_record")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_file")),
    )  # fmt: skip
    op.create_index(op.f("ix_case_file_case_id"), "case_file", ["case_id"], unique=False)
    op.create_index(op.f("ix_case_file_sha256"), "case_file", ["sha256"], unique=False)
    op.create_table(
        "case_signoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("capacity", _capacity(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("signed_at", utc, nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], name=op.f("fk_case_signoff_case_id_case_record")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_case_signoff_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_signoff")),
        sa.UniqueConstraint("case_id", "round", "capacity", name=op.f("uq_case_signoff_case_id_round_capacity")),
    )  # fmt: skip
    op.create_index(op.f("ix_case_signoff_case_id"), "case_signoff", ["case_id"], unique=False)
    op.create_table(
        "case_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_key", sa.String(length=160), nullable=False),
        sa.Column("group_key", sa.String(length=160), nullable=True),
        sa.Column("reported_at", utc, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], name=op.f("fk_case_source_case_id_case_record")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_source")),
        sa.UniqueConstraint("source", "source_key", name=op.f("uq_case_source_source_source_key")),
    )  # fmt: skip
    op.create_index(op.f("ix_case_source_case_id"), "case_source", ["case_id"], unique=False)
    op.create_index(op.f("ix_case_source_group_key"), "case_source", ["group_key"], unique=False)


def downgrade() -> None:
    for table in ("case_source", "case_signoff", "case_file", "case_event", "user_enterprise",
                  "case_signer", "case_record", "case_unit"):  # fmt: skip
        op.drop_table(table)
