"""The siting check (项目选址研判), pure: a site geometry and a GB/T 4754-2017 industry code
against an index of zone features.

Decision, in two steps, only structured rules deciding (a requirement's free text is shown):

1. per touched feature, the applicable rules (:meth:`Rule.applies`) and among them the one with
   the **longest industry prefix** (the most specific); equal length → the most severe;
2. across features, the **most severe** feature verdict decides (prohibited > conditional >
   permitted); ties → the first in layer order (red line, water source, control unit, park), then
   feature code. No applicable rule anywhere → permitted, ``decided_by`` None.

"Touches" is shapely's ``intersects``: a site **on the boundary** of a feature (sharing a
single point with it) touches it — the stricter reading, so a site drawn along a red line's
edge is reviewed against the red line.

Distances (near misses): for every touched feature, how far the site is from the feature's
boundary (``boundary_m``: 0 when the site crosses or touches it, else how deep inside it lies),
and every feature the site does not touch but lies within ``near_m`` of (default
:data:`NEAR_MISS_M`, 1 km), nearest first — a site 80 m outside a 一级 zone is worth knowing.
Metres on the plane of the CGCS2000 3-degree Gauss–Krüger zone whose central meridian is
nearest the site (EPSG:4548 CM 117°E, EPSG:4549 CM 120°E, EPSG:4550 CM 123°E for Zhejiang),
projected with pyproj from the lon/lat the features are kept in (CGCS2000 ≈ WGS 84). The
projection's scale factor is m ≈ 1 + l²·cos²B / 2 (l the longitude from the central meridian in
radians, B the latitude): at most 1.5° off the meridian at 27° N, m − 1 < 3 × 10⁻⁴, i.e. under
0.3 m per km. Distances never decide a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely import STRtree
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from qingshan.zones.layers import SEVERITY, LayerKind, Rule, Verdict, ZoneFeature, check_industry

_ORDER = {
    LayerKind.RED_LINE: 0,
    LayerKind.WATER_SOURCE: 1,
    LayerKind.CONTROL_UNIT: 2,
    LayerKind.PARK: 3,
    LayerKind.LOW_EMISSION: 4,
}


#: how near a feature the site does not touch must be to be listed as a near miss [m]
NEAR_MISS_M = 1000.0
#: metres per degree of latitude (WGS 84 / CGCS2000 meridian arc near 30° N: 110.85 km; a floor
#: of 110.5 km keeps the search box conservative) and of longitude at the equator
_M_PER_DEG_LAT = 110_500.0
_M_PER_DEG_LON_EQ = 111_320.0


def gauss_kruger_epsg(lon: float) -> int:
    """The EPSG code of the CGCS2000 3-degree Gauss–Krüger zone (central meridian given, no zone
    prefix: EPSG:4534 CM 75°E … EPSG:4554 CM 135°E) whose central meridian is nearest ``lon``."""
    cm = min(max(3 * round(lon / 3), 75), 135)
    return 4534 + (cm - 75) // 3


def widen(
    bounds: tuple[float, float, float, float], metres: float
) -> tuple[float, float, float, float]:
    """``bounds`` (lon/lat degrees) widened by at least ``metres`` on every side (a
    conservative degree margin: the longitude degree taken at the box's poleward edge)."""
    x0, y0, x1, y1 = bounds
    dlat = metres / _M_PER_DEG_LAT
    dlon = metres / (
        _M_PER_DEG_LON_EQ * math.cos(math.radians(min(max(abs(y0), abs(y1)) + dlat, 89.0)))
    )
    return (x0 - dlon, y0 - dlat, x1 + dlon, y1 + dlat)


@lru_cache(maxsize=8)
def _to_metres(epsg: int) -> Transformer:
    return Transformer.from_crs(4490, epsg, always_xy=True)


def project_metres(geom: BaseGeometry, epsg: int) -> BaseGeometry:
    """``geom`` (lon/lat, CGCS2000) on the plane of Gauss–Krüger zone ``epsg`` [m]."""
    tf = _to_metres(epsg)
    return shapely.transform(geom, lambda xy: np.column_stack(tf.transform(xy[:, 0], xy[:, 1])))


class ZoneIndex:
    """Features and their geometries with an STRtree over them (built once, queried often)."""

    def __init__(self, features: Sequence[ZoneFeature], geometries: Sequence[BaseGeometry]) -> None:
        if len(features) != len(geometries):
            raise ValueError("one geometry per feature")
        self.features = list(features)
        self.geometries = list(geometries)
        shapely.prepare(self.geometries)
        self.tree = STRtree(self.geometries)

    def touching(self, site: BaseGeometry) -> list[int]:
        """Indexes of the features the site intersects (boundary included)."""
        return sorted(int(i) for i in self.tree.query(site, predicate="intersects"))

    def around(self, site: BaseGeometry, metres: float) -> list[int]:
        """Indexes of the features whose bounding box comes within ``metres`` of the site's
        (a conservative degree box: candidates only, the caller measures)."""
        x0, y0, x1, y1 = site.bounds
        dlat = metres / _M_PER_DEG_LAT
        dlon = metres / (_M_PER_DEG_LON_EQ * math.cos(math.radians(max(abs(y0), abs(y1)) + dlat)))
        return sorted(
            int(i) for i in self.tree.query(box(x0 - dlon, y0 - dlat, x1 + dlon, y1 + dlat))
        )


@dataclass(frozen=True)
class FeatureHit:
    feature: ZoneFeature
    applicable: tuple[Rule, ...]
    deciding: Rule | None
    #: the site's distance to the feature's boundary [m]: 0 crossing or touching it, else how
    #: deep inside it lies (None: not measured)
    boundary_m: float | None = None

    @property
    def verdict(self) -> Verdict:
        return self.deciding.verdict if self.deciding else Verdict.PERMITTED


@dataclass(frozen=True)
class NearMiss:
    """A feature the site does not touch, ``distance_m`` metres away (Gauss–Krüger plane)."""

    feature: ZoneFeature
    distance_m: float


@dataclass(frozen=True)
class SitingResult:
    industry: str
    discharges: bool
    hits: tuple[FeatureHit, ...]
    verdict: Verdict
    decided_by: FeatureHit | None
    #: features not touched within the near-miss distance, nearest first
    near: tuple[NearMiss, ...] = ()
    #: the near-miss distance asked [m] and the EPSG code of the plane measured on
    near_m: float = NEAR_MISS_M
    metric_epsg: int | None = None


def _decide(rules: Sequence[Rule]) -> Rule | None:
    if not rules:
        return None
    return max(rules, key=lambda r: (len(r.prefix), SEVERITY[r.verdict]))


def siting_check(index: ZoneIndex, site: BaseGeometry, industry: str, *,
                 discharges: bool = True, near_m: float = NEAR_MISS_M) -> SitingResult:  # fmt: skip
    """The verdict for a project of GB/T 4754-2017 ``industry`` (``2614`` or ``C2614``) at ``site`` (a point or
    polygon in the index's lon/lat), ``discharges`` whether it discharges pollutants (the
    conservative default: yes); the distances to the touched features' boundaries and the
    features within ``near_m`` metres. See the module docstring for the decision, the boundary
    and how distances are measured."""
    if site.is_empty or not site.is_valid:
        raise ValueError(f"site geometry is not valid: {shapely.is_valid_reason(site)}")
    if not near_m >= 0:
        raise ValueError(f"near_m: {near_m} is not a distance ≥ 0 m")
    industry = check_industry(industry)
    epsg = gauss_kruger_epsg(site.centroid.x)
    site_m = project_metres(site, epsg)
    touching = index.touching(site)
    hits = []
    for i in touching:
        f = index.features[i]
        applicable = tuple(r for r in f.all_rules() if r.applies(industry, discharges))
        boundary = project_metres(index.geometries[i], epsg).boundary
        hits.append(
            FeatureHit(f, applicable, _decide(applicable), float(site_m.distance(boundary)))
        )
    near = []
    for i in sorted(set(index.around(site, near_m)) - set(touching)):
        d = float(site_m.distance(project_metres(index.geometries[i], epsg)))
        if d <= near_m:
            near.append(NearMiss(index.features[i], d))
    near.sort(key=lambda n: (n.distance_m, _ORDER[n.feature.layer_kind], n.feature.code))
    hits.sort(key=lambda h: (_ORDER[h.feature.layer_kind], h.feature.code))
    deciding = None
    for h in hits:
        if h.deciding and (deciding is None or SEVERITY[h.verdict] > SEVERITY[deciding.verdict]):
            deciding = h
    verdict = deciding.verdict if deciding else Verdict.PERMITTED
    return SitingResult(industry, discharges, tuple(hits), verdict, deciding, tuple(near), near_m,
                        epsg)  # fmt: skip
