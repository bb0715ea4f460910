"""The demo's credit and double-random spot checks (issue #12): an inspector roster per city
(the city's enforcement unit and two inspectors per county, a few declared conflicts), the
province's item list, last quarter's plans (drawn, every result recorded) and this quarter's
(drawn and published, some results recorded), and the credit grades computed from the
archive's records by the published rule — before last quarter's draw (so the draw is weighted
by them), at last quarter's end and now (the grade history).

Everything goes through the enforcement service (the draws are real draws with their inputs
files, the results are recorded through the archive and open cases), as a user would; the
rates of the results are invented for the demo (MEE 2019: 4.79 % of spot checks found
violations [MC], reference §3.1). Once per database (an inspector on the roster means done).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import Engine, func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.enforcement import service
from qingshan.enforcement.errors import EnforcementError
from qingshan.enforcement.models import Inspector
from qingshan.enforcement.periods import period_of
from qingshan.enforcement.schemas import InspectorCreate, ItemCreate
from qingshan.geo.regions import CITY_CODES, REGIONS, children
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, as_cst

__all__ = ["DemoEnforcement", "ITEMS", "seed_demo_enforcement"]

PROVINCE = Scope(region_code="330000", role=Role.PROVINCE, username="demo")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾"
_GIVEN = "伟芳敏静丽强磊军洋勇艳杰娟涛明超霞平刚英华建国志红文斌辉鹏宇浩"

#: the province's item list (随机抽查事项清单); ratios after local practice (reference §3.2 [MC])
ITEMS = (
    ItemCreate(
        code="ZJ-SJ-01", name="重点排污单位监督检查",
        legal_basis="《中华人民共和国环境保护法》第二十四条；《排污许可管理条例》（国务院令第736号）",
        target_group="key", ratio=0.10, frequency="quarter", qualification="执法证",
        same_county=True, inspectors_per_task=2, window_days=180, region_code="330000",
    ),
    ItemCreate(
        code="ZJ-SJ-02", name="一般排污单位监督检查",
        legal_basis="《中华人民共和国环境保护法》第二十四条",
        target_group="general", ratio=0.05, frequency="year", qualification="执法证",
        same_county=True, inspectors_per_task=2, window_days=365, region_code="330000",
    ),
    ItemCreate(
        code="ZJ-SJ-03", name="排污许可证执行情况检查",
        legal_basis="《排污许可管理条例》（国务院令第736号）",
        target_group="all", ratio=0.05, frequency="half", qualification="执法证",
        same_county=False, inspectors_per_task=2, window_days=180, region_code="330000",
    ),
)  # fmt: skip
#: result → share of the recorded results (invented for the demo)
_OUTCOMES = {"compliant": 0.88, "violation": 0.07, "closed": 0.03, "not_found": 0.02}
_FINDINGS = {
    "exceedance": "在线监测数据显示超标排放，现场核实属实",
    "facility_idle": "治污设施未正常运行",
    "records": "排污许可执行报告、台账记录不完整",
    "bypass": "雨水排口发现疑似暗管",
}
_CASE_CATEGORY = {"exceedance": "emission_exceedance", "facility_idle": "air_pollution",
                  "records": "other", "bypass": "water_pollution"}  # fmt: skip


@dataclass(frozen=True)
class DemoEnforcement:
    inspectors: int
    items: int
    plans: int
    tasks: int
    results: int
    violations: int
    rated: int
    by_grade: dict

    def __str__(self) -> str:
        grades = ", ".join(f"{k} {v}" for k, v in self.by_grade.items())
        return (
            f"{self.inspectors} inspectors, {self.items} items, {self.plans} plans "
            f"({self.tasks} tasks, {self.results} results, {self.violations} with problems); "
            f"credit of {self.rated} enterprises: {grades}"
        )


def _name(rng: np.random.Generator) -> str:
    return str(rng.choice(list(_SURNAMES))) + "".join(
        rng.choice(list(_GIVEN), size=int(rng.integers(1, 3)))
    )


def _roster(session, rng: np.random.Generator, now: datetime) -> int:
    n = 0
    for city in CITY_CODES:
        units = [(city, 4, f"{REGIONS[city].name}生态环境执法队")] + [
            (c.code, 2, f"{REGIONS[city].name}生态环境局{c.name}分局")
            for c in children(city)
        ]  # fmt: skip
        for region, count, unit in units:
            for _ in range(count):
                n += 1
                quals = ["执法证"] + (["监测"] if rng.random() < 0.3 else [])
                service.add_inspector(session, PROVINCE, InspectorCreate(
                    name=_name(rng), badge_no=f"ZJHB{region}{n:04d}", region_code=region,
                    unit=unit, qualifications=quals), now=now)  # fmt: skip
    # a few declared conflicts (回避): an inspector with an enterprise of their own county
    ents = service.enterprise_directory(session, "330000")
    by_county: dict[str, list[int]] = {}
    for e in ents:
        by_county.setdefault(e.region_code, []).append(e.id)
    for i in session.scalars(select(Inspector).order_by(Inspector.id)):
        pool = by_county.get(i.region_code)
        if pool and rng.random() < 0.1:
            i.conflicts = [{"enterprise_id": int(rng.choice(pool)), "reason": "亲属在该企业任职"}]
    session.flush()
    return n


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def _results(session, rng, plan_id: int, share: float, start: date, end: date, now: datetime):
    """Record ``share`` of a plan's tasks, checked between ``start`` and ``end``."""
    done = violations = 0
    tasks = service.plan_tasks(session, plan_id)
    days = max(1, (end - start).days)
    for t in tasks:
        if rng.random() >= share:
            continue
        day = start + timedelta(days=int(rng.integers(0, days + 1)))
        outcome = str(rng.choice(list(_OUTCOMES), p=list(_OUTCOMES.values())))
        kind = str(rng.choice(list(_FINDINGS))) if outcome == "violation" else None
        inp = service.ResultInput(
            outcome=outcome, checked_on=day,
            findings=_FINDINGS[kind] if kind else "", violation_category=kind,
            case_category=_CASE_CATEGORY[kind] if kind else None,
            severity="serious" if kind == "bypass" else "general",
        )  # fmt: skip
        service.record_result(session, PROVINCE, t.id, inp, actor="demo",
                              now=min(now, _at(day, 16)))  # fmt: skip
        done += 1
        violations += outcome == "violation"
    return len(tasks), done, violations


def seed_demo_enforcement(
    engine: Engine, store: ObservationStore | None, *, now: datetime, seed: int = 2021
) -> DemoEnforcement | None:
    """Seed the roster, the items, two quarters of plans with draws and results, and the credit
    grades (see the module's docstring); None when the roster exists already."""
    rng = np.random.default_rng([seed, 13])
    today = as_cst(now).date()
    this_q = period_of(today, "quarter")
    last_q = period_of(this_q.start - timedelta(days=1), "quarter")
    with session_scope(engine) as session:
        if session.scalar(select(func.count()).select_from(Inspector)):
            return None
        t0 = _at(last_q.start + timedelta(days=3), 9)
        inspectors = _roster(session, rng, t0)
        for item in ITEMS:
            service.add_item(session, PROVINCE, item, actor="demo", now=t0)
        # the grades the first draw is weighted by, then last quarter's checks
        service.recompute_credit(session, now=t0, store=store)
        plans = tasks = results = violations = 0
        for q, share, drawn_on, end in (
            (last_q, 1.0, last_q.start + timedelta(days=5), last_q.end),
            (this_q, 0.4, min(this_q.start + timedelta(days=5), today), today),
        ):
            if q is this_q:
                service.recompute_credit(session, now=_at(last_q.end, 23), store=store)
            for k, city in enumerate(CITY_CODES):
                at = min(_at(drawn_on, 9), now - timedelta(minutes=5))
                plan = service.create_plan(session, PROVINCE, item_code="ZJ-SJ-01", region_code=city,
                                           period=q.text, actor="demo", now=at)  # fmt: skip
                try:
                    service.draw_plan(session, PROVINCE, plan.id, actor="demo", now=at,
                                      seed=seed * 1000 + 10 * k + (q is this_q))  # fmt: skip
                except EnforcementError:  # a city of the small demo without enough candidates
                    continue
                plans += 1
                n, done, bad = _results(session, rng, plan.id, share, drawn_on, end, now)
                tasks, results, violations = tasks + n, results + done, violations + bad
        run = service.recompute_credit(session, now=now, store=store)
        return DemoEnforcement(inspectors, len(ITEMS), plans, tasks, results, violations,
                               run.rated, dict(run.by_grade))  # fmt: skip
