"""The demo's contaminated sites (issue #24, area sites), every record synthetic:

- 40 sites on the register across the province (at least two in every city; four in 西湖 and
  more in 杭州 for the county and city accounts), each a small irregular polygon (0.5–8 ha)
  lying wholly inside its county, former works of the chemical, plating, coking, pesticide,
  dyeing, battery and petrochemical trades; about half linked to an enterprise of the demo
  archive in the same county as the responsible party, the rest named with a 统一社会信用代码;
- stages as a province's register has them (5 investigation, 6 risk assessment, 5 control,
  7 remediation, 4 effect evaluation, 13 removed), each reached step by step through the service
  (one site moved back from effect evaluation to remediation with its reason);
- 4–9 samples per site at 0.2–6 m, the site's pollutants judged by GB 36600-2018: sites before
  control mostly over the screening value with a few over the intervention value; removed sites'
  effect-evaluation samples within it;
- re-use: 12 removed first-category sites re-used after their removal and one first-category
  site re-used while still under remediation, so the safe-use rate is 12 / 13 = 92.3 %;
- a plan (一地一策) of 2–3 measures for sites from risk assessment on, a few overdue.

Idempotent: nothing is added when a synthetic site exists. Deterministic (seeded).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from shapely.geometry import Point, Polygon, shape
from sqlalchemy import select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_directory
from qingshan.db.engine import session_scope
from qingshan.geo.counties import county_at, read_county_boundaries
from qingshan.geo.regions import REGIONS
from qingshan.soil.sites import service as svc
from qingshan.soil.sites.models import SoilSite
from qingshan.standards import soil_construction as sc
from qingshan.timeutil import CST, as_utc

__all__ = ["seed_demo_soil_sites", "DEMO_SITES"]

DEMO_SITES = 40
SEED = 24
PROVINCE = Scope("330000", Role.PROVINCE, username="demo")
#: counties given sites first (the demo's county account 西湖 and city account 杭州), then one or
#: more per city
FIXED_COUNTIES = ("330106", "330106", "330106", "330106", "330105", "330108", "330110",
                  "330109", "330203", "330206", "330211", "330302", "330304", "330402",
                  "330411", "330502", "330503", "330602", "330603", "330702", "330782",
                  "330802", "330803", "330902", "330903", "331002", "331003", "331102",
                  "331121")  # fmt: skip
TRADES: dict[str, tuple[str, tuple[str, ...]]] = {
    "chemical": ("化学原料和化学制品制造", ("benzene", "trichloroethylene", "chloroform", "Pb")),
    "plating": ("金属表面处理及热处理加工（电镀）", ("Cr6", "Ni", "Cu", "Cd")),
    "coking": ("炼焦", ("benzo_a_pyrene", "naphthalene", "tph_c10_c40", "As")),
    "pesticide": ("农药制造", ("gamma_hch", "ddt", "As", "Hg")),
    "dyeing": ("纺织印染", ("aniline", "Cr6", "Pb", "benzene")),
    "battery": ("铅蓄电池制造", ("Pb", "Cd", "As", "Ni")),
    "petrochemical": ("石油加工、储运", ("tph_c10_c40", "benzene", "ethylbenzene", "m_p_xylene")),
}
NAMES = ("化工厂", "电镀厂", "焦化厂", "农药厂", "印染厂", "蓄电池厂", "油库")
#: (stage, how many), in the order sites are drawn
PLAN_STAGES = (("removed", 13), ("remediation", 7), ("control", 5), ("effect_evaluation", 4),
               ("risk_assessment", 6), ("investigation", 5))  # fmt: skip
PATH = {"investigation": ("investigation",),
        "risk_assessment": ("investigation", "risk_assessment"),
        "control": ("investigation", "risk_assessment", "control"),
        "remediation": ("investigation", "risk_assessment", "remediation"),
        "effect_evaluation": ("investigation", "risk_assessment", "remediation",
                              "effect_evaluation"),
        "removed": ("investigation", "risk_assessment", "remediation", "effect_evaluation",
                    "removed")}  # fmt: skip
CAT1 = ("residential", "residential", "school", "medical", "community_park", "welfare")
CAT2 = ("commercial", "industrial", "logistics", "green_square", "utilities")
DOCS = {"investigation": "土壤污染状况调查报告", "risk_assessment": "土壤污染风险评估报告",
        "control": "风险管控方案", "remediation": "治理修复方案",
        "effect_evaluation": "风险管控或修复效果评估报告", "removed": "移出名录公告"}  # fmt: skip
MEASURES = {"risk_assessment": ("开展详细调查并补充地下水监测", "编制土壤污染风险评估报告并组织评审"),
            "control": ("设置阻隔层与地表覆盖", "划定管控区域并设立标识", "开展长期地下水监测"),
            "remediation": ("污染土壤清挖与异位热脱附", "基坑回填与地下水抽出处理", "修复过程二次污染监测"),
            "effect_evaluation": ("效果评估采样与报告评审", "后期环境监管方案"),
            "removed": ("移出名录后跟踪监测",)}  # fmt: skip


def _counties() -> dict[str, Any]:
    return {f["id"]: shape(f["geometry"]) for f in read_county_boundaries()["features"]}


def _polygon(county: Any, code: str, rng: np.random.Generator) -> Polygon | None:
    """A small irregular polygon (0.5–8 ha) wholly inside ``county`` (every vertex placed in it
    by :func:`qingshan.geo.counties.county_at`, no tolerance)."""
    w, s, e, n = county.bounds
    for _ in range(200):
        lon, lat = rng.uniform(w, e), rng.uniform(s, n)
        if not county.contains(Point(lon, lat)):
            continue
        r = float(rng.uniform(0.0006, 0.0016))  # ≈ 60–160 m
        k = int(rng.integers(5, 8))
        angles = (
            np.linspace(0, 2 * np.pi, k, endpoint=False)
            + rng.uniform(-0.35, 0.35, k) / k * 2 * np.pi
        )
        radii = r * rng.uniform(0.7, 1.0, k)
        pts = [(round(lon + float(rr * np.cos(a)) / 0.87, 6), round(lat + float(rr * np.sin(a)), 6))
               for a, rr in zip(angles, radii, strict=True)]  # fmt: skip
        poly = Polygon(pts)
        if not poly.is_valid or not county.contains(poly):
            continue
        if all(county_at(x, y, tolerance_km=0.0) == code for x, y in pts):
            return poly
    return None


def _value(item: str, land: int, band: str, rng: np.random.Generator) -> float:
    it = sc.ITEMS[item]
    s_, i_ = it.screening[land - 1], it.intervention[land - 1]
    if band == "low":
        v = s_ * rng.uniform(0.05, 0.6)
    elif band == "over":
        v = s_ + (i_ - s_) * rng.uniform(0.05, 0.8)
    else:
        v = i_ * rng.uniform(1.05, 2.5)
    return float(f"{v:.3g}")


def _samples(poly: Polygon, items: tuple[str, ...], land: int, stage: str, day: date,
             rng: np.random.Generator, *, worst: bool) -> list[dict[str, Any]]:  # fmt: skip
    w, s, e, n = poly.bounds
    out: list[dict[str, Any]] = []
    k = int(rng.integers(4, 10))
    while len(out) < k:
        x, y = rng.uniform(w, e), rng.uniform(s, n)
        if not poly.contains(Point(x, y)):
            continue
        i = len(out) + 1
        values = {item: _value(item, land, "low", rng) for item in items}
        if stage != "removed":
            u = rng.uniform()
            if u > 0.5:  # one item (or two) over the screening value; rarely over intervention
                hit = [str(x) for x in rng.choice(items, size=1 + int(u > 0.85), replace=False)]
                for item in hit:
                    values[item] = _value(item, land, "high" if u > 0.96 else "over", rng)
        out.append({"point": f"S{i:02d}", "lon": round(float(x), 6), "lat": round(float(y), 6),
                    "depth_m": float(rng.choice([0.2, 0.5, 1.0, 1.5, 2.0, 3.0, 4.5, 6.0])),
                    "unit": "mg/kg", "sampled_on": day, "values": values})  # fmt: skip
    if worst and stage != "removed":  # a hot spot over the intervention value
        out[0]["values"][items[0]] = _value(items[0], land, "high", rng)
    return out


def _uscc(rng: np.random.Generator, county: str) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    tail = "".join(str(rng.choice(list(chars))) for _ in range(10))
    return f"91{county}{tail}"


def seed_demo_soil_sites(engine: Engine, *, now: datetime) -> str | None:
    """Seed the demo's register of contaminated sites; None when already seeded."""
    with session_scope(engine) as s:
        if s.scalar(select(SoilSite.id).where(SoilSite.synthetic.is_(True)).limit(1)) is not None:
            return None
    now = as_utc(now, naive_is=UTC)
    rng = np.random.default_rng(SEED)
    shapes = _counties()
    today = as_utc(now).astimezone(CST).date()
    counties = list(FIXED_COUNTIES)
    pool = sorted(c for c in shapes if c in REGIONS and not c.endswith("00"))
    while len(counties) < DEMO_SITES:
        counties.append(str(rng.choice(pool)))
    stages = [st for st, n in PLAN_STAGES for _ in range(n)]
    order = rng.permutation(len(stages))
    stages = [stages[i] for i in order]
    # the removed first-category sites re-used after removal (12) and one re-used too early
    removed_idx = [i for i, st in enumerate(stages) if st == "removed"]
    safe_idx = set(removed_idx[:12])
    unsafe_idx = next(i for i, st in enumerate(stages) if st == "remediation")
    back_idx = next(i for i, st in enumerate(stages) if st == "effect_evaluation")
    made = counts = 0
    samples = 0
    with session_scope(engine) as s:
        directory = {c: [e for e in enterprise_directory(s, c)] for c in set(counties)}
        for i, (county, stage) in enumerate(zip(counties, stages, strict=True)):
            poly = _polygon(shapes[county], county, rng)
            if poly is None:
                continue
            trade = list(TRADES)[i % len(TRADES)]
            former, items = TRADES[trade]
            items = tuple(x for x in items if x in sc.ITEMS) or ("Pb", "As")
            cat1 = i in safe_idx or i == unsafe_idx or rng.uniform() < 0.55
            use = str(rng.choice(CAT1 if cat1 else CAT2))
            path = PATH[stage]
            listed = today - timedelta(days=int(rng.integers(300, 330 * len(path) + 400)))
            step_days = max(60, (today - listed).days // (len(path) + 1))
            moves = [listed + timedelta(days=step_days * k) for k in range(len(path))]
            reused = None
            if i in safe_idx:
                reused = min(moves[-1] + timedelta(days=int(rng.integers(30, 200))), today)
            elif i == unsafe_idx:
                reused = moves[-1] + timedelta(days=20)
            ents = directory.get(county) or []
            party: dict[str, Any]
            if ents and rng.uniform() < 0.5:
                party = {"enterprise_id": ents[int(rng.integers(0, len(ents)))].id}
            else:
                party = {"party_name": f"{REGIONS[county].name}{NAMES[i % len(NAMES)]}（原址，已关停）",
                         "party_uscc": _uscc(rng, county)}  # fmt: skip
            levels = {it: round(sc.ITEMS[it].screening[(1 if cat1 else 2) - 1] * 0.9, 3)
                      for it in items[:2]}  # fmt: skip
            docs = [{"title": f"{REGIONS[county].name}{NAMES[i % len(NAMES)]}地块{DOCS[p]}",
                     "kind": p, "on": str(d)} for p, d in zip(path, moves, strict=True)]  # fmt: skip
            data = {
                "code": f"ZJ{county}-{2019 + i % 6}-{i + 1:03d}",
                "name": f"{REGIONS[county].name}原{NAMES[i % len(NAMES)]}地块",
                "boundary": {"type": "Polygon", "coordinates": [list(map(list, poly.exterior.coords))]},
                "area_declared_m2": None, "former_use": former, "industry": trade,
                "planned_use": use, "pollutants": list(items), "listed_on": listed,
                "stage": "investigation", "stage_on": listed, "reused_on": reused,
                "risk": {"target_risk": 1e-6, "target_hq": 1.0, "levels": levels,
                         "summary": "致癌风险和危害商超过可接受水平，需开展风险管控或修复"}
                if len(path) > 2 else {},
                "documents": docs, **party,
            }  # fmt: skip
            site = svc.create_site(s, PROVINCE, data, actor="demo", now=now, synthetic=True)
            if site.area_declared_m2 is None:
                site.area_declared_m2 = round(site.area_m2 * float(rng.uniform(0.97, 1.03)), -1)
            for k, st in enumerate(path[1:], start=1):
                if i == back_idx and st == "effect_evaluation":
                    svc.move_stage(s, PROVINCE, site.id, "effect_evaluation", on=moves[k] - timedelta(days=50),
                                   actor="demo", now=now, synthetic=True)  # fmt: skip
                    svc.move_stage(s, PROVINCE, site.id, "remediation", on=moves[k] - timedelta(days=30),
                                   reason="效果评估采样仍有点位超修复目标值，补充修复", actor="demo",
                                   now=now, synthetic=True)  # fmt: skip
                svc.move_stage(s, PROVINCE, site.id, st, on=moves[k], actor="demo", now=now,
                               synthetic=True)  # fmt: skip
            land = site.land_category
            first = _samples(poly, items, land, "investigation", moves[0] + timedelta(days=20), rng,
                             worst=i % 4 == 0)  # fmt: skip
            rows = first
            if stage in ("effect_evaluation", "removed"):
                rows = first + _samples(poly, items, land, "removed",
                                        moves[-1] - timedelta(days=10), rng, worst=False)  # fmt: skip
            samples += len(svc.add_samples(s, PROVINCE, site.id, rows, actor="demo", now=now,
                                           synthetic=True))  # fmt: skip
            if len(path) > 1:
                for m, measure in enumerate(MEASURES.get(path[-1], MEASURES["risk_assessment"])):
                    due = moves[-1] + timedelta(days=int(rng.integers(60, 540)))
                    status = (
                        "done"
                        if due < today and rng.uniform() < 0.7
                        else ("in_progress" if m == 0 else "planned")
                    )
                    if stage == "removed":
                        status = "done" if due < today else "in_progress"
                    svc.add_plan_item(s, PROVINCE, site.id, measure=measure,
                                      responsible_unit=party.get("party_name")
                                      or f"{REGIONS[county].name}生态环境分局",
                                      deadline=due, status=status, actor="demo", now=now,
                                      synthetic=True)  # fmt: skip
                    counts += 1
            made += 1
        rate = svc.safe_use(s, "330000", today)
    return (
        f"{made} sites, {samples} samples, {counts} plan items; safe-use rate "
        f"{rate.safe}/{rate.reused} = {rate.rate} %"
    )
