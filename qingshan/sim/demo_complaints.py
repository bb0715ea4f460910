"""Seed the demo province's year of public complaints and central-inspection hand-overs
(:mod:`.case_plans`) through the case service, after :mod:`.demo_cases` (the QC cases, the
responsible units and the signer accounts of every city): every case registered through the
intake (:func:`~qingshan.cases.service.register_case`: a relapse reopens its case), dispatched,
rectified, returned, signed by the accounts entitled to sign for the case's city as department
and as government (``case_signer``; :mod:`.demo_cases` grants them) and closed through the
service's actions; the scheduler's
deadline check (reminders, overdue, the ladder 通报 → 督办 → 约谈 → 问责) runs at 09:00 CST on
every day of the year in between, in time order. Then the monthly dispatch notices of the last
12 months are issued, as the scheduler does on each 1st.

Runs once: a database holding a case of ``source_key`` ``demo:…`` is left as it is.
"""

from __future__ import annotations

import heapq
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import User
from qingshan.archive.models import Enterprise
from qingshan.cases import service
from qingshan.cases.deadlines import check_deadlines
from qingshan.cases.errors import CaseError
from qingshan.cases.models import CaseSigner, CaseSource
from qingshan.cases.periods import month_of
from qingshan.cases.reporting import issue_notice
from qingshan.db.engine import session_scope
from qingshan.geo.regions import CITY_CODES, in_scope
from qingshan.sim.case_plans import EnterpriseRow, Step, plan_cases
from qingshan.timeutil import CST

__all__ = ["ComplaintSeed", "seed_demo_complaints"]


@dataclass
class ComplaintSeed:
    built: bool
    cases: int = 0
    actions: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    skipped: int = 0
    notices: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        if not self.built:
            return "already seeded"
        by = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        return (
            f"{self.cases} complaints and inspection hand-overs ({by}), "
            f"{sum(self.actions.values())} actions, {self.notices} monthly notices issued, "
            f"in {self.seconds:.1f} s"
        )


def _officer(region: str) -> str:
    """The demo account that dispatches and closes a case of ``region`` (the province's when
    that account is absent)."""
    if region == "330106":
        return "xihu"
    return {"3301": "hangzhou", "3302": "ningbo"}.get(region[:4], "province")


def _signers(session: Session) -> dict[str, dict[str, str]]:
    """City → capacity → the username of an account entitled to sign for the whole city (the
    most specific entitlement: the city's own signer before a province-wide one)."""
    rows = session.execute(
        select(CaseSigner.capacity, CaseSigner.region_code, User.username)
        .join(User, User.id == CaseSigner.user_id)
        .order_by(CaseSigner.region_code.desc(), User.username)
    ).all()
    out: dict[str, dict[str, str]] = {c: {} for c in CITY_CODES}
    for capacity, region, username in rows:
        for city in CITY_CODES:
            if in_scope(city, region):
                out[city].setdefault(capacity.value, username)
    return out


def _run(session: Session, step: Step, case_ids: dict[int, int], users: dict[str, User],
         signers: dict[str, dict[str, str]], region: str) -> str | None:  # fmt: skip
    """Execute one step through the service; the registration's outcome for ``register``."""
    at, a = step.at, step.action
    if a == "register":
        reg = service.register_case(session, step.args["draft"], actor="demo", now=at)
        case_ids[step.plan] = reg.case.id
        return reg.outcome
    case_id = case_ids[step.plan]
    officer = users.get(_officer(region)) or users["province"]
    city = signers[region[:4] + "00"]
    dept, gov = city.get("department", ""), city.get("government", "")
    if a == "assign":
        service.assign_case(session, officer, case_id, due_at=step.args["due_at"], now=at)
    elif a == "start":
        service.start_rectification(session, officer, case_id, now=at)
    elif a == "submit":
        service.submit_for_acceptance(session, officer, case_id, reason=step.args["reason"], now=at)
    elif a == "return":
        service.return_case(session, officer, case_id, reason=step.args["reason"], now=at)
    elif a == "sign_dept" and dept:
        service.sign_acceptance(session, users[dept], case_id, "department", now=at)
    elif a == "sign_gov" and gov:
        service.sign_acceptance(session, users[gov], case_id, "government", now=at)
    elif a == "close":
        service.close_case(session, officer, case_id, reason="验收合格，予以销号", now=at)
    elif a == "cancel":
        service.cancel_case(session, officer, case_id, reason=step.args["reason"], now=at)
    return None


#: demo scale → (public complaints, central-inspection rows) of the year
VOLUME = {"full": (1000, 50), "small": (120, 10)}


def seed_demo_complaints(
    engine: Engine, *, now: datetime, scale: str = "full", seed: int = 2021
) -> ComplaintSeed:
    """Seed the year of complaints and hand-overs ending at ``now`` (once; :data:`VOLUME` by
    the demo's ``scale``) and issue the notices of the last 12 months. Needs the demo
    accounts and :mod:`.demo_cases`' signers."""
    t_start = time.perf_counter()
    out = ComplaintSeed(built=True)
    with session_scope(engine) as session:
        demo = CaseSource.source_key.like("demo:%")
        if session.scalar(select(CaseSource.id).where(demo).limit(1)) is not None:
            return ComplaintSeed(built=False)
        # each service step flushes what it writes; flushing before every query as well would
        # double the flushes (and the audit listener's work) for nothing
        session.autoflush = False
        users = {u.username: u for u in session.scalars(select(User))}
        signers = _signers(session)
        ents = [
            EnterpriseRow(e.id, e.name, e.region_code, e.longitude, e.latitude)
            for e in session.scalars(select(Enterprise).order_by(Enterprise.id))
        ]
        complaints, rows = VOLUME[scale]
        plans = plan_cases(np.random.default_rng([seed, 12]), now=now, enterprises=ents,
                           complaints=complaints, inspection_rows=rows)  # fmt: skip
        queue: list[tuple[datetime, int, int, Step]] = []
        for p in plans:
            for i, s in enumerate(p.steps):
                if s.action == "register":
                    s = Step(s.at, s.action, s.plan, {"draft": p.draft})
                queue.append((s.at, p.key, i, s))
        heapq.heapify(queue)
        case_ids: dict[int, int] = {}
        day = None
        if queue:
            first = queue[0][0].astimezone(CST)
            day = first.replace(hour=9, minute=0, second=0, microsecond=0)
        while queue:
            at, _, _, step = heapq.heappop(queue)
            while day is not None and day <= at:
                check_deadlines(session, now=day, actor="scheduler")  # the daily job
                day += timedelta(days=1)
            try:
                region = plans[step.plan].draft.region_code
                outcome = _run(session, step, case_ids, users, signers, region)
            except CaseError:
                out.skipped += 1  # a step another report's relapse made moot
                continue
            out.actions[step.action] += 1
            if outcome is not None:
                out.outcomes[outcome] += 1
        while day is not None and day < now:
            check_deadlines(session, now=day, actor="scheduler")
            day += timedelta(days=1)
        out.cases = out.outcomes["new"]
        month = month_of(now)
        for _ in range(12):
            month = month.previous()
            issue_notice(session, month, actor="scheduler",
                         now=min(month.end + timedelta(hours=1), now))  # fmt: skip
            out.notices += 1
    out.seconds = round(time.perf_counter() - t_start, 1)
    return out
