"""The shipped city boundaries and the decoder that made them from ECharts' format."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from qingshan.geo.boundaries import CITY_BOUNDARIES_PATH, read_city_boundaries
from qingshan.geo.regions import CITY_CODES, REGIONS

ROOT = Path(__file__).resolve().parents[2]


def _decoder():
    spec = importlib.util.spec_from_file_location(
        "decode_echarts_geojson", ROOT / "scripts" / "decode_echarts_geojson.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _polygons(feature):
    geom = feature["geometry"]
    return geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]


def test_eleven_cities_with_codes_and_names():
    fc = read_city_boundaries()
    assert fc["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in fc["features"]] == list(CITY_CODES)
    for f in fc["features"]:
        region = REGIONS[f["properties"]["code"]]
        assert f["id"] == region.code
        assert f["properties"]["name"] == region.name
        assert f["properties"]["name_en"] == region.name_en
        assert f["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_rings_are_closed_positions_in_zhejiang():
    for f in read_city_boundaries()["features"]:
        for polygon in _polygons(f):
            assert polygon, f["id"]
            for ring in polygon:
                assert len(ring) >= 4
                assert len({tuple(p) for p in ring}) >= 3  # not degenerate
                assert ring[0] == ring[-1]
                for lon, lat in ring:
                    assert 118.0 <= lon <= 123.2 and 27.0 <= lat <= 31.2, (f["id"], lon, lat)


# (west, east, south, north) bounds each city must reach, from its known extent [degrees]
EXTENTS = {
    "330100": (118.4, 120.7, 29.2, 30.5),  # 杭州: 淳安 in the west to 萧山
    "330300": (119.7, 121.2, 27.1, 28.5),  # 温州: southernmost city
    "330800": (118.1, 119.3, 28.3, 29.4),  # 衢州: westernmost city
    "330900": (121.6, 122.8, 29.7, 30.8),  # 舟山: the archipelago
}


@pytest.mark.parametrize(("code", "extent"), EXTENTS.items())
def test_plausible_extent(code, extent):
    feature = next(f for f in read_city_boundaries()["features"] if f["id"] == code)
    pts = [p for poly in _polygons(feature) for ring in poly for p in ring]
    west, east = min(p[0] for p in pts), max(p[0] for p in pts)
    south, north = min(p[1] for p in pts), max(p[1] for p in pts)
    w, e, s, n = extent
    assert west <= w and east >= e and south <= s and north >= n
    assert east - west < 3 and north - south < 2
    lon, lat = feature["properties"]["center"]
    assert west < lon < east and south < lat < north


def test_zhoushan_is_an_archipelago():
    feature = next(f for f in read_city_boundaries()["features"] if f["id"] == "330900")
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert len(feature["geometry"]["coordinates"]) > 100


def test_file_is_utf8_json_next_to_its_licence():
    json.loads(CITY_BOUNDARIES_PATH.read_text(encoding="utf-8"))
    licence = (CITY_BOUNDARIES_PATH.parent / "LICENSE-echarts.txt").read_text(encoding="utf-8")
    assert "Apache License" in licence and "Version 2.0" in licence
    assert "The Apache Software Foundation" in licence  # the NOTICE


def _encode_ring(ring, scale=1024):
    """ECharts' encoder (the inverse of decodePolygon), to test the decoder against."""
    q = [(round(x * scale), round(y * scale)) for x, y in ring]
    prev = q[0]
    out = []
    for x, y in q:
        dx, dy = x - prev[0], y - prev[1]
        prev = (x, y)
        for d in (dx, dy):
            out.append(chr(((d << 1) ^ (d >> 31)) + 64))
    return "".join(out), [q[0][0], q[0][1]]


def test_decoder_round_trip():
    decoder = _decoder()
    ring = [[120.0, 30.0], [120.5, 30.0], [120.5, 30.25], [120.0, 30.0]]
    encoded, offsets = _encode_ring(ring)
    assert decoder.decode_ring(encoded, offsets, 1024) == ring
    open_ring = ring[:-1]
    encoded, offsets = _encode_ring(open_ring)
    assert decoder.decode_ring(encoded, offsets, 1024) == ring  # closed on decoding


def test_decoder_whole_collection():
    decoder = _decoder()
    ring = [[119.0, 29.0], [119.5, 29.0], [119.5, 29.5]]
    encoded, offsets = _encode_ring(ring)
    source = {
        "type": "FeatureCollection",
        "UTF8Encoding": True,
        "features": [
            {
                "id": "330700",
                "type": "Feature",
                "properties": {"name": "金华市", "cp": [119.6, 29.1]},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [encoded],
                    "encodeOffsets": [offsets],
                },
            }
        ],
    }
    out = decoder.decode(source)
    (feature,) = out["features"]
    assert feature["properties"] == {
        "code": "330700", "name": "金华市", "name_en": "Jinhua", "center": [119.6, 29.1]
    }  # fmt: skip
    assert feature["geometry"]["coordinates"] == [ring + [ring[0]]]


def test_decoder_refuses_plain_geojson():
    with pytest.raises(ValueError, match="not in ECharts' compressed format"):
        _decoder().decode({"type": "FeatureCollection", "features": []})


def test_decoder_refuses_misnamed_feature():
    decoder = _decoder()
    encoded, offsets = _encode_ring([[119.0, 29.0], [119.5, 29.0], [119.5, 29.5]])
    source = {
        "UTF8Encoding": True,
        "features": [
            {
                "id": "330700",
                "properties": {"name": "丽水市"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [encoded],
                    "encodeOffsets": [offsets],
                },
            }
        ],
    }
    with pytest.raises(ValueError, match="feature 330700 is named '丽水市', not '金华市'"):
        decoder.decode(source)
