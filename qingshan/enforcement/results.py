"""Spot-check results: recorded through the archive (an inspection of source ``spot_check``
with the violations found), a case opened for a violation through the cases service (source
``inspection``: 现场检查 / 双随机, idempotent on the task), and published (一公开): the public
listing of plans, draws (seed, hash, inputs file) and results.

A result is recorded once per task, all or nothing: a bad field, an archive refusal or a case
refusal stores neither the result nor the inspection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_names
from qingshan.enforcement.errors import (
    BadEnforcementInput,
    EnforcementConflict,
    EnforcementNotFound,
)
from qingshan.enforcement.models import (
    Inspector,
    SpotCheckDraw,
    SpotCheckItem,
    SpotCheckPlan,
    SpotCheckTask,
)
from qingshan.enforcement.record import open_spot_check_case, record_spot_inspection
from qingshan.enforcement.spotchecks import check_officer, cst_noon
from qingshan.geo.regions import get_region
from qingshan.timeutil import as_cst

__all__ = ["OUTCOMES", "ResultInput", "record_result", "inspector_names", "task_views", "TaskView"]

#: result → (zh, en)
OUTCOMES = {
    "compliant": ("未发现问题", "no problem found"),
    "violation": ("发现问题", "problem found"),
    "closed": ("已关闭或停产", "closed or not operating"),
    "not_found": ("查无下落", "not found at the address"),
}


@dataclass(frozen=True)
class ResultInput:
    outcome: str
    checked_on: date  # CST date of the inspection
    findings: str = ""
    violation_category: str | None = None  # the archive's violation category
    case_category: str | None = None  # the cases' category (default: from the violation)
    severity: str = "general"


#: the archive's violation category → the cases' category of the case it opens
CASE_CATEGORY = {
    "exceedance": "emission_exceedance",
    "monitoring_fraud": "monitoring_fraud",
    "hazardous_waste": "solid_waste",
}


def record_result(
    session: Session, scope: Scope, task_id: int, inp: ResultInput, *, actor: str, now: datetime
) -> SpotCheckTask:
    """Record the result of task ``task_id``: the inspection in the archive, a case for a
    violation, the task's outcome. Refused (nothing stored) for a task out of scope or
    already recorded, an unknown outcome, a date before the draw or in the future, a
    violation without category or findings."""
    task = session.get(SpotCheckTask, task_id)
    if task is None:
        raise EnforcementNotFound("spot-check task", task_id)
    check_officer(scope, task.region_code)
    if task.outcome is not None:
        raise EnforcementConflict("task", f"the result of task {task.id} is recorded already")
    if inp.outcome not in OUTCOMES:
        raise BadEnforcementInput("outcome", f"{inp.outcome!r}; one of {', '.join(OUTCOMES)}")
    draw = session.get(SpotCheckDraw, task.draw_id)
    assert draw is not None
    drawn_on = as_cst(draw.drawn_at).date()
    today = as_cst(now).date()
    if not drawn_on <= inp.checked_on <= today:
        raise EnforcementConflict(
            "checked_on",
            f"{inp.checked_on} is not between the draw ({drawn_on}) and today ({today})",
        )
    findings = inp.findings.strip()
    if inp.outcome == "violation" and (not inp.violation_category or not findings):
        raise BadEnforcementInput(
            "violation_category" if not inp.violation_category else "findings",
            "a violation needs its category and what was found",
        )
    plan = session.get(SpotCheckPlan, task.plan_id)
    item = session.get(SpotCheckItem, plan.item_id) if plan else None
    assert plan is not None and item is not None
    names = inspector_names(session, task.inspector_ids)
    at = min(cst_noon(inp.checked_on), now)
    summary = f"{item.name}（{plan.period}）双随机抽查：{OUTCOMES[inp.outcome][0]}" + (
        f"。{findings}" if findings else "")  # fmt: skip
    inspection_id = record_spot_inspection(
        session, task.enterprise_id, task_id=task.id, inspected_at=at,
        inspectors=[names[i] for i in task.inspector_ids], summary=summary, actor=actor, now=now,
        violation_category=inp.violation_category if inp.outcome == "violation" else None,
        violation_text=findings,
    )  # fmt: skip
    case_id = None
    if inp.outcome == "violation":
        assert inp.violation_category is not None
        category = inp.case_category or CASE_CATEGORY.get(inp.violation_category, "other")
        name = enterprise_names(session, [task.enterprise_id]).get(task.enterprise_id, "")
        case_id = open_spot_check_case(
            session, task_id=task.id, enterprise_id=task.enterprise_id,
            region_code=task.region_code, category=category, severity=inp.severity,
            title=f"双随机抽查发现问题：{name}"[:200], description=findings, occurred_at=at,
            evidence={"plan_id": plan.id, "draw_id": task.draw_id, "task_id": task.id,
                      "item": item.code, "period": plan.period,
                      "violation_category": inp.violation_category,
                      "inspection_id": inspection_id},
            actor=actor, now=now,
        )  # fmt: skip
    task.outcome = inp.outcome
    task.findings = findings
    task.checked_on = inp.checked_on
    task.inspection_id = inspection_id
    task.case_id = case_id
    task.recorded_by = actor
    task.recorded_at = now
    session.flush()
    return task


def inspector_names(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {i.id: i.name for i in session.scalars(select(Inspector).where(Inspector.id.in_(ids)))}


@dataclass(frozen=True)
class TaskView:
    task: SpotCheckTask
    enterprise: str
    region: str
    region_en: str
    inspectors: list[str]


def task_views(session: Session, tasks: list[SpotCheckTask]) -> list[TaskView]:
    """Tasks with the names a page shows (enterprise, county, inspectors)."""
    names = enterprise_names(session, [t.enterprise_id for t in tasks])
    people = inspector_names(session, sorted({i for t in tasks for i in t.inspector_ids}))
    out = []
    for t in tasks:
        r = get_region(t.region_code)
        out.append(TaskView(t, names.get(t.enterprise_id, f"#{t.enterprise_id}"), r.name,
                            r.name_en, [people.get(i, f"#{i}") for i in t.inspector_ids]))  # fmt: skip
    return out
