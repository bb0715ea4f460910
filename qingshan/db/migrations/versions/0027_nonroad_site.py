"""non-road machinery sites (issue #21): nonroad_machine gets the site where the machine works
(site name, longitude, latitude in WGS 84 / CGCS2000) so that it can be checked against the
low-emission zones (禁止使用高排放非道路移动机械区域, a zones layer kind).

Revision ID: 0027_nonroad_site
Revises: 0026_vehicles
Create Date: 2026-12-07 07:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_nonroad_site"
down_revision: str | None = "0026_vehicles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("nonroad_machine") as batch:
        batch.add_column(
            sa.Column("site", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("lon", sa.Float(), nullable=True))
        batch.add_column(sa.Column("lat", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("nonroad_machine") as batch:
        batch.drop_column("lat")
        batch.drop_column("lon")
        batch.drop_column("site")
