"""The demo's farmland (issue #24, area farmland), every record synthetic:

- 200 plots (80 in the small demo) of 20–400 亩 across the province's farming counties — six in
  西湖 (转塘/双浦) for the county account, ten in each of six counties with old mines and smelters
  (诸暨, 长兴, 遂昌, 平阳, 富阳, 常山) —, each a square of its area around a point inside its
  county; 水田 mostly, then 其他 (dry land), a few 果园 and 水旱轮作;
- two soil samples per plot (0–20 cm, mg/kg, pH 4.8–7.6 as Zhejiang's red and paddy soils
  have): one from 2023 and one from the demo's year, judged by GB 15618-2018 — mostly 优先保护,
  some 安全利用 (Cd first, then Pb, As, Hg), a few 严格管控 around the mining counties; about one
  plot in ten changes category between the two (history);
- measures for the current and last year: 安全利用 plots limed, water-managed or sown with
  low-accumulation rice, their produce meeting the standard in most cases; 严格管控 plots under
  crop change, fallow or return to forest — the safe-use rate lands near 80 % (some produce
  still failing or not yet evaluated), so the page has a gap to show.

Idempotent: nothing is added when the first demo plot exists. Deterministic (seeded).
"""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.geo.regions import REGIONS, RegionLevel
from qingshan.sim.placement import point_in_county
from qingshan.soil.farmland import service as svc
from qingshan.soil.farmland.models import FarmPlot
from qingshan.soil.farmland.plots import M2_PER_MU, PlotInput, SampleInput
from qingshan.soil.farmland.safeuse import SAFE_USE_MEASURES, STRICT_MEASURES
from qingshan.standards import soil_farmland as gb15618
from qingshan.timeutil import CST

__all__ = ["seed_demo_soil_farmland", "MINING_COUNTIES"]

SEED = 1561818
PROVINCE = Scope("330000", Role.PROVINCE, username="demo")
ACTOR = "demo"
#: counties with old lead–zinc, silver or alum mines, smelters or battery works
MINING_COUNTIES = ("330681", "330522", "331123", "330326", "330111", "330822")
#: central urban districts without farmland plots
URBAN = ("330102", "330105", "330302", "330402", "330502", "330602", "330702", "331002")
CONTROLLED = ("Cd", "Pb", "As", "Hg", "Cr")
OTHERS = ("Cu", "Zn", "Ni")
TOWNS = ("东", "西", "南", "北", "新", "塘", "桥", "湾", "畈", "垟")


def _square(lon: float, lat: float, area_m2: float) -> dict:
    half = math.sqrt(area_m2) / 2
    dlat = half / 111_000
    dlon = half / (111_320 * math.cos(math.radians(lat)))
    ring = [[lon - dlon, lat - dlat], [lon + dlon, lat - dlat], [lon + dlon, lat + dlat],
            [lon - dlon, lat + dlat], [lon - dlon, lat - dlat]]  # fmt: skip
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _values(rng: np.random.Generator, category: str, ph: float, land_use: str) -> dict[str, float]:
    """Item contents [mg/kg] that GB 15618-2018 puts in ``category`` at ``ph`` and ``land_use``."""
    out: dict[str, float] = {}
    for k in (*CONTROLLED, *OTHERS):
        sv = gb15618.screening_value(k, ph, land_use)
        out[k] = float(f"{sv * float(rng.uniform(0.2, 0.8)):.3g}")
    if category != "priority_protection":
        k = str(rng.choice(CONTROLLED[:4], p=[0.6, 0.2, 0.15, 0.05]))
        sv = gb15618.screening_value(k, ph, land_use)
        cv = gb15618.control_value(k, ph)
        assert cv is not None
        x = sv + (cv - sv) * float(rng.uniform(0.1, 0.8)) if category == "safe_use" else \
            cv * float(rng.uniform(1.1, 1.7))  # fmt: skip
        out[k] = float(f"{x:.3g}")
    return out


def seed_demo_soil_farmland(engine: Engine, *, now: datetime,
                            n_plots: int = 200) -> dict[str, object] | None:  # fmt: skip
    """Seed the demo's plots, samples and measures; None when already seeded."""
    rng = np.random.default_rng(SEED)
    with session_scope(engine) as s:
        if s.scalar(select(FarmPlot.id).where(FarmPlot.code == "FP330106001")) is not None:
            return None
    today = now.astimezone(CST).date()
    counties = sorted(c for c, r in REGIONS.items()
                      if r.level is RegionLevel.COUNTY and c not in URBAN and c not in MINING_COUNTIES)  # fmt: skip
    rng.shuffle(counties)
    n_mining = 10 if n_plots >= 150 else 4
    chosen = ["330106"] * 6 + [c for c in MINING_COUNTIES for _ in range(n_mining)]
    rest = n_plots - len(chosen)
    chosen += [counties[i % len(counties)] for i in range(rest)]
    seq: dict[str, int] = {}
    samples: list[SampleInput] = []
    plan: list[tuple[str, str, str, float]] = []  # code, first category, now category, area
    with session_scope(engine) as s:
        for county in chosen:
            seq[county] = seq.get(county, 0) + 1
            code = f"FP{county}{seq[county]:03d}"
            lon, lat = point_in_county(rng, county)
            land_use = str(rng.choice(["paddy", "other", "orchard", "rotation"],
                                      p=[0.6, 0.3, 0.05, 0.05]))  # fmt: skip
            area_m2 = round(float(rng.uniform(20, 400)) * M2_PER_MU, 1)
            mining = county in MINING_COUNTIES
            p = [0.40, 0.40, 0.20] if mining else [0.90, 0.095, 0.005]
            cat_now = str(rng.choice(gb15618.CATEGORIES, p=p))
            cat_then = cat_now
            if rng.random() < 0.1:  # one plot in ten changed since 2023
                cat_then = {"priority_protection": "safe_use", "safe_use": "priority_protection",
                            "strict_control": "safe_use"}[cat_now]  # fmt: skip
            town = TOWNS[int(rng.integers(len(TOWNS)))]
            kind = {"paddy": "水田", "other": "旱地", "orchard": "果园", "rotation": "轮作田"}[
                land_use
            ]
            name = f"{REGIONS[county].name}{town}畈{seq[county]}号{kind}"
            svc.register_plot(s, PROVINCE, PlotInput(code, name, county, land_use, lon, lat,
                                                     area_m2=area_m2,
                                                     boundary=_square(lon, lat, area_m2)),
                              actor=ACTOR, now=now, synthetic=True)  # fmt: skip
            ph = round(float(rng.uniform(4.8, 7.6)), 2)
            for day, cat in ((date(2023, int(rng.integers(4, 10)), int(rng.integers(1, 28))), cat_then),
                             (date(today.year, int(rng.integers(3, min(today.month, 9) + 1)),
                                   int(rng.integers(1, 28))), cat_now)):  # fmt: skip
                ph_s = round(ph + float(rng.normal(0, 0.1)), 2)
                samples.append(SampleInput(code, min(day, today), 0, 20, "mg/kg", ph_s,
                                           _values(rng, cat, ph_s, land_use)))  # fmt: skip
            plan.append((code, cat_then, cat_now, area_m2))
        n = svc.add_samples(s, PROVINCE, samples, actor=ACTOR, now=now, synthetic=True)
        measures = 0
        for code, _, _, area in plan:
            plot = svc.get_plot(s, PROVINCE, code)
            for year in (today.year - 1, today.year):
                if plot.category == "safe_use":
                    kinds = rng.choice(list(SAFE_USE_MEASURES), size=int(rng.integers(1, 3)),
                                       replace=False)  # fmt: skip
                    r = rng.random()
                    effective = True if r < 0.93 else False if r < 0.96 else None
                    for k in kinds:
                        svc.add_measure(s, PROVINCE, code, kind=str(k), year=year, area_m2=area,
                                        started_on=date(year, 3, 1), effective=effective,
                                        note="示例数据（合成）", actor=ACTOR, now=now,
                                        synthetic=True)  # fmt: skip
                        measures += 1
                elif plot.category == "strict_control" and rng.random() < 0.96:
                    k = str(rng.choice(list(STRICT_MEASURES)))
                    svc.add_measure(s, PROVINCE, code, kind=k, year=year, area_m2=area,
                                    started_on=date(year, 3, 1), effective=None,
                                    note="示例数据（合成）", actor=ACTOR, now=now, synthetic=True)  # fmt: skip
                    measures += 1
        rate = svc.safe_use_rate_of(s, PROVINCE, today.year).rate
    return {"plots": len(chosen), "samples": n, "measures": measures, "safe_use_rate": rate}
