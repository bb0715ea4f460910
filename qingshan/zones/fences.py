"""Electronic fences (电子围栏, issue #20; plan item 18 地表水监测断面电子围栏), pure: the fence
polygon of a water section or drinking-water source, and the events found inside fences.

**Geometry.** A buffer is drawn in a metric CRS and stored back in CGCS2000 lon/lat
(EPSG:4490, ≈ WGS 84 at the metre level): the CGCS2000 3-degree Gauss–Krüger zone of the site's
longitude — EPSG:4549 (CM 120°E) for 118.5–121.5°E, the zone most of Zhejiang lies in, EPSG:4548
(CM 117°E) west of it, EPSG:4550 (CM 123°E) east of it — so the scale error stays below
(1.5° · cos 27°)² / 2 ≈ 3 · 10⁻⁴ (0.3 m on 1 km). The circle has 256 vertices (``quad_segs`` 64):
a chord's midpoint lies at r · cos(π/256) = 0.99992 r, so a point 999 m from the site is inside
a 1,000 m fence in every direction. Distances (event → site) are measured in the same plane.

**Radius.** No standard sets a fence radius: :data:`DEFAULT_RADIUS_M` is the platform's
configurable default (1,000 m for a section and for a source without a 一级 zone) that a
province or city officer changes per fence. A drinking-water source with a 一级 protection zone
(HJ 338-2018 饮用水水源保护区划分技术规范; its zone-size rules are not encoded here) is fenced by
the zone itself, unless an officer gave it an explicit radius.

**Sites and events** reach the zones domain through Protocols the platform wires
(:class:`FenceSites`, :class:`FenceEvents`): zones imports neither monitoring, archive nor cases.
HJ 212 loggers: neither packets (HJ 212-2017 CP fields) nor the device registry
(``hj212_device``) carry coordinates; a logger sits at its outlet's site, so the ``outlet`` kind
covers it.

The point-in-polygon work is the siting check's engine (:class:`~qingshan.zones.siting.ZoneIndex`,
shapely 2 STRtree, prepared geometries, ``intersects`` — a point on the fence line is inside).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from qingshan.zones.errors import ZoneError
from qingshan.zones.layers import LayerKind, ZoneFeature
from qingshan.zones.siting import ZoneIndex

__all__ = [
    "SiteKind",
    "Basis",
    "EventKind",
    "FenceSite",
    "FenceEvent",
    "Fence",
    "FenceHit",
    "FenceSites",
    "FenceEvents",
    "DEFAULT_RADIUS_M",
    "MIN_RADIUS_M",
    "MAX_RADIUS_M",
    "gk_epsg",
    "check_radius",
    "buffer_fence",
    "distance_m",
    "FenceIndex",
    "fence_hits",
    "FenceNotFound",
]


class FenceNotFound(ZoneError):
    """A site that is no section or source with coordinates, or an alert unknown or outside the
    caller's region (the same answer)."""

    status_code = 404


class SiteKind(StrEnum):
    SECTION = "section"  # 地表水监测断面
    SOURCE = "source"  # 饮用水水源地


class Basis(StrEnum):
    BUFFER = "buffer"  # a circle of radius_m around the site
    ZONE = "zone"  # the source's 一级 protection zone


class EventKind(StrEnum):
    OUTLET = "outlet"  # an enterprise outlet (排放口) located inside
    CASE = "case"  # a case (案件) located inside
    COMPLAINT = "complaint"  # a complaint (信访投诉) located inside


#: the platform's default radius per site kind [m] — a configurable default, no standard sets it
DEFAULT_RADIUS_M = {SiteKind.SECTION: 1000.0, SiteKind.SOURCE: 1000.0}
#: bounds of an officer's radius [m]: 10 m (a point's GPS error) to 50 km (beyond it a fence
#: covers a county and alerts mean nothing)
MIN_RADIUS_M = 10.0
MAX_RADIUS_M = 50_000.0
#: ``quad_segs`` of the buffer: 256 vertices (see the module docstring)
QUAD_SEGS = 64


@dataclass(frozen=True)
class FenceSite:
    """A water section or drinking-water source as the monitoring registry knows it."""

    code: str
    kind: SiteKind
    name: str
    region_code: str
    lon: float
    lat: float


@dataclass(frozen=True)
class FenceEvent:
    """Something located at a point: ``ref`` identifies it within its kind (a site code, a case
    number or id, a complaint id); ``seq`` is the monotone id a scan cursor advances on."""

    kind: EventKind
    ref: str
    seq: int
    lon: float
    lat: float
    label: str
    region_code: str | None = None
    enterprise_id: int | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class Fence:
    """A stored fence as the check reads it."""

    id: int
    site_code: str
    site_kind: SiteKind
    name: str
    region_code: str
    site_lon: float
    site_lat: float
    geometry: BaseGeometry


@dataclass(frozen=True)
class FenceHit:
    fence: Fence
    event: FenceEvent
    distance_m: float


class FenceSites(Protocol):
    """The sections and sources with coordinates (implemented over the monitoring registry);
    ``codes`` None: all of them."""

    def __call__(self, session: Session, codes: Sequence[str] | None = None) -> list[FenceSite]: ...


class FenceEvents(Protocol):
    """Located events of ``kind`` with ``seq`` > ``after`` (implemented over the archive's outlets
    and the cases domain's cases and complaints), in ``seq`` order."""

    def __call__(self, session: Session, kind: EventKind, after: int) -> list[FenceEvent]: ...


def gk_epsg(lon: float) -> int:
    """The EPSG code of the CGCS2000 3-degree Gauss–Krüger zone (CM as easting only) whose
    central meridian is nearest ``lon``: 120.1 → 4549 (CM 120°E), 122.0 → 4550 (CM 123°E)."""
    if not (73.5 <= lon < 136.5):
        raise ValueError(f"longitude {lon} is outside China's 3-degree zones (73.5–136.5°E)")
    cm = 3 * math.floor((lon + 1.5) / 3)
    return 4549 + (cm - 120) // 3


@lru_cache(maxsize=8)
def _transformers(epsg: int) -> tuple[Transformer, Transformer]:
    fwd = Transformer.from_crs("EPSG:4490", f"EPSG:{epsg}", always_xy=True)
    back = Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4490", always_xy=True)
    return fwd, back


def check_radius(radius_m: Any) -> float:
    """The radius as a float, or ValueError naming the bound it breaks."""
    try:
        r = float(radius_m)
    except (TypeError, ValueError):
        raise ValueError(f"radius_m: {radius_m!r} is not a number") from None
    if not math.isfinite(r) or r < MIN_RADIUS_M or r > MAX_RADIUS_M:
        raise ValueError(f"radius_m: {radius_m} m is outside {MIN_RADIUS_M:g}–{MAX_RADIUS_M:g} m")
    return r


def buffer_fence(lon: float, lat: float, radius_m: float) -> BaseGeometry:
    """The circle of ``radius_m`` metres around (lon, lat), drawn in the site's Gauss–Krüger
    zone and returned in CGCS2000 lon/lat (256 vertices)."""
    r = check_radius(radius_m)
    fwd, back = _transformers(gk_epsg(lon))
    x, y = fwd.transform(lon, lat)
    circle = Point(x, y).buffer(r, quad_segs=QUAD_SEGS)

    def to_lonlat(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(back.transform(xy[:, 0], xy[:, 1]))

    return shapely.transform(circle, to_lonlat)


def distance_m(site_lon: float, site_lat: float, lon: float, lat: float) -> float:
    """The plane distance [m] between two lon/lat points in the site's Gauss–Krüger zone."""
    fwd, _ = _transformers(gk_epsg(site_lon))
    x0, y0 = fwd.transform(site_lon, site_lat)
    x1, y1 = fwd.transform(lon, lat)
    return math.hypot(x1 - x0, y1 - y0)


class FenceIndex:
    """The fences over the siting check's STRtree (:class:`ZoneIndex`): each fence is one
    feature (code = the site's code)."""

    def __init__(self, fences: Sequence[Fence]) -> None:
        self.fences = list(fences)
        feats = [ZoneFeature(f.id, 0, LayerKind.WATER_SOURCE, "电子围栏", "", f.site_code, f.name,
                             site_code=f.site_code) for f in self.fences]  # fmt: skip
        self.index = ZoneIndex(feats, [f.geometry for f in self.fences])

    def containing(self, lon: float, lat: float) -> list[Fence]:
        """The fences a point lies in (on the line counts as inside)."""
        return [self.fences[i] for i in self.index.touching(Point(lon, lat))]


def fence_hits(index: FenceIndex, events: Sequence[FenceEvent]) -> list[FenceHit]:
    """Every (fence, event) with the event inside the fence, the event's distance to the fence's
    site in metres; events without finite coordinates are skipped."""
    hits = []
    for e in events:
        if not (math.isfinite(e.lon) and math.isfinite(e.lat)):
            continue
        for f in index.containing(e.lon, e.lat):
            d = distance_m(f.site_lon, f.site_lat, e.lon, e.lat)
            hits.append(FenceHit(f, e, round(d, 1)))
    return hits


def geometry_bounds(geom: BaseGeometry) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = shapely.bounds(geom).tolist()
    return x0, y0, x1, y1
