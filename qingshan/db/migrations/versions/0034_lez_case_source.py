"""Low-emission-zone cases under the source vehicle_exhaust (issue #21): non-road machines found
working in a zone that bans their stage were reported under ``big_data``; they are now reported
under ``vehicle_exhaust`` (机动车排气) with the vehicles' other cases, so this rewrites the source
of the reports (``case_source``, keys ``vehicles:lez:…``) and of the cases they opened. Without it
the next screening would open every such case again under the new source.

Revision ID: 0034_lez_case_source
Revises: 0033_emergency_incidents
Create Date: 2026-12-07 09:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034_lez_case_source"
down_revision: str | None = "0033_emergency_incidents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LEZ = "source_key LIKE 'vehicles:lez:%'"


def _move(old: str, new: str) -> None:
    op.execute(
        sa.text(
            "UPDATE case_record SET source = :new WHERE source = :old AND id IN "
            f"(SELECT case_id FROM case_source WHERE source = :old AND {_LEZ})"
        ).bindparams(old=old, new=new)
    )
    op.execute(
        sa.text(f"UPDATE case_source SET source = :new WHERE source = :old AND {_LEZ}").bindparams(
            old=old, new=new
        )
    )


def upgrade() -> None:
    _move("big_data", "vehicle_exhaust")


def downgrade() -> None:
    _move("vehicle_exhaust", "big_data")
