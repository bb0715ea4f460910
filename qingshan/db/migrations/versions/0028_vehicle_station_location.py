"""I/M station locations (issue #21): vehicle_station gets the station's position (longitude,
latitude in WGS 84 / CGCS2000) so that the station ranking can draw the stations on a map.
Nullable: a station registered without a position is listed, not drawn.

Revision ID: 0028_vehicle_station_location
Revises: 0027_nonroad_site
Create Date: 2026-12-07 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_vehicle_station_location"
down_revision: str | None = "0027_nonroad_site"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vehicle_station") as batch:
        batch.add_column(sa.Column("lon", sa.Float(), nullable=True))
        batch.add_column(sa.Column("lat", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("vehicle_station") as batch:
        batch.drop_column("lat")
        batch.drop_column("lon")
