"""Siting-check latency (issue #20): a polygon site against a few thousand synthetic features.

Synthetic layers over Zhejiang's extent (seeded): control units as a jittered grid of 48-vertex
polygons covering the province, red lines, first- and second-level water-source zones and parks
as 32-vertex blobs. Timed:

- ``pure``: :func:`qingshan.zones.siting.siting_check` over a prebuilt :class:`ZoneIndex`
  (STRtree) — the cost once the layers are in memory;
- ``service``: :func:`qingshan.zones.service.check_site` on a migrated database — selects the
  candidate features, builds the index over them, checks — on each backend: ``sqlite`` and
  ``postgresql`` (no PostGIS: the features whose bounding box meets the site's box widened by
  the near-miss distance, 1 km, from the bbox columns) and ``postgis`` (``ST_Intersects`` of
  that widened box with the GiST-indexed ``zone_feature.geom``: only the features that reach
  into it); ``rows_read`` is the mean number of candidates a check loads.
  PostgreSQL: ``BENCH_PG_URL`` or a throwaway cluster (as in bench_cases); PostGIS only where
  the extension is installed. ``BENCH_ZONES_UNITS`` (default ``500,2000``: 700 and 2,800
  features) sets the sizes;
- ``build``: the STRtree over all features.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from shapely.geometry import Polygon, box, mapping
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.zones import postgis, service
from qingshan.zones.layers import LayerKind, ZoneFeature
from qingshan.zones.siting import NEAR_MISS_M, ZoneIndex, siting_check, widen

from .bench_cases import postgres

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


@contextmanager
def _databases() -> Iterator[list[tuple[str, str]]]:
    """(backend, URL) of a fresh SQLite file, PostgreSQL without PostGIS and with it."""
    with tempfile.TemporaryDirectory() as tmp, postgres() as url:
        out = [("sqlite", f"sqlite:///{Path(tmp) / 'zones.db'}")]
        made = []
        if url:
            admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                gis = conn.scalar(
                    text("SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")
                )
                for backend in ["postgresql", "postgis"] if gis else ["postgresql"]:
                    name = f"bench_zones_{backend}_{os.getpid()}"
                    conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
                    conn.execute(text(f"CREATE DATABASE {name}"))
                    if backend == "postgresql":  # read by migration 0025_zone_postgis
                        conn.execute(text(f"ALTER DATABASE {name} SET qingshan.postgis = 'off'"))
                    made.append(name)
                    out.append((backend, f"{url.rsplit('/', 1)[0]}/{name}"))
        try:
            yield out
        finally:
            if made:
                with admin.connect() as conn:
                    for name in made:
                        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                admin.dispose()


SCOPE = Scope("330000", Role.PROVINCE, username="bench")
ON = date(2026, 6, 1)


def _load(url: str, backend: str, layers: dict[LayerKind, list[Polygon]]) -> tuple[Engine, float]:
    """A migrated database at ``url`` with the layers imported; the import's seconds."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        t = time.perf_counter()
        for kind, polys in layers.items():
            service.import_layer(s, SCOPE, service.LayerMeta(kind, kind.value, "bench", "330000",
                                                             date(2024, 1, 1)),
                                 _fc(kind, polys), "bench.geojson", actor="bench", now=datetime.now(UTC))  # fmt: skip
        imported = time.perf_counter() - t
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE zone_feature"))
    with session_scope(engine) as s:
        assert postgis.enabled(s) is (backend == "postgis"), backend
    return engine, imported


def _answers(engine: Engine, sites: list[Polygon]) -> list[tuple]:
    """The touched features, the verdict and the near misses per site (must be the same on
    every backend)."""
    with session_scope(engine) as s:
        out = []
        for x in sites:
            r = service.check_site(s, SCOPE, mapping(x), "C2614", on=ON)
            out.append(([h.feature.code for h in r.hits], r.verdict.value,
                        [(n.feature.code, round(n.distance_m, 6)) for n in r.near]))  # fmt: skip
        return out


def _server_cpu(session: Session) -> float:
    """CPU seconds of the session's PostgreSQL backend so far (/proc, same machine); 0 on SQLite."""
    if session.get_bind().dialect.name != "postgresql":
        return 0.0
    pid = session.scalar(text("SELECT pg_backend_pid()"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _round(engine: Engine, sites: list[Polygon]) -> tuple[float, float, float, float]:
    """Per site: candidate selection (zone_index) seconds, the whole service check's seconds and
    its CPU seconds (this process + the PostgreSQL backend: what a loaded machine does not
    inflate), rows read."""
    with session_scope(engine) as s:
        t = time.perf_counter()
        # as check_site selects: the site's box widened by the near-miss distance
        boxes = [box(*widen(x.bounds, NEAR_MISS_M)) for x in sites]
        rows = sum(len(service.zone_index(s, SCOPE, ON, site=b).features) for b in boxes)
        select_s = time.perf_counter() - t
        cpu0, server0 = time.process_time(), _server_cpu(s)
        t = time.perf_counter()
        for x in sites:
            service.check_site(s, SCOPE, mapping(x), "C2614", on=ON)
        check_s = time.perf_counter() - t
        cpu = time.process_time() - cpu0 + _server_cpu(s) - server0
    n = len(sites)
    return select_s / n, check_s / n, cpu / n, rows / n


def run(quick: bool = False) -> list[dict]:
    rows = []
    sizes = os.environ.get("BENCH_ZONES_UNITS", "500" if quick else "500,2000")  # control units
    for n_units in [int(n) for n in sizes.split(",")]:
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
        few = sites[: 100 if quick else 200]
        with _databases() as dbs:
            loaded = {backend: _load(url, backend, layers) for backend, url in dbs}
            answers = {b: _answers(e, few) for b, (e, _) in loaded.items()}
            first = next(iter(answers.values()))
            assert all(v == first for v in answers.values()), "the backends answered differently"
            # a shared, loaded machine: the backends interleaved, the median of 7 rounds each
            timed: dict[str, list[tuple[float, float, float, float]]] = {b: [] for b in loaded}
            for _ in range(7):
                for b, (e, _) in loaded.items():
                    timed[b].append(_round(e, few))
            for b, (e, imported) in loaded.items():
                e.dispose()
                rows.append({"features": len(feats), "backend": b, "build_ms": build * 1e3,
                             "pure_check_ms": pure * 1e3, "mean_hits": hits / len(sites),
                             "select_ms": statistics.median(r[0] for r in timed[b]) * 1e3,
                             "service_check_ms": statistics.median(r[1] for r in timed[b]) * 1e3,
                             "service_cpu_ms": statistics.median(r[2] for r in timed[b]) * 1e3,
                             "rows_read": timed[b][0][3], "import_s": imported})  # fmt: skip
    return rows
