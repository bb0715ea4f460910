"""Import and export of layers (pure: bytes in, validated features out).

Formats: GeoJSON (a FeatureCollection) and a zipped ESRI Shapefile (.shp, .shx, .dbf, and a
.prj for its CRS; read with pyshp). Every feature is checked and every problem listed, naming
the feature (1-based position and code) and the field; one bad feature rejects the whole file
(:class:`LayerRejected`): nothing is half-imported.

Checks per feature: a Polygon or MultiPolygon; valid (shapely ``is_valid``, the reason from
``is_valid_reason``, e.g. a self-intersection); the required attributes of the layer kind; the
coordinates inside Zhejiang's extent (:data:`ZHEJIANG_BBOX`), with swapped latitude/longitude
recognised and named. CRS: the GeoJSON ``crs`` member or the Shapefile's ``.prj``; geographic
CGCS2000 (EPSG:4490) and WGS 84 (EPSG:4326) are taken as they are (they differ by centimetres);
any other CRS pyproj knows (e.g. CGCS2000 / 3-degree Gauss–Krüger CM 120E, EPSG:4549) is
transformed to lon/lat. The CRS rule:

- a GeoJSON file without a ``crs`` member → CGCS2000/WGS 84 longitude–latitude assumed, with a
  warning stored on the layer (RFC 7946 §4: GeoJSON coordinates are WGS 84 lon/lat; the ``crs``
  member of the 2008 specification is not part of RFC 7946 but is still read when present);
- a zipped Shapefile without its ``.prj`` → the file is refused (a Shapefile carries no CRS of its
  own, and Chinese GIS layers are as often projected Gauss–Krüger as geographic: nothing to assume);
- an unknown or unparseable CRS (either format) → an error naming it.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from qingshan.zones.errors import LayerRejected, ZoneError
from qingshan.zones.layers import (
    DIMENSIONS,
    LEVELS,
    UNIT_TYPES,
    LayerKind,
    Rule,
    prohibited_stages,
    rule_from_json,
)

#: Zhejiang's extent [degrees]: 118°01′–123°10′ E, 27°02′–31°11′ N (浙江省人民政府 "浙江概况"),
#: rounded outwards to 0.1° (islands and boundary survey tolerance)
ZHEJIANG_BBOX = (117.9, 26.9, 123.3, 31.3)
GEOGRAPHIC_OK = {4490, 4326}
ASSUMED_WARNING = "no CRS given: CGCS2000 / WGS 84 longitude–latitude (EPSG:4490) assumed"


@dataclass
class ParsedFeature:
    code: str
    name: str
    geometry: BaseGeometry
    region_code: str | None = None
    unit_type: str | None = None
    level: str | None = None
    site_code: str | None = None
    requirements: dict[str, list[str]] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()


@dataclass
class ParsedLayer:
    features: list[ParsedFeature]
    crs: str
    warnings: list[str]


def _crs(user_input: Any | None, warnings: list[str]) -> tuple[str, Transformer | None]:
    if user_input is None:
        warnings.append(ASSUMED_WARNING)
        return "EPSG:4490", None
    try:
        crs = CRS.from_user_input(user_input)
    except CRSError as exc:
        raise ZoneError(f"crs: unknown coordinate reference system {str(user_input)[:80]!r} ({exc})",
                        field="crs") from exc  # fmt: skip
    epsg = crs.to_epsg()
    label = (f"EPSG:{epsg}" if epsg else crs.name)[:32]
    if epsg in GEOGRAPHIC_OK:
        return label, None
    if (
        crs.is_geographic
        and crs.ellipsoid
        and crs.ellipsoid.name in ("CGCS2000", "WGS 84", "GRS 1980")
    ):
        return label, None
    tf = Transformer.from_crs(crs, CRS.from_epsg(4490), always_xy=True)
    if "ballpark" in tf.description.lower():
        warnings.append(f"crs: no datum transformation from {crs.name} to CGCS2000 is known: "
                        "coordinates kept on their datum (ballpark, errors of tens of metres)")  # fmt: skip
    return label, tf


def _text(props: dict[str, Any], key: str) -> str | None:
    v = props.get(key)
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _json_value(v: Any) -> Any:
    if isinstance(v, str):
        return json.loads(v) if v.strip() else None
    return v


def _feature(kind: LayerKind, n: int, geom_json: Any, props: dict[str, Any],
             tf: Transformer | None, problems: list[str]) -> ParsedFeature | None:  # fmt: skip
    code = _text(props, "code")
    where = f"feature {n} ({code or 'no code'})"
    bad = len(problems)

    def problem(fld: str, what: str) -> None:
        problems.append(f"{where}: {fld}: {what}")

    name = _text(props, "name")
    if code is None:
        problem("code", "missing")
    if name is None:
        problem("name", "missing")
    unit_type = _text(props, "unit_type")
    level = _text(props, "level")
    site_code = _text(props, "site_code")
    if kind is LayerKind.CONTROL_UNIT and unit_type not in UNIT_TYPES:
        problem("unit_type", f"{unit_type!r} is not one of {', '.join(UNIT_TYPES)}")
    if kind is LayerKind.WATER_SOURCE:
        if level not in LEVELS:
            problem("level", f"{level!r} is not one of {', '.join(LEVELS)}")
        if site_code is None:
            problem("site_code", "missing (the drinking-water source the zone protects)")
    if kind is LayerKind.LOW_EMISSION:
        try:
            prohibited_stages(level)
        except ValueError as exc:
            problem("level", str(exc))
    region = _text(props, "region_code")
    if region is not None and not (len(region) == 6 and region.isdigit()):
        problem("region_code", f"{region!r} is not a 6-digit region code")
    requirements: dict[str, list[str]] = {}
    try:
        req = _json_value(props.get("requirements")) or {}
        if not isinstance(req, dict):
            raise ValueError("an object of the four dimensions")
        for dim, items in req.items():
            if dim not in DIMENSIONS:
                raise ValueError(f"{dim!r} is not one of {', '.join(DIMENSIONS)}")
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise ValueError(f"{dim}: a list of texts")
            requirements[dim] = items
    except (ValueError, json.JSONDecodeError) as exc:
        problem("requirements", str(exc))
    rules: list[Rule] = []
    try:
        raw = _json_value(props.get("rules")) or []
        if not isinstance(raw, list):
            raise ValueError("a list of rules")
        rules = [rule_from_json(r, f"rules[{i}]") for i, r in enumerate(raw)]
    except (ValueError, json.JSONDecodeError) as exc:
        problem("rules", str(exc))
    geom: BaseGeometry | None = None
    try:
        geom = shape(geom_json)
    except Exception as exc:  # shapely raises several types for malformed GeoJSON
        problem("geometry", f"unreadable ({exc})")
    if geom is not None:
        if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
            problem("geometry", f"a {geom.geom_type}, not a (Multi)Polygon")
        elif not geom.is_valid:
            problem("geometry", f"invalid: {shapely.is_valid_reason(geom)}")
        else:
            if tf is not None:
                t = tf
                geom = shapely.transform(
                    geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1]))
                )
            x0, y0, x1, y1 = geom.bounds
            bx0, by0, bx1, by1 = ZHEJIANG_BBOX
            if not (bx0 <= x0 and x1 <= bx1 and by0 <= y0 and y1 <= by1):
                if bx0 <= y0 and y1 <= bx1 and by0 <= x0 and x1 <= by1:
                    problem("geometry", "latitude and longitude look swapped (x is a latitude, "
                                        "y a longitude; GeoJSON is longitude first)")  # fmt: skip
                else:
                    problem("geometry", f"outside Zhejiang: bounds {x0:.4f},{y0:.4f},{x1:.4f},{y1:.4f} "
                                        f"not within {ZHEJIANG_BBOX} (lon/lat)")  # fmt: skip
    if len(problems) > bad or geom is None or code is None or name is None:
        return None
    return ParsedFeature(code, name, geom, region, unit_type, level, site_code, requirements,
                         tuple(rules))  # fmt: skip


def _finish(
    kind: LayerKind, items: list[tuple[Any, dict[str, Any]]], crs_input: Any | None
) -> ParsedLayer:
    warnings: list[str] = []
    crs_name, tf = _crs(crs_input, warnings)
    problems: list[str] = []
    out: list[ParsedFeature] = []
    seen: dict[str, int] = {}
    for n, (g, props) in enumerate(items, start=1):
        f = _feature(kind, n, g, props, tf, problems)
        if f is None:
            continue
        if f.code in seen:
            problems.append(f"feature {n} ({f.code}): code: also feature {seen[f.code]}'s")
        seen[f.code] = n
        out.append(f)
    if not items:
        problems.append("features: the file holds no feature")
    if problems:
        raise LayerRejected(problems)
    return ParsedLayer(out, crs_name, warnings)


def read_geojson(data: bytes, kind: LayerKind) -> ParsedLayer:
    """A GeoJSON FeatureCollection's validated features (or :class:`LayerRejected`)."""
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ZoneError(f"file: not GeoJSON ({exc})", field="file") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ZoneError("file: a GeoJSON FeatureCollection is expected", field="file")
    crs = doc.get("crs")
    crs_input = None
    if crs is not None:
        crs_input = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
        if not crs_input:
            raise ZoneError(f"crs: unreadable crs member {crs!r}", field="crs")
    items = []
    for f in doc.get("features") or []:
        if not isinstance(f, dict):
            f = {}
        items.append((f.get("geometry"), f.get("properties") or {}))
    return _finish(kind, items, crs_input)


def read_shapefile_zip(data: bytes, kind: LayerKind) -> ParsedLayer:
    """A zipped Shapefile's validated features (or :class:`LayerRejected`). The zip holds one
    ``.shp`` with its ``.shx``, ``.dbf`` (attributes) and ``.prj`` (its CRS), all required; a
    ``.cpg`` names the attribute encoding (default UTF-8)."""
    import shapefile  # pyshp

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ZoneError("file: not a zip archive", field="file") from exc
    names = {n.lower(): n for n in zf.namelist() if not n.endswith("/")}
    shps = [n for n in names if n.endswith(".shp")]
    if len(shps) != 1:
        raise ZoneError(
            f"file: the zip must hold exactly one .shp (holds {len(shps)})", field="file"
        )
    stem = shps[0][:-4]
    for ext in (".shx", ".dbf"):
        if stem + ext not in names:
            raise ZoneError(f"file: {stem}{ext} is missing beside {stem}.shp "
                            f"({'attributes' if ext == '.dbf' else 'the shape index'})", field="file")  # fmt: skip
    if stem + ".prj" not in names:
        raise ZoneError(f"file: {stem}.prj is missing beside {stem}.shp (its coordinate reference "
                        "system; a Shapefile's CRS is not assumed)", field="crs")  # fmt: skip
    prj = zf.read(names[stem + ".prj"]).decode("utf-8", "replace").strip()
    if not prj:
        raise ZoneError(f"crs: {stem}.prj is empty", field="crs")
    encoding = "utf-8"
    if stem + ".cpg" in names:
        encoding = zf.read(names[stem + ".cpg"]).decode("ascii", "replace").strip() or "utf-8"
    try:
        with shapefile.Reader(shp=io.BytesIO(zf.read(names[stem + ".shp"])),
                              shx=io.BytesIO(zf.read(names[stem + ".shx"])),
                              dbf=io.BytesIO(zf.read(names[stem + ".dbf"])),
                              encoding=encoding) as r:  # fmt: skip
            items = [
                (sr.shape.__geo_interface__, sr.record.as_dict()) for sr in r.iterShapeRecords()
            ]
    except (shapefile.ShapefileException, UnicodeDecodeError, ValueError) as exc:
        raise ZoneError(f"file: unreadable Shapefile ({exc})", field="file") from exc
    return _finish(kind, items, prj)


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946: lon/lat WGS 84; CGCS2000 is taken as equal)."""
    return {"type": "FeatureCollection", "features": features}


def geojson_geometry(geom: BaseGeometry) -> dict[str, Any]:
    return dict(mapping(geom))


def read_site(data: bytes) -> dict[str, Any]:
    """The site of a siting check from an uploaded GeoJSON file: a geometry, a Feature, or a
    FeatureCollection of one feature; a ``crs`` member other than lon/lat is transformed as on a
    layer import. Returns the GeoJSON geometry in lon/lat (validity and extent are checked by
    the siting check itself), or :class:`ZoneError` naming what is wrong with the file."""
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ZoneError(f"file: not GeoJSON ({exc})", field="file") from exc
    if not isinstance(doc, dict):
        raise ZoneError("file: a GeoJSON object is expected", field="file")
    crs = doc.get("crs")
    geom = doc
    if doc.get("type") == "FeatureCollection":
        feats = doc.get("features") or []
        if len(feats) != 1:
            raise ZoneError(f"file: a FeatureCollection of exactly one feature is expected "
                            f"(holds {len(feats)})", field="file")  # fmt: skip
        geom = feats[0] if isinstance(feats[0], dict) else {}
    if geom.get("type") == "Feature":
        geom = geom.get("geometry") or {}
    if not isinstance(geom, dict) or geom.get("type") not in ("Point", "Polygon", "MultiPolygon"):
        raise ZoneError("file: no Point, Polygon or MultiPolygon geometry found", field="file")
    if crs is None:
        return geom
    crs_input = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
    if not crs_input:
        raise ZoneError(f"crs: unreadable crs member {str(crs)[:80]!r}", field="crs")
    _, tf = _crs(crs_input, [])
    if tf is None:
        return geom
    try:
        g = shape(geom)
    except Exception as exc:  # shapely raises several types for malformed GeoJSON
        raise ZoneError(f"file: not a GeoJSON geometry ({exc})", field="file") from exc
    t = tf
    g = shapely.transform(g, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
    return geojson_geometry(g)
