"""Groundwater pollution-prevention zones (地下水污染防治分区) — pure checks of their polygons.

The zoning of 《地下水污染防治分区划分工作指南（试行）》 (生态环境部办公厅, 环办土壤函〔2019〕
770号) divides an area into 保护区 (protection: drinking-water sources and their recharge areas),
防控区 (prevention-and-control: where sources of pollution sit over vulnerable aquifers) and
治理区 (remediation: where groundwater is already polluted) [MC: the guide's three zone kinds as
the Zhejiang and municipal zoning reports name them]. A zone is a GeoJSON Polygon or
MultiPolygon in CGCS2000/WGS 84 lon/lat (RFC 7946 §3.1.6), valid as a simple-features geometry
(shapely ``is_valid``), inside Zhejiang's extent; its area is the geodesic area on the WGS 84
ellipsoid [km²].
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import mapping, shape

from qingshan.soil.groundwater.errors import GroundwaterError, ImportRejected

__all__ = ["ZONE_KINDS", "ZoneInput", "check_zone", "read_zones_geojson", "zone_area_km2"]

#: zone kinds → (zh, en), from least to most demanding action
ZONE_KINDS: Mapping[str, tuple[str, str]] = {
    "protection": ("保护区", "Protection zone"),
    "prevention": ("防控区", "Prevention and control zone"),
    "remediation": ("治理区", "Remediation zone"),
}

#: Zhejiang's extent [degrees] (浙江省人民政府 "浙江概况": 118°01′–123°10′ E, 27°02′–31°11′ N),
#: rounded outwards to 0.1°
ZHEJIANG_BBOX = (117.9, 26.9, 123.3, 31.3)
_GEOD = Geod(ellps="WGS84")
#: names of the zone kinds as files write them → key
_KIND_ALIASES = {**{k: k for k in ZONE_KINDS}, **{zh: k for k, (zh, _) in ZONE_KINDS.items()}}


@dataclass(frozen=True)
class ZoneInput:
    code: str
    name: str
    kind: str
    region_code: str
    geometry: Mapping[str, Any]
    note: str = ""


def zone_area_km2(geometry: Mapping[str, Any]) -> float:
    """Geodesic area of a lon/lat polygon on the WGS 84 ellipsoid [km²]."""
    area, _ = _GEOD.geometry_area_perimeter(shape(geometry))
    return round(abs(area) / 1e6, 3)


def check_geometry(geometry: Any) -> dict[str, Any]:
    """The geometry as a clean GeoJSON mapping, or a :class:`GroundwaterError` naming why not:
    not a Polygon/MultiPolygon, unreadable, invalid (shapely's reason, e.g. a self-intersection),
    or outside Zhejiang (swapped lat/lon named)."""
    if not isinstance(geometry, Mapping) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        got = geometry.get("type") if isinstance(geometry, Mapping) else type(geometry).__name__
        raise GroundwaterError(f"geometry: must be a GeoJSON Polygon or MultiPolygon, got {got!r}",
                               field="geometry")  # fmt: skip
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely raises several kinds for malformed coordinates
        raise GroundwaterError(
            f"geometry: unreadable coordinates ({exc})", field="geometry"
        ) from exc
    if geom.is_empty:
        raise GroundwaterError("geometry: empty polygon", field="geometry")
    if not geom.is_valid:
        raise GroundwaterError(f"geometry: invalid polygon — {shapely.is_valid_reason(geom)}",
                               field="geometry")  # fmt: skip
    w, s, e, n = geom.bounds
    bw, bs, be, bn = ZHEJIANG_BBOX
    if not (bw <= w and e <= be and bs <= s and n <= bn):
        swapped = bw <= s and n <= be and bs <= w and e <= bn
        hint = " (latitude and longitude look swapped)" if swapped else ""
        raise GroundwaterError(
            f"geometry: extent ({w:.3f}, {s:.3f}, {e:.3f}, {n:.3f}) is outside Zhejiang{hint}",
            field="geometry",
        )
    return dict(mapping(geom))


def check_zone(z: ZoneInput) -> ZoneInput:
    """``z`` with its kind as a key and its geometry cleaned, or an error naming the field."""
    if not z.code or len(z.code) > 32:
        raise GroundwaterError(f"code: must be 1–32 characters, got {z.code!r}", field="code")
    if not z.name or len(z.name) > 128:
        raise GroundwaterError(f"name: must be 1–128 characters, got {z.name!r}", field="name")
    kind = _KIND_ALIASES.get(str(z.kind).strip())
    if kind is None:
        raise GroundwaterError(
            f"kind: unknown zone kind {z.kind!r}; known: "
            + ", ".join(f"{k} ({zh})" for k, (zh, _) in ZONE_KINDS.items()),
            field="kind",
        )
    if not (len(z.region_code) == 6 and z.region_code.isdigit()):
        raise GroundwaterError(f"region_code: must be 6 digits, got {z.region_code!r}",
                               field="region_code")  # fmt: skip
    geometry = check_geometry(z.geometry)
    return ZoneInput(z.code, z.name, kind, z.region_code, geometry, z.note)


def read_zones_geojson(data: bytes) -> list[ZoneInput]:
    """The zones of a GeoJSON FeatureCollection (properties ``code``, ``name``, ``kind`` (key or
    保护区/防控区/治理区), ``region_code``, optional ``note``), every feature checked; one bad
    feature refuses the file (:class:`ImportRejected` listing every problem by feature)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRejected([f"file: not GeoJSON ({exc})"], what="zone import") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ImportRejected(["file: must be a GeoJSON FeatureCollection"], what="zone import")
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise ImportRejected(["file: the FeatureCollection has no features"], what="zone import")
    out: list[ZoneInput] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, f in enumerate(features, start=1):
        props = (f or {}).get("properties") or {} if isinstance(f, dict) else {}
        code = str(props.get("code") or "").strip()
        where = f"feature {n}" + (f" ({code})" if code else "")
        try:
            z = check_zone(ZoneInput(code=code, name=str(props.get("name") or "").strip(),
                                     kind=str(props.get("kind") or ""),
                                     region_code=str(props.get("region_code") or "").strip(),
                                     geometry=(f or {}).get("geometry") if isinstance(f, dict) else None,  # type: ignore[arg-type]
                                     note=str(props.get("note") or "")))  # fmt: skip
        except GroundwaterError as exc:
            problems.append(f"{where}: {exc.message}")
            continue
        if z.code in seen:
            problems.append(f"{where}: code {z.code!r} appears twice in the file")
            continue
        seen.add(z.code)
        out.append(z)
    if problems:
        raise ImportRejected(problems, what="zone import")
    return out
