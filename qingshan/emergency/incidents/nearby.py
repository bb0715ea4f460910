"""Distances for the affected sites (pure core): great-circle distance between two points and
the distance from a point to a polygon in a local plane (the equirectangular approximation,
good to well under 1 % over the few tens of kilometres an incident's radius spans)."""

from __future__ import annotations

import math

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import transform

__all__ = ["EARTH_RADIUS_KM", "bbox_around", "haversine_km", "km_to_geometry"]

#: the mean Earth radius [km] (IUGG)
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bbox_around(lon: float, lat: float, km: float) -> tuple[float, float, float, float]:
    """A lon/lat box containing every point within ``km`` of (lon, lat)."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return (lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def km_to_geometry(lon: float, lat: float, geom: BaseGeometry) -> float:
    """Distance [km] from (lon, lat) to ``geom`` (0 inside it), in a plane centred on the point."""
    kx = math.radians(1) * EARTH_RADIUS_KM * math.cos(math.radians(lat))
    ky = math.radians(1) * EARTH_RADIUS_KM

    def plane(x: float, y: float, z: float | None = None) -> tuple[float, float]:
        return ((x - lon) * kx, (y - lat) * ky)

    return float(transform(plane, geom).distance(Point(0.0, 0.0)))
