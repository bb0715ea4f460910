"""The demo's targets: the 2021 plan's 20 targets loaded with their dates moved to the demo's
year (the plan's code gets ``@<year>``), decomposed to the cities, and a realistic, seeded set
of progress reports through the targets service — most cities near the elapsed share of the
year, a few ahead or behind, some reports accepted (a few audited), some returned with a
reason, some awaiting review and some cities not reporting at all — with small evidence files;
then the deadline reminders due. Idempotent: nothing is done when the plan is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Engine, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases.service import EvidenceLimits
from qingshan.db.engine import session_scope
from qingshan.geo.regions import CITY_CODES
from qingshan.sim.demo_cases import city_signers
from qingshan.sim.images import tiny_png
from qingshan.targets import service
from qingshan.targets.models import Target, TargetShare
from qingshan.targets.plan_file import DEFAULT_PLAN, plan_for_year, read_plan_file
from qingshan.targets.reminders import send_reminders
from qingshan.targets.status import expected_progress
from qingshan.timeutil import as_cst

__all__ = ["DemoTargets", "seed_demo_targets"]

PROVINCE = Scope("330000", Role.PROVINCE, username="province")
#: why the province returns a report (退回理由)
RETURN_REASONS = (
    "佐证材料不全，请补充验收文件",
    "报送数值与台账不一致，请核实",
    "缺少第三方监测报告",
)
NOTES = ("按计划推进", "已完成阶段性验收", "部分项目进入验收阶段", "数据来自部门台账")


@dataclass(frozen=True)
class DemoTargets:
    targets: int
    reports: int
    by_state: dict[str, int]
    reminders: int

    def __str__(self) -> str:
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.by_state.items()))
        return (
            f"{self.targets} targets, {self.reports} progress reports ({states}), "
            f"{self.reminders} reminders"
        )


def _reporter(city: str) -> Scope:
    username = "ningbo" if city == "330200" else city_signers(city)[0]
    return Scope(city, Role.CITY, username=username)


def _figure(t: Target, owed: float, share: float, rng: np.random.Generator) -> float:
    """A city's value: about ``share`` of the way to ``owed`` (a rate towards the target)."""
    if t.unit == "%":
        reach = owed * min(1.0, 0.9 + 0.1 * share + rng.normal(0, 0.02))
        return float(min(100.0, round(reach, 1)))
    value = owed * share
    return float(round(value)) if float(owed).is_integer() else round(value, 1)


def seed_demo_targets(
    engine: Engine, *, now: datetime, limits: EvidenceLimits | None = None, seed: int = 16
) -> DemoTargets | None:
    """Load the plan in the demo's year and file its reports (module docstring); None when it
    is loaded already."""
    today = as_cst(now).date()
    spec = plan_for_year(read_plan_file(DEFAULT_PLAN), today.year)
    rng = np.random.default_rng(seed)
    by_state: dict[str, int] = {}
    with session_scope(engine) as session:
        if service.current_plan(session, spec.code) is not None:
            return None
        result = service.load_plan(session, spec, now=now)
        targets = list(session.scalars(select(Target).where(Target.plan_code == spec.code)
                                       .order_by(Target.id)))  # fmt: skip
        shares = {
            (s.target_id, s.region_code): s.value for s in session.scalars(select(TargetShare))
        }
        n = 0
        for t in targets:
            if t.metric == "computed":
                continue
            expected = expected_progress(t.start, t.deadline, today)
            regions = ["330000"] if t.split == "province" else list(CITY_CODES)
            for region in regions:
                owed = t.value if region == "330000" else shares.get((t.id, region), 0.0)
                if not owed:
                    continue
                if rng.random() < 0.08:  # this city has not reported
                    continue
                pace = float(np.clip(expected * rng.normal(1.0, 0.18), 0.05, 1.0))
                if rng.random() < 0.2:
                    pace = 1.0  # done already
                days_ago = int(rng.integers(1, 40))
                as_of = max(t.start, min(today - timedelta(days=days_ago), t.deadline))
                at = now - timedelta(days=max(0, (today - as_of).days - 1), hours=3)
                scope = PROVINCE if region == "330000" else _reporter(region)
                value = _figure(t, owed, pace, rng)
                roll = rng.random()
                if roll >= 0.7 and as_of - timedelta(days=45) >= t.start:
                    # an earlier report, accepted: what counts while this one is reviewed
                    before = as_of - timedelta(days=45)
                    earlier = service.submit_report(
                        session, scope, t.id, region, _figure(t, owed, 0.8 * pace, rng), before,
                        str(rng.choice(NOTES)), now=at - timedelta(days=45),
                    )  # fmt: skip
                    service.review_report(session, PROVINCE, earlier.id, "accept",
                                          now=at - timedelta(days=43))  # fmt: skip
                    n += 1
                    by_state["accepted"] = by_state.get("accepted", 0) + 1
                report = service.submit_report(session, scope, t.id, region, value, as_of,
                                               str(rng.choice(NOTES)), now=at)  # fmt: skip
                n += 1
                if limits is not None and rng.random() < 0.6:
                    service.add_report_file(session, scope, report.id, tiny_png(report.id),
                                            f"现场照片-{region}-{t.code}.png", limits=limits,
                                            now=at)  # fmt: skip
                review_at = min(now, at + timedelta(days=2))
                if roll < 0.7:
                    service.review_report(session, PROVINCE, report.id, "accept", now=review_at)
                    if rng.random() < 0.25:
                        service.review_report(session, PROVINCE, report.id, "audit", now=review_at)
                elif roll < 0.85:
                    service.review_report(session, PROVINCE, report.id, "return",
                                          str(rng.choice(RETURN_REASONS)), now=review_at)  # fmt: skip
                state = report.state
                by_state[state] = by_state.get(state, 0) + 1
        reminders = send_reminders(session, now=now, plan_code=spec.code)
    return DemoTargets(result.targets, n, by_state, reminders)
