"""What the routes and pages show of spot checks: plans with their draw and counts, a plan's
tasks with names, the public listing (一公开), items and the roster as API shapes."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.enforcement.errors import EnforcementNotFound
from qingshan.enforcement.models import Inspector, SpotCheckDraw, SpotCheckItem, SpotCheckTask
from qingshan.enforcement.results import task_views
from qingshan.enforcement.schemas import (
    DrawPublic,
    InspectorPublic,
    ItemPublic,
    PlanDetail,
    PlanPublic,
    TaskPublic,
)
from qingshan.enforcement.spotchecks import PlanRow, get_plan, list_plans, plan_tasks
from qingshan.enforcement.verify import Verification
from qingshan.geo.regions import get_region

__all__ = [
    "item_public",
    "inspector_public",
    "draw_public",
    "plans_public",
    "plan_detail",
    "public_listing",
    "tasks_public",
    "verification_public",
]


def item_public(i: SpotCheckItem) -> ItemPublic:
    return ItemPublic(
        id=i.id, code=i.code, name=i.name, legal_basis=i.legal_basis, target_group=i.target_group,
        ratio=i.ratio, frequency=i.frequency, qualification=i.qualification,
        same_county=i.same_county, inspectors_per_task=i.inspectors_per_task,
        window_days=i.window_days, region_code=i.region_code, active=i.active,
    )  # fmt: skip


def inspector_public(i: Inspector) -> InspectorPublic:
    return InspectorPublic(id=i.id, name=i.name, badge_no=i.badge_no, region_code=i.region_code,
                           unit=i.unit, qualifications=list(i.qualifications or []),
                           conflicts=list(i.conflicts or []), active=i.active)  # fmt: skip


def draw_public(d: SpotCheckDraw) -> DrawPublic:
    return DrawPublic(
        id=d.id, plan_id=d.plan_id, seed=d.seed, algorithm=d.algorithm,
        inputs_sha256=d.inputs_sha256, result_sha256=d.result_sha256,
        candidates=len(json.loads(d.inputs)["candidates"]), drawn_at=d.drawn_at,
        drawn_by=d.drawn_by, quotas=dict(d.result.get("quotas", {})),
        strata=[{"code": c, "name": get_region(c).name, "name_en": get_region(c).name_en,
                 "drawn": n} for c, n in sorted(d.result.get("quotas", {}).items())],
    )  # fmt: skip


def _plan(row: PlanRow) -> PlanPublic:
    region = get_region(row.plan.region_code)
    return PlanPublic(
        id=row.plan.id, item_code=row.item.code, item_name=row.item.name,
        region_code=region.code, region_name=region.name, region_name_en=region.name_en,
        period=row.plan.period, title=row.plan.title, ratio=row.item.ratio,
        created_at=row.plan.created_at, draw=None if row.draw is None else draw_public(row.draw),
        tasks=row.tasks, recorded=row.recorded, violations=row.violations,
    )  # fmt: skip


def plans_public(
    session: Session, scope: Scope | None, *, drawn_only: bool = False
) -> list[PlanPublic]:
    return [_plan(r) for r in list_plans(session, scope, drawn_only=drawn_only)]


def tasks_public(session: Session, tasks: list[SpotCheckTask]) -> list[TaskPublic]:
    out = []
    for v in task_views(session, tasks):
        t = v.task
        out.append(TaskPublic(
            id=t.id, plan_id=t.plan_id, enterprise_id=t.enterprise_id, enterprise_name=v.enterprise,
            region_code=t.region_code, region_name=v.region, region_name_en=v.region_en,
            inspectors=v.inspectors, outcome=t.outcome, findings=t.findings,
            checked_on=t.checked_on, case_id=t.case_id, inspection_id=t.inspection_id,
        ))  # fmt: skip
    return out


def plan_detail(session: Session, plan_id: int, scope: Scope | None) -> PlanDetail:
    """A plan with its tasks; ``scope`` None: the public view (drawn plans only)."""
    plan = get_plan(session, plan_id, scope)
    rows = [r for r in list_plans(session, scope, drawn_only=scope is None) if r.plan.id == plan.id]
    if not rows:
        raise EnforcementNotFound("spot-check plan", plan_id)
    return PlanDetail(**_plan(rows[0]).model_dump(),
                      task_list=tasks_public(session, plan_tasks(session, plan.id)))  # fmt: skip


def public_listing(session: Session) -> list[PlanDetail]:
    """一公开: every drawn plan with its draw (seed, hashes) and tasks, results as recorded."""
    return [
        PlanDetail(**_plan(r).model_dump(),
                   task_list=tasks_public(session, plan_tasks(session, r.plan.id)))
        for r in list_plans(session, None, drawn_only=True)
    ]  # fmt: skip


def verification_public(v: Verification) -> dict:
    return {
        "draw_id": v.draw_id, "ok": v.ok, "inputs_sha256": v.inputs_sha256,
        "published_sha256": v.published_sha256, "hash_matches": v.hash_matches,
        "result_matches": v.result_matches, "rerun_error": v.rerun_error,
        "differences": list(v.differences), "tasks": v.tasks,
    }  # fmt: skip
