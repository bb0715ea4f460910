"""PostGIS for the zones features (issue #20), on PostgreSQL only and only where the extension can
be had: ``CREATE EXTENSION IF NOT EXISTS postgis`` (in a savepoint: a cluster without PostGIS, or
a role that may not create it, leaves the database as it was), then ``zone_feature.geom``
(``geometry(Geometry, 4490)``, CGCS2000 lon/lat, planar like shapely) with a GiST index, filled
from the GeoJSON column by a trigger on every insert or update of ``geometry`` (whatever code
inserts the rows, ORM, bulk insert or COPY) and backfilled for the rows already there.

A no-op on SQLite, on PostgreSQL without the PostGIS files, and where the database setting
``qingshan.postgis`` is ``off`` (``ALTER DATABASE … SET qingshan.postgis = 'off'`` before
migrating keeps PostGIS out; the tests use it for their "PostgreSQL without PostGIS" database).
The service uses the column when it exists (:mod:`qingshan.zones.postgis`).

Revision ID: 0025_zone_postgis
Revises: 0024_zero_discharge_parks
Create Date: 2026-12-07 06:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_zone_postgis"
down_revision: str | None = "0024_zero_discharge_parks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SRID = 4490  # CGCS2000 geographic (EPSG:4490), the CRS zone_feature.geometry is stored in


def _create_extension(conn: sa.Connection) -> bool:
    if conn.scalar(sa.text("SELECT current_setting('qingshan.postgis', true)")) == "off":
        return False
    if not conn.scalar(
        sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")
    ):
        return False
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except sa.exc.DBAPIError:  # e.g. not a superuser (postgis is not a trusted extension)
        return False
    return True


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql" or not _create_extension(conn):
        return
    op.execute(f"ALTER TABLE zone_feature ADD COLUMN geom geometry(Geometry, {SRID})")
    op.execute(f"""
        CREATE FUNCTION zone_feature_geom() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.geom := ST_SetSRID(ST_GeomFromGeoJSON(NEW.geometry::text), {SRID});
            RETURN NEW;
        END $$""")  # fmt: skip
    op.execute("CREATE TRIGGER zone_feature_geom BEFORE INSERT OR UPDATE OF geometry ON zone_feature "
               "FOR EACH ROW EXECUTE FUNCTION zone_feature_geom()")  # fmt: skip
    op.execute(
        f"UPDATE zone_feature SET geom = ST_SetSRID(ST_GeomFromGeoJSON(geometry::text), {SRID})"
    )
    op.execute("CREATE INDEX ix_zone_feature_geom ON zone_feature USING gist (geom)")


def downgrade() -> None:
    """Drops the column, its index and trigger; the extension stays (other objects may use it)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS zone_feature_geom ON zone_feature")
    op.execute("DROP FUNCTION IF EXISTS zone_feature_geom()")
    op.execute("ALTER TABLE zone_feature DROP COLUMN IF EXISTS geom")  # its index goes with it
