"""The demo's spatial control layers (synthetic, seeded, issue #20) and the first enterprise sweep.

Four layers, imported through the zones' own import (so every feature passes its validation),
each marked ``synthetic`` with the source :data:`SOURCE` — none is a real boundary:

- **control units** (环境管控单元) covering every county: each of the 90 county polygons the
  project ships (:mod:`qingshan.geo.counties`, from ECharts-era map data) cut by a grid of
  :data:`CELL_DEG` degrees, slivers under :data:`SLIVER_SHARE` of a cell merged into their
  county neighbour with the longest shared edge. A piece is 优先保护 when a red line covers
  ≥ 30 % of it, 重点管控 when it holds a park or its county's seat, else 一般管控; each type has a
  plausible requirement list in the four dimensions and a few structured rules (优先保护 units
  prohibit GB/T 4754-2017 C26 化学原料和化学制品制造业 and C25, …);
- **red lines** (生态保护红线) over the province's mountain areas: irregular, seeded shapes around
  the named ranges of :data:`MOUNTAINS` (centre and radius approximate, clipped to the province),
  plus :data:`PLANTED_RED` small ones drawn round chosen enterprises, so that the sweep finds
  something;
- **drinking-water source zones** (一级 / 二级 / 准保护区) round each drinking-water source the
  monitoring registry holds, linked by ``site_code``: rings of :data:`RINGS_M` metres (一级
  500 m — HJ 338-2018, 湖库型 small reservoirs: 一级 water zone 300 m round the intake, land zone
  200 m above the normal water line [clause number unverified]; the demo takes a round 500 m),
  and for :data:`PLANTED_FIRST_LEVEL` sources the 一级 ring widened to reach the nearest
  enterprise within 4 km (the enterprise deliberately inside);
- **parks** (园区) round enterprise clusters (≥ :data:`PARK_MIN_MEMBERS` archive enterprises
  within :data:`PARK_RADIUS_M` of a seed), the members' convex hull buffered by 600 m, at most
  :data:`PARK_MAX` (the 2021 plan's 44 零直排 parks).

Distances and buffers are in metres on the CGCS2000 3-degree Gauss–Krüger plane CM 120°E
(EPSG:4549), the coordinates stored in lon/lat. Deterministic for a seed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases.service import CasesSink
from qingshan.db.engine import session_scope
from qingshan.geo.counties import read_county_boundaries
from qingshan.monitoring.models import SiteKind
from qingshan.monitoring.service import drinking_water_source_codes, get_sites
from qingshan.zones.geoio import ZHEJIANG_BBOX
from qingshan.zones.layers import LayerKind
from qingshan.zones.links import EnterpriseLocation, EnterpriseLocations
from qingshan.zones.models import ZoneLayer
from qingshan.zones.service import LayerMeta, import_layer
from qingshan.zones.siting import project_metres
from qingshan.zones.sweep_service import run_sweep

__all__ = ["SOURCE", "seed_demo_zones", "build_demo_layers", "DemoLayers"]

SOURCE = "synthetic demo: qingshan.sim.demo_zones — not real boundaries"
SCOPE = Scope("330000", Role.PROVINCE, username="demo")
EPSG_M = 4549  # CGCS2000 / 3-degree Gauss–Krüger CM 120E
#: the control units' grid [degrees] and the share of a cell below which a piece is a sliver
CELL_DEG = 0.2
SLIVER_SHARE = 0.05
#: named mountain ranges: (name, lon, lat, radius km) — approximate, for plausible red lines
MOUNTAINS = (
    ("天目山", 119.45, 30.36, 14), ("清凉峰", 118.92, 30.12, 9), ("千里岗", 118.80, 29.40, 10),
    ("龙门山", 119.95, 29.86, 9), ("会稽山", 120.55, 29.72, 11), ("四明山", 121.08, 29.72, 12),
    ("天台山", 121.05, 29.22, 11), ("大盘山", 120.52, 29.00, 10), ("括苍山", 120.88, 28.78, 11),
    ("雁荡山", 121.05, 28.38, 8), ("仙霞岭", 118.78, 28.42, 12), ("百山祖", 119.18, 27.75, 13),
    ("洞宫山", 119.62, 27.88, 9), ("南雁荡山", 120.38, 27.58, 7), ("金华山", 119.65, 29.22, 7),
)  # fmt: skip
PLANTED_RED = 2
PLANTED_FIRST_LEVEL = 2
RINGS_M = (500.0, 2000.0, 5000.0)  # outer radius of 一级, 二级, 准保护区
PARK_MIN_MEMBERS = 4
PARK_RADIUS_M = 3000.0
PARK_MAX = 44

_REQ = {
    "优先保护": {
        "空间布局约束": ["以生态保护为主，禁止新建、扩建工业项目（演示）",
                     "禁止新建化学原料和化学制品制造、石油加工项目（演示）"],
        "污染物排放管控": ["严格控制新增污染物排放，现有项目污染物排放只减不增（演示）"],
        "环境风险防控": ["禁止新建涉及有毒有害物质的项目（演示）"],
        "资源开发效率要求": ["严格控制开发强度，保护水源涵养功能（演示）"],
    },
    "重点管控": {
        "空间布局约束": ["化工、印染等项目须进入合规园区（演示）", "禁止新增水泥熟料产能（演示）"],
        "污染物排放管控": ["新建项目主要污染物排放实行等量或减量替代（演示）",
                     "工业废水须经预处理达标后纳管（演示）"],
        "环境风险防控": ["园区须编制突发环境事件应急预案并定期演练（演示）"],
        "资源开发效率要求": ["新建项目能效须达到行业先进水平（演示）"],
    },
    "一般管控": {
        "空间布局约束": ["禁止新建三类工业项目：化学原料和化学制品制造（演示）"],
        "污染物排放管控": ["落实污染物总量控制制度（演示）"],
        "环境风险防控": ["加强农业面源污染防治（演示）"],
        "资源开发效率要求": ["落实用水总量和强度控制（演示）"],
    },
}  # fmt: skip


def _rule(prefix: str, verdict: str, clause: str) -> dict[str, Any]:
    return {"prefix": prefix, "verdict": verdict, "clause": f"单元准入清单（演示） {clause}"}


_RULES = {
    "优先保护": [_rule("C26", "prohibited", "空间布局约束 第2条"),
             _rule("C25", "prohibited", "空间布局约束 第2条"),
             _rule("C", "conditional", "空间布局约束 第1条")],
    "重点管控": [_rule("C26", "conditional", "空间布局约束 第1条（入园）"),
             _rule("C17", "conditional", "空间布局约束 第1条（入园）"),
             _rule("C3011", "prohibited", "空间布局约束 第2条")],
    "一般管控": [_rule("C26", "prohibited", "空间布局约束 第1条")],
}  # fmt: skip
_TYPE_DIGIT = {"优先保护": "1", "重点管控": "2", "一般管控": "3"}


@dataclass(frozen=True)
class DemoSource:
    code: str
    name: str
    region_code: str
    lon: float
    lat: float


@dataclass
class DemoLayers:
    """The four layers as GeoJSON FeatureCollections (bytes) and what was planted."""

    units: bytes
    red_lines: bytes
    water_sources: bytes
    parks: bytes
    planted: list[tuple[int, str]]  # (enterprise id, feature code) deliberately inside


def _metres(g: BaseGeometry) -> BaseGeometry:
    return project_metres(g, EPSG_M)


def _lonlat(g: BaseGeometry) -> BaseGeometry:
    from pyproj import Transformer

    tf = Transformer.from_crs(EPSG_M, 4490, always_xy=True)
    return shapely.transform(g, lambda xy: np.column_stack(tf.transform(xy[:, 0], xy[:, 1])))


def _polygonal(g: BaseGeometry) -> Polygon | MultiPolygon | None:
    """The polygonal part of ``g`` (valid, rounded to 1e-6° ≈ 0.1 m), or None when empty."""
    g = shapely.make_valid(shapely.set_precision(g, 1e-6))
    if g.geom_type == "GeometryCollection":
        g = shapely.union_all([p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")])
    if g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    return g


def _feature(geom: BaseGeometry, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": mapping(geom), "properties": props}


def _fc(features: list[dict[str, Any]]) -> bytes:
    doc = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:4490"}},
           "features": features}  # fmt: skip
    return json.dumps(doc, ensure_ascii=False).encode()


def _blob(
    rng: np.random.Generator, lon: float, lat: float, radius_m: float, n: int = 40
) -> BaseGeometry:
    """An irregular closed shape round (lon, lat): radius varied by a few smooth harmonics."""
    c = _metres(Point(lon, lat))
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k in (2, 3, 5):
        r += rng.uniform(0.05, 0.18) * np.sin(k * t + rng.uniform(0, 2 * np.pi))
    ring = np.column_stack([c.x + radius_m * r * np.cos(t), c.y + radius_m * r * np.sin(t)])
    return _lonlat(Polygon(ring))


def _units(
    counties: list[dict[str, Any]], red: BaseGeometry, parks: BaseGeometry
) -> list[dict[str, Any]]:
    cell = CELL_DEG * CELL_DEG
    out = []
    for f in counties:
        props = f["properties"]
        county = _polygonal(shape(f["geometry"]))
        if county is None:
            continue
        x0, y0, x1, y1 = county.bounds
        pieces: list[BaseGeometry] = []
        for gx in np.arange(np.floor(x0 / CELL_DEG) * CELL_DEG, x1, CELL_DEG):
            for gy in np.arange(np.floor(y0 / CELL_DEG) * CELL_DEG, y1, CELL_DEG):
                p = _polygonal(county.intersection(box(gx, gy, gx + CELL_DEG, gy + CELL_DEG)))
                if p is not None:
                    pieces.append(p)
        # merge slivers into the neighbour sharing the longest edge (an island sliver stays)
        pieces.sort(key=lambda p: -p.area)
        big = [p for p in pieces if p.area >= SLIVER_SHARE * cell]
        small = [p for p in pieces if p.area < SLIVER_SHARE * cell]
        if not big:
            big, small = pieces[:1], pieces[1:]
        for s in small:
            shared = [b.boundary.intersection(s.boundary).length for b in big]
            if max(shared) > 0:
                i = int(np.argmax(shared))
                big[i] = _polygonal(big[i].union(s)) or big[i]
            else:
                big.append(s)
        seat = Point(*props["center"])
        for n, p in enumerate(sorted(big, key=lambda p: (-p.centroid.y, p.centroid.x)), 1):
            if p.intersection(red).area >= 0.3 * p.area:
                kind = "优先保护"
            elif p.intersects(parks) or p.contains(seat):
                kind = "重点管控"
            else:
                kind = "一般管控"
            code = f"ZH{props['code']}{_TYPE_DIGIT[kind]}{n:04d}"
            out.append(_feature(p, code=code, name=f"{props['name']}{kind}单元{n}（演示）",
                                unit_type=kind, region_code=props["code"],
                                requirements=_REQ[kind], rules=_RULES[kind]))  # fmt: skip
    return out


def build_demo_layers(counties: list[dict[str, Any]], sources: Sequence[DemoSource],
                      enterprises: Sequence[EnterpriseLocation], *, seed: int = 2021) -> DemoLayers:  # fmt: skip
    """The four layers (pure: county polygons, sources and enterprises in; GeoJSON out)."""
    rng = np.random.default_rng([seed, 20])
    names = {f["properties"]["code"]: f["properties"]["name"] for f in counties}
    province = shapely.union_all([_polygonal(shape(f["geometry"])) for f in counties])
    frame = box(*ZHEJIANG_BBOX).intersection(province)
    shapely.prepare(frame)
    pts = shapely.points(np.array([[e.longitude, e.latitude] for e in enterprises]).reshape(-1, 2))
    xy = (
        shapely.get_coordinates(_metres(shapely.multipoints(pts))) if len(pts) else np.empty((0, 2))
    )
    planted: list[tuple[int, str]] = []

    # red lines over the mountains, then planted round chosen enterprises
    reds: list[dict[str, Any]] = []
    for i, (name, lon, lat, km) in enumerate(MOUNTAINS, 1):
        g = _polygonal(_blob(rng, lon, lat, km * 1000.0).intersection(frame))
        if g is not None:
            reds.append(_feature(g, code=f"HX-330000-{i:02d}", name=f"{name}生态保护红线（演示）",
                                 region_code="330000"))  # fmt: skip
    red_union = shapely.union_all([shape(f["geometry"]) for f in reds])
    outside = [i for i, p in enumerate(pts) if not red_union.intersects(p)]
    for k, i in enumerate(
        sorted(rng.choice(outside, size=min(PLANTED_RED, len(outside)), replace=False))
    ):
        e = enterprises[int(i)]
        ang = rng.uniform(0, 2 * np.pi)  # the centre 400 m off the enterprise, radius 1.2 km
        c = _lonlat(Point(xy[i, 0] + 400 * np.cos(ang), xy[i, 1] + 400 * np.sin(ang)))
        g = _polygonal(_blob(rng, c.x, c.y, 1200.0).intersection(frame))
        if g is None or not g.intersects(pts[i]):
            continue
        code = f"HX-{e.region_code}-9{k + 1}"
        reds.append(
            _feature(
                g, code=code, name=f"湿地生态保护红线{k + 1}（演示）", region_code=e.region_code
            )
        )
        planted.append((e.id, code))

    # water-source zones: rings round each source; a few 一级 rings widened to an enterprise
    waters: list[dict[str, Any]] = []
    near: dict[str, tuple[float, int]] = {}
    for s in sources:
        c = _metres(Point(s.lon, s.lat))
        if len(xy):
            d = np.hypot(xy[:, 0] - c.x, xy[:, 1] - c.y)
            near[s.code] = (float(d.min()), int(d.argmin()))
    widen = sorted((v[0], code) for code, v in near.items() if RINGS_M[0] < v[0] <= 4000.0)
    widened = {code for _, code in widen[:PLANTED_FIRST_LEVEL]}
    for s in sources:
        c = _metres(Point(s.lon, s.lat))
        r1, r2, r3 = RINGS_M
        if s.code in widened:
            r1 = near[s.code][0] + 200.0
            r2, r3 = max(r2, r1 + 1500.0), max(r3, r1 + 4000.0)
        discs = [c.buffer(r, quad_segs=16) for r in (r1, r2, r3)]
        rings = [discs[0], discs[1].difference(discs[0]), discs[2].difference(discs[1])]
        for level, n, ring in zip(("一级", "二级", "准保护区"), (1, 2, 3), rings, strict=True):
            g = _polygonal(_lonlat(ring).intersection(frame))
            if g is None:
                continue
            code = f"SY-{s.code}-{n}"
            waters.append(_feature(g, code=code, name=f"{s.name}{level}保护区（演示）", level=level,
                                   site_code=s.code, region_code=s.region_code))  # fmt: skip
            if level == "一级" and s.code in widened:
                planted.append((enterprises[near[s.code][1]].id, code))

    # parks round enterprise clusters (greedy: densest seed first, members not reused)
    parks: list[dict[str, Any]] = []
    taken = np.zeros(len(enterprises), dtype=bool)
    used: BaseGeometry = Polygon()
    if len(xy):
        d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
        counts = (d <= PARK_RADIUS_M).sum(axis=1)
        for i in np.lexsort((np.arange(len(xy)), -counts)):
            if len(parks) >= PARK_MAX or counts[i] < PARK_MIN_MEMBERS:
                break
            members = np.flatnonzero((d[i] <= PARK_RADIUS_M) & ~taken)
            if taken[i] or len(members) < PARK_MIN_MEMBERS:
                continue
            hull = shapely.multipoints(xy[members]).convex_hull.buffer(600.0, quad_segs=8)
            g = _polygonal(_lonlat(hull).intersection(frame).difference(used))
            if g is None:
                continue
            taken[members] = True
            used = used.union(g)
            e = enterprises[int(i)]
            county = names.get(e.region_code, e.region_code)
            parks.append(_feature(g, code=f"YQ-{e.region_code}-{len(parks) + 1:02d}",
                                  name=f"{county}产业集聚园区{len(parks) + 1}（演示）",
                                  region_code=e.region_code))  # fmt: skip
    units = _units(counties, red_union, used)
    return DemoLayers(_fc(units), _fc(reds), _fc(waters), _fc(parks), planted)


def seed_demo_zones(engine: Engine, locations: EnterpriseLocations, *, now: datetime,
                    seed: int = 2021) -> str | None:  # fmt: skip
    """Import the four synthetic layers and run the enterprise sweep once (its cases through
    the cases' sink); None when the demo layers exist already. ``locations``: the archive's
    enterprises as the platform wires them (:class:`~qingshan.sim.demo.DemoLinks`)."""
    with session_scope(engine) as session:
        if session.scalar(select(ZoneLayer.id).where(ZoneLayer.source == SOURCE).limit(1)):
            return None
        sources = [DemoSource(s.code, s.name, s.region_code, float(s.longitude), float(s.latitude))
                   for s in get_sites(session, SCOPE, SiteKind.DRINKING_WATER_SOURCE)
                   if s.longitude is not None and s.latitude is not None]  # fmt: skip
        enterprises = locations(session, "330000")
    layers = build_demo_layers(
        read_county_boundaries()["features"], sources, enterprises, seed=seed
    )
    counts = []
    with session_scope(engine) as session:
        for kind, name, version, since, data in (
            (LayerKind.CONTROL_UNIT, "浙江省生态环境管控单元（演示）", "2024-demo", date(2024, 1, 1), layers.units),
            (LayerKind.RED_LINE, "浙江省生态保护红线（演示）", "2023-demo", date(2023, 1, 1), layers.red_lines),
            (LayerKind.WATER_SOURCE, "浙江省饮用水水源保护区（演示）", "2024-demo", date(2024, 1, 1), layers.water_sources),
            (LayerKind.PARK, "浙江省产业园区（演示）", "2024-demo", date(2024, 1, 1), layers.parks),
        ):  # fmt: skip
            n = len(json.loads(data)["features"])
            if n == 0:  # e.g. no enterprise cluster (small demo): no park layer
                continue
            meta = LayerMeta(kind, name, version, "330000", since, source=SOURCE, synthetic=True)
            import_layer(session, SCOPE, meta, data, f"demo-{kind.value}.geojson", actor="demo", now=now,
                         sources=drinking_water_source_codes)  # fmt: skip
            counts.append(f"{n} {kind.value}")
    with session_scope(engine) as session:
        # registered at the demo's present (which may run ahead of the wall clock by the hour)
        sink = CasesSink(actor="demo", registered_at=lambda r: r.occurred_at)
        run = run_sweep(session, sink, locations, now=now)
    return (f"{', '.join(counts)} features (synthetic); sweep: {run.enterprises} enterprises, "
            f"{run.hits} inside a red line or 一级 zone ({len(layers.planted)} planted) → {run.cases} cases")  # fmt: skip
