"""The demo's groundwater (issue #24, area groundwater), every record synthetic:

- 80 monitoring wells (sites of kind ``groundwater_well``) across the province — three in 西湖
  for the county account, more in 杭州 for the city account, then one or two in most counties —
  each at a point inside its county: 20 国考, 25 省控, 25 区域 and 10 污染源监控 wells (those
  beside an archive enterprise of the county, owned by it), phreatic or confined, 8–120 m deep;
- 8 quarters of samples per well ending at the demo's now (17 indicators of GB/T 14848-2017
  Table 1: pH, hardness, TDS, sulfate, chloride, Fe, Mn, NH3-N, nitrate, nitrite, 耗氧量, F,
  As, Pb, Cd, Hg, Cr6+), each written as observations and classed: a well has a character
  (its worst indicator's usual class; about 2 % I, 5 % II, 38 % III, 40 % IV, 15 % V) set by
  Mn, Fe, NH3-N or total hardness — Zhejiang's usual reasons —, the quarters varying around it
  so that a few wells change class;
- 5 pollution-prevention zones (two 保护区: 西湖 hills and 千岛湖; two 防控区: 上虞 and 鄞州's
  industrial belts; one 治理区 in 长兴's old battery and mining area), octagons of 2–8 km radius.

Idempotent: nothing is added when the first demo well exists. Deterministic (seeded).
"""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_directory
from qingshan.db.engine import session_scope
from qingshan.geo.counties import county_at
from qingshan.geo.regions import REGIONS, RegionLevel
from qingshan.monitoring.models import Site
from qingshan.sim.placement import point_in_county
from qingshan.soil.groundwater import service as svc
from qingshan.soil.groundwater.service import SampleRow
from qingshan.soil.groundwater.wells import WellInput
from qingshan.soil.groundwater.zoning import ZoneInput
from qingshan.standards import groundwater as gbt14848
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

__all__ = ["seed_demo_soil_groundwater", "DEMO_WELLS"]

DEMO_WELLS = 80
SEED = 2414848
PROVINCE = Scope("330000", Role.PROVINCE, username="demo")
ACTOR = "demo"
#: counties given wells first: 西湖 ×3 (county account), more of 杭州 (city account)
FIXED = ("330106", "330106", "330106", "330105", "330108", "330109", "330110", "330111",
         "330127")  # fmt: skip
INDICATORS = ("pH", "TotalHardness", "TDS", "SO4", "Cl", "Fe", "Mn", "NH3_N", "NO3_N", "NO2_N",
              "CODMn", "F", "As", "Pb", "Cd", "Hg", "Cr6")  # fmt: skip
#: usual class of the background indicators (I, II, III) and of the trace ones
MAJOR = ("TotalHardness", "TDS", "SO4", "Cl", "NO3_N", "NO2_N", "CODMn", "F", "Fe", "Mn", "NH3_N")
TRACE = ("As", "Pb", "Cd", "Hg", "Cr6")
#: the indicators that make a well class IV / V in Zhejiang's monitoring (iron and manganese of
#: reducing aquifers, ammonia of the plains, hardness of the karst)
DRIVERS_V = ("Mn", "Fe", "NH3_N", "TotalHardness")
DRIVERS_IV = ("Mn", "Fe", "NH3_N", "TotalHardness", "CODMn", "TDS")
ZONES = (
    ("GWZ-330106-01", "西湖西部山区地下水保护区", "protection", "330106", (120.095, 30.225), 2.0),
    ("GWZ-330127-01", "千岛湖汇水区地下水保护区", "protection", "330127", (118.98, 29.60), 8.0),
    ("GWZ-330604-01", "杭州湾上虞经济技术开发区地下水防控区", "prevention", "330604",
     (120.86, 30.12), 5.0),
    ("GWZ-330212-01", "鄞州工业集聚区地下水防控区", "prevention", "330212", (121.60, 29.78), 4.0),
    ("GWZ-330522-01", "长兴铅蓄电池及矿区地下水治理区", "remediation", "330522", (119.90, 31.02),
     3.0),
)  # fmt: skip


def _limits(key: str) -> list[float]:
    return [float(x) for x in gbt14848.INDICATORS[key].limits if x is not None]


def _value_in(rng: np.random.Generator, key: str, klass: int) -> float:
    """A value of indicator ``key`` inside class ``klass`` (1–5) of GB/T 14848-2017, away from
    the edges; a class sharing its limit with a better one (§6.2: the better is taken) moves to
    the next that exists."""
    lim = _limits(key)
    edges = [0.0, *lim, lim[-1] * 2.0]
    k = klass
    while k > 1 and edges[k - 1] >= edges[k]:
        k -= 1  # II of Mn (= I's limit) does not exist: I
    lo, hi = edges[k - 1], edges[k]
    return lo + (hi - lo) * float(rng.uniform(0.2, 0.85))


def _octagon(lon: float, lat: float, r_km: float) -> dict:
    dlat = r_km / 111.0
    dlon = r_km / (111.32 * math.cos(math.radians(lat)))
    ring = [[round(lon + dlon * math.cos(math.pi * k / 4), 5),
             round(lat + dlat * math.sin(math.pi * k / 4), 5)] for k in range(8)]  # fmt: skip
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _quarters(now: datetime, n: int = 8) -> list[tuple[int, int]]:
    """The (year, mid-month) of the last ``n`` quarters whose mid-month has begun by ``now``."""
    today = now.astimezone(CST).date()
    out: list[tuple[int, int]] = []
    y, m = today.year, (today.month - 1) // 3 * 3 + 2  # this quarter's mid-month
    while len(out) < n:
        if date(y, m, 1) <= today:
            out.append((y, m))
        m -= 3
        if m < 1:
            y, m = y - 1, m + 12
    return out[::-1]


def seed_demo_soil_groundwater(engine: Engine, store: ObservationStore, *,
                               now: datetime) -> dict[str, int] | None:  # fmt: skip
    """Seed the demo's wells, their samples and the zones; None when already seeded."""
    rng = np.random.default_rng(SEED)
    first = f"GW{FIXED[0]}01"
    with session_scope(engine) as s:
        if s.scalar(select(Site.id).where(Site.code == first)) is not None:
            return None
    counties = sorted(c for c, r in REGIONS.items() if r.level is RegionLevel.COUNTY)
    rng.shuffle(counties)
    chosen = list(FIXED) + [c for c in counties if c not in FIXED]
    chosen = (chosen * 2)[:DEMO_WELLS]
    types = ["national"] * 20 + ["provincial"] * 25 + ["regional"] * 25 + ["pollution_source"] * 10
    rng.shuffle(types)
    types[0] = "national"  # 西湖's first well: a national one
    types[1] = "pollution_source"
    today = now.astimezone(CST).date()
    quarters = _quarters(now)
    rows: list[SampleRow] = []
    n_by_county: dict[str, int] = {}
    with session_scope(engine) as s:
        directory: dict[str, list] = {}
        for i, county in enumerate(chosen):
            n_by_county[county] = n_by_county.get(county, 0) + 1
            code = f"GW{county}{n_by_county[county]:02d}"
            wtype, ent = types[i], None
            lon, lat = point_in_county(rng, county)
            if wtype == "pollution_source":
                if county not in directory:
                    directory[county] = [e for e in enterprise_directory(s, county)
                                         if e.longitude is not None and e.latitude is not None]  # fmt: skip
                ents = directory[county]
                if ents:
                    e = ents[int(rng.integers(len(ents)))]
                    near = (round(e.longitude + 0.002, 5), round(e.latitude + 0.001, 5))
                    if county_at(*near) == county:
                        lon, lat, ent = near[0], near[1], e.id
                if ent is None:
                    wtype = "regional"
            name = REGIONS[county].name + ("污染源监控井" if ent else "地下水监测井") + \
                f"{n_by_county[county]}号"  # fmt: skip
            aquifer = "confined" if rng.random() < 0.35 else (
                "fissure" if rng.random() < 0.2 else "phreatic")  # fmt: skip
            depth = float(
                round(rng.uniform(40, 120) if aquifer == "confined" else rng.uniform(8, 35), 1)
            )
            site = svc.register_well(s, PROVINCE, WellInput(code, name, county, lon, lat, wtype,
                                                             aquifer, depth, ent))  # fmt: skip
            site.attrs = {**(site.attrs or {}), "synthetic": True}
            # the well's character: its usual worst class and what sets it
            target = int(rng.choice([1, 2, 3, 4, 5], p=[0.02, 0.05, 0.38, 0.40, 0.15]))
            base = {k: int(rng.choice([1, 2, 3], p=[0.45, 0.35, 0.20])) for k in MAJOR}
            base.update({k: int(rng.choice([1, 2], p=[0.7, 0.3])) for k in TRACE})
            base = {k: min(v, target) for k, v in base.items()}
            if target >= 3:
                pool = DRIVERS_V if target == 5 else DRIVERS_IV if target == 4 else MAJOR
                base[str(rng.choice(pool))] = target
            level = {k: _value_in(rng, k, c) for k, c in base.items()}
            ph0 = float(rng.uniform(6.7, 8.1))
            for y, m in quarters:
                day = date(y, m, 3 + (i % 20))
                if day > today:
                    continue
                vals: dict[str, object] = {"pH": round(ph0 + float(rng.normal(0, 0.12)), 2)}
                for k, v in level.items():
                    vals[k] = float(f"{v * float(rng.lognormal(0, 0.15)):.4g}")
                rows.append(SampleRow(code, day, vals, synthetic=True))
        s.flush()
        n = svc.add_samples(s, store, PROVINCE, rows, actor=ACTOR, now=now)
        for code, name, kind, county, (lon, lat), r_km in ZONES:
            svc.add_zone(s, PROVINCE, ZoneInput(code, name, kind, county, _octagon(lon, lat, r_km),
                                                note="示例数据（合成） synthetic demo zone"),
                         actor=ACTOR, now=now, synthetic=True)  # fmt: skip
    return {"wells": len(chosen), "samples": n, "zones": len(ZONES)}
