"""A year of cases for the demo province, planned (pure: a seeded generator in, plans out; the
I/O is :mod:`.demo_complaints`'s, which runs the plans through the case service). The cases
online monitoring finds are :mod:`.demo_cases`'s: QC judges the injected faults and reports
them through the cases' sink.

Two sources, as the work plan's item 16 lists them:

- **public complaints** (群众举报): :data:`COMPLAINTS_PER_YEAR` spread over the cities by resident
  population (:mod:`.population`, 7th census) and evenly over each city's counties, over the
  categories by :data:`COMPLAINT_MIX`, at times uniform over the year;
- **the central inspection hand-over list** (中央督察交办件): :data:`INSPECTION_ROWS` rows handed
  over in two batches, serious or major, with deadlines of 60–120 days.

Each case gets a life (:func:`_life`): dispatched within days, rectified within its deadline
(``data/rules.json``) mostly, some returned once (退回), some late (the scheduler marks them
overdue and climbs the ladder), a few stuck, a few cancelled; signed by the department and the
local government and closed. :data:`RELAPSE_SHARE` of the enterprise cases closed are reported
again months later, which reopens them (反弹). Steps after ``now`` are not planned: recent cases
stay open in every state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from qingshan.cases.rules import deadline_for
from qingshan.cases.service import CaseDraft
from qingshan.geo.counties import county_at, region_extent
from qingshan.geo.regions import CITY_CODES, children, get_region
from qingshan.sim.population import POPULATION_2020

__all__ = ["Step", "CasePlan", "EnterpriseRow", "plan_cases"]

COMPLAINTS_PER_YEAR = 1000
INSPECTION_ROWS = 50
RELAPSE_SHARE = 0.25
#: category → (share of complaints, titles)
COMPLAINT_MIX: dict[str, tuple[float, tuple[str, ...]]] = {
    "noise": (0.30, ("夜间施工噪声扰民", "娱乐场所噪声扰民", "工厂设备噪声扰民", "商铺高音喇叭扰民")),
    "air_pollution": (0.34, ("餐饮油烟扰民", "工地扬尘污染", "企业废气异味", "露天焚烧垃圾", "汽修喷漆异味")),
    "water_pollution": (0.20, ("河道发黑发臭", "生活污水直排河道", "企业疑似偷排废水", "养殖废水外排")),
    "solid_waste": (0.12, ("建筑垃圾随意倾倒", "工业固废露天堆放", "生活垃圾清运不及时")),
    "ecology": (0.02, ("山体开挖破坏植被", "河道非法采砂")),
    "radiation": (0.02, ("通信基站辐射担忧",)),
}  # fmt: skip
INSPECTION_TITLES = (
    ("water_pollution", "督察交办：{e}废水处理设施不正常运行"),
    ("air_pollution", "督察交办：{e}废气无组织排放"),
    ("solid_waste", "督察交办：{e}危险废物贮存不规范"),
    ("water_pollution", "督察交办：{c}城镇污水管网雨污混接"),
    ("ecology", "督察交办：{c}矿山生态修复滞后"),
    ("air_pollution", "督察交办：{c}工业园区异味扰民"),
    ("soil", "督察交办：{c}污染地块管控不到位"),
)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Step:
    at: datetime
    action: (
        str  # register | assign | start | submit | return | sign_dept | sign_gov | close | cancel
    )
    plan: int
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class CasePlan:
    key: int
    draft: CaseDraft
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class EnterpriseRow:
    id: int
    name: str
    region_code: str
    longitude: float | None
    latitude: float | None


def _near(rng: np.random.Generator, region_code: str) -> tuple[float, float]:
    """A position in county ``region_code``: around its label point (σ an eighth of its
    extent), pulled back towards it until it lies in the county (issue #13: a case's position
    and its county agree)."""
    extent = region_extent(region_code)
    w, s, e, n = extent.bbox
    cx, cy = extent.center
    dx, dy = rng.normal(0.0, [(e - w) / 8, (n - s) / 8])
    for _ in range(9):
        lon, lat = round(float(cx + dx), 5), round(float(cy + dy), 5)
        if county_at(lon, lat, tolerance_km=0.0) == region_code:
            return lon, lat
        dx, dy = dx / 2, dy / 2
    return float(cx), float(cy)


def _life(rng, plan: CasePlan, t0: datetime, due_days: float | None, now: datetime) -> None:
    """Plan the steps of a case registered at ``t0`` (only those before ``now``)."""
    d = plan.draft
    steps: list[tuple[datetime, str, dict]] = [(t0, "register", {})]
    u = rng.random()
    if u < 0.03:  # not an environmental problem, or a duplicate: cancelled (撤销)
        steps.append((t0 + rng.uniform(0.5, 3) * DAY, "cancel", {"reason": "经核实非生态环境问题"}))
    else:
        t = t0 + rng.uniform(0.1, 3) * DAY
        due = t + due_days * DAY if due_days else deadline_for(d.category, d.severity, t)
        span = due - t
        steps.append((t, "assign", {"due_at": due}))
        t += rng.uniform(0.2, 2) * DAY
        steps.append((t, "start", {}))
        if u < 0.08 and now - t0 < 120 * DAY:  # stuck: not reported done (the ladder climbs)
            pass
        else:
            late = u < 0.20  # late; the stuck ones of earlier months done months late
            days_late = rng.uniform(60, 150) if u < 0.08 else rng.uniform(3, 45)
            done = due + days_late * DAY if late else t + span * rng.uniform(0.3, 0.9)
            steps.append((done, "submit", {"reason": "已按要求完成整改"}))
            if rng.random() < 0.12:  # returned once (退回), then done again
                back = done + rng.uniform(1, 4) * DAY
                steps.append((back, "return", {"reason": "整改不到位，请补充整改"}))
                done = back + rng.uniform(4, 15) * DAY
                steps.append((done, "submit", {"reason": "已补充整改"}))
            signed = done + rng.uniform(1, 5) * DAY
            steps.append((signed, "sign_dept", {}))
            signed += rng.uniform(0.2, 3) * DAY
            steps.append((signed, "sign_gov", {}))
            steps.append((signed + rng.uniform(0.1, 2) * DAY, "close", {}))
    plan.steps += [Step(at, a, plan.key, args) for at, a, args in steps if at < now]


def plan_cases(
    rng: np.random.Generator,
    *,
    now: datetime,
    enterprises: list[EnterpriseRow],
    complaints: int = COMPLAINTS_PER_YEAR,
    inspection_rows: int = INSPECTION_ROWS,
) -> list[CasePlan]:
    """The demo's year of cases, ending at ``now``: ``complaints`` public complaints (about as
    many), ``inspection_rows`` hand-overs and the relapses, each with its planned steps."""
    start = now - 365 * DAY
    plans: list[CasePlan] = []

    def new(draft: CaseDraft, t0: datetime, due_days: float | None = None) -> CasePlan:
        p = CasePlan(len(plans), draft)
        plans.append(p)
        _life(rng, p, t0, due_days, now)
        return p

    # public complaints by population
    total = sum(POPULATION_2020.values())
    cats = list(COMPLAINT_MIX)
    shares = np.array([COMPLAINT_MIX[c][0] for c in cats])
    for city in CITY_CODES:
        counties = children(city)
        local = [e for e in enterprises if e.region_code.startswith(city[:4])]
        n = int(round(complaints * POPULATION_2020[city] / total))
        for _ in range(n):
            county = counties[int(rng.integers(len(counties)))]
            cat = cats[int(rng.choice(len(cats), p=shares / shares.sum()))]
            titles = COMPLAINT_MIX[cat][1]
            title = titles[int(rng.integers(len(titles)))]
            ent = local[int(rng.integers(len(local)))] if "企业" in title and local else None
            region = ent.region_code if ent else county.code
            lon, lat = (ent.longitude, ent.latitude) if ent else _near(rng, region)
            t0 = start + rng.uniform(0, 365) * DAY
            draft = CaseDraft(
                source="complaint", category=cat, severity="general",
                title=f"{title}（{ent.name if ent else county.name}）", region_code=region,
                occurred_at=t0 - rng.uniform(0, 1) * DAY, enterprise_id=ent.id if ent else None,
                description="群众通过12345热线、信箱或网上平台反映", longitude=lon, latitude=lat,
                place=get_region(region).name, source_key=f"demo:complaint:{len(plans)}",
            )  # fmt: skip
            new(draft, t0)
    # the central inspection hand-over list: two batches
    batches = (now - rng.uniform(250, 300) * DAY, now - rng.uniform(100, 140) * DAY)
    for i in range(inspection_rows):
        t0 = batches[i % 2] + rng.uniform(0, 2) * DAY
        cat, title = INSPECTION_TITLES[int(rng.integers(len(INSPECTION_TITLES)))]
        ent = enterprises[int(rng.integers(len(enterprises)))] if "{e}" in title else None
        region = ent.region_code if ent else _county(rng, CITY_CODES[int(rng.integers(11))])
        lon, lat = (ent.longitude, ent.latitude) if ent else _near(rng, region)
        draft = CaseDraft(
            source="central_inspection", category=cat,
            severity="major" if rng.random() < 0.3 else "serious",
            title=title.format(e=ent.name if ent else "", c=get_region(region).name),
            region_code=region, occurred_at=t0, description="第二轮中央生态环境保护督察交办信访件",
            enterprise_id=ent.id if ent else None, longitude=lon, latitude=lat,
            place=get_region(region).name, source_key=f"demo:inspection:{i + 1}",
        )  # fmt: skip
        new(draft, t0, due_days=float(rng.uniform(60, 120)))
    # relapses (反弹): an enterprise case closed, the problem reported again later
    for p in list(plans):
        closed = [s for s in p.steps if s.action == "close"]
        if not closed or p.draft.enterprise_id is None or rng.random() >= RELAPSE_SHARE:
            continue
        t0 = closed[-1].at + rng.uniform(20, 200) * DAY
        if t0 >= now:
            continue
        draft = CaseDraft(
            source="complaint", category=p.draft.category, severity="serious",
            title=f"反弹：{p.draft.title}", region_code=p.draft.region_code, occurred_at=t0,
            description="问题整改销号后群众再次反映", enterprise_id=p.draft.enterprise_id,
            longitude=p.draft.longitude, latitude=p.draft.latitude, place=p.draft.place,
            source_key=f"demo:relapse:{p.key}",
        )  # fmt: skip
        new(draft, t0)
    return plans


def _county(rng: np.random.Generator, city: str) -> str:
    counties = children(city)
    return counties[int(rng.integers(len(counties)))].code
