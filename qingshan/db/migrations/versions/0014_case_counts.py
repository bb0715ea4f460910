"""case counts (issue #11): case_count, the cases per region and state, kept in the flush that
writes a case (the case list's counts by state and total read it instead of counting every case
of the scope on every page), filled from the cases; indexes of case_record by state and
deadline (the list's overdue counts) and by state and registration (a page of one state)

Revision ID: 0014_case_counts
Revises: 0013_enforcement
Create Date: 2026-12-13 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_case_counts"
down_revision: str | None = "0013_enforcement"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("registered", "assigned", "rectifying", "submitted", "accepted", "closed", "reopened",
          "merged", "cancelled")  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "case_count",
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("state", sa.Enum(*STATES, name="casestate", native_enum=False, length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_case_count_region_code_region")),
        sa.PrimaryKeyConstraint("region_code", "state", name=op.f("pk_case_count")),
    )  # fmt: skip
    op.execute(
        "INSERT INTO case_count (region_code, state, n) "
        "SELECT region_code, state, count(*) FROM case_record GROUP BY region_code, state"
    )
    op.create_index("ix_case_record_state_due_region", "case_record", ["state", "due_at", "region_code"])  # fmt: skip
    op.create_index("ix_case_record_state_registered", "case_record", ["state", "registered_at"])


def downgrade() -> None:
    op.drop_index("ix_case_record_state_registered", table_name="case_record")
    op.drop_index("ix_case_record_state_due_region", table_name="case_record")
    op.drop_table("case_count")
