"""PostGIS for the zones features, used when the relational store is PostgreSQL and migration
``0025_zone_postgis`` found the extension: ``zone_feature.geom`` (``geometry(Geometry, 4490)``,
filled from the GeoJSON column by a trigger, GiST-indexed) answers the siting check's candidate
selection with ``ST_Intersects`` instead of the bounding-box columns.

The predicate is the same as shapely's ``intersects`` (both are the DE-9IM "intersects" of
planar geometries, boundary included: a site sharing one boundary point with a feature meets
it), and the service still runs the exact check in shapely on what PostGIS returns — so the
answers are the same on SQLite, on PostgreSQL without PostGIS and on PostgreSQL with it; PostGIS
only means that the rows read are those the site touches, not all those whose box it meets.
The site goes in as WKB (the doubles as they are, no decimal round trip).
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Engine,
    LargeBinary,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session

from qingshan.zones.models import ZoneFeatureRow

__all__ = ["SRID", "enabled", "intersects", "intersecting_ids"]

SRID = 4490  # CGCS2000 geographic (EPSG:4490): zone_feature.geometry's lon/lat, as in 0025
_GEOM: ColumnElement[Any] = literal_column("zone_feature.geom")
_HAS_GEOM = text(
    "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('zone_feature') "
    "AND attname = 'geom' AND NOT attisdropped)"
)
_ENABLED: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def enabled(session: Session) -> bool:
    """Whether the session's database has the PostGIS column (PostgreSQL, extension found by
    the migration); asked once per engine."""
    engine = session.get_bind().engine
    if engine.dialect.name != "postgresql":
        return False
    known = _ENABLED.get(engine)
    if known is None:
        known = _ENABLED[engine] = bool(session.scalar(_HAS_GEOM))
    return known


def intersects(site: BaseGeometry) -> ColumnElement[bool]:
    """``ST_Intersects(zone_feature.geom, site)`` for a WHERE clause (uses the GiST index)."""
    wkb = bindparam(None, shapely.to_wkb(site), type_=LargeBinary)
    return func.ST_Intersects(_GEOM, func.ST_GeomFromWKB(wkb, SRID), type_=Boolean)


def intersecting_ids(session: Session, site: BaseGeometry) -> list[int]:
    """The ids of every stored feature (any layer, any date) PostGIS finds the site touches."""
    q = select(ZoneFeatureRow.id).where(intersects(site)).order_by(ZoneFeatureRow.id)
    return list(session.scalars(q))
