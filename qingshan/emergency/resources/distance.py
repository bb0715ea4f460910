"""Great-circle distance and the k nearest places (pure, vectorised).

Road distance is approximated by the straight-line (great-circle) distance: what the nearest
query ranks by and what the page and the API say. On a sphere of the mean Earth radius the
haversine formula errs by at most ≈ 0.5 % against the ellipsoid, far below the road detour it
stands in for.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["EARTH_RADIUS_KM", "ROAD_NOTE", "great_circle_km", "k_nearest"]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius R₁ = (2a + b) / 3 of the GRS 80 ellipsoid [km] (IUGG; Moritz, "Geodetic
Reference System 1980", Bulletin Géodésique 54, 1980; a = 6378.137 km, b = 6356.752 km)."""

ROAD_NOTE = (
    "road distance is approximated by the straight-line (great-circle) distance; the road is longer"
)


def great_circle_km(
    lon0: float, lat0: float, lon: np.ndarray | Sequence[float], lat: np.ndarray | Sequence[float]
) -> np.ndarray:
    """Haversine distances [km] from (``lon0``, ``lat0``) to each (``lon``, ``lat``) [degrees]."""
    la0, lo0 = np.radians(lat0), np.radians(lon0)
    la = np.radians(np.asarray(lat, dtype=float))
    lo = np.radians(np.asarray(lon, dtype=float))
    h = np.sin((la - la0) / 2) ** 2 + np.cos(la0) * np.cos(la) * np.sin((lo - lo0) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def k_nearest(
    lon0: float,
    lat0: float,
    lon: np.ndarray | Sequence[float],
    lat: np.ndarray | Sequence[float],
    k: int,
) -> list[tuple[int, float]]:
    """The indices of the ``k`` places nearest to (``lon0``, ``lat0``) with their distances
    [km], nearest first; ties keep input order. Places with a NaN position are left out."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    d = great_circle_km(lon0, lat0, lon, lat)
    ok = np.flatnonzero(np.isfinite(d))
    order = ok[np.argsort(d[ok], kind="stable")][:k]
    return [(int(i), float(d[i])) for i in order]
