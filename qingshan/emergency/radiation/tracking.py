"""Mobile high-risk sources: geofences and excursions — pure.

A γ radiography source (class II, mobile) reports its position and the dose rate at its
container; its licence names a work area, drawn as a polygon (the fence, GeoJSON in CGCS2000
lon/lat). A report outside the fence, or with an abnormal dose rate (``data/qc.json``
mobile.container_alarm_usv_h [U]), starts an **excursion**; further such reports extend it; the
first report back to normal ends it. One excursion = one alert = one case. Distances use a local
equirectangular projection (good to well under 1 % over a county), said so.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from shapely.geometry import MultiPolygon, Point, Polygon, shape

from qingshan.emergency.radiation.errors import RadiationError
from qingshan.emergency.radiation.gamma import qc_data

__all__ = ["AlertKind", "Excursion", "Report", "fence_of", "outside_m", "track"]

EARTH_M_PER_DEG = 111_320.0


class AlertKind(enum.StrEnum):
    FENCE = "fence"  # 越出围栏
    DOSE = "dose"  # 剂量率异常


@dataclass(frozen=True)
class Report:
    """One position report [UTC, lon/lat degrees, µSv/h]."""

    id: int
    time: datetime
    lon: float
    lat: float
    dose_usv_h: float | None = None


@dataclass(frozen=True)
class Excursion:
    """An excursion of one kind: from ``started_at`` to ``ended_at`` (None: going on)."""

    kind: AlertKind
    started_at: datetime
    last_at: datetime
    lon: float
    lat: float
    reports: int = 1
    ended_at: datetime | None = None
    max_dose_usv_h: float | None = None
    distance_m: float | None = None
    row_id: int | None = None  # the stored alert it came from, if any


def fence_of(geojson: Mapping[str, Any] | None) -> Polygon | MultiPolygon:
    """The fence polygon of a GeoJSON Polygon/MultiPolygon (or a Feature of one); a missing,
    non-polygon, invalid or out-of-range geometry raises :class:`RadiationError` (field
    ``fence``)."""
    if not geojson:
        raise RadiationError("fence: a mobile source needs its licensed work area", field="fence")
    if not isinstance(geojson, Mapping):
        raise RadiationError(
            f"fence: a GeoJSON object is needed, got {type(geojson).__name__}", field="fence"
        )
    geom = geojson.get("geometry", geojson) if geojson.get("type") == "Feature" else geojson
    try:
        poly = shape(geom)
    except Exception as exc:  # shapely raises several kinds on bad GeoJSON
        raise RadiationError(f"fence: not a GeoJSON geometry ({exc})", field="fence") from exc
    if not isinstance(poly, Polygon | MultiPolygon) or poly.is_empty:
        raise RadiationError(f"fence: must be a Polygon or MultiPolygon, got {poly.geom_type}",
                             field="fence")  # fmt: skip
    if not poly.is_valid:
        raise RadiationError("fence: the polygon is not valid (self-intersecting?)", field="fence")
    x0, y0, x1, y1 = poly.bounds
    if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        raise RadiationError(
            f"fence: coordinates out of lon/lat range {poly.bounds}", field="fence"
        )
    return poly


def outside_m(fence: Polygon | MultiPolygon, lon: float, lat: float) -> float:
    """How far [m] a point lies outside ``fence`` (0 inside or on the edge): the degree
    distance scaled at the point's latitude — a screening figure, not a geodesic one."""
    p = Point(lon, lat)
    if fence.covers(p):
        return 0.0
    near = fence.exterior.interpolate(fence.exterior.project(p)) if isinstance(fence, Polygon) \
        else min((g.exterior.interpolate(g.exterior.project(p)) for g in fence.geoms),
                 key=lambda q: q.distance(p))  # fmt: skip
    dx = (lon - near.x) * EARTH_M_PER_DEG * math.cos(math.radians(lat))
    dy = (lat - near.y) * EARTH_M_PER_DEG
    return math.hypot(dx, dy)


def track(
    reports: Iterable[Report],
    fence: Polygon | MultiPolygon | None,
    open_now: Mapping[AlertKind, Excursion | None],
    *,
    dose_alarm: float | None = None,
) -> list[Excursion]:
    """Walk ``reports`` (sorted here by time) from the excursions open now and return every
    excursion that started, grew or ended (with ``row_id`` kept for stored ones). A source
    without a fence is judged on its dose only."""
    alarm = (
        float(qc_data()["mobile"]["container_alarm_usv_h"]) if dose_alarm is None else dose_alarm
    )
    state: dict[AlertKind, Excursion | None] = {k: open_now.get(k) for k in AlertKind}
    touched: dict[tuple[AlertKind, datetime], Excursion] = {}
    for r in sorted(reports, key=lambda r: r.time):
        dist = None if fence is None else outside_m(fence, r.lon, r.lat)
        bad = {
            AlertKind.FENCE: dist is not None and dist > 0,
            AlertKind.DOSE: r.dose_usv_h is not None and r.dose_usv_h > alarm,
        }
        for kind in AlertKind:
            cur = state[kind]
            if cur is not None and r.time <= cur.last_at:
                continue  # already judged (a re-sent or late report)
            if bad[kind]:
                if cur is None:
                    cur = Excursion(kind, r.time, r.time, r.lon, r.lat, 1, None,
                                    r.dose_usv_h, dist)  # fmt: skip
                else:
                    cur = replace(
                        cur, last_at=r.time, reports=cur.reports + 1, lon=r.lon, lat=r.lat,
                        max_dose_usv_h=_max(cur.max_dose_usv_h, r.dose_usv_h),
                        distance_m=_max(cur.distance_m, dist),
                    )  # fmt: skip
                state[kind] = cur
                touched[(kind, cur.started_at)] = cur
            elif cur is not None:
                touched[(kind, cur.started_at)] = replace(cur, ended_at=r.time)
                state[kind] = None
    return list(touched.values())


def _max(a: float | None, b: float | None) -> float | None:
    vals = [v for v in (a, b) if v is not None]
    return max(vals) if vals else None
