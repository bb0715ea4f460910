"""Siting-check latency (issue #20): a polygon site against a few thousand synthetic features.

Synthetic layers over Zhejiang's extent (seeded): control units as a jittered grid of 48-vertex
polygons covering the province, red lines, first- and second-level water-source zones and parks
as 32-vertex blobs. Timed:

- ``pure``: :func:`qingshan.zones.siting.siting_check` over a prebuilt :class:`ZoneIndex`
  (STRtree) — the cost once the layers are in memory;
- ``service``: :func:`qingshan.zones.service.check_site` on a migrated SQLite file — loads the
  features whose bounding box meets the site's (an indexed range query would help at province
  scale; today a bbox filter in SQL), builds the index, checks;
- ``build``: the STRtree over all features.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from shapely.geometry import Polygon, box, mapping

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.zones import service
from qingshan.zones.layers import LayerKind, ZoneFeature
from qingshan.zones.siting import ZoneIndex, siting_check

X0, Y0, X1, Y1 = 118.1, 27.1, 122.9, 31.1


def _blob(rng: np.random.Generator, cx: float, cy: float, r: float, n: int) -> Polygon:
    a = np.sort(rng.uniform(0, 2 * np.pi, n))
    rad = r * rng.uniform(0.7, 1.0, n)
    return Polygon(np.column_stack([cx + rad * np.cos(a), cy + rad * np.sin(a)]))


def _layers(n_units: int, seed: int = 7) -> dict[LayerKind, list[Polygon]]:
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_units)))
    dx, dy = (X1 - X0) / side, (Y1 - Y0) / side
    units = [_blob(rng, X0 + (i + 0.5) * dx, Y0 + (j + 0.5) * dy, 0.75 * max(dx, dy), 48)
             for i in range(side) for j in range(side)][:n_units]  # fmt: skip

    def blobs(n: int, r: float) -> list[Polygon]:
        return [
            _blob(rng, rng.uniform(X0 + r, X1 - r), rng.uniform(Y0 + r, Y1 - r), r, 32)
            for _ in range(n)
        ]

    return {LayerKind.CONTROL_UNIT: units, LayerKind.RED_LINE: blobs(n_units // 4, 0.05),
            LayerKind.WATER_SOURCE: blobs(n_units // 10, 0.02), LayerKind.PARK: blobs(n_units // 20, 0.03)}  # fmt: skip


def _sites(n: int, seed: int = 11) -> list[Polygon]:
    rng = np.random.default_rng(seed)
    return [box(x, y, x + 0.01, y + 0.008) for x, y in zip(rng.uniform(X0, X1 - 0.01, n),
                                                           rng.uniform(Y0, Y1 - 0.01, n), strict=True)]  # fmt: skip


def _fc(kind: LayerKind, polys: list[Polygon]) -> bytes:
    feats = []
    for i, p in enumerate(polys):
        props: dict = {"code": f"{kind.value}-{i}", "name": f"{kind.value} {i}"}
        if kind is LayerKind.CONTROL_UNIT:
            props |= {"unit_type": ("优先保护", "重点管控", "一般管控")[i % 3],
                      "rules": [{"prefix": "C26", "verdict": "prohibited", "clause": "synthetic"}]}  # fmt: skip
        if kind is LayerKind.WATER_SOURCE:
            props |= {"level": ("一级", "二级")[i % 2], "site_code": f"DW{i:03d}"}
        feats.append({"type": "Feature", "geometry": mapping(p), "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": feats}).encode()


def run(quick: bool = False) -> list[dict]:
    rows = []
    for n_units in [500] if quick else [500, 2000]:
        layers = _layers(n_units)
        feats, geoms = [], []
        for kind, polys in layers.items():
            for i, p in enumerate(polys):
                feats.append(
                    ZoneFeature(
                        len(feats) + 1, 1, kind, kind.value, "bench", f"{kind.value}-{i}", ""
                    )
                )
                geoms.append(p)
        t = time.perf_counter()
        index = ZoneIndex(feats, geoms)
        build = time.perf_counter() - t
        sites = _sites(200 if quick else 1000)
        t = time.perf_counter()
        hits = sum(len(siting_check(index, s, "C2614").hits) for s in sites)
        pure = (time.perf_counter() - t) / len(sites)
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{Path(tmp) / 'zones.db'}")
            upgrade(engine)
            scope = Scope("330000", Role.PROVINCE, username="bench")
            now = datetime.now(UTC)
            with session_scope(engine) as s:
                seed_regions(s)
                t = time.perf_counter()
                for kind, polys in layers.items():
                    service.import_layer(s, scope, service.LayerMeta(kind, kind.value, "bench", "330000",
                                                                     date(2024, 1, 1)),
                                         _fc(kind, polys), "bench.geojson", actor="bench", now=now)  # fmt: skip
                imported = time.perf_counter() - t
            few = sites[: 100 if quick else 200]
            with session_scope(engine) as s:
                t = time.perf_counter()
                for site in few:
                    service.check_site(s, scope, mapping(site), "C2614", on=date(2026, 6, 1))
                svc = (time.perf_counter() - t) / len(few)
            engine.dispose()
        rows.append({"features": len(feats), "units": n_units, "build_ms": build * 1e3,
                     "pure_check_ms": pure * 1e3, "mean_hits": hits / len(sites),
                     "service_check_ms": svc * 1e3, "import_s": imported})  # fmt: skip
    return rows
