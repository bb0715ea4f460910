"""Decode ECharts' compressed GeoJSON of Zhejiang into plain GeoJSON, once.

The boundaries of Zhejiang's 11 cities ship in the npm package ``echarts@4.9.0`` (Apache-2.0)
as ``map/json/province/zhejiang.json`` in ECharts' compressed format (``"UTF8Encoding": true``):
each ring is a string of character pairs, ZigZag- and delta-encoded from the ring's
``encodeOffsets``, scaled by 1024 (``UTF8Scale``). This follows ECharts 4's decoder,
``src/coord/geo/parseGeoJson.js`` (``decode`` / ``decodePolygon``).

The output, ``qingshan/geo/data/zhejiang_cities.geojson``, is RFC 7946 GeoJSON (lon/lat
degrees) with properties ``code`` (the adcode), ``name``, ``name_en`` and ``center`` (ECharts'
label point ``cp``). Rings are closed (the source leaves them open) and degenerate rings (fewer than
three distinct positions, a few metres across) are dropped; shapes are otherwise kept as they
are, including the self-intersections some of them have.

Usage::

    npm pack echarts@4.9.0
    python scripts/decode_echarts_geojson.py echarts-4.9.0.tgz
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
from pathlib import Path

MEMBER = "package/map/json/province/zhejiang.json"
OUT = Path(__file__).resolve().parents[1] / "qingshan" / "geo" / "data" / "zhejiang_cities.geojson"


def decode_ring(encoded: str, offsets: list[int], scale: float) -> list[list[float]]:
    """Decode one ring; ECharts' ``decodePolygon``. Returns closed [lon, lat] positions."""
    if any(ord(ch) > 0xFFFF for ch in encoded):
        raise ValueError("ring holds characters outside the BMP: charCodeAt semantics differ")
    prev_x, prev_y = offsets
    ring: list[list[float]] = []
    for i in range(0, len(encoded), 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))  # ZigZag
        y = (y >> 1) ^ (-(y & 1))
        prev_x, prev_y = x + prev_x, y + prev_y  # delta
        ring.append([round(prev_x / scale, 6), round(prev_y / scale, 6)])
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    return ring


def _decode_polygon(rings: list[str], offsets: list[list[int]], scale: float) -> list:
    """Decode a polygon's rings, dropping degenerate ones (fewer than three distinct positions:
    specks of a few metres that GeoJSON cannot hold). An empty list when the exterior is one."""
    decoded = [decode_ring(r, o, scale) for r, o in zip(rings, offsets, strict=True)]

    def solid(ring: list[list[float]]) -> bool:
        return len({tuple(p) for p in ring}) >= 3

    if not decoded or not solid(decoded[0]):
        return []
    return [decoded[0]] + [r for r in decoded[1:] if solid(r)]


def decode(source: dict) -> dict:
    """The plain GeoJSON FeatureCollection of ECharts' compressed ``source``."""
    from qingshan.geo.regions import get_region

    if not source.get("UTF8Encoding"):
        raise ValueError("source is not in ECharts' compressed format (UTF8Encoding is not set)")
    scale = source.get("UTF8Scale") or 1024
    features = []
    for feat in source["features"]:
        geom = feat["geometry"]
        offsets = geom["encodeOffsets"]
        if geom["type"] == "Polygon":
            polygons = [_decode_polygon(geom["coordinates"], offsets, scale)]
        elif geom["type"] == "MultiPolygon":
            polygons = [
                _decode_polygon(poly, poly_off, scale)
                for poly, poly_off in zip(geom["coordinates"], offsets, strict=True)
            ]
        else:
            raise ValueError(
                f"unexpected geometry type {geom['type']!r} in feature {feat.get('id')}"
            )
        polygons = [p for p in polygons if p]
        if not polygons:
            raise ValueError(f"feature {feat.get('id')} has no polygon left after decoding")
        if len(polygons) == 1:
            geometry = {"type": "Polygon", "coordinates": polygons[0]}
        else:
            geometry = {"type": "MultiPolygon", "coordinates": polygons}
        region = get_region(str(feat["id"]))
        if region.name != feat["properties"]["name"]:
            raise ValueError(
                f"feature {feat['id']} is named {feat['properties']['name']!r}, not {region.name!r}"
            )
        features.append(
            {
                "type": "Feature",
                "id": region.code,
                "properties": {
                    "code": region.code,
                    "name": region.name,
                    "name_en": region.name_en,
                    "center": feat["properties"].get("cp"),
                },
                "geometry": geometry,
            }
        )
    features.sort(key=lambda f: f["id"])
    return {
        "type": "FeatureCollection",
        "name": "zhejiang_cities",
        "source": "Apache ECharts 4.9.0, map/json/province/zhejiang.json (Apache-2.0); "
        "see LICENSE-echarts.txt",
        "features": features,
    }


def read_source(path: Path) -> dict:
    if path.suffix in {".tgz", ".gz"}:
        with tarfile.open(path) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise FileNotFoundError(f"{MEMBER} not in {path}")
            return json.load(member)
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="echarts-4.9.0.tgz or its zhejiang.json")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    collection = decode(read_source(args.source))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {len(collection['features'])} features to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
