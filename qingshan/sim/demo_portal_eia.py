"""The demo's EIA approvals and permit applications (issue #23, area eia), every record synthetic:

- most operating enterprises with a permit get an EIA approval (报告书 for power, chemical and
  paper works, else mostly 报告表), dated one to six years before their permit, with totals
  70–100 % of the permit's caps; some get a second approval after their permit (a 技改 whose
  permit was not changed: the ``permit_older`` warning), a few with a total above the cap
  (``totals_above``), and about one in eight has none (``no_eia``, the operating ones);
- the demo enterprise account's own enterprise always has its approval and an application;
- a year of 排污许可 applications (申请 / 变更 / 延续) ending at the demo's now, about one per
  three permitted enterprises: days from submission to decision skewed like a hall's records
  (most within a week or two, a tail past the 20-day limit), trips mostly 0 or 1, some
  materials missing; the newest ones still pending.

Idempotent: nothing is added when an approval exists.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.archive.industry_codes import industry_codes
from qingshan.archive.service import current_permits, enterprise_directory
from qingshan.db.engine import session_scope
from qingshan.geo.counties import county_at
from qingshan.geo.regions import REGIONS
from qingshan.portal.eia import rules
from qingshan.portal.eia import service as svc
from qingshan.portal.eia.models import EiaApproval
from qingshan.timeutil import CST

__all__ = ["seed_demo_portal_eia"]

PROVINCE = Scope("330000", Role.PROVINCE, username="demo")
#: city → the short name of its bureau in an approval number (杭环建〔2023〕12号)
CITY_SHORT = {"330100": "杭", "330200": "甬", "330300": "温", "330400": "嘉", "330500": "湖",
              "330600": "绍", "330700": "金", "330800": "衢", "330900": "舟", "331000": "台",
              "331100": "丽"}  # fmt: skip
#: the rule-pack industry → a GB/T 4754-2017 小类 when the archive has none
INDUSTRY_FALLBACK = {"thermal_power": "4411", "cement": "3011", "paper": "2221", "dyeing": "1713",
                     "chemical": "2614"}  # fmt: skip
REPORT_INDUSTRIES = ("thermal_power", "chemical", "paper")
PROJECTS = {"thermal_power": ("机组超低排放改造项目", "热电联产扩建项目"),
            "cement": ("熟料生产线技改项目", "协同处置固废项目"),
            "paper": ("年产20万吨纸板技改项目", "废水深度处理改造项目"),
            "dyeing": ("印染生产线提升改造项目", "年产5000万米面料技改项目"),
            "chemical": ("年产2万吨精细化学品项目", "生产装置技改扩能项目")}  # fmt: skip
CONDITIONS = ("废水经预处理达标后纳管排放", "废气经收集处理后达标排放，排气筒高度不低于15米",
              "危险废物委托有资质单位处置并执行转移联单制度", "落实环境风险防范措施，编制突发环境事件应急预案",
              "安装污染源自动监控设备并与生态环境部门联网", "卫生防护距离内不得新建居民区等敏感目标")  # fmt: skip


def _code(entry) -> str:  # noqa: ANN001
    code = entry.industry_code or ""
    return code if code in industry_codes() else INDUSTRY_FALLBACK.get(entry.industry, "2614")


def seed_demo_portal_eia(engine: Engine, *, now: datetime, seed: int = 2023) -> str | None:
    """Approvals and a year of applications (None when an approval exists already)."""
    rng = np.random.default_rng([seed, 23, 5])
    today = now.astimezone(CST).date()
    with session_scope(engine) as session:
        if session.scalar(select(func.count()).select_from(EiaApproval)):
            return None
        own = session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
        entries = [e for e in enterprise_directory(session, "330000")
                   if e.longitude is not None and e.latitude is not None]  # fmt: skip
        permits = current_permits(session, [e.id for e in entries])
        entries = [e for e in entries if e.id in permits or e.id == own]
        inside = county_at(np.array([e.longitude for e in entries], dtype=float),
                           np.array([e.latitude for e in entries], dtype=float))  # fmt: skip
        placed = np.asarray(inside, dtype=object)
        entries = [e for e, c in zip(entries, placed, strict=True) if c is not None]
        serial: Counter[tuple[str, int]] = Counter()
        inputs: list[svc.ApprovalInput] = []
        kinds: Counter[str] = Counter()

        def approval(e, on: date, totals: dict[str, float], project: str) -> svc.ApprovalInput:  # noqa: ANN001
            city = e.region_code[:4] + "00"
            serial[city, on.year] += 1
            doc = "report" if e.industry in REPORT_INDUSTRIES and rng.random() < 0.8 else "table"
            conds = [
                str(c) for c in rng.choice(CONDITIONS, size=int(rng.integers(2, 5)), replace=False)
            ]
            return svc.ApprovalInput(
                e.id, f"{e.name}{project}", float(e.longitude), float(e.latitude), _code(e), doc,
                f"{CITY_SHORT.get(city, '浙')}环建〔{on.year}〕{serial[city, on.year]}号",
                f"{REGIONS[city].name if city in REGIONS else '浙江省'}生态环境局", on, conds,
                totals,
            )  # fmt: skip

        for e in entries:
            p = permits.get(e.id)
            mine = e.id == own
            if not mine and rng.random() < 0.12:
                kinds["missing"] += 1
                continue
            base = p.valid_from if p is not None else today - timedelta(days=900)
            first = base - timedelta(days=int(rng.integers(365, 6 * 365)))
            caps = dict(p.caps) if p is not None else {}
            totals = {k: round(float(v) * float(rng.uniform(0.7, 1.0)), 2) for k, v in caps.items()}
            projects = PROJECTS.get(e.industry, ("建设项目", "技改项目"))
            inputs.append(approval(e, first, totals, projects[0]))
            kinds["approved"] += 1
            r = rng.random()
            if (
                p is not None
                and not mine
                and r < 0.12
                and p.valid_from < today - timedelta(days=60)
            ):
                later = p.valid_from + timedelta(
                    days=int(rng.integers(30, max(31, (today - p.valid_from).days)))
                )
                more = {k: round(v * float(rng.uniform(1.0, 1.1)), 2) for k, v in totals.items()}
                inputs.append(approval(e, min(later, today), more, projects[1]))
                kinds["after_permit"] += 1
            elif p is not None and caps and not mine and r < 0.17:
                code = sorted(caps)[0]
                totals[code] = round(caps[code] * float(rng.uniform(1.1, 1.4)), 2)
                kinds["above_cap"] += 1
        svc.record_approvals(session, PROVINCE, inputs, now=now, origin="demo", synthetic=True)

        # a year of applications, about one per three permitted enterprises
        permitted = [e for e in entries if e.id in permits]
        chosen = [e for e in permitted if e.id == own or rng.random() < 0.34]
        n_apps = 0
        for e in chosen:
            kind = str(rng.choice(list(rules.APPLICATION_KINDS), p=[0.2, 0.5, 0.3]))
            submitted = today - timedelta(days=int(rng.integers(0 if e.id != own else 40, 365)))
            days = int(np.clip(np.round(rng.lognormal(np.log(8), 0.55)), 1, 45))
            accepted = submitted + timedelta(days=min(days, int(rng.integers(0, 3))))
            decided = submitted + timedelta(days=days)
            done = decided <= today
            trips = int(rng.choice([0, 1, 2, 3], p=[0.58, 0.3, 0.09, 0.03]))
            needed = [k for k, (_, _, ks) in rules.MATERIALS.items() if kind in ks]
            provided = [k for k in needed if rng.random() < 0.93]
            svc.record_application(session, Scope(e.region_code, Role.COUNTY, username="demo"),
                                   svc.ApplicationInput(
                e.id, kind, submitted, provided, accepted if accepted <= today else None,
                decided if done else None, ("granted" if rng.random() < 0.96 else "refused") if done else None,
                trips, permits[e.id].number, "演示数据"), now=now, synthetic=True)  # fmt: skip
            n_apps += 1
    return (f"{kinds['approved']} enterprises with an EIA approval ({kinds['after_permit']} with a "
            f"later one after their permit, {kinds['above_cap']} above a cap), "
            f"{kinds['missing']} without; {n_apps} permit applications over the year")  # fmt: skip
