"""Boundaries as a map draws them: the city outlines simplified and a city's counties alone, so
that a page fetches what it draws (issue #14: the map pages fetched 1.08 MB of GeoJSON).

The shipped files (:mod:`qingshan.geo.boundaries`, :mod:`qingshan.geo.counties`) stay as they
are for placing points; these are derived from them, once per process.

The city outlines come from Apache ECharts' encoded ``zhejiang.json``, whose coordinates sit
on a grid of 1/1024° (≈ 100 m); they are drawn only at the province's scale, where one pixel
of a 1,000-pixel map is ≈ 0.005°. :data:`CITY_TOLERANCE` (0.001°, one grid step) drops the
points within a step of the line between their neighbours: 18,488 points → 12,292, the file
425 kB → 235 kB (with the rounding), no outline moved by more than 0.001° (a fifth of a pixel
at that scale).
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np

from qingshan.geo.boundaries import read_city_boundaries
from qingshan.geo.counties import read_county_boundaries
from qingshan.geo.errors import GeoError, UnknownRegion
from qingshan.geo.regions import CITY_CODES, REGIONS

#: Douglas–Peucker tolerance of the city outlines drawn [degrees]
CITY_TOLERANCE = 0.001
#: decimals kept in the coordinates drawn (1e-4° ≈ 11 m, below the source grid of ≈ 100 m)
DECIMALS = 4


def simplify_line(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas–Peucker: the points of ``points`` (n × 2 [degrees]) kept so that none dropped
    lies farther than ``tolerance`` [degrees] from the segment between the kept neighbours
    around it; the first and last points are always kept (a closed ring stays closed)."""
    n = len(points)
    if n < 3:
        return points
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        seg = points[b] - points[a]
        rel = points[a + 1 : b] - points[a]
        length = float(np.hypot(*seg))
        if length == 0.0:  # a closed ring's ends: distance to the point itself
            dist = np.hypot(rel[:, 0], rel[:, 1])
        else:
            dist = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / length
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            k = a + 1 + i
            keep[k] = True
            stack += [(a, k), (k, b)]
    return points[keep]


def _ring(ring: list, tolerance: float) -> list:
    pts = np.asarray(ring, dtype=float)
    out = simplify_line(pts, tolerance)
    if len(out) < 4:  # too few for a ring: keep it as it was
        out = pts
    return np.round(out, DECIMALS).tolist()


def simplify_geometry(geometry: dict, tolerance: float) -> dict:
    """A GeoJSON Polygon or MultiPolygon with each ring simplified by :func:`simplify_line`
    and its coordinates rounded to :data:`DECIMALS`."""
    kind = geometry["type"]
    if kind == "Polygon":
        coords = [_ring(r, tolerance) for r in geometry["coordinates"]]
    elif kind == "MultiPolygon":
        coords = [[_ring(r, tolerance) for r in poly] for poly in geometry["coordinates"]]
    else:
        raise GeoError(f"cannot simplify a {kind}: Polygon or MultiPolygon expected")
    return {"type": kind, "coordinates": coords}


def _dump(collection: dict) -> bytes:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


@lru_cache(maxsize=1)
def read_display_cities_bytes() -> bytes:
    """The 11 city outlines simplified for drawing at the province's scale (UTF-8 GeoJSON)."""
    fc = read_city_boundaries()
    fc["features"] = [
        {**f, "geometry": simplify_geometry(f["geometry"], CITY_TOLERANCE)} for f in fc["features"]
    ]
    fc["simplified"] = (
        f"Douglas–Peucker {CITY_TOLERANCE}° per ring, {DECIMALS} decimals; "
        "?detail=full gives the source outlines"
    )
    return _dump(fc)


@lru_cache(maxsize=len(CITY_CODES))
def read_city_counties_bytes(city_code: str) -> bytes:
    """The county boundaries of one city (GB/T 2260 code, e.g. ``330100``) as they are in the
    counties file; another code raises :class:`UnknownRegion` (404) naming the city codes."""
    if city_code not in CITY_CODES:
        valid = ", ".join(f"{c} {REGIONS[c].name}" for c in CITY_CODES)
        raise UnknownRegion(
            f"region code {city_code!r} is not a city of 浙江省; valid city codes: {valid}",
            code=city_code,
        )
    fc = read_county_boundaries()
    fc["features"] = [f for f in fc["features"] if f["properties"]["city_code"] == city_code]
    return _dump(fc)
