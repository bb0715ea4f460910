"""The demo's emission-rights ledger (排污权, issue #23), every movement synthetic, recorded
through the ledger's service (so every rule holds):

- initial allocation (初始分配) a year before the demo's now to enterprises whose permit caps a
  ledger pollutant (the demo enterprise account's own always): 60–90 % of the cap, paid use
  (有偿使用) at a synthetic price per tonne;
- a year of trades (有偿使用和交易) between enterprises of one city, within the buyer's cap;
- two leases (租赁): one whose term has ended (its return in force) and one running;
- reserve purchases (收储) by county reserves from a few enterprises, and one release
  (储备出让) to a major project (重大项目) with room under its cap.

Prices are synthetic (not a market's). Idempotent: nothing is added when a movement exists.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.archive.service import current_permits, enterprise_directory
from qingshan.db.engine import session_scope
from qingshan.portal.rights import service as svc
from qingshan.portal.rights.errors import RightsError
from qingshan.portal.rights.ledger import pollutants
from qingshan.portal.rights.models import RightsMovement
from qingshan.timeutil import CST

__all__ = ["seed_demo_portal_rights"]

PROVINCE = Scope("330000", Role.PROVINCE, username="demo")
#: synthetic prices [yuan per t/a] of paid use and of trades (not a market's)
PRICE = {"COD": 4000.0, "NH3-N": 5000.0, "SO2": 3000.0, "NOx": 3500.0, "TP": 8000.0, "TN": 3000.0,
         "VOCs": 3000.0}  # fmt: skip
MAX_ENTERPRISES = 80


def seed_demo_portal_rights(engine: Engine, *, now: datetime, seed: int = 2026) -> str | None:
    """Allocations, a year of trades, two leases, 收储 and one 储备出让 (None when the ledger
    holds a movement already)."""
    rng = np.random.default_rng([seed, 23, 7])
    today = now.astimezone(CST).date()
    # the allocation at the start of the demo's year (a year back when the year is young)
    start = (
        date(today.year, 1, 5) if today.timetuple().tm_yday > 95 else today - timedelta(days=360)
    )
    span = max(30, (today - start).days)
    counts: dict[str, int] = defaultdict(int)
    with session_scope(engine) as session:
        if session.scalar(select(func.count()).select_from(RightsMovement)):
            return None
        own = session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
        entries = enterprise_directory(session, "330000")
        permits = current_permits(session, [e.id for e in entries])
        by_param = {p.parameter: p.code for p in pollutants().values() if p.parameter}
        holders = [e for e in entries if e.id in permits and e.status != "closed"
                   and any(k in by_param for k in permits[e.id].caps)]  # fmt: skip
        rng.shuffle(holders)
        holders.sort(key=lambda e: e.id != own)  # the demo account's own first
        holders = holders[:MAX_ENTERPRISES]
        held: dict[tuple[int, str], float] = {}
        cap: dict[tuple[int, str], float] = {}
        region = {e.id: e.region_code for e in holders}
        issuance = svc.Party("issuance")

        def move(kind: str, pol: str, to: svc.Party, frm: svc.Party, t: float, day, **kw) -> bool:  # noqa: ANN001
            try:
                svc.record_movement(session, PROVINCE, kind=kind, pollutant=pol, to=to, from_=frm,
                                    amount_t=t, on=day, now=now, synthetic=True, **kw)  # fmt: skip
            except RightsError:
                return False
            counts[kind] += 1
            return True

        for n, e in enumerate(holders, 1):
            for param, tonnes in permits[e.id].caps.items():
                pol = by_param.get(param)
                if pol is None or tonnes <= 0:
                    continue
                t = round(tonnes * float(rng.uniform(0.6, 0.9)), 1)
                cap[e.id, pol] = tonnes
                if t > 0 and move("allocation", pol, svc.Party("enterprise", e.id), issuance, t,
                                  start, document_no=f"浙排污权初〔{start.year}〕{n}号",
                                  value_yuan=round(t * PRICE[pol], 2)):  # fmt: skip
                    held[e.id, pol] = t

        def room(eid: int, pol: str) -> float:
            return cap.get((eid, pol), 0.0) - held.get((eid, pol), 0.0)

        keys = sorted(held)
        # a year of trades within a city, within the buyer's cap
        for i in range(40):
            seller, pol = keys[int(rng.integers(len(keys)))]
            if i == 0 and own is not None and any(k[0] == own for k in keys):
                buyer_pol = next(k for k in keys if k[0] == own)
                pol = buyer_pol[1]
                buyers = [k[0] for k in keys if k[1] == pol and k[0] != own]
                seller = buyers[0] if buyers else seller
                buyers = [own]
            else:
                buyers = [k[0] for k in keys if k[1] == pol and k[0] != seller
                          and region[k[0]][:4] == region[seller][:4]]  # fmt: skip
            if not buyers:
                continue
            buyer = buyers[int(rng.integers(len(buyers)))]
            t = round(
                min(held.get((seller, pol), 0) * float(rng.uniform(0.05, 0.2)), room(buyer, pol)), 1
            )
            day = start + timedelta(days=int(rng.integers(10, span)))
            if t > 0 and move("trade", pol, svc.Party("enterprise", buyer), svc.Party("enterprise", seller),
                              t, day, document_no=f"浙排污权交〔{day.year}〕{i + 1}号",
                              value_yuan=round(t * PRICE[pol] * float(rng.uniform(1.0, 1.6)), 2)):  # fmt: skip
                held[seller, pol] -= t
                held[buyer, pol] = held.get((buyer, pol), 0) + t
        # two leases: one ended, one running
        for j, (begin, days) in enumerate(
            (
                (start + timedelta(days=30), max(10, min(120, span - 60))),
                (today - timedelta(days=45), 240),
            )
        ):
            for _ in range(20):
                lessor, pol = keys[int(rng.integers(len(keys)))]
                lessees = [
                    k[0] for k in keys if k[1] == pol and k[0] != lessor and room(k[0], pol) > 1
                ]
                if not lessees:
                    continue
                lessee = lessees[int(rng.integers(len(lessees)))]
                t = round(min(held[lessor, pol] * 0.1, room(lessee, pol)), 1)
                if t > 0 and move("lease", pol, svc.Party("enterprise", lessee), svc.Party("enterprise", lessor),
                                  t, begin, lease_end=begin + timedelta(days=days),
                                  document_no=f"浙排污权租〔{begin.year}〕{j + 1}号",
                                  value_yuan=round(t * PRICE[pol] * 0.3, 2)):  # fmt: skip
                    break
        # 收储: county reserves buy from a few enterprises
        bought: dict[tuple[str, str], float] = defaultdict(float)
        for k in range(8):
            seller, pol = keys[int(rng.integers(len(keys)))]
            t = round(held.get((seller, pol), 0) * float(rng.uniform(0.1, 0.25)), 1)
            day = start + timedelta(days=int(rng.integers(20, span - 5)))
            county = region[seller]
            if t > 0 and move("reserve_purchase", pol, svc.Party("reserve", region_code=county),
                              svc.Party("enterprise", seller), t, day,
                              document_no=f"浙排污权储〔{day.year}〕{k + 1}号",
                              value_yuan=round(t * PRICE[pol], 2)):  # fmt: skip
                held[seller, pol] -= t
                bought[county, pol] += t
        # one release from a reserve to a major project with room under its cap
        for (county, pol), t_res in sorted(bought.items(), key=lambda kv: -kv[1]):
            takers = [
                k[0]
                for k in keys
                if k[1] == pol and region[k[0]] == county and room(k[0], pol) > 0.5
            ]
            if not takers:
                continue
            taker = max(takers, key=lambda eid: room(eid, pol))
            t = round(min(t_res * 0.6, room(taker, pol)), 1)
            day = today - timedelta(days=20)
            if t > 0 and move("reserve_release", pol, svc.Party("enterprise", taker),
                              svc.Party("reserve", region_code=county), t, day,
                              document_no=f"浙排污权让〔{day.year}〕1号", project="重大项目扩建工程",
                              value_yuan=round(t * PRICE[pol] * 1.2, 2)):  # fmt: skip
                break
    return (f"{counts['allocation']} allocations, {counts['trade']} trades, {counts['lease']} "
            f"leases, {counts['reserve_purchase']} reserve purchases, "
            f"{counts['reserve_release']} release to a major project")  # fmt: skip
