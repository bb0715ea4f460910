"""The demo's cases: responsible units and acceptance signers of every city, QC run over the
outlet-days of the demo's injected emission faults (exceedances, limit hugging, capping, O2
tampering, flat lines) through the cases' sink, and those cases walked through the loop with
realistic durations — so the case pages show every state on first start.

Kept fast: QC judges only the CST days holding a fault (at most ``max_windows`` of them, the
newest first, over ``days`` days), reading the observations of the chosen outlets once. Every
step goes through the cases service (the history, signatures and audit rows are real); the
random choices are seeded, so the same demo gives the same cases.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role, User
from qingshan.accounts.service import create_user
from qingshan.cases import service as cases
from qingshan.cases.errors import CaseError
from qingshan.cases.models import CaseRecord
from qingshan.cases.sink import CasesSink
from qingshan.cases.workflow import OPEN_STATES, CaseState
from qingshan.db.engine import session_scope
from qingshan.geo.regions import CITY_CODES, REGIONS
from qingshan.monitoring.models import Series, Site, SiteKind
from qingshan.qc.jobs import day_windows, judge_window, load_outlets, read_frames
from qingshan.sim.models import InjectedFault
from qingshan.timeseries.store import ObservationStore

__all__ = ["DemoCases", "seed_demo_cases", "city_signers"]

#: the injected faults QC opens cases for, most telling first
FAULT_KINDS = ("exceedance", "o2_tamper", "limit_hugging", "flat_line", "capped")


@dataclass(frozen=True)
class DemoCases:
    cases: int
    windows: int
    by_state: dict[str, int]

    def __str__(self) -> str:
        states = ", ".join(f"{k} {v}" for k, v in self.by_state.items() if v)
        return f"{self.cases} cases from {self.windows} judged outlet-days ({states})"


def city_signers(city: str) -> tuple[str, str]:
    """The demo's department and government signer accounts of ``city`` (Hangzhou's
    department signer is the city account ``hangzhou`` itself)."""
    name = REGIONS[city].name_en.lower().replace("'", "")
    return (name if city == "330100" else f"{name}-dept"), f"{name}-gov"


def _units_and_signers(session: Session, password: str) -> None:
    for city in CITY_CODES:
        r = REGIONS[city]
        cases.add_unit(session, f"{r.name}生态环境局", "department", city, ["*"])
        cases.add_unit(session, f"{r.name}人民政府", "government", city)
        for capacity, username in zip(
            ("department", "government"), city_signers(city), strict=True
        ):
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                user = create_user(session, username, password, Role.CITY, city,
                                   display_name=f"{r.name}{'生态环境局' if capacity == 'department' else '人民政府'}")  # fmt: skip
            cases.grant_signer(session, user, capacity, city, by="demo")


def _fault_windows(session: Session, now: datetime, days: int, max_windows: int):
    """(site id, CST day window) of the injected emission faults of the last ``days`` days,
    the newest first per kind, at most ``max_windows`` (capping at most a third of them)."""
    since = now - timedelta(days=days)
    rows = session.execute(
        select(Site.id, InjectedFault.kind, InjectedFault.start)
        .join(Series, Series.id == InjectedFault.series_id)
        .join(Site, Site.id == Series.site_id)
        .where(
            InjectedFault.kind.in_(FAULT_KINDS),
            InjectedFault.start >= since,
            Site.kind.in_([SiteKind.GAS_OUTLET, SiteKind.WATER_OUTLET]),
        )
        .order_by(InjectedFault.start.desc())
    ).all()
    chosen: dict[tuple[int, datetime], str] = {}
    quota = {k: max_windows for k in FAULT_KINDS} | {"capped": max_windows // 3}
    for kind in FAULT_KINDS:
        for site_id, k, start in rows:
            if k != kind or quota[kind] <= 0 or len(chosen) >= max_windows:
                continue
            (w,) = day_windows(start, start + timedelta(seconds=1))
            if (site_id, w[0]) not in chosen:
                chosen[(site_id, w[0])] = kind
                quota[kind] -= 1
    by_site: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for site_id, start in chosen:
        by_site[site_id].append((start, start + timedelta(days=1)))
    return by_site


def _judge(engine: Engine, store: ObservationStore, by_site, now: datetime) -> int:
    # registered two hours after the problem (the QC job's round), never after the demo's now
    sink = CasesSink(
        actor="qc", registered_at=lambda r: min(r.occurred_at + timedelta(hours=2), now)
    )
    n = 0
    with session_scope(engine) as session:
        metas = load_outlets(session, list(by_site))
        if not metas:
            return 0
        t0 = min(w[0] for ws in by_site.values() for w in ws)
        t1 = max(w[1] for ws in by_site.values() for w in ws)
        frames = read_frames(store, metas, t0, t1)
        for meta in metas:
            frame = frames.get(meta.site_id)
            if frame is None:
                continue
            for w in sorted(by_site[meta.site_id]):
                if judge_window(session, meta, frame, w, now=now, sink=sink) is not None:
                    n += 1
    return n


def _walk(session: Session, now: datetime, rng: np.random.Generator) -> None:
    """Move each case along the loop as far as its age allows, with seeded durations: 交办
    within a day, rectification over days to weeks, a fifth returned once, acceptance signed
    by the city's department and government over a few days, then 销号; a few cancelled,
    merged, escalated by the province, or reopened as a relapse."""
    province = session.scalar(select(User).where(User.username == "province"))
    if province is None:
        return
    signers: dict[str, list[User]] = {
        city: [
            session.scalars(select(User).where(User.username == u)).one()
            for u in city_signers(city)
        ]
        for city in CITY_CODES
    }
    ids = list(session.scalars(select(CaseRecord.id).order_by(CaseRecord.registered_at)))
    closed: list[int] = []
    for case_id in ids:
        case = session.get_one(CaseRecord, case_id)
        if case.state not in OPEN_STATES:
            continue
        t = case.registered_at
        city = case.region_code[:4] + "00"
        dept, gov = signers[city]
        fate = rng.random()
        steps: list[tuple[float, str, dict]] = [(rng.uniform(0.1, 1.5), "assign", {})]
        if fate < 0.03:
            steps = [(rng.uniform(0.2, 2), "cancel", {"reason": "经核实为仪器故障，已另行处理"})]
        else:
            steps += [(rng.uniform(0.2, 2), "start", {})]
            steps += [(rng.uniform(2, 12), "submit", {"reason": "已完成整改，提交验收材料"})]
            if fate < 0.22:
                steps += [(rng.uniform(0.5, 2), "return", {"reason": "整改不到位，退回重新整改"}),
                          (rng.uniform(1, 5), "submit", {"reason": "已再次整改"})]  # fmt: skip
            steps += [
                (rng.uniform(0.2, 1.5), "sign_dept", {}),
                (rng.uniform(0.2, 1.5), "sign_gov", {}),
            ]
            steps += [(rng.uniform(0.2, 2), "close", {"reason": "验收通过，予以销号"})]
        for days, step, kw in steps:
            t = t + timedelta(days=float(days))
            if t >= now:
                break
            try:
                if step == "sign_dept":
                    cases.sign_acceptance(session, dept, case_id, "department", now=t)
                elif step == "sign_gov":
                    cases.sign_acceptance(session, gov, case_id, "government", now=t)
                else:
                    cases.act(session, province, case_id, step, cases.ActionInput(**kw), now=t)
            except CaseError:
                break
        if case.state is CaseState.CLOSED:
            closed.append(case_id)
    # two reports of one outlet still open: the later merged into the earlier (合并)
    open_by_site: dict[int, int] = {}
    for case_id in ids:
        case = session.get_one(CaseRecord, case_id)
        if case.state not in OPEN_STATES or case.site_id is None:
            continue
        if case.site_id in open_by_site:
            cases.merge_case(session, province, case_id, open_by_site[case.site_id],
                             reason="同一排口同一问题，合并办理", now=case.registered_at)  # fmt: skip
            break
        open_by_site[case.site_id] = case_id
    # a relapse (反弹) and a repeat complaint on cases closed early enough
    for case_id, kind in zip(closed[:2], ("relapse", "repeat_complaint"), strict=False):
        case = session.get_one(CaseRecord, case_id)
        if case.closed_at is not None and case.closed_at + timedelta(days=3) < now:
            cases.reopen_case(session, province, case_id, kind=kind, now=case.closed_at + timedelta(days=3),
                              reason="同一企业同类问题再次出现" if kind == "relapse" else "群众再次举报")  # fmt: skip


def _cover_states(session: Session, now: datetime) -> None:
    """Make sure the pages show every state: take a case one step further where a state is
    missing (accepted from submitted, cancelled from registered, reopened from closed), half an
    hour before the demo's now."""
    province = session.scalar(select(User).where(User.username == "province"))
    if province is None:
        return
    t = now - timedelta(minutes=30)

    def first(state: CaseState) -> CaseRecord | None:
        return session.scalar(
            select(CaseRecord).where(CaseRecord.state == state, CaseRecord.updated_at < t)
            .order_by(CaseRecord.id).limit(1)
        )  # fmt: skip

    def have(state: CaseState) -> bool:
        return (
            session.scalar(select(CaseRecord.id).where(CaseRecord.state == state).limit(1))
            is not None
        )

    def signers(c: CaseRecord) -> list[User | None]:
        names = city_signers(c.region_code[:4] + "00")
        return [session.scalar(select(User).where(User.username == u)) for u in names]

    try:
        for _ in range(2):  # one to stay submitted, one to go on to accepted
            if not have(CaseState.SUBMITTED) or not have(CaseState.ACCEPTED):
                if (c := first(CaseState.RECTIFYING)) is not None:
                    cases.submit_for_acceptance(session, province, c.id, reason="已完成整改", now=t)
        if not have(CaseState.ACCEPTED) and (c := first(CaseState.SUBMITTED)) is not None:
            dept, gov = signers(c)
            if dept is not None and gov is not None:
                cases.sign_acceptance(session, dept, c.id, "department", now=t)
                cases.sign_acceptance(session, gov, c.id, "government", now=t)
        if not have(CaseState.CANCELLED) and (c := first(CaseState.REGISTERED)) is not None:
            cases.cancel_case(session, province, c.id, reason="经核实不属于环境问题", now=t)
        if not have(CaseState.REOPENED) and (c := first(CaseState.CLOSED)) is not None:
            cases.reopen_case(session, province, c.id, kind="relapse",
                              reason="同一企业同类问题再次出现", now=t)  # fmt: skip
    except CaseError:
        pass


def seed_demo_cases(
    engine: Engine,
    store: ObservationStore,
    *,
    now: datetime,
    password: str,
    seed: int = 2021,
    days: int = 60,
    max_windows: int = 80,
) -> DemoCases | None:
    """Seed the demo's units, signers and cases once (None when cases exist already)."""
    with session_scope(engine) as session:
        if session.scalar(select(func.count()).select_from(CaseRecord)):
            return None
        _units_and_signers(session, password)
        by_site = _fault_windows(session, now, days, max_windows)
    windows = _judge(engine, store, by_site, now)
    with session_scope(engine) as session:
        _walk(session, now, np.random.default_rng([seed, 11]))
        cases.check_deadlines(session, now=now, actor="scheduler")
        _cover_states(session, now)
        counts = cases.count_by_state(session, _province_scope(), now=now)
        total = sum(counts.values())
    return DemoCases(total, windows, counts)


def _province_scope():
    from qingshan.accounts.scope import Scope

    return Scope(region_code="330000", role=Role.PROVINCE, username="demo")
