"""Checking a chemical park's boundary as officers give it (pasted or uploaded GeoJSON) and a
boundary station's position against it. Pure: no database.

A boundary is one polygon (RFC 7946 §3.1.6: a closed linear ring of ≥ 4 positions, the first
and last equal; §3.1.1: a position is [longitude, latitude], WGS-84) given as a ``Polygon``
geometry, a ``Feature`` of one, a ``FeatureCollection`` of exactly one, or a ``MultiPolygon``
of one part. Only the outer ring is stored: a polygon with holes is refused rather than
silently changed. It must be a valid polygon (no self-intersection, an area), and every
vertex must lie in Zhejiang (:func:`qingshan.geo.counties.county_at`), one of them in the
park's county.

A boundary station (园区边界站) stands on or near the park's fence: inside the polygon or at
most :data:`STATION_NEAR_KM` outside it (a platform rule, not a standard: a station farther
out measures something other than the park's boundary).
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
from shapely.geometry import Point, Polygon
from shapely.validation import explain_validity

from qingshan.emergency.gas.errors import BadGasInput
from qingshan.geo.counties import county_at

__all__ = ["STATION_NEAR_KM", "check_station_position", "parse_boundary"]

#: how far outside the park boundary a boundary station may stand [km] (platform rule)
STATION_NEAR_KM = 1.0
#: the most vertices a boundary may have (a park fence, not a county border)
MAX_VERTICES = 5000
_KM_PER_DEG_LAT = 110.57  # [km per degree of latitude] near 30° N (WGS-84 meridian arc)
_KM_PER_DEG_LON_EQ = 111.32  # [km per degree of longitude] at the equator


def _bad(message: str) -> BadGasInput:
    return BadGasInput(f"boundary: {message}", field="boundary")


def _polygon_coordinates(obj: Any) -> Any:
    """The ``coordinates`` of the one polygon in ``obj`` (a GeoJSON object)."""
    if not isinstance(obj, dict):
        raise _bad(f"a GeoJSON object is expected, not {type(obj).__name__}")
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list) or len(features) != 1:
            n = len(features) if isinstance(features, list) else 0
            raise _bad(f"a FeatureCollection of exactly one park polygon is expected, not {n}")
        return _polygon_coordinates(features[0])
    if kind == "Feature":
        return _polygon_coordinates(obj.get("geometry"))
    if kind == "MultiPolygon":
        parts = obj.get("coordinates")
        if not isinstance(parts, list) or len(parts) != 1:
            n = len(parts) if isinstance(parts, list) else 0
            raise _bad(f"a MultiPolygon of {n} parts: a park is one polygon")
        return parts[0]
    if kind == "Polygon":
        return obj.get("coordinates")
    raise _bad(f"type {kind!r}: a Polygon (or a Feature / FeatureCollection of one) is expected")


def _ring(coords: Any) -> list[list[float]]:
    if not isinstance(coords, list) or not coords:
        raise _bad("a Polygon's coordinates are a list of linear rings (RFC 7946 §3.1.6)")
    if len(coords) > 1:
        raise _bad(f"the polygon has {len(coords) - 1} hole(s): give the outer ring only")
    outer = coords[0]
    if not isinstance(outer, list):
        raise _bad("the outer ring is not a list of positions")
    if len(outer) > MAX_VERTICES:
        raise _bad(f"{len(outer)} positions: at most {MAX_VERTICES}")
    ring: list[list[float]] = []
    for i, p in enumerate(outer, start=1):
        if (not isinstance(p, list | tuple) or len(p) < 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in p[:2])):  # fmt: skip
            raise _bad(f"position {i} {p!r} is not [longitude, latitude]")
        lon, lat = float(p[0]), float(p[1])
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180
                and -90 <= lat <= 90):  # fmt: skip
            raise _bad(f"position {i} ({lon}, {lat}) is not a longitude, latitude")
        ring.append([lon, lat])
    if len(ring) < 4:
        raise _bad(f"{len(ring)} positions: a closed ring needs at least 4 (RFC 7946 §3.1.6)")
    if ring[0] != ring[-1]:
        raise _bad(f"the ring is not closed: the first position {tuple(ring[0])} differs from "
                   f"the last {tuple(ring[-1])} (RFC 7946 §3.1.6)")  # fmt: skip
    return ring


def parse_boundary(boundary: str | dict[str, Any], region_code: str) -> list[list[float]]:
    """The closed outer ring [[lon, lat], …] of a park boundary given as GeoJSON (text or an
    object), checked: one valid polygon, every vertex in Zhejiang, one in ``region_code``'s
    county. Raises :class:`BadGasInput` (field ``boundary``) naming what is wrong."""
    if isinstance(boundary, str):
        text = boundary.strip()
        if not text:
            raise _bad("empty: paste or upload a GeoJSON polygon")
        try:
            boundary = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _bad(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    ring = _ring(_polygon_coordinates(boundary))
    poly = Polygon(ring)
    if not poly.is_valid:
        raise _bad(f"not a valid polygon: {explain_validity(poly)}")
    if poly.area <= 0:
        raise _bad("the polygon has no area")
    pts = np.asarray(ring[:-1], dtype=float)
    counties = list(np.asarray(county_at(pts[:, 0], pts[:, 1], tolerance_km=0.5), dtype=object))
    for i, code in enumerate(counties, start=1):
        if code is None:
            raise _bad(f"position {i} ({pts[i - 1, 0]}, {pts[i - 1, 1]}) lies outside Zhejiang")
    inner = poly.representative_point()
    found = {str(c) for c in counties} | {str(county_at(inner.x, inner.y))}
    if region_code not in found:
        raise _bad(f"the polygon lies in county {', '.join(sorted(found))}, not in the park's "
                   f"county region_code {region_code}")  # fmt: skip
    return ring


def _km_xy(ring: list[list[float]], lon0: float, lat0: float) -> list[tuple[float, float]]:
    kx = _KM_PER_DEG_LON_EQ * math.cos(math.radians(lat0))
    return [((lon - lon0) * kx, (lat - lat0) * _KM_PER_DEG_LAT) for lon, lat in ring]


def station_distance_km(ring: list[list[float]], longitude: float, latitude: float) -> float:
    """How far (longitude, latitude) lies outside the park ``ring`` [km]: 0 inside or on it
    (a local equirectangular projection: exact enough over a park's few km)."""
    poly = Polygon(_km_xy(ring, longitude, latitude))
    return float(poly.distance(Point(0.0, 0.0)))


def check_station_position(ring: list[list[float]], longitude: float, latitude: float) -> float:
    """The distance outside the park [km] of a station at (longitude, latitude); raises
    :class:`BadGasInput` (field ``longitude``) when it is not a position or lies farther than
    :data:`STATION_NEAR_KM` from the park boundary."""
    if not (math.isfinite(longitude) and math.isfinite(latitude) and -180 <= longitude <= 180
            and -90 <= latitude <= 90):  # fmt: skip
        raise BadGasInput(f"({longitude}, {latitude}) is not a longitude, latitude",
                          field="longitude")  # fmt: skip
    d = station_distance_km(ring, longitude, latitude)
    if d > STATION_NEAR_KM:
        raise BadGasInput(f"({longitude}, {latitude}) lies {d:.2f} km outside the park boundary: "
                          f"a boundary station stands inside it or within {STATION_NEAR_KM:g} km",
                          field="longitude")  # fmt: skip
    return d
