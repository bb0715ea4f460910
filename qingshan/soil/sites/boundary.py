"""A site's boundary: GeoJSON checked with shapely, its area on a plane [m²] (pure).

The boundary is a GeoJSON Polygon or MultiPolygon in lon/lat degrees (CGCS2000 ≈ WGS 84 at this
precision). It must be valid (no self-intersection: shapely's ``is_valid``, the OGC simple-
features rule), not empty, and lie in Zhejiang's longitude/latitude box. The area is computed on
the CGCS2000 3-degree Gauss–Krüger zone whose central meridian is nearest the site (EPSG:4534 …
4554; at 120°E it is EPSG:4549), where a site of a few hectares is distorted by far less than
0.1 %.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from qingshan.soil.sites.errors import SiteError

__all__ = ["Boundary", "parse_boundary", "gauss_kruger_epsg", "area_m2"]

#: Zhejiang's extent with a margin [degrees] (the province spans 118.0–123.2°E, 27.0–31.2°N)
_BOX = (117.5, 26.5, 123.5, 31.5)


@dataclass(frozen=True)
class Boundary:
    """A checked boundary: ``geometry`` (GeoJSON mapping), ``area_m2`` [m²] and a point inside
    it (``lon``, ``lat``) [degrees]."""

    geometry: dict[str, Any]
    area_m2: float
    lon: float
    lat: float


def gauss_kruger_epsg(lon: float) -> int:
    """The EPSG code of the CGCS2000 3-degree Gauss–Krüger zone (central meridian, no zone
    prefix: EPSG:4534 CM 75°E … EPSG:4554 CM 135°E) nearest ``lon`` [degrees]."""
    cm = min(max(3 * round(lon / 3), 75), 135)
    return 4534 + (cm - 75) // 3


@lru_cache(maxsize=8)
def _to_metres(epsg: int) -> Transformer:
    return Transformer.from_crs(4490, epsg, always_xy=True)


def area_m2(geom: BaseGeometry) -> float:
    """The area of ``geom`` (lon/lat) on its Gauss–Krüger plane [m²]."""
    tf = _to_metres(gauss_kruger_epsg(geom.centroid.x))
    flat = shapely.transform(geom, lambda xy: np.column_stack(tf.transform(xy[:, 0], xy[:, 1])))
    return float(flat.area)


def parse_boundary(value: Any) -> Boundary:
    """Check a GeoJSON geometry (a mapping, or a Feature holding one) and measure it.

    Raises :class:`SiteError` (field ``boundary``) naming what is wrong: not a mapping, not a
    Polygon/MultiPolygon, unreadable coordinates, invalid (with shapely's reason), empty or
    outside Zhejiang."""
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict):
        raise SiteError("boundary: not a GeoJSON geometry (a mapping with type and coordinates)",
                        field="boundary")  # fmt: skip
    kind = value.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise SiteError(f"boundary: type {kind!r} is not Polygon or MultiPolygon",
                        field="boundary")  # fmt: skip
    try:
        geom = shape(value)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.ShapelyError) as exc:
        raise SiteError(f"boundary: unreadable coordinates ({exc})", field="boundary") from exc
    if geom.is_empty:
        raise SiteError("boundary: the polygon is empty", field="boundary")
    coords = np.asarray(shapely.get_coordinates(geom))
    if not np.isfinite(coords).all():
        raise SiteError("boundary: a coordinate is not a finite number", field="boundary")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise SiteError(f"boundary: not a valid polygon ({reason})", field="boundary")
    w, s, e, n = geom.bounds
    if w < _BOX[0] or s < _BOX[1] or e > _BOX[2] or n > _BOX[3]:
        raise SiteError(f"boundary: ({w:.4f}, {s:.4f}) – ({e:.4f}, {n:.4f}) lies outside "
                        "Zhejiang (lon 117.5–123.5, lat 26.5–31.5)", field="boundary")  # fmt: skip
    area = area_m2(geom)
    if not math.isfinite(area) or area <= 0:
        raise SiteError("boundary: the polygon has no area", field="boundary")
    p = geom.representative_point()
    return Boundary(dict(mapping(geom)), round(area, 1), round(p.x, 6), round(p.y, 6))
