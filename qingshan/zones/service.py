"""Spatial control service: import a layer (all or nothing), list and export layers, build the
feature index valid on a day, and run the siting check within a user's scope.

Scope: a layer belongs to a region (the province's red lines to 330000, a county's units to its
county). A user reads the layers of their region, of the regions above it (a county officer's
site is checked against the province's red lines) and of the regions below it; imports go to
a region inside the user's scope, by officers only (province, city, county).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import shapely
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.errors import PermissionDenied
from qingshan.zones import geoio, postgis
from qingshan.zones.errors import LayerNotFound, LayerRejected, ZoneError
from qingshan.zones.layers import (
    STATUTORY,
    LayerKind,
    ZoneFeature,
    check_industry,
    rule_from_json,
    rule_to_json,
)
from qingshan.zones.links import DrinkingWaterSources
from qingshan.zones.models import ZoneFeatureRow, ZoneLayer
from qingshan.zones.siting import NEAR_MISS_M, SitingResult, ZoneIndex, siting_check, widen

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: who imports layers: the bureaus that issue them (province and city); county officers read them
IMPORTERS = (Role.PROVINCE, Role.CITY)
SITE_CODES_UNCHECKED = ("site_code: not checked against the drinking-water sources "
                        "(no monitoring registry given)")  # fmt: skip


@dataclass(frozen=True)
class LayerMeta:
    kind: LayerKind
    name: str
    version: str
    region_code: str
    valid_from: date
    valid_to: date | None = None
    source: str = ""
    synthetic: bool = False


def _ancestors(code: str) -> list[str]:
    """The province, city and county codes above and including ``code`` (GB/T 2260)."""
    return sorted({code[:2] + "0000", code[:4] + "00", code})


def _visible(scope: Scope) -> Any:
    return or_(
        ZoneLayer.region_code.in_(_ancestors(scope.region_code)), scope.where(ZoneLayer.region_code)
    )


def _valid_on(on: date) -> Any:
    return (ZoneLayer.valid_from <= on) & (
        or_(ZoneLayer.valid_to.is_(None), ZoneLayer.valid_to >= on)
    )


def check_importer(scope: Scope) -> None:
    """Refuse (403) a caller who may not import layers: county officers read them only."""
    if scope.role not in IMPORTERS:
        raise PermissionDenied("layers are imported by province and city accounts")


def import_layer(session: Session, scope: Scope, meta: LayerMeta, data: bytes, filename: str, *,
                 actor: str, now: datetime, sources: DrinkingWaterSources | None = None) -> ZoneLayer:  # fmt: skip
    """Validate every feature of the file and store the layer with all its features, or raise
    (:class:`~qingshan.zones.errors.LayerRejected` listing each problem) and store nothing.

    ``sources``: the monitoring registry's drinking-water sources (wired by the platform); a
    water-source zone whose ``site_code`` is not one of them is a problem of that feature. None
    (a caller without the registry) stores the codes unchecked and says so in the layer's
    warnings. The features go in as one multi-row insert (executemany), not one ORM row each."""
    check_importer(scope)
    if not scope.prefix or not meta.region_code.startswith(scope.prefix):
        raise ZoneError(f"region_code: {meta.region_code} is outside your scope ({scope.region_code})",
                        field="region_code")  # fmt: skip
    if meta.valid_to is not None and meta.valid_to < meta.valid_from:
        raise ZoneError("valid_to: before valid_from", field="valid_to")
    parsed = (geoio.read_shapefile_zip(data, meta.kind) if filename.lower().endswith(".zip")
              else geoio.read_geojson(data, meta.kind))  # fmt: skip
    warnings = list(parsed.warnings)
    codes = {f.site_code for f in parsed.features if f.site_code is not None}
    if codes and sources is None:
        warnings.append(SITE_CODES_UNCHECKED)
    elif codes and sources is not None:
        known = sources(session, codes)
        problems = [f"feature {n} ({f.code}): site_code: {f.site_code!r} is not a drinking-water "
                    "source of the monitoring registry"
                    for n, f in enumerate(parsed.features, start=1)
                    if f.site_code is not None and f.site_code not in known]  # fmt: skip
        if problems:
            raise LayerRejected(problems)
    layer = ZoneLayer(kind=meta.kind.value, name=meta.name, version=meta.version,
                      region_code=meta.region_code, valid_from=meta.valid_from,
                      valid_to=meta.valid_to, crs=parsed.crs, source=meta.source or filename,
                      synthetic=meta.synthetic, warnings=warnings, imported_at=now,
                      imported_by=actor)  # fmt: skip
    try:
        with session.begin_nested():
            session.add(layer)
            session.flush()
            rows = []
            for f in parsed.features:
                x0, y0, x1, y1 = f.geometry.bounds
                rows.append(dict(
                    layer_id=layer.id, code=f.code, name=f.name, region_code=f.region_code,
                    unit_type=f.unit_type, level=f.level, site_code=f.site_code,
                    geometry=geoio.geojson_geometry(f.geometry), min_lon=x0, min_lat=y0,
                    max_lon=x1, max_lat=y1, requirements=f.requirements,
                    rules=[rule_to_json(r) for r in f.rules], valid_from=None, valid_to=None))  # fmt: skip
            session.execute(insert(ZoneFeatureRow), rows)
    except IntegrityError as exc:
        raise ZoneError(f"version: layer {meta.kind.value} {meta.name!r} version {meta.version!r} "
                        f"exists already, or region {meta.region_code} is unknown", field="version") from exc  # fmt: skip
    return layer


def layers(session: Session, scope: Scope, kind: LayerKind | None = None) -> list[ZoneLayer]:
    """The layers the scope reads, newest import first."""
    q = select(ZoneLayer).where(_visible(scope))
    if kind is not None:
        q = q.where(ZoneLayer.kind == kind.value)
    return list(session.scalars(q.order_by(ZoneLayer.kind, ZoneLayer.name, ZoneLayer.id.desc())))


def get_layer(session: Session, scope: Scope, layer_id: int) -> ZoneLayer:
    layer = session.scalar(select(ZoneLayer).where(ZoneLayer.id == layer_id, _visible(scope)))
    if layer is None:
        raise LayerNotFound(f"no layer {layer_id} in your scope", field="layer_id")
    return layer


def export_geojson(session: Session, scope: Scope, layer_id: int) -> dict[str, Any]:
    """The layer as a GeoJSON FeatureCollection, the attributes an import reads back as they are."""
    layer = get_layer(session, scope, layer_id)
    rows = session.scalars(select(ZoneFeatureRow).where(ZoneFeatureRow.layer_id == layer.id)
                           .order_by(ZoneFeatureRow.code))  # fmt: skip
    feats = []
    for r in rows:
        props: dict[str, Any] = {"code": r.code, "name": r.name}
        for k in ("region_code", "unit_type", "level", "site_code"):
            if getattr(r, k) is not None:
                props[k] = getattr(r, k)
        props["requirements"] = r.requirements
        props["rules"] = r.rules
        feats.append({"type": "Feature", "geometry": r.geometry, "properties": props})
    fc = geoio.feature_collection(feats)
    fc["qingshan:layer"] = {"kind": layer.kind, "name": layer.name, "version": layer.version,
                            "region_code": layer.region_code, "synthetic": layer.synthetic,
                            "valid_from": layer.valid_from.isoformat(),
                            "valid_to": layer.valid_to.isoformat() if layer.valid_to else None}  # fmt: skip
    return fc


def _to_feature(row: ZoneFeatureRow, layer: ZoneLayer) -> ZoneFeature:
    return ZoneFeature(row.id, layer.id, LayerKind(layer.kind), layer.name, layer.version, row.code,
                       row.name, row.unit_type, row.level, row.site_code, dict(row.requirements),
                       tuple(rule_from_json(r) for r in row.rules))  # fmt: skip


def zone_index(session: Session, scope: Scope, on: date,
               bbox: tuple[float, float, float, float] | None = None, *,
               site: BaseGeometry | None = None, kind: LayerKind | None = None) -> ZoneIndex:  # fmt: skip
    """The features of the layers the scope reads that are in force on ``on`` (layer and
    feature validity), optionally only those whose bounding box meets ``bbox``, or those
    ``site`` intersects where PostGIS is there (:mod:`qingshan.zones.postgis`; else its bbox),
    optionally only the layers of one ``kind``."""
    q = (select(ZoneFeatureRow, ZoneLayer).join(ZoneLayer, ZoneFeatureRow.layer_id == ZoneLayer.id)
         .where(_visible(scope), _valid_on(on),
                or_(ZoneFeatureRow.valid_from.is_(None), ZoneFeatureRow.valid_from <= on),
                or_(ZoneFeatureRow.valid_to.is_(None), ZoneFeatureRow.valid_to >= on)))  # fmt: skip
    if kind is not None:
        q = q.where(ZoneLayer.kind == kind.value)
    if site is not None and postgis.enabled(session):
        q = q.where(postgis.intersects(site))
    elif (box := site.bounds if site is not None else bbox) is not None:
        x0, y0, x1, y1 = box
        q = q.where(ZoneFeatureRow.max_lon >= x0, ZoneFeatureRow.min_lon <= x1,
                    ZoneFeatureRow.max_lat >= y0, ZoneFeatureRow.min_lat <= y1)  # fmt: skip
    feats, geoms = [], []
    for row, layer in session.execute(q.order_by(ZoneFeatureRow.id)):
        feats.append(_to_feature(row, layer))
        geoms.append(shape(row.geometry))
    return ZoneIndex(feats, geoms)


def check_site(session: Session, scope: Scope, site: dict[str, Any], industry: str, *,
               discharges: bool = True, on: date) -> SitingResult:  # fmt: skip
    """The siting check of a GeoJSON Point or (Multi)Polygon in lon/lat (CGCS2000 / WGS 84)."""
    if scope.role not in OFFICERS:
        raise PermissionDenied("the siting check is for province, city and county officers")
    try:
        code = check_industry(industry)
    except ValueError as exc:
        raise ZoneError(f"industry: {exc}", field="industry") from exc
    try:
        geom = shape(site)
    except Exception as exc:  # shapely raises several types for malformed GeoJSON
        raise ZoneError(f"site: not a GeoJSON geometry ({exc})", field="site") from exc
    if geom.geom_type not in ("Point", "Polygon", "MultiPolygon") or geom.is_empty:
        raise ZoneError(
            f"site: a Point or (Multi)Polygon is expected, not {geom.geom_type}", field="site"
        )
    if not geom.is_valid:
        raise ZoneError(f"site: invalid geometry: {shapely.is_valid_reason(geom)}", field="site")
    x0, y0, x1, y1 = geom.bounds
    bx0, by0, bx1, by1 = geoio.ZHEJIANG_BBOX
    if not (bx0 <= x0 and x1 <= bx1 and by0 <= y0 and y1 <= by1):
        swapped = bx0 <= y0 and y1 <= bx1 and by0 <= x0 and x1 <= by1
        raise ZoneError(f"site: outside Zhejiang (bounds {x0:.4f},{y0:.4f},{x1:.4f},{y1:.4f})"
                        + ("; latitude and longitude look swapped — give the longitude first, "
                           f"e.g. {y0:.4f}, {x0:.4f}" if swapped else "; GeoJSON is longitude first"),
                        field="site")  # fmt: skip
    # the features near the site too (its near misses): the site's box widened by NEAR_MISS_M
    index = zone_index(session, scope, on, site=box(*widen(geom.bounds, NEAR_MISS_M)))
    return siting_check(index, geom, code, discharges=discharges)


def feature_counts(session: Session, layer_ids: list[int]) -> dict[int, int]:
    """The number of features of each layer in ``layer_ids`` (for the layers page)."""
    if not layer_ids:
        return {}
    q = (select(ZoneFeatureRow.layer_id, func.count()).where(ZoneFeatureRow.layer_id.in_(layer_ids))
         .group_by(ZoneFeatureRow.layer_id))  # fmt: skip
    return {int(k): int(n) for k, n in session.execute(q)}


def in_force(layer: ZoneLayer, on: date) -> bool:
    """Whether ``layer``'s validity covers ``on``."""
    return layer.valid_from <= on and (layer.valid_to is None or layer.valid_to >= on)


def rule_prefixes(session: Session, scope: Scope, on: date) -> list[str]:
    """The GB/T 4754-2017 prefixes the structured rules of the layers the scope reads in force on
    ``on`` name (imported rules and the statutory ones), sorted — the industries a siting
    check can tell apart (the siting page offers them)."""
    q = (select(ZoneFeatureRow.rules).join(ZoneLayer, ZoneFeatureRow.layer_id == ZoneLayer.id)
         .where(_visible(scope), _valid_on(on)))  # fmt: skip
    found = {str(r.get("prefix") or "") for rules in session.scalars(q) for r in rules or ()}
    found |= {r.prefix for rules in STATUTORY.values() for r in rules}
    return sorted(p for p in found if p)
