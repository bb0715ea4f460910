"""The demo's risk enterprises, emergency plans and drills (issue #22, area risk), every record
synthetic:

- up to 150 archive enterprises marked 环境风险 (the demo archive marks every chemical works and
  some others), plus the demo enterprise account's own, declare their risk substances: chemical
  works (液氯, 液氨, 甲醇, 甲苯 …), a plating shop profile (铬酐, 硫酸镍, 氰化钠), dyeing (次氯酸钠,
  硫酸, 盐酸) and others (柴油, 盐酸); most hold little (Q < 1 → 一般), some more (Q1–Q2), a few
  much more with weaker controls — the grade is computed by the service from these inputs, the
  archive's location against the demo's zones layers and the archive's penalties, never set;
- a few declarations are left awaiting review (one in 西湖 for the county account);
- plans for about 85 % of the graded enterprises, signed over the last 3.3 years so a few are
  expired and some expiring, a few filed late; the expired plans of 较大/重大 enterprises open
  their cases as the ``emergency-plans`` job would;
- one or two drills for most plans.

Idempotent: nothing is added when a declaration exists.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise
from qingshan.archive.service import enterprise_directory
from qingshan.db.engine import session_scope
from qingshan.emergency.risk import grading
from qingshan.emergency.risk import service as svc
from qingshan.emergency.risk.models import RiskDeclaration
from qingshan.geo.regions import REGIONS
from qingshan.qc.supervision import CaseSink
from qingshan.timeutil import CST, as_utc, utcnow

__all__ = ["seed_demo_emergency_risk"]

MAX_ENTERPRISES = 150
#: fewer risk-marked enterprises than this (the small demo): other works of these industries too
MIN_ENTERPRISES = 60
FILL_INDUSTRIES = ("chemical", "dyeing", "paper")
#: profile → substances (keys of the HJ 941-2018 data) it draws from
PROFILES: dict[str, tuple[str, ...]] = {
    "chemical": ("chlorine", "ammonia", "methanol", "toluene", "xylene", "hydrochloric_acid",
                 "sulfuric_acid", "acetone", "dichloromethane", "formaldehyde", "benzene",
                 "ethyl_acetate", "dmf", "phenol"),
    "plating": ("chromium_trioxide", "nickel_sulfate", "sodium_cyanide", "copper_sulfate",
                "sulfuric_acid", "hydrochloric_acid", "nitric_acid"),
    "pharma": ("methanol", "acetone", "dichloromethane", "acetonitrile", "pyridine",
               "hydrochloric_acid", "ethyl_acetate"),
    "dyeing": ("sodium_hypochlorite", "sulfuric_acid", "hydrochloric_acid", "formaldehyde"),
    "other": ("mineral_oil", "hydrochloric_acid", "sulfuric_acid", "sodium_hypochlorite"),
}  # fmt: skip
PLACES = ("储罐区", "甲类仓库", "乙类仓库", "生产车间", "危化品仓库", "槽罐区")
SCENARIOS = ("储罐泄漏围堵与事故水收集", "液氯钢瓶泄漏处置", "危化品仓库火灾次生污染", "雨水排口应急关闭",
             "污水处理站超标排放", "槽液泄漏收集")  # fmt: skip
BUREAU = "{name}生态环境分局"


def _profile(industry: str, rng: np.random.Generator) -> str:
    if industry == "chemical":
        return str(rng.choice(["chemical", "chemical", "pharma", "plating"]))
    if industry == "dyeing":
        return "dyeing"
    return str(rng.choice(["other", "plating"]))


def _chemicals(profile: str, tier: str, rng: np.random.Generator) -> list[dict[str, Any]]:
    """Substances and stocks: ``small`` keeps Σ q/Q below 1, ``mid`` 1–10, ``large`` 10–60."""
    pool = PROFILES[profile]
    n = int(rng.integers(1, 3 if tier == "small" else 5))
    keys = list(rng.choice(pool, size=min(n, len(pool)), replace=False))
    target = {"small": rng.uniform(0.1, 0.85), "mid": rng.uniform(1.2, 9.0),
              "large": rng.uniform(12.0, 60.0)}[tier]  # fmt: skip
    shares = rng.dirichlet(np.ones(len(keys)))
    subs = grading.substances()
    rows = []
    for key, share in zip(keys, shares, strict=True):
        q = float(target * share * subs[str(key)].critical_t)
        rows.append({"substance": str(key), "max_stock_t": round(max(q, 0.01), 2),
                     "place": str(rng.choice(PLACES))})  # fmt: skip
    return rows


def _m_items(tier: str, rng: np.random.Generator) -> dict[str, Any]:
    """Processes and controls: most works keep their controls; large ones run hazardous units."""
    spec = grading.table()
    process: dict[str, int] = {}
    if tier != "small" or rng.random() < 0.3:
        process["hazardous_process"] = int(rng.integers(0, 2 if tier == "mid" else 4))
        process["tank_farm"] = int(rng.integers(0, 3))
    weak = {"small": 0.05, "mid": 0.12, "large": 0.3}[tier]
    controls: dict[str, str] = {}
    for medium in ("air", "water"):
        for item in spec["m_controls"][medium]:
            opts = item["options"]
            if "none" in opts:
                controls[item["key"]] = "一般" if rng.random() < weak / 3 else "none"
            else:
                controls[item["key"]] = "no" if rng.random() < weak else "yes"
    return {"process": {k: v for k, v in process.items() if v}, "controls": controls}


def seed_demo_emergency_risk(engine: Engine, *, now: datetime, sink: CaseSink | None = None,
                             seed: int = 2021) -> str | None:  # fmt: skip
    """Declare, grade, file plans and drills for the demo's risk enterprises (None when a
    declaration exists already)."""
    rng = np.random.default_rng([seed, 22, 1])
    today = now.astimezone(CST).date()
    with session_scope(engine) as session:
        if session.scalar(select(func.count()).select_from(RiskDeclaration)):
            return None
        own = session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
        entries = [e for e in enterprise_directory(session, "330000") if e.status == "operating"]
        cats: dict[int, list] = {
            int(i): list(c or [])
            for i, c in session.execute(select(Enterprise.id, Enterprise.key_categories))
        }
        risky = {i for i, c in cats.items() if "risk" in (c or [])}
        chosen = [e for e in entries if e.id in risky or e.id == own][:MAX_ENTERPRISES]
        if len(chosen) < MIN_ENTERPRISES:  # a small demo: chemical, dyeing and paper works too
            more = [e for e in entries if e not in chosen and e.industry in FILL_INDUSTRIES]
            more.sort(key=lambda e: (FILL_INDUSTRIES.index(e.industry), e.id))
            chosen += more[: MIN_ENTERPRISES - len(chosen)]
        if own is not None and all(e.id != own for e in chosen):
            chosen += [e for e in entries if e.id == own]
        if not chosen:
            return None
        # awaiting review: one in 西湖 (the county account) if any, else in Hangzhou, and ~3 %
        others = [e for e in chosen if e.id != own]
        first = next((e for e in others if e.region_code == "330106"), None) or next(
            (e for e in others if e.region_code.startswith("3301")), None)  # fmt: skip
        pending_ids = {e.id for e in others if rng.random() < 0.03}
        if first is not None:
            pending_ids.add(first.id)
        graded: list[tuple[Any, str]] = []
        n_pending = 0
        for e in chosen:
            county = Scope(e.region_code, Role.COUNTY, username="demo")
            tier = str(rng.choice(["small", "mid", "large"], p=[0.62, 0.3, 0.08]))
            profile = _profile(e.industry, rng)
            pop5 = int(rng.choice([rng.integers(2000, 9999), rng.integers(10000, 49999),
                                   rng.integers(50000, 120000)], p=[0.5, 0.4, 0.1]))  # fmt: skip
            pop05 = int(rng.integers(0, 1400) if pop5 > 10000 else rng.integers(0, 480))
            submitted = now - timedelta(days=int(rng.integers(20, 300)))
            d = svc.declare(session, county, e.id, _chemicals(profile, tier, rng),
                            _m_items(tier, rng), pop_5km=pop5, pop_500m=pop05,
                            actor="enterprise" if e.id == own else "demo", now=submitted,
                            synthetic=True)  # fmt: skip
            if e.id in pending_ids:
                n_pending += 1
                continue
            g = svc.review(session, county, d.id, approve=True, actor="demo",
                           now=submitted + timedelta(days=int(rng.integers(2, 15))))  # fmt: skip
            assert g is not None
            graded.append((e, g.level))
        levels = {lv: sum(1 for _, x in graded if x == lv) for lv in grading.LEVELS}
        n_plans = n_drills = 0
        expired_high = False
        for e, _level in graded:
            if e.id != own and rng.random() > 0.85:
                continue
            county = Scope(e.region_code, Role.COUNTY, username="demo")
            # review due 3 years after signing: ~8 % expired, ~12 % expiring within 60 days, and
            # the first 较大/重大 works expired (its case shows what the job does)
            u = rng.random()
            age = (int(rng.integers(1100, 1250)) if u < 0.08 else
                   int(rng.integers(1040, 1090)) if u < 0.2 else int(rng.integers(30, 1030)))  # fmt: skip
            if _level != "一般" and not expired_high:
                age, expired_high = int(rng.integers(1110, 1200)), True
            if e.id == own:
                age = 400
            signed = today - timedelta(days=age)
            due = date(signed.year + svc.REVIEW_YEARS, signed.month, min(signed.day, 28))
            late = rng.random() < 0.1
            filed = signed + timedelta(
                days=int(rng.integers(32, 70) if late else rng.integers(3, 25))
            )
            plan = svc.file_plan(
                session, county, e.id, title=f"{e.name}突发环境事件应急预案", signed_on=signed,
                review_due=due, filed_on=min(filed, today),
                filing_bureau=BUREAU.format(name=_county_name(e.region_code)),
                filing_no=f"{e.region_code}-{signed.year}-{int(rng.integers(1, 400)):03d}-{'LMH'[min(2, grading.LEVELS.index(_level))]}",
                actor="demo", now=datetime.combine(min(filed, today), datetime.min.time(), CST),
                synthetic=True,
            )  # fmt: skip
            n_plans += 1
            for _ in range(int(rng.integers(0, 3))):
                held = today - timedelta(days=int(rng.integers(10, 360)))
                if held < signed:
                    continue
                svc.record_drill(session, county, e.id, held_on=held,
                                 scenario=str(rng.choice(SCENARIOS)),
                                 participants=int(rng.integers(12, 80)),
                                 findings=str(rng.choice(["", "应急物资台账未及时更新", "雨水排口切换阀响应慢",
                                                          "部分员工不熟悉报警流程"])),
                                 plan_id=plan.id, actor="demo",
                                 now=datetime.combine(held, datetime.min.time(), CST),
                                 synthetic=True)  # fmt: skip
                n_drills += 1
        expiring, expired = svc.plans_due(session, today)
        # the demo's now is the hour after its newest value: up to an hour ahead of the clock,
        # and a case may not be dated in the future
        at = min(as_utc(now, naive_is=UTC), utcnow())
        cases = svc.open_expired_cases(session, sink, today, at) if sink is not None else 0
    return (f"{len(chosen)} enterprises declared ({n_pending} awaiting review), graded "
            f"一般 {levels['一般']} / 较大 {levels['较大']} / 重大 {levels['重大']}; {n_plans} plans "
            f"({len(expiring)} expiring, {len(expired)} expired, {cases} case(s)), "
            f"{n_drills} drills")  # fmt: skip


def _county_name(code: str) -> str:
    r = REGIONS.get(code)
    return code if r is None else r.name
