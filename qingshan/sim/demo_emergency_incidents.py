"""The demo's 突发环境事件 (issue #22) — synthetic, labelled so.

Two incidents, both through the incidents service as officers would record them:

- a past one (about half a year before the demo's "now"): a chemical enterprise's tank leaks
  phenol-bearing wastewater into the river next to it. Reported and verified by the county,
  judged 一般 on the first facts, re-judged 较大 when the evacuation reaches the criteria data's
  较大 threshold (the city then leads), responded to with orders (each later marked done),
  two temporary monitoring points downstream (volatile phenol and ammonia nitrogen against
  GB 3838-2002 Table 1 class III) with hourly readings that fall back below the standard,
  monitoring, recovery and closure;
- an open one in 西湖区 (the demo's county account) a few hours before "now", in 'responding'
  with one order done and one open.

The place is a demo archive enterprise with a position nearest to a surface-water section of
the monitoring registry in Hangzhou (so the section shows as affected); the points lie on the
way to the section, inside the enterprise's county (checked with the county boundaries). The
readings go to the observation store. Idempotent: nothing is done when the demo's incidents
exist (origin_key ``demo-…``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise
from qingshan.db.engine import session_scope
from qingshan.emergency.incidents import service as svc
from qingshan.emergency.incidents.levels import criteria
from qingshan.emergency.incidents.models import EmergencyIncident
from qingshan.emergency.incidents.types import IncidentDraft
from qingshan.geo.counties import county_at
from qingshan.geo.regions import REGIONS, city_of
from qingshan.monitoring.models import Site, SiteKind
from qingshan.standards.water_tables import GB3838_LIMITS
from qingshan.timeseries.store import ObservationStore

__all__ = ["seed_demo_emergency_incidents"]

PAST_KEY = "demo-past-spill"
OPEN_KEY = "demo-open-xihu"
OPEN_COUNTY = "330106"


def _scopes(county: str) -> tuple[Scope, Scope]:
    city = city_of(county).code
    county_user = "xihu" if county == OPEN_COUNTY else f"demo-{county}"
    city_user = "hangzhou" if city == "330100" else f"demo-{city}"
    return Scope(county, Role.COUNTY, username=county_user), Scope(
        city, Role.CITY, username=city_user
    )


def _place(session) -> tuple[int | None, str, float, float, Site | None]:
    """(enterprise id, county, lon, lat, section): the Hangzhou enterprise nearest to a water
    section of the registry; without either, the centre of 萧山 and no enterprise."""
    sections = list(session.scalars(select(Site).where(
        Site.kind == SiteKind.WATER_SECTION, Site.region_code.startswith("3301"),
        Site.longitude.is_not(None)).order_by(Site.code)))  # fmt: skip
    ents = list(session.scalars(select(Enterprise).where(
        Enterprise.region_code.startswith("3301"), Enterprise.region_code != OPEN_COUNTY,
        Enterprise.longitude.is_not(None)).order_by(Enterprise.id)))  # fmt: skip
    best = None
    for s in sections:
        for e in ents:
            d = math.hypot(e.longitude - s.longitude, e.latitude - s.latitude)
            if 0.01 < d and (best is None or d < best[0]):
                best = (d, e, s)
    if best is None:
        return None, "330109", 120.2645, 30.1853, None
    _, e, s = best
    return e.id, e.region_code, float(e.longitude), float(e.latitude), s


def _limit(key: str) -> float:
    """GB 3838-2002 Table 1, class III (the platform's table, qingshan.standards.water_tables)."""
    return float(GB3838_LIMITS[key][1][2])


def _threshold(level: str, fact: str) -> float:
    value = next(c.threshold for c in criteria() if c.level == level and c.fact == fact)
    assert value is not None
    return float(value)


def seed_demo_emergency_incidents(
    engine: Engine, store: ObservationStore, *, now: datetime
) -> str | None:
    """Record the demo's two incidents (module docstring); None when they exist."""
    now = now.replace(second=0, microsecond=0)
    with session_scope(engine) as session:
        if session.scalar(select(EmergencyIncident.id).where(
                EmergencyIncident.origin_key.in_([PAST_KEY, OPEN_KEY])).limit(1)):  # fmt: skip
            return None
        ent, county, lon, lat, section = _place(session)
        county_scope, city_scope = _scopes(county)
        t0 = (now - timedelta(days=178)).replace(minute=40)
        iid = svc.report_incident(session, county_scope, IncidentDraft(
            title="化工企业储罐泄漏致含酚废水入河（演示）", occurred_at=t0, region_code=county,
            origin="report", origin_key=PAST_KEY, longitude=lon, latitude=lat,
            enterprise_id=ent, facts={"evacuated": 40, "direct_loss_yuan": 800_000},
            description="企业储罐区管线破裂，含酚废水经雨水管网进入厂外河道；企业已关闭雨水排口阀门。"
                        "（演示数据 synthetic）"), now=t0 + timedelta(minutes=12),
            synthetic=True)  # fmt: skip
        at = t0 + timedelta(minutes=35)
        svc.advance_stage(session, county_scope, iid, "verified", note="现场核实：河道出现异味和泡沫",
                          now=at)  # fmt: skip
        svc.update_facts(session, county_scope, iid,
                         {"evacuated": int(_threshold("III", "evacuated")) + 300},
                         note="下游两个村庄按预案疏散", now=at + timedelta(minutes=40))  # fmt: skip
        svc.advance_stage(session, city_scope, iid, "responding", note="启动Ⅲ级应急响应",
                          now=at + timedelta(minutes=50))  # fmt: skip
        orders = [
            ("涉事企业", "立即封堵雨水排口，收集泄漏物料，转移剩余储罐物料", 1),
            (f"{REGIONS[county].name}应急监测组", "在下游设2个临时监测点，每小时采样", 2),
            (f"{REGIONS[county].name}水利部门", "关闭下游节制闸，拦截污染团", 2),
            ("市环境应急专家组", "研判污染扩散范围，提出处置方案", 4),
            ("市生态环境执法支队", "立案调查事故原因，固定证据", 24),
        ]
        # every later step as (time, step), done in time order so the log reads as it happened
        steps: list[tuple[datetime, Callable[[datetime], object]]] = []

        def order(who: str, what: str, due: datetime) -> Callable[[datetime], object]:
            def step(when: datetime) -> object:
                row = svc.issue_order(session, city_scope, iid, to_whom=who, content=what,
                                      due_at=due, now=when)  # fmt: skip
                steps.append((when + (due - when) * 0.8, lambda w: svc.mark_done(
                    session, county_scope, iid, row.id, note="已落实", now=w)))  # fmt: skip
                return row

            return step

        for i, (who, what, hours) in enumerate(orders):
            when = at + timedelta(hours=1, minutes=5 * i)
            steps.append((when, order(who, what, when + timedelta(hours=hours))))
        # two points on the way to the section (or just east), inside the county
        tx, ty = lon + 0.02, lat
        if section is not None and section.longitude is not None and section.latitude is not None:
            tx, ty = section.longitude, section.latitude
        specs = [("下游临时点1（厂外河道）", 0.35, "挥发酚", "VolatilePhenol"),
                 ("下游临时点2（节制闸前）", 0.7, "氨氮", "NH3_N")]  # fmt: skip
        t_pt = at + timedelta(hours=1, minutes=40)

        def point(
            k: int, name: str, f: float, param: str, key: str
        ) -> Callable[[datetime], object]:
            def step(when: datetime) -> object:
                px, py = lon + f * (tx - lon), lat + f * (ty - lat)
                if county_at(px, py) != county:
                    px, py = lon + 0.002 * (k + 1), lat
                row = svc.add_point(session, county_scope, iid, name=name, longitude=round(px, 5),
                                    latitude=round(py, 5), parameter=param,
                                    standard_value=_limit(key),
                                    standard_label=f"GB 3838-2002 表1 III类 {GB3838_LIMITS[key][0]}",
                                    now=when)  # fmt: skip
                peak = _limit(key) * (9.0 if k == 0 else 3.5)
                lines = [f"{(when + timedelta(hours=h + 1)).isoformat()},"
                         f"{peak * math.exp(-h / 8.0) + _limit(key) * 0.3:.4g}" for h in range(48)]  # fmt: skip
                steps.append((when + timedelta(hours=49), lambda w: svc.add_readings(
                    session, store, county_scope, iid, row.id, "\n".join(lines), now=w)))  # fmt: skip
                return row

            return step

        for k, (name, f, param, key) in enumerate(specs):
            steps.append((t_pt + timedelta(minutes=k), point(k, name, f, param, key)))
        steps += [
            (t_pt + timedelta(hours=20), lambda w: svc.advance_stage(
                session, city_scope, iid, "monitoring", note="污染源已切断，转入跟踪监测", now=w)),
            (t_pt + timedelta(hours=50), lambda w: svc.add_note(
                session, county_scope, iid, "下游两点连续6小时低于III类标准值", now=w)),
            (t_pt + timedelta(hours=51), lambda w: svc.advance_stage(
                session, city_scope, iid, "recovering", note="应急终止，开展损害评估", now=w)),
            (t0 + timedelta(days=12), lambda w: svc.advance_stage(
                session, city_scope, iid, "closed", note="调查报告已报送", now=w)),
        ]  # fmt: skip
        while steps:
            steps.sort(key=lambda x: x[0])
            when, step = steps.pop(0)
            step(when)

        # the open one: 西湖, a few hours ago, responding
        xihu, _ = _scopes(OPEN_COUNTY)
        t1 = (now - timedelta(hours=5)).replace(minute=10)
        oid = svc.report_incident(session, xihu, IncidentDraft(
            title="运输车辆侧翻致柴油泄漏（演示）", occurred_at=t1, region_code=OPEN_COUNTY,
            origin="report", origin_key=OPEN_KEY, longitude=120.1105, latitude=30.2561,
            facts={"evacuated": 0}, description="道路侧翻，少量柴油流入路边排水沟。（演示数据 synthetic）"),
            now=t1 + timedelta(minutes=15), synthetic=True)  # fmt: skip
        svc.advance_stage(session, xihu, oid, "verified", now=t1 + timedelta(minutes=40))
        svc.advance_stage(session, xihu, oid, "responding", now=t1 + timedelta(minutes=45))
        first = svc.issue_order(session, xihu, oid, to_whom="西湖区应急救援队",
                                content="用吸油毡围堵排水沟，回收泄漏柴油", now=t1 + timedelta(minutes=50))  # fmt: skip
        svc.mark_done(session, xihu, oid, first.id, note="已围堵", now=t1 + timedelta(hours=2))
        svc.issue_order(session, xihu, oid, to_whom="西湖区环境监测站", content="排水沟入河口采样监测石油类",
                        due_at=now + timedelta(hours=3), now=t1 + timedelta(hours=2, minutes=5))  # fmt: skip
    return (
        f"2 incidents (one closed with its record, one responding in {REGIONS[OPEN_COUNTY].name})"
    )
