"""The demo's key soil-supervised units (土壤污染重点监管单位, issue #24, area units), every record
synthetic (``synthetic`` set on each row):

- about 60 operating archive enterprises — chemical works first, then dyeing and paper mills (the
  demo archive's industrial enterprises), and always the demo enterprise account's own — put on
  the list by their city bureau in a year between 2019 and this year;
- a hidden-danger check for each of the last three listed years: past years mostly done within
  the year (some late, in January; about one in twelve never done → overdue), this year about 60 %
  done so far (the rest not yet due), with 0–3 rectification items, a few still open after their
  deadline; the demo enterprise's check of this year is left to do;
- self-monitoring of this year (last year before May): 2–4 soil points (0.2 m and some 1.5 m) with the metals of GB
  36600-2018 Table 1 (and benzene / petroleum hydrocarbons at chemical works) mostly at 3–40 % of
  the second-category screening values, a few units over screening and one over intervention;
  1–2 groundwater wells with NH3-N, CODMn, As, Pb, Cd and pH mostly class II–IV by GB/T 14848-2017,
  a few class V;
- the yearly discharge reports since listing, about one in ten missing;
- the cases the ``soil-units`` job opens for them (when a sink is given).

Every record goes through :mod:`qingshan.soil.units.service` (its checks and judgements apply).
Idempotent: nothing is added when a unit exists.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_directory
from qingshan.db.engine import session_scope
from qingshan.qc.supervision import CaseSink
from qingshan.soil.units import service as svc
from qingshan.soil.units.models import SoilUnit
from qingshan.timeutil import CST

__all__ = ["seed_demo_soil_units"]

N_UNITS = 60
INDUSTRIES = ("chemical", "dyeing", "paper")
REASONS = {"chemical": "化工行业排污许可重点管理", "dyeing": "印染行业 · 有毒有害物质排放",
           "paper": "造纸行业 · 涉重金属污泥贮存"}  # fmt: skip
#: soil items and the second-category screening value each is drawn against [mg/kg]
#: (GB 36600-2018 Table 1; the draw is a share of it, the judgement is the service's)
SOIL = {"As": 60.0, "Cd": 65.0, "Cr6": 5.7, "Cu": 18000.0, "Pb": 800.0, "Hg": 38.0,
        "Ni": 900.0}  # fmt: skip
ORGANIC = {"benzene": 4.0, "tph_c10_c40": 4500.0}
#: groundwater items and a typical class III–IV level [mg/L] (GB/T 14848-2017 Table 1 range)
WATER = {"NH3_N": 0.4, "CODMn": 2.5, "As": 0.006, "Pb": 0.006, "Cd": 0.002}
FINDINGS = ("储罐区防渗层局部破损", "危废暂存间地面裂缝", "污水管线无泄漏检测", "装卸区无围堰",
            "地下储罐无双层防渗", "雨污分流不彻底")  # fmt: skip
ITEMS = ("修复防渗层并做渗漏检测", "危废间地面环氧重铺", "增设泄漏监测井", "装卸区增设围堰和导流沟",
         "地下管线改为架空", "完善隐患排查台账")  # fmt: skip
SUBSTANCES = ("镉", "铅", "铬", "汞", "砷", "苯", "石油烃")


def _day_in(rng: np.random.Generator, start: date, end: date) -> date:
    span = max((end - start).days, 0)
    return start + timedelta(days=int(rng.integers(0, span + 1)))


def seed_demo_soil_units(engine: Engine, *, now: datetime, sink: CaseSink | None = None,
                         seed: int = 2021) -> str | None:  # fmt: skip
    """List the units and record their checks, monitoring and reports (None when a unit exists)."""
    rng = np.random.default_rng([seed, 24, 2])
    today = now.astimezone(CST).date()
    this = today.year
    with session_scope(engine) as session:
        if session.scalar(select(func.count()).select_from(SoilUnit)):
            return None
        own = session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
        entries = [e for e in enterprise_directory(session, "330000") if e.status == "operating"]
        pool = [e for e in entries if e.industry in INDUSTRIES and e.id != own]
        pool.sort(key=lambda e: (INDUSTRIES.index(e.industry), e.id))
        chosen = [e for e in entries if e.id == own] + pool[: N_UNITS - (own is not None)]
        if not chosen:
            return None
        n_checks = n_overdue = n_samples = n_exceed = n_reports = 0
        over_intervention_done = False
        for i, e in enumerate(chosen):
            mine = e.id == own
            city = Scope(e.region_code[:4] + "00", Role.CITY, username="demo")
            listed = 2024 if mine else int(rng.choice(range(2019, this + 1),
                                                        p=_year_weights(this)))  # fmt: skip
            unit = svc.list_unit(session, city, e.id, year=listed,
                                 reason=REASONS.get(e.industry, "涉有毒有害物质"),
                                 actor="demo", now=now, synthetic=True)  # fmt: skip
            for y in range(max(listed, this - 2), this + 1):
                n_checks += 1
                if y == this:
                    done = (
                        None
                        if mine or today < date(y, 3, 3) or rng.random() < 0.4
                        else _day_in(
                            rng, date(y, 3, 1), min(today - timedelta(days=1), date(y, 11, 30))
                        )
                    )
                else:
                    r = rng.random()
                    done = (None if r < 0.08 else
                            _day_in(rng, date(y + 1, 1, 2), date(y + 1, 1, 28)) if r < 0.18 else
                            _day_in(rng, date(y, 4, 1), date(y, 12, 20)))  # fmt: skip
                    n_overdue += done is None
                items = []
                if done is not None:
                    for k in range(int(rng.integers(0, 4))):
                        deadline = done + timedelta(days=int(rng.integers(30, 180)))
                        closed = deadline < today and rng.random() < 0.8
                        items.append({"item": ITEMS[(i + k) % len(ITEMS)],
                                      "deadline": deadline.isoformat(),
                                      "status": "done" if closed else "open",
                                      "done_on": (deadline - timedelta(days=int(rng.integers(0, 20))))
                                      .isoformat() if closed else None})  # fmt: skip
                svc.record_check(session, city, unit.id, year=y, done_on=done,
                                 findings="、".join(FINDINGS[(i + k) % len(FINDINGS)]
                                                   for k in range(len(items))),
                                 items=items, actor="demo", now=now, synthetic=True)  # fmt: skip
            # self-monitoring of this year (units listed this year too)
            level = rng.random()
            rows = []
            year_s = this if today >= date(this, 5, 1) else this - 1
            sampled = _day_in(rng, date(year_s, 4, 10), min(today - timedelta(days=3),
                                                            date(year_s, 10, 31)))  # fmt: skip
            for p in range(int(rng.integers(2, 5))):
                for depth in (0.2, 1.5) if rng.random() < 0.4 else (0.2,):
                    vals = {k: round(v * float(rng.uniform(0.03, 0.4)), 3) for k, v in SOIL.items()}
                    if e.industry == "chemical":
                        vals |= {k: round(v * float(rng.uniform(0.0, 0.3)), 3)
                                 for k, v in ORGANIC.items()}  # fmt: skip
                    if p == 0 and depth == 0.2 and level < 0.1:  # a few units over screening
                        key = str(rng.choice(["Cd", "As", "Pb", "Ni"]))
                        factor = 3.2 if not over_intervention_done else 1.3
                        over_intervention_done = True
                        vals[key] = round(SOIL[key] * factor, 2)
                    rows.append({"point": f"T{p + 1}", "medium": "soil", "sampled_on": sampled,
                                 "depth_m": depth, "unit": "mg/kg", **vals})  # fmt: skip
            for w in range(int(rng.integers(1, 3))):
                vals = {k: round(v * float(rng.uniform(0.2, 1.6)), 4) for k, v in WATER.items()}
                if w == 0 and level > 0.95:  # a few wells class V
                    vals["NH3_N"] = round(float(rng.uniform(1.8, 4.0)), 3)
                rows.append({"point": f"GW{w + 1}", "medium": "groundwater", "sampled_on": sampled,
                             "depth_m": round(float(rng.uniform(4, 12)), 1), "unit": "mg/L",
                             "ph": round(float(rng.uniform(6.6, 8.2)), 2), **vals})  # fmt: skip
            stored = svc.add_samples(session, city, unit.id, rows, actor="demo", now=now,
                                     synthetic=True)  # fmt: skip
            n_samples += len(stored)
            n_exceed += sum(1 for s in stored if s.exceeding)
            # yearly discharge reports since listing, about one in ten missing
            for y in range(listed, this):
                if not mine and rng.random() < 0.1:
                    continue
                on = _day_in(rng, date(y + 1, 1, 10), min(date(y + 1, 3, 25), today))
                if on > today:
                    continue
                subs = [{"substance": str(s), "amount_kg": round(float(rng.uniform(0.01, 40)), 3),
                         "medium": str(rng.choice(["water", "air", "solid"]))}
                        for s in rng.choice(SUBSTANCES, size=int(rng.integers(1, 4)), replace=False)]  # fmt: skip
                svc.submit_report(session, city, unit.id, year=y, substances=subs,
                                  submitted_on=on, actor="demo", now=now, synthetic=True)  # fmt: skip
                n_reports += 1
        cases = svc.open_cases(session, sink, today, now) if sink is not None else None
    opened = "" if cases is None else f"; cases: {sum(cases.values())}"
    return (
        f"{len(chosen)} units, {n_checks} checks ({n_overdue} overdue), {n_samples} samples "
        f"({n_exceed} exceeding), {n_reports} discharge reports{opened}"
    )


def _year_weights(this: int) -> list[float]:
    """The listing year's weights over 2019 … this year: most listed in the first lists."""
    years = list(range(2019, this + 1))
    w = np.array([3.0 if y <= 2020 else 1.5 if y < this else 0.6 for y in years])
    return list(w / w.sum())
