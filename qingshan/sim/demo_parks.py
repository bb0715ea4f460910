"""The demo's zero-direct-discharge parks (污水零直排区, issue #20) — synthetic, labelled so.

44 parks (the 2021 plan's count, plan 12.2): first the ``park`` features of the demo's park layer
(:mod:`qingshan.sim.demo_zones`, linked by ``feature_id``), then parks of their own boundary round
the remaining archive enterprises (pairs within :data:`PAIR_M`, else single enterprises, each
hull buffered by :data:`BUFFER_M`), spread over the cities in proportion to their archive
enterprises (densest counties first within a city). Each park gets four to six
construction tasks and a year of progress reports every two months (some with a photo) up to the demo's
"now", then a mix of stages through the service's own lifecycle: accepted this year (one of
them later relapses and is downgraded), one that failed its city review and one that failed
provincial acceptance (both returned to rectification), some awaiting city review or
acceptance, the rest still building — and one park of 西湖 with every task done and no step yet,
for the demo accounts (xihu, hangzhou, province) to walk through acceptance. Deterministic for a seed; idempotent (nothing is done when
the demo's parks exist).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import mapping
from sqlalchemy import Engine, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases.evidence import EvidenceLimits
from qingshan.db.engine import session_scope
from qingshan.geo.regions import REGIONS, city_of
from qingshan.sim.images import tiny_png
from qingshan.timeutil import as_cst
from qingshan.zones import parks_service as svc
from qingshan.zones.links import EnterpriseLocations
from qingshan.zones.models import ZoneFeatureRow, ZoneLayer
from qingshan.zones.parks import BadPark, park_boundary
from qingshan.zones.parks_models import ZonePark
from qingshan.zones.parks_service import ParkDraft, TaskDraft

__all__ = ["DemoParks", "seed_demo_parks", "PARKS"]

PARKS = 44  # plan 12.2 (Zhejiang 2021): 44 工业园区（工业集聚区）
PAIR_M = 2500.0
BUFFER_M = 500.0
CODE_PREFIX = "LZP-DEMO-"
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
#: the county of the demo's county account (xihu): its first park is left ready for self-check
WALK_COUNTY = "330106"
#: the stage each park ends in, by its rank (most advanced first): counts over 44
STAGES = (
    ["accepted"] * 12 + ["relapsed"] + ["city_passed"] * 5 + ["self_checked"] * 5
    + ["failed_review"] + ["failed_acceptance"] + ["building"] * 19
)  # fmt: skip
CORE = ("rain_sewage_separation", "pipe_survey", "pipe_repair", "online_monitoring")
EXTRA = ("pretreatment", "dedicated_pipe", "initial_rain_pool", "outfall_rectification",
         "om_contract")  # fmt: skip
NOTES = (
    "按计划推进",
    "完成阶段性施工",
    "管网CCTV检测完成一段",
    "整改问题点位销号",
    "第三方检测合格",
)


@dataclass(frozen=True)
class DemoParks:
    parks: int
    linked: int
    reports: int
    by_state: dict[str, int]

    def __str__(self) -> str:
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.by_state.items()))
        return (f"{self.parks} parks ({self.linked} on the park layer's features), "
                f"{self.reports} progress reports; {states} (synthetic)")  # fmt: skip


def _name(code: str) -> str:
    r = REGIONS.get(code)
    return code if r is None else r.name


def _candidates(session, locations: EnterpriseLocations,
                n: int) -> list[tuple[str, str, dict, int | None]]:  # fmt: skip
    """(county, name, boundary, feature id) for ``n`` parks: the park layer's features, then
    enterprise pairs or singles outside them."""
    out: list[tuple[str, str, dict, int | None]] = []
    features = session.execute(
        select(ZoneFeatureRow.id, ZoneFeatureRow.name, ZoneFeatureRow.region_code,
               ZoneFeatureRow.geometry)
        .join(ZoneLayer, ZoneLayer.id == ZoneFeatureRow.layer_id)
        .where(ZoneLayer.kind == "park", ZoneLayer.synthetic.is_(True))
        .order_by(ZoneFeatureRow.id)
    ).all()  # fmt: skip
    used = []
    for fid, name, region, geom in features:
        if region and len(out) < n and region in REGIONS and region[4:] != "00":
            out.append((region, name.replace("产业集聚园区", "工业集聚区"), geom, int(fid)))
            used.append(shapely.geometry.shape(geom))
    taken = shapely.union_all(used) if used else None
    ents = [e for e in locations(session, "330000")
            if e.region_code[4:] != "00"
            and (taken is None or not taken.intersects(shapely.Point(e.longitude, e.latitude)))]  # fmt: skip
    if not ents:
        return out
    lonlat = np.array([[e.longitude, e.latitude] for e in ents])
    # metres on a local equirectangular plane (the demo's clusters are a few km across)
    xy = lonlat * np.array([111_320.0 * np.cos(np.radians(29.5)), 110_574.0])
    free = np.ones(len(ents), dtype=bool)
    counties: dict[str, int] = {}
    for e in ents:
        counties[e.region_code] = counties.get(e.region_code, 0) + 1
    # one enterprise of 西湖 (the demo's county account) first: its park is the one the demo
    # accounts walk; then the cities in turn, each next pick going to the city with the fewest
    # parks for its enterprises (so the parks spread over the province roughly as the archive's
    # enterprises do, rather than all in the densest county), within a city its densest
    # counties first
    walk = min((i for i, e in enumerate(ents) if e.region_code == WALK_COUNTY),
               key=lambda i: ents[i].id, default=-1)  # fmt: skip
    queues: dict[str, list[int]] = {}
    for i in sorted(range(len(ents)),
                    key=lambda i: (-counties[ents[i].region_code], ents[i].id)):  # fmt: skip
        queues.setdefault(city_of(ents[i].region_code).code, []).append(i)
    share = {c: len(q) for c, q in queues.items()}
    have: dict[str, int] = {c: 0 for c in queues}
    for county, *_ in out:
        c = city_of(county).code
        have[c] = have.get(c, 0) + 1

    def picks():
        if walk >= 0:
            have[city_of(ents[walk].region_code).code] += 1
            yield walk
        while True:
            live = [c for c, q in queues.items() if any(free[j] for j in q)]
            if not live:
                return
            c = min(live, key=lambda c: ((have[c] + 1) / share[c], c))
            have[c] += 1
            yield next(j for j in queues[c] if free[j])

    k = 0
    for i in picks():
        if len(out) >= n:
            break
        if not free[i]:
            continue
        d = np.hypot(xy[:, 0] - xy[i, 0], xy[:, 1] - xy[i, 1])
        near = [j for j in np.argsort(d) if free[j] and d[j] <= PAIR_M
                and ents[j].region_code == ents[i].region_code][:3]  # fmt: skip
        free[near] = False
        free[i] = False
        pts = lonlat[sorted(set([i, *near]))]
        hull = shapely.multipoints(pts).convex_hull
        # buffered by BUFFER_M [m]: 1° of latitude ≈ 110.6 km, longitude scaled by cos(latitude)
        lat = float(pts[:, 1].mean())
        g = shapely.affinity.scale(hull.buffer(BUFFER_M / 110_574.0, quad_segs=8),
                                   xfact=1.0 / np.cos(np.radians(lat)), yfact=1.0)  # fmt: skip
        try:
            park_boundary(mapping(g))
        except BadPark:
            continue  # a cluster on the province's edge whose ring leaves Zhejiang's extent
        k += 1
        county = ents[i].region_code
        out.append((county, f"{_name(county)}工业园区{k}（演示）", mapping(g), None))
    return out


def seed_demo_parks(engine: Engine, locations: EnterpriseLocations, *, now: datetime, limits: EvidenceLimits | None = None,
                    seed: int = 12, parks: int = PARKS) -> DemoParks | None:  # fmt: skip
    """Register the demo's parks with their progress and acceptance history (module
    docstring); None when they exist."""
    today = as_cst(now).date()
    year_start = today - timedelta(days=330)  # the year of construction ending now
    rng = np.random.default_rng(seed)
    with session_scope(engine) as session:
        if session.scalar(
            select(ZonePark.id).where(ZonePark.code.startswith(CODE_PREFIX)).limit(1)
        ):
            return None
        cands = _candidates(session, locations, parks)
        reports, walk = 0, False
        for rank, (county, name, boundary, fid) in enumerate(cands):
            stage = STAGES[rank] if rank < len(STAGES) else "building"
            if county == WALK_COUNTY and not walk:
                stage, walk = "ready", True  # tasks done, no step: 西湖 self-checks it in the demo
            county_scope = Scope(county, Role.COUNTY, username=f"demo-{county}")
            city = city_of(county).code
            city_scope = Scope(city, Role.CITY, username=f"demo-{city}")
            kinds = list(CORE) + list(
                rng.choice(EXTRA, size=int(rng.integers(0, 3)), replace=False)
            )
            park = svc.create_park(session, PROVINCE, ParkDraft(
                code=f"{CODE_PREFIX}{rank + 1:02d}", name=name, region_code=county,
                park_type="cluster" if fid is not None or rank % 3 else "park",
                level=("provincial", "county", "city", "national")[rank % 4 if rank % 7 else 3],
                batch_year=today.year, boundary=None if fid is not None else boundary,
                feature_id=fid, responsible_unit=f"{_name(county)}治水办",
                tasks=[TaskDraft(k, due=year_start + timedelta(days=300)) for k in kinds], synthetic=True),
                actor="demo", now=now)  # fmt: skip
            done_by = (year_start + timedelta(days=int(rng.integers(120, 200)))
                       if stage != "building" else None)  # fmt: skip
            tasks = svc.park_detail(session, PROVINCE, park.id).tasks
            for n, tv in enumerate(tasks):
                finish = done_by if done_by is not None else today + timedelta(days=90)
                final = 100.0 if done_by is not None else float(rng.integers(30, 96))
                month, pct = 1, 0.0
                while True:
                    day = year_start + timedelta(days=28 + 61 * (month - 1))
                    if day > today or (done_by is not None and day > done_by):
                        break
                    share = (day - year_start).days / max(1, (finish - year_start).days)
                    pct = min(final, max(pct, round(final * min(1.0, share) + rng.normal(0, 3))))
                    photo = (month + n) % 3 == 0 and limits is not None
                    svc.report_progress(session, county_scope, tv.task.id, max(0.0, pct), day,
                                        str(rng.choice(NOTES)), actor=county_scope.username,
                                        now=now, today=today,
                                        files=[(tiny_png(rank * 31 + n), "现场照片.png")] if photo else [],
                                        limits=limits)  # fmt: skip
                    reports += 1
                    month += 1
                if done_by is not None:
                    svc.report_progress(session, county_scope, tv.task.id, 100.0, done_by,
                                        "完工，资料归档", actor=county_scope.username, now=now,
                                        today=today)  # fmt: skip
                    reports += 1
            if done_by is None or stage == "ready":
                continue
            day = done_by + timedelta(days=int(rng.integers(5, 15)))

            def step(scope: Scope, event: str, result: str | None, who: str, why: str = "",
                     gap: tuple[int, int] = (10, 30), pid: int = park.id) -> None:  # fmt: skip
                nonlocal day
                day = min(today, day + timedelta(days=int(rng.integers(*gap))))
                svc.take_step(session, scope, pid, event, result, day, who, why,
                              actor=scope.username, now=now, today=today)  # fmt: skip

            county_who, city_who = f"{_name(county)}治水办", f"{_name(city)}生态环境局"
            step(county_scope, "self_check", "pass", county_who, "自查合格")
            if stage == "self_checked":
                continue
            if stage == "failed_review":
                step(
                    city_scope, "city_review", "fail", city_who, "雨排口晴天有水，初期雨水池未接入"
                )
                continue
            step(city_scope, "city_review", "pass", city_who, "复核通过")
            if stage == "city_passed":
                continue
            if stage == "failed_acceptance":
                step(PROVINCE, "provincial_acceptance", "fail", "省治水办验收组",
                     "一企一管未全覆盖，排水许可缺失 3 家")  # fmt: skip
                continue
            step(PROVINCE, "provincial_acceptance", "pass", "省治水办验收组", "验收通过")
            if stage == "relapsed":
                step(PROVINCE, "relapse", None, "省治水办", "抽查发现雨水排口晴天排污，予以降级",
                     gap=(20, 40))  # fmt: skip
        by_state: dict[str, int] = {}
        for p in session.scalars(select(ZonePark).where(ZonePark.code.startswith(CODE_PREFIX))):
            by_state[p.state] = by_state.get(p.state, 0) + 1
        linked = sum(1 for c in cands if c[3] is not None)
    return DemoParks(len(cands), linked, reports, by_state)
