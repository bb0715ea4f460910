"""The siting check on hand-drawn layers (pure: shapely geometries and an STRtree): inside, on
the boundary, in two overlapping units, in a red line, in a first-level water-source zone."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, box, shape

from qingshan.zones.layers import (
    LayerKind,
    Rule,
    Verdict,
    ZoneFeature,
    check_industry,
    rule_from_json,
)
from qingshan.zones.siting import ZoneIndex, siting_check

from .cases import R1, U1, U2, W1


def _index() -> ZoneIndex:
    feats, geoms = [], []
    for i, (f, kind) in enumerate([(U1, LayerKind.CONTROL_UNIT), (U2, LayerKind.CONTROL_UNIT),
                                   (R1, LayerKind.RED_LINE), (W1, LayerKind.WATER_SOURCE)], start=1):  # fmt: skip
        p = f["properties"]
        feats.append(ZoneFeature(i, i, kind, kind.value, "2024", p["code"], p["name"], p.get("unit_type"),
                                 p.get("level"), p.get("site_code"), p.get("requirements", {}),
                                 tuple(rule_from_json(r) for r in p.get("rules", []))))  # fmt: skip
        geoms.append(shape(f["geometry"]))
    return ZoneIndex(feats, geoms)


INDEX = _index()


def test_inside_one_unit_the_most_specific_rule_decides():
    r = siting_check(INDEX, Point(120.02, 30.25), check_industry("2614"))
    assert [h.feature.code for h in r.hits] == ["ZH33010620001"]
    assert r.verdict is Verdict.CONDITIONAL  # C2614 (4 digits) beats C26 (2 digits)
    assert r.decided_by.deciding.clause == "单元准入清单 空间布局约束 第1条（园区内）"
    r = siting_check(INDEX, Point(120.02, 30.25), check_industry("C2619"))
    assert r.verdict is Verdict.PROHIBITED and r.decided_by.deciding.prefix == "C26"


def test_free_text_never_decides():
    r = siting_check(INDEX, Point(120.12, 30.25), "C1713")  # only U2: free text, no rule
    assert [h.feature.code for h in r.hits] == ["ZH33010630001"]
    assert r.hits[0].feature.requirements == {"资源开发效率要求": ["落实用水总量控制"]}
    assert r.verdict is Verdict.PERMITTED and r.decided_by is None


def test_on_the_boundary_counts_as_touching():
    # x = 120.00 is U1's west edge; shapely intersects counts a shared point
    r = siting_check(INDEX, Point(120.00, 30.25), "C2619")
    assert [h.feature.code for h in r.hits] == ["ZH33010620001"] and r.verdict is Verdict.PROHIBITED
    # a polygon sharing only an edge with the red line
    r = siting_check(INDEX, box(120.16, 30.22, 120.20, 30.24), "C1713")
    assert [h.feature.code for h in r.hits] == ["HX-330106-01"] and r.verdict is Verdict.PROHIBITED
    assert siting_check(INDEX, Point(120.17, 30.25), "C2619").hits == ()  # between the layers


def test_in_two_overlapping_units_the_most_severe_decides():
    r = siting_check(INDEX, Point(120.07, 30.25), "C2619")
    assert [h.feature.code for h in r.hits] == ["ZH33010620001", "ZH33010630001"]
    assert [h.verdict for h in r.hits] == [Verdict.PROHIBITED, Verdict.PERMITTED]
    assert r.verdict is Verdict.PROHIBITED and r.decided_by.feature.code == "ZH33010620001"


def test_a_polygon_across_a_unit_and_the_red_line():
    r = siting_check(INDEX, box(120.14, 30.21, 120.22, 30.23), "C2614")
    assert [h.feature.code for h in r.hits] == ["HX-330106-01", "ZH33010630001"]
    assert r.verdict is Verdict.PROHIBITED
    assert r.decided_by.feature.layer_kind is LayerKind.RED_LINE
    assert "生态保护红线" in r.decided_by.deciding.clause


def test_in_a_red_line_farming_is_conditional():
    r = siting_check(INDEX, Point(120.25, 30.25), "A0111")  # 稻谷种植
    assert r.verdict is Verdict.CONDITIONAL and r.decided_by.deciding.prefix == "A"


def test_first_level_water_source_zone():
    r = siting_check(INDEX, Point(120.42, 30.22), "C1713")
    assert r.verdict is Verdict.PROHIBITED and "第六十五条" in r.decided_by.deciding.clause
    assert r.hits[0].feature.site_code == "DW001"
    r = siting_check(INDEX, Point(120.42, 30.22), "4610")  # 自来水生产和供应
    assert r.verdict is Verdict.CONDITIONAL


def test_second_level_zone_depends_on_discharge():
    f = ZoneFeature(1, 1, LayerKind.WATER_SOURCE, "水源", "1", "W2", "二级", level="二级")
    idx = ZoneIndex([f], [box(120.0, 30.0, 120.1, 30.1)])
    assert siting_check(idx, Point(120.05, 30.05), "C1713").verdict is Verdict.PROHIBITED
    r = siting_check(idx, Point(120.05, 30.05), "C1713", discharges=False)
    assert r.verdict is Verdict.CONDITIONAL and "第六十六条" in r.decided_by.deciding.clause


def test_bad_rules_and_codes_are_named():
    with pytest.raises(ValueError, match=r"rules\[0\]\.verdict: 'banned'"):
        rule_from_json({"prefix": "C26", "verdict": "banned", "clause": "x"}, "rules[0]")
    with pytest.raises(ValueError, match="clause: missing"):
        rule_from_json({"prefix": "C26", "verdict": "prohibited"})
    with pytest.raises(ValueError, match="division 44 is not in section C"):
        check_industry("C44")
    assert rule_from_json({"prefix": "26", "verdict": "prohibited", "clause": "c"}) == Rule(
        "C26", Verdict.PROHIBITED, "c"
    )


def _geodesic_m(lon0: float, lat0: float, lon1: float, lat1: float) -> float:
    """The distance on the GRS 80 ellipsoid (CGCS2000's, to 0.1 mm) [m]: the reference the
    Gauss–Krüger plane distances are checked against."""
    from pyproj import Geod

    return float(Geod(ellps="GRS80").inv(lon0, lat0, lon1, lat1)[2])


def test_near_misses_and_boundary_distances_in_metres():
    # 0.01° west of R1's west edge (120.20°E) at 30.25°N: ≈ 962 m, a near miss; U2's east edge
    # (120.15°E) is 0.04° away (≈ 3.85 km): not near
    r = siting_check(INDEX, Point(120.19, 30.25), "C2614")
    assert r.hits == () and r.metric_epsg == 4549  # CGCS2000 3-degree GK CM 120E
    assert [(n.feature.code, n.feature.layer_kind) for n in r.near] == [
        ("HX-330106-01", LayerKind.RED_LINE)
    ]
    assert r.near[0].distance_m == pytest.approx(
        _geodesic_m(120.19, 30.25, 120.20, 30.25), rel=1e-4
    )
    assert r.near[0].distance_m == pytest.approx(962.2, abs=0.5)
    # with a 5 km near-miss distance, U1 and U2 are listed too, nearest first
    r = siting_check(INDEX, Point(120.19, 30.25), "C2614", near_m=5000)
    assert [n.feature.code for n in r.near] == ["HX-330106-01", "ZH33010630001"]
    # inside U1 only: 0.02° from its west edge, 5.5 km from its north and south edges
    r = siting_check(INDEX, Point(120.02, 30.25), "C2614")
    (hit,) = r.hits
    assert hit.boundary_m == pytest.approx(_geodesic_m(120.02, 30.25, 120.00, 30.25), rel=1e-4)
    # U2 begins 0.03° east (≈ 2.9 km): no near miss within 1 km
    assert r.near == ()
    # a polygon straddling R1's west edge: boundary distance 0
    r = siting_check(INDEX, box(120.195, 30.24, 120.205, 30.25), "C2614")
    assert [(h.feature.code, h.boundary_m) for h in r.hits] == [("HX-330106-01", 0.0)]
    with pytest.raises(ValueError, match="near_m"):
        siting_check(INDEX, Point(120.19, 30.25), "C2614", near_m=-1)
