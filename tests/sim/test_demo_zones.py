"""The demo's synthetic spatial layers (:mod:`qingshan.sim.demo_zones`): control units covering
every one of the 90 shipped counties, red lines, three zones per drinking-water source linked by
site_code, parks round enterprise clusters, planted enterprises inside a red line and a 一级
zone — every file passing the zones' own import validation; seeded into a database (SQLite and
PostgreSQL) with the sweep's cases, once."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import shapely
from shapely.geometry import Point, shape
from sqlalchemy import func, select

from qingshan.archive.models import Enterprise, Industry
from qingshan.cases.models import CaseRecord
from qingshan.db.engine import session_scope
from qingshan.geo.counties import read_county_boundaries
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.platform.zones_links import ENTERPRISE_LOCATIONS
from qingshan.sim.demo_zones import SOURCE, DemoSource, build_demo_layers, seed_demo_zones
from qingshan.zones.geoio import read_geojson
from qingshan.zones.layers import LayerKind
from qingshan.zones.links import EnterpriseLocation
from qingshan.zones.models import ZoneLayer

NOW = datetime(2026, 12, 6, 0, 0, tzinfo=UTC)
#: two sources (西湖 and 宁波's 新湾水库 places) and a cluster of five enterprises near 萧山 plus
#: one 1.2 km from the first source (the 一级 zone is widened to take it in)
SOURCES = [DemoSource("DW-A", "甲水库取水口", "330106", 120.10, 30.23),
           DemoSource("DW-B", "乙水库取水口", "330212", 121.87, 29.74)]  # fmt: skip
ENTERPRISES = [EnterpriseLocation(i + 1, f"企业{i + 1}", "330109", "2614", "operating", 120.40 + 0.004 * i, 30.15)
               for i in range(5)] + [EnterpriseLocation(6, "近水源厂", "330106", "1713", "operating", 120.1125, 30.23)]  # fmt: skip


@pytest.fixture(scope="module")
def layers():
    return build_demo_layers(read_county_boundaries()["features"], SOURCES, ENTERPRISES, seed=2021)


def test_units_cover_every_county_and_every_file_passes_validation(layers):
    counties = read_county_boundaries()["features"]
    units = read_geojson(layers.units, LayerKind.CONTROL_UNIT).features
    by_county: dict[str, list] = {}
    for u in units:
        by_county.setdefault(u.region_code, []).append(u.geometry)
    assert len(by_county) == 90
    for c in counties:  # the units of a county are the county (up to the 1e-6° snapping)
        county = shapely.make_valid(shape(c["geometry"]))
        union = shapely.union_all(by_county[c["properties"]["code"]])
        assert union.symmetric_difference(county).area <= 1e-3 * county.area, c["properties"][
            "name"
        ]
    kinds = {u.unit_type for u in units}
    assert kinds == {"优先保护", "重点管控", "一般管控"}
    first = next(u for u in units if u.unit_type == "优先保护")
    assert {(r.prefix, r.verdict.value) for r in first.rules} >= {
        ("C26", "prohibited"),
        ("C25", "prohibited"),
    }
    assert set(first.requirements) == {
        "空间布局约束",
        "污染物排放管控",
        "环境风险防控",
        "资源开发效率要求",
    }
    reds = read_geojson(layers.red_lines, LayerKind.RED_LINE).features
    assert [f.name for f in reds][:2] == [
        "天目山生态保护红线（演示）",
        "清凉峰生态保护红线（演示）",
    ]
    waters = read_geojson(layers.water_sources, LayerKind.WATER_SOURCE).features
    assert [(f.site_code, f.level) for f in waters] == [
        ("DW-A", "一级"), ("DW-A", "二级"), ("DW-A", "准保护区"),
        ("DW-B", "一级"), ("DW-B", "二级"), ("DW-B", "准保护区")]  # fmt: skip
    parks = read_geojson(layers.parks, LayerKind.PARK).features
    assert len(parks) == 1 and all(parks[0].geometry.contains(Point(e.longitude, e.latitude))
                                   for e in ENTERPRISES[:5])  # fmt: skip
    assert parks[0].name == "萧山区产业集聚园区1（演示）"


def test_planted_enterprises_lie_inside_and_the_build_is_deterministic(layers):
    feats = {f["properties"]["code"]: shape(f["geometry"])
             for data in (layers.red_lines, layers.water_sources)
             for f in json.loads(data)["features"]}  # fmt: skip
    assert ("SY-DW-A-1" in dict((c, e) for e, c in layers.planted)) and (
        6,
        "SY-DW-A-1",
    ) in layers.planted
    assert len([c for _, c in layers.planted if c.startswith("HX-")]) == 2
    for eid, code in layers.planted:
        e = ENTERPRISES[eid - 1]
        assert feats[code].intersects(Point(e.longitude, e.latitude)), code
    again = build_demo_layers(read_county_boundaries()["features"], SOURCES, ENTERPRISES, seed=2021)
    assert again.red_lines == layers.red_lines and again.parks == layers.parks


def test_seeded_once_with_the_sweeps_cases(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        for src in SOURCES:
            s.add(Site(code=src.code, name=src.name, kind=SiteKind.DRINKING_WATER_SOURCE,
                       control_level=ControlLevel.PROVINCIAL, region_code=src.region_code,
                       longitude=src.lon, latitude=src.lat))  # fmt: skip
        for e in ENTERPRISES:
            s.add(Enterprise(credit_code=f"91330106MA2ZONE{e.id:02d}A", name=e.name, industry=Industry.CHEMICAL,
                             industry_code=e.industry_code, region_code=e.region_code,
                             longitude=e.longitude, latitude=e.latitude))  # fmt: skip
    message = seed_demo_zones(engine, ENTERPRISE_LOCATIONS, now=NOW)
    assert message is not None and "(synthetic)" in message
    assert seed_demo_zones(engine, ENTERPRISE_LOCATIONS, now=NOW) is None
    with session_scope(engine) as s:
        rows = s.scalars(select(ZoneLayer).order_by(ZoneLayer.id)).all()
        assert [(x.kind, x.synthetic, x.source) for x in rows] == [
            (k, True, SOURCE) for k in ("control_unit", "red_line", "water_source", "park")]  # fmt: skip
        # the planted 一级 enterprise (also drawn into a planted red line for this seed) and the
        # red lines' planted ones: their cases through the sink, one per (enterprise, feature)
        cases = select(func.count()).select_from(CaseRecord)
        assert s.scalar(cases.where(CaseRecord.enterprise_id == 6)) >= 1
        assert s.scalar(cases) >= 3
