"""Demo low-emission zones and non-road machinery sites (issue #21), all synthetic.

One low-emission zone (禁止使用高排放非道路移动机械区域, zones layer kind ``low_emission``) per
city: a square of ±0.04° (≈ 4 × 4.5 km) around the city's urban centre
(:data:`qingshan.sim.cities.CITIES`), prohibiting 国II and older (``level`` 国II) — the shape,
size and stage are demo assumptions, not any city's published zone. Every registered machine
without a site gets one scattered around its city's centre *outside* the zone; then up to
:data:`PLANTED_PER_CITY` machines of 国I / 国II per city are planted inside (the truth the check
must find) and one 国III / 国IV per city inside as an allowed control. The check then runs once
and opens the cases through the cases' sink, registered at the demo's present.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases.sink import CasesSink
from qingshan.db.engine import session_scope
from qingshan.sim.cities import CITIES
from qingshan.vehicles.models import NonRoadMachine
from qingshan.vehicles.nonroad_service import open_lez_cases
from qingshan.zones.layers import LayerKind
from qingshan.zones.models import ZoneLayer
from qingshan.zones.service import LayerMeta, import_layer

__all__ = ["SOURCE", "HALF_DEG", "PLANTED_PER_CITY", "lez_square", "seed_demo_nonroad"]

SOURCE = "demo-nonroad-lez (synthetic)"
HALF_DEG = 0.04
PLANTED_PER_CITY = 3
SCOPE = Scope("330000", Role.PROVINCE, username="demo")


def lez_square(lon: float, lat: float, half: float = HALF_DEG) -> list[list[float]]:
    """The ring of a square of ± ``half`` degrees around (lon, lat)."""
    return [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
            [lon - half, lat + half], [lon - half, lat - half]]  # fmt: skip


def seed_demo_nonroad(engine: Engine, *, now: datetime, seed: int = 2021) -> str | None:
    """Import the demo zones, give the machines their sites, plant the old machines inside and
    open their cases; None when the demo zones exist already or no machine is registered."""
    rng = np.random.default_rng(seed)
    with session_scope(engine) as session:
        if session.scalar(select(ZoneLayer.id).where(ZoneLayer.source == SOURCE).limit(1)):
            return None
        machines = list(session.scalars(select(NonRoadMachine).order_by(NonRoadMachine.code)))
        if not machines:
            return None
        for city in CITIES.values():
            data = json.dumps({"type": "FeatureCollection", "features": [{
                "type": "Feature", "geometry": {"type": "Polygon", "coordinates": [lez_square(city.lon, city.lat)]},
                "properties": {"code": f"LEZ-{city.code}", "name": f"{city.name}市高排放非道路移动机械禁用区（演示）",
                               "level": "国II", "region_code": city.code}}]}).encode()  # fmt: skip
            meta = LayerMeta(LayerKind.LOW_EMISSION, f"{city.name}市高排放非道路移动机械禁用区（演示）", "2024-demo",
                             city.code, date(2024, 1, 1), source=SOURCE, synthetic=True)  # fmt: skip
            import_layer(
                session, SCOPE, meta, data, f"demo-lez-{city.code}.geojson", actor="demo", now=now
            )
        planted = 0
        inside_old: dict[str, int] = {}
        inside_new: set[str] = set()
        for i, m in enumerate(machines):
            home = CITIES.get(m.region_code[:4] + "00")
            if home is None or m.lon is not None:
                continue
            old = m.engine_stage in ("国I", "国II")
            if old and inside_old.get(home.code, 0) < PLANTED_PER_CITY:
                inside_old[home.code] = inside_old.get(home.code, 0) + 1
                planted += 1
                dx, dy = rng.uniform(-0.8, 0.8, 2) * HALF_DEG
            elif not old and home.code not in inside_new:
                inside_new.add(home.code)
                dx, dy = rng.uniform(-0.8, 0.8, 2) * HALF_DEG
            else:
                while True:  # outside the square, within the city's spread
                    dx, dy = rng.uniform(-1, 1, 2) * home.spread
                    if max(abs(dx), abs(dy)) > HALF_DEG * 1.05:
                        break
            m.lon, m.lat = round(home.lon + float(dx), 6), round(home.lat + float(dy), 6)
            m.site = f"{home.name}合成工地{i % 97:02d}（synthetic）"
    with session_scope(engine) as session:
        sink = CasesSink(actor="demo", registered_at=lambda r: r.occurred_at)
        cases = open_lez_cases(session, SCOPE, sink, on=now.date(), found_at=now)
    return (f"{len(CITIES)} low-emission zones, {len(machines):,} machine sites, {planted} old machines "
            f"planted inside → {len(cases)} cases (synthetic)")  # fmt: skip
