"""Layer files: GeoJSON and zipped Shapefile read with per-feature validation, every problem
named by feature and field, nothing accepted when one feature is bad; CRS given, assumed or
unknown; a projected CGCS2000 Gauss–Krüger file transformed to lon/lat."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import shapefile
from pyproj import CRS, Transformer

from qingshan.zones.errors import LayerRejected, ZoneError
from qingshan.zones.geoio import ASSUMED_WARNING, read_geojson, read_shapefile_zip
from qingshan.zones.layers import LayerKind, Verdict

from .cases import R1, U1, U2, W1, fc, feature, square


def test_geojson_units_with_requirements_and_rules():
    layer = read_geojson(fc([U1, U2], crs="EPSG:4490"), LayerKind.CONTROL_UNIT)
    assert layer.crs == "EPSG:4490" and layer.warnings == []
    u1 = layer.features[0]
    assert (u1.code, u1.unit_type) == ("ZH33010620001", "重点管控")
    assert u1.requirements["空间布局约束"] == ["禁止新建化学原料和化学制品制造项目（园区内除外）"]
    assert [(r.prefix, r.verdict) for r in u1.rules] == [
        ("C26", Verdict.PROHIBITED),
        ("C2614", Verdict.CONDITIONAL),
    ]


def test_no_crs_is_assumed_with_a_warning():
    layer = read_geojson(fc([R1]), LayerKind.RED_LINE)
    assert layer.crs == "EPSG:4490" and layer.warnings == [ASSUMED_WARNING]


def test_unknown_crs_is_an_error():
    with pytest.raises(ZoneError, match="crs: unknown coordinate reference system 'EPSG:999999'"):
        read_geojson(fc([R1], crs="EPSG:999999"), LayerKind.RED_LINE)
    with pytest.raises(ZoneError, match="crs: unknown coordinate reference system 'not a crs'"):
        read_geojson(fc([R1], crs="not a crs"), LayerKind.RED_LINE)
    doc = json.loads(fc([R1])) | {"crs": {"type": "name", "properties": {}}}
    with pytest.raises(ZoneError, match="crs: unreadable crs member"):
        read_geojson(json.dumps(doc).encode(), LayerKind.RED_LINE)


def test_projected_gauss_kruger_is_transformed():
    # CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549), x = easting, y = northing
    tf = Transformer.from_crs(CRS.from_epsg(4490), CRS.from_epsg(4549), always_xy=True)
    ring = [list(tf.transform(x, y)) for x, y in square(120.2, 30.2, 120.3, 30.3)["coordinates"][0]]
    layer = read_geojson(fc([feature({"type": "Polygon", "coordinates": [ring]}, code="R", name="r")],
                            crs="EPSG:4549"), LayerKind.RED_LINE)  # fmt: skip
    assert layer.crs == "EPSG:4549"
    assert layer.features[0].geometry.bounds == pytest.approx((120.2, 30.2, 120.3, 30.3), abs=1e-7)


def test_other_datums_warn_when_only_a_ballpark_shift_is_known():
    # Beijing 1954 (EPSG:4214): PROJ holds no published shift to CGCS2000
    layer = read_geojson(fc([R1], crs="EPSG:4214"), LayerKind.RED_LINE)
    assert layer.crs == "EPSG:4214" and layer.warnings[0].startswith(
        "crs: no datum transformation from Beijing 1954"
    )
    layer = read_geojson(fc([R1], crs="urn:ogc:def:crs:OGC:1.3:CRS84"), LayerKind.RED_LINE)
    assert (layer.crs, layer.warnings) == ("WGS 84 (CRS84)", [])


def test_every_bad_feature_is_named_and_nothing_is_accepted():
    bowtie = {"type": "Polygon", "coordinates": [[[120.0, 30.0], [120.1, 30.1], [120.1, 30.0], [120.0, 30.1], [120.0, 30.0]]]}  # fmt: skip
    swapped = {"type": "Polygon", "coordinates": [[[y, x] for x, y in square(120.2, 30.2, 120.3, 30.3)["coordinates"][0]]]}  # fmt: skip
    feats = [
        W1,  # good
        feature(bowtie, code="W-bow", name="自相交", level="一级", site_code="DW002"),
        feature(swapped, code="W-swap", name="经纬颠倒", level="二级", site_code="DW002"),
        feature(square(116.0, 39.8, 116.1, 39.9), code="W-bj", name="北京", level="二级", site_code="DW003"),
        feature(square(120.0, 30.0, 120.1, 30.1), code="W-lv", name="缺级别", level="三级"),
        feature({"type": "Point", "coordinates": [120.0, 30.0]}, code="W-pt", name="点", level="一级", site_code="DW004"),
        feature(square(120.0, 30.0, 120.1, 30.1), name="无编码", level="一级", site_code="DW005"),
    ]  # fmt: skip
    with pytest.raises(LayerRejected) as e:
        read_geojson(fc(feats), LayerKind.WATER_SOURCE)
    p = e.value.problems
    assert "feature 2 (W-bow): geometry: invalid: Self-intersection[120.05 30.05]" in p
    assert any(
        x.startswith("feature 3 (W-swap): geometry: latitude and longitude look swapped") for x in p
    )
    assert any(x.startswith("feature 4 (W-bj): geometry: outside Zhejiang") for x in p)
    assert "feature 5 (W-lv): level: '三级' is not one of 一级, 二级, 准保护区" in p
    assert any(x.startswith("feature 5 (W-lv): site_code: missing") for x in p)
    assert "feature 6 (W-pt): geometry: a Point, not a (Multi)Polygon" in p
    assert "feature 7 (no code): code: missing" in p
    assert not any(x.startswith("feature 1 ") for x in p)


def test_bad_requirements_and_rules_are_named():
    bad = feature(square(120.0, 30.2, 120.1, 30.3), code="U9", name="u", unit_type="重点管控",
                  requirements={"其他": ["x"]}, rules=json.dumps([{"prefix": "C26", "verdict": "no"}]))  # fmt: skip
    with pytest.raises(LayerRejected) as e:
        read_geojson(fc([bad]), LayerKind.CONTROL_UNIT)
    assert e.value.problems[0].startswith(
        "feature 1 (U9): requirements: '其他' is not one of 空间布局约束"
    )
    assert e.value.problems[1].startswith("feature 1 (U9): rules: rules[0].verdict: 'no'")


def _shapefile_zip(*, prj: bool = True, dbf: bool = True, swap: bool = False,
                   prj_text: str | None = None) -> bytes:  # fmt: skip
    shp, shx, dbf_b = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(
        shp=shp, shx=shx, dbf=dbf_b, shapeType=shapefile.POLYGON, encoding="utf-8"
    ) as w:
        w.field("code", "C", 32)
        w.field("name", "C", 100)
        w.field("unit_type", "C", 16)
        for f in (U1, U2):
            ring = f["geometry"]["coordinates"][0][::-1]  # Shapefile outer rings run clockwise
            w.poly([[[y, x] for x, y in ring]] if swap else [ring])
            p = f["properties"]
            w.record(p["code"], p["name"], p["unit_type"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("units.shp", shp.getvalue())
        z.writestr("units.shx", shx.getvalue())
        if dbf:
            z.writestr("units.dbf", dbf_b.getvalue())
        if prj:
            z.writestr("units.prj", prj_text or CRS.from_epsg(4490).to_wkt("WKT1_ESRI"))
    return out.getvalue()


def test_zipped_shapefile():
    layer = read_shapefile_zip(_shapefile_zip(), LayerKind.CONTROL_UNIT)
    assert layer.crs == "EPSG:4490" and layer.warnings == []
    assert [(f.code, f.name, f.unit_type) for f in layer.features] == [
        ("ZH33010620001", "西湖区产业集聚重点管控单元", "重点管控"), ("ZH33010630001", "西湖区一般管控单元", "一般管控")]  # fmt: skip
    assert layer.features[0].geometry.area == pytest.approx(0.01)


def test_shapefile_without_prj_or_dbf():
    # the CRS rule: a Shapefile's CRS is never assumed (GeoJSON's is, RFC 7946 §4)
    with pytest.raises(ZoneError, match=r"file: units\.prj is missing beside units\.shp") as e:
        read_shapefile_zip(_shapefile_zip(prj=False), LayerKind.CONTROL_UNIT)
    assert e.value.field == "crs"
    with pytest.raises(
        ZoneError, match="crs: unknown coordinate reference system 'GEOGCS.\"Qingshan"
    ):
        read_shapefile_zip(_shapefile_zip(prj_text='GEOGCS["Qingshan 1999",DATUM["?"]]'),
                           LayerKind.CONTROL_UNIT)  # fmt: skip
    with pytest.raises(ZoneError, match=r"units\.dbf is missing beside units\.shp \(attributes\)"):
        read_shapefile_zip(_shapefile_zip(dbf=False), LayerKind.CONTROL_UNIT)
    with pytest.raises(
        LayerRejected,
        match="feature 1 .ZH33010620001.: geometry: latitude and longitude look swapped",
    ):
        read_shapefile_zip(_shapefile_zip(swap=True), LayerKind.CONTROL_UNIT)
    with pytest.raises(ZoneError, match="not a zip archive"):
        read_shapefile_zip(b"not a zip", LayerKind.CONTROL_UNIT)
