"""Where a reported point lies: the city of Zhejiang whose boundary holds it, and the region a
report is filed under (the county the reporter named, checked against the point's city).

The boundaries are the 11 city polygons of :mod:`qingshan.geo.boundaries` (WGS-84 degrees,
simplified from ECharts 4.9.0), read once. A point outside every polygon but within
:data:`COAST_TOLERANCE_M` of one (a quay, a sluice on a simplified coastline) is given to the
nearest city; anything farther is outside the province. Pure: no session, no clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from qingshan.cases.errors import BadCaseInput
from qingshan.geo.boundaries import read_city_boundaries
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import PROVINCE_CODE, RegionRecord, city_of, get_region

__all__ = ["COAST_TOLERANCE_M", "city_at", "region_for_point", "check_region_code"]

#: how far outside the simplified boundary a point may lie and still be placed [m]
COAST_TOLERANCE_M = 3000.0

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class _City:
    code: str
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat [°]
    polygons: tuple[tuple[Ring, ...], ...]  # each: outer ring, then holes


def _ring(coords: list) -> Ring:
    return tuple((float(x), float(y)) for x, y, *_ in coords)


@cache
def _cities() -> tuple[_City, ...]:
    out = []
    for feature in read_city_boundaries()["features"]:
        geom = feature["geometry"]
        parts = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        polygons = tuple(tuple(_ring(r) for r in part) for part in parts)
        xs = [x for poly in polygons for x, _ in poly[0]]
        ys = [y for poly in polygons for _, y in poly[0]]
        bbox = (min(xs), min(ys), max(xs), max(ys))
        out.append(_City(str(feature["properties"]["code"]), bbox, polygons))
    return tuple(out)


def _in_ring(x: float, y: float, ring: Ring) -> bool:
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _in_city(x: float, y: float, city: _City) -> bool:
    x0, y0, x1, y1 = city.bbox
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return False
    for outer, *holes in city.polygons:
        if _in_ring(x, y, outer) and not any(_in_ring(x, y, h) for h in holes):
            return True
    return False


def _edge_distance_m(x: float, y: float, city: _City) -> float:
    """Shortest distance [m] from the point to the city's outer rings (equirectangular)."""
    kx = 111_320.0 * math.cos(math.radians(y))
    ky = 110_574.0
    best = math.inf
    for outer, *_ in city.polygons:
        n = len(outer)
        for i in range(n):
            ax, ay = (outer[i][0] - x) * kx, (outer[i][1] - y) * ky
            bx, by = (outer[(i + 1) % n][0] - x) * kx, (outer[(i + 1) % n][1] - y) * ky
            dx, dy = bx - ax, by - ay
            seg = dx * dx + dy * dy
            t = 0.0 if seg == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / seg))
            best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def city_at(longitude: float, latitude: float) -> RegionRecord | None:
    """The city of Zhejiang at (``longitude``, ``latitude``) [° WGS-84], or None outside the
    province (farther than :data:`COAST_TOLERANCE_M` from every city)."""
    cities = _cities()
    for city in cities:
        if _in_city(longitude, latitude, city):
            return get_region(city.code)
    margin = COAST_TOLERANCE_M / 100_000.0
    near = [
        (d, c.code)
        for c in cities
        if c.bbox[0] - margin <= longitude <= c.bbox[2] + margin
        and c.bbox[1] - margin <= latitude <= c.bbox[3] + margin
        and (d := _edge_distance_m(longitude, latitude, c)) <= COAST_TOLERANCE_M
    ]
    return get_region(min(near)[1]) if near else None


def check_region_code(field: str, code: str) -> RegionRecord:
    """The region ``code`` names (a city or county of Zhejiang), else :class:`BadCaseInput`
    naming ``field`` and what is valid."""
    try:
        region = get_region(code)
    except GeoError as exc:
        raise BadCaseInput(field, str(exc)) from exc
    if region.code == PROVINCE_CODE:
        raise BadCaseInput(field, f"{code} is the whole province: name a city or a county")
    return region


def region_for_point(
    longitude: float | None,
    latitude: float | None,
    region_code: str | None = None,
    *,
    field: str = "location",
) -> str:
    """The region a report at the point is filed under.

    With a point: its city, or the county ``region_code`` when given (it must lie in that
    city). Without one: ``region_code`` itself (a city or a county). Raises
    :class:`BadCaseInput` for a point outside Zhejiang, a county of another city, half a
    point, or neither a point nor a region.
    """
    if (longitude is None) != (latitude is None):
        raise BadCaseInput(field, "give both longitude and latitude, or neither")
    named = None if not region_code else check_region_code("region_code", region_code)
    if longitude is None or latitude is None:
        if named is None:
            raise BadCaseInput(field, "give the location (longitude and latitude) or a region")
        return named.code
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise BadCaseInput(field, "longitude within ±180° and latitude within ±90°")
    city = city_at(longitude, latitude)
    if city is None:
        raise BadCaseInput(
            field,
            f"the point ({longitude:.5f}, {latitude:.5f}) lies outside Zhejiang province "
            "(浙江省): place it within the province",
        )
    if named is None:
        return city.code
    if city_of(named.code).code != city.code:
        raise BadCaseInput(
            "region_code",
            f"{named.code} {named.name} is not in {city.name} {city.code}, where the point "
            f"({longitude:.5f}, {latitude:.5f}) lies",
        )
    return named.code
