"""Double-random spot checks (双随机、一公开) over the database: the item list, plans, the draw
with its published inputs file, verification, results recorded through the archive (and cases
opened for violations) and the public listing.

Who may do what: officers (province, city, county) within their region — an item is published
by a region and used by plans inside it; a plan's region is inside the officer's; the draw and
the results are the plan region's officers'. Enterprise accounts and visitors read only the
public listing (:func:`public_listing`).

The draw (:func:`draw_plan`) collects its inputs from the database — the target group of the
plan's region by county (population, already drawn for the same item and period), each
candidate's weight (:mod:`.weights`: credit grade, key unit, an open risk), the roster
(active, qualified, within the plan's region) and the exclusions (declared conflicts, a
spot-check task at the same enterprise within the item's window) — writes them as the
canonical inputs file, runs :func:`qingshan.enforcement.draw.run_draw` and stores draw and
tasks together. A refused draw stores nothing.
"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.enforcement.draw import (
    ALGORITHM,
    Candidate,
    DrawInputs,
    canonical,
    run_draw,
    sha256_hex,
)
from qingshan.enforcement.draw import Inspector as DrawInspector
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
from qingshan.enforcement.periods import parse_period
from qingshan.enforcement.ratings import current_grades
from qingshan.enforcement.record import EnterpriseEntry, enterprise_directory
from qingshan.enforcement.schemas import ItemCreate
from qingshan.enforcement.verify import Verification, parse_inputs_file, verify_inputs
from qingshan.enforcement.weights import candidate_factors, draw_weights, weight_of
from qingshan.errors import PermissionDenied
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import get_region, in_scope
from qingshan.timeutil import CST, as_cst

__all__ = [
    "OFFICERS",
    "TARGET_GROUPS",
    "RISK_KINDS",
    "add_item",
    "list_items",
    "create_plan",
    "get_plan",
    "list_plans",
    "plan_tasks",
    "draw_plan",
    "draw_inputs_file",
    "verify_draw",
    "verify_file",
]

#: who runs spot checks
OFFICERS = frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY})
#: target group → (zh, en)
TARGET_GROUPS = {
    "key": ("重点排污单位", "key pollutant dischargers"),
    "general": ("一般排污单位", "other dischargers"),
    "all": ("全部排污单位", "all dischargers"),
}
#: the finding kinds of a current rating that count as an open risk in the draw's weights
RISK_KINDS = frozenset({"overdue_case", "relapsed_case"})


def check_officer(scope: Scope, region_code: str | None = None) -> None:
    """:class:`PermissionDenied` unless ``scope`` is an officer's (and covers ``region_code``)."""
    if scope.role not in OFFICERS:
        raise PermissionDenied(
            f"{scope.username} ({scope.role.value}): spot checks are run by province, city "
            "and county officers"
        )
    if region_code is not None and not in_scope(region_code, scope.region_code):
        raise PermissionDenied(
            f"{scope.username}: region {region_code} is outside your region {scope.region_code}"
        )


def _region(field: str, code: str) -> str:
    try:
        return get_region(code).code
    except GeoError as exc:
        raise BadEnforcementInput(field, str(exc)) from exc


# --- the item list ---------------------------------------------------------------------------


def add_item(
    session: Session, scope: Scope, inp: ItemCreate, *, actor: str, now: datetime
) -> SpotCheckItem:
    """Add an item to the list (随机抽查事项清单) of ``inp.region_code`` (inside the scope)."""
    region = _region("region_code", inp.region_code)
    check_officer(scope, region)
    parse_period("2026" if inp.frequency == "year" else "2026" + inp.frequency[0].upper() + "1",
                 inp.frequency)  # fmt: skip
    if session.scalar(select(SpotCheckItem.id).where(SpotCheckItem.code == inp.code)):
        raise EnforcementConflict("code", f"an item {inp.code!r} is already on the list")
    item = SpotCheckItem(**inp.model_dump(), active=True, created_by=actor, created_at=now)
    item.region_code = region
    session.add(item)
    session.flush()
    return item


def list_items(session: Session, scope: Scope | None = None) -> list[SpotCheckItem]:
    """The active items a scope uses: those its region's ancestors or itself publish, and (for
    a city or the province) those of the regions below; every item for ``None`` (public)."""
    items = list(session.scalars(select(SpotCheckItem).where(SpotCheckItem.active)
                                 .order_by(SpotCheckItem.code)))  # fmt: skip
    if scope is None:
        return items
    return [i for i in items if in_scope(scope.region_code, i.region_code)
            or in_scope(i.region_code, scope.region_code)]  # fmt: skip


def _item(session: Session, code: str) -> SpotCheckItem:
    item = session.scalar(select(SpotCheckItem).where(SpotCheckItem.code == code))
    if item is None or not item.active:
        codes = [i.code for i in list_items(session)]
        raise EnforcementNotFound(
            "spot-check item", f"{code!r} (items: {', '.join(codes) or 'none'})"
        )
    return item


# --- plans -----------------------------------------------------------------------------------


def create_plan(
    session: Session,
    scope: Scope,
    *,
    item_code: str,
    region_code: str,
    period: str,
    title: str = "",
    actor: str,
    now: datetime,
) -> SpotCheckPlan:
    """A plan (抽查计划) of item ``item_code`` for ``region_code`` in ``period``."""
    item = _item(session, item_code)
    region = _region("region_code", region_code)
    check_officer(scope, region)
    if not in_scope(region, item.region_code):
        raise EnforcementConflict(
            "region_code", f"{region} is outside the region {item.region_code} of item {item.code}"
        )
    try:
        p = parse_period(period, item.frequency)
    except BadEnforcementInput as exc:  # a period that does not suit the item's frequency
        raise EnforcementConflict(exc.field, str(exc).split(": ", 1)[1]) from exc
    if p.end < as_cst(now).date() - timedelta(days=366):
        raise EnforcementConflict("period", f"{p.text} ended more than a year ago")
    dup = session.scalar(select(SpotCheckPlan.id).where(
        SpotCheckPlan.item_id == item.id, SpotCheckPlan.region_code == region,
        SpotCheckPlan.period == p.text))  # fmt: skip
    if dup is not None:
        raise EnforcementConflict(
            "period", f"plan {dup} already covers {item.code} in {region} for {p.text}"
        )
    name = get_region(region).name
    plan = SpotCheckPlan(item_id=item.id, region_code=region, period=p.text,
                         title=(title.strip() or f"{name}{p.text}{item.name}双随机抽查计划")[:200],
                         created_by=actor, created_at=now)  # fmt: skip
    session.add(plan)
    session.flush()
    return plan


def get_plan(session: Session, plan_id: int, scope: Scope | None = None) -> SpotCheckPlan:
    plan = session.get(SpotCheckPlan, plan_id)
    if plan is None or (scope is not None and not in_scope(plan.region_code, scope.region_code)
                        and not in_scope(scope.region_code, plan.region_code)):  # fmt: skip
        raise EnforcementNotFound("spot-check plan", plan_id)
    return plan


@dataclass(frozen=True)
class PlanRow:
    plan: SpotCheckPlan
    item: SpotCheckItem
    draw: SpotCheckDraw | None
    tasks: int
    recorded: int
    violations: int


def list_plans(
    session: Session, scope: Scope | None = None, *, drawn_only: bool = False
) -> list[PlanRow]:
    """Plans newest first: within (or above) the scope's region; every plan for ``None``."""
    q = (select(SpotCheckPlan, SpotCheckItem, SpotCheckDraw)
         .join(SpotCheckItem, SpotCheckItem.id == SpotCheckPlan.item_id)
         .outerjoin(SpotCheckDraw, SpotCheckDraw.plan_id == SpotCheckPlan.id)
         .order_by(SpotCheckPlan.period.desc(), SpotCheckPlan.id.desc()))  # fmt: skip
    rows = [(p, i, d) for p, i, d in session.execute(q).all()
            if scope is None or in_scope(p.region_code, scope.region_code)
            or in_scope(scope.region_code, p.region_code)]  # fmt: skip
    if drawn_only:
        rows = [r for r in rows if r[2] is not None]
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    ids = [p.id for p, _, _ in rows]
    if ids:
        for plan_id, outcome in session.execute(
            select(SpotCheckTask.plan_id, SpotCheckTask.outcome).where(
                SpotCheckTask.plan_id.in_(ids)
            )
        ):
            c = counts[plan_id]
            c[0] += 1
            c[1] += outcome is not None
            c[2] += outcome == "violation"
    return [PlanRow(p, i, d, *counts[p.id]) for p, i, d in rows]


def plan_tasks(session: Session, plan_id: int) -> list[SpotCheckTask]:
    return list(session.scalars(select(SpotCheckTask).where(SpotCheckTask.plan_id == plan_id)
                                .order_by(SpotCheckTask.region_code, SpotCheckTask.enterprise_id)))  # fmt: skip


# --- the draw --------------------------------------------------------------------------------


def _in_group(e: EnterpriseEntry, group: str) -> bool:
    if e.status == "closed":
        return False
    return group == "all" or (group == "key") == e.key_unit


def collect_inputs(
    session: Session, plan: SpotCheckPlan, item: SpotCheckItem, *, seed: int, now: datetime
) -> DrawInputs:
    """The inputs of the draw of ``plan`` (see the module's docstring)."""
    period = parse_period(plan.period, item.frequency)
    group = [
        e
        for e in enterprise_directory(session, plan.region_code)
        if _in_group(e, item.target_group)
    ]
    same_period = select(SpotCheckPlan.id).where(
        SpotCheckPlan.item_id == item.id, SpotCheckPlan.period == period.text
    )
    already = set(session.scalars(select(SpotCheckTask.enterprise_id)
                                  .where(SpotCheckTask.plan_id.in_(same_period))))  # fmt: skip
    population: dict[str, int] = defaultdict(int)
    drawn_before: dict[str, int] = defaultdict(int)
    for e in group:
        population[e.region_code] += 1
        drawn_before[e.region_code] += e.id in already
    grades = current_grades(session, [e.id for e in group])
    weights = draw_weights()
    candidates = []
    for e in group:
        if e.id in already:
            continue
        r = grades.get(e.id)
        risk = r is not None and any(x["kind"] in RISK_KINDS and x["points"] > 0 for x in r.reasons)
        factors = candidate_factors(None if r is None else r.grade, e.key_unit, risk, weights)
        candidates.append(Candidate(e.id, e.region_code, weight_of(factors), factors))
    roster = [i for i in session.scalars(select(Inspector).where(Inspector.active).order_by(Inspector.id))
              if in_scope(i.region_code, plan.region_code)
              and (not item.qualification or item.qualification in (i.qualifications or []))]  # fmt: skip
    exclusions: dict[int, dict[int, str]] = defaultdict(dict)
    ids = {c.id for c in candidates}
    for i in roster:
        for c in i.conflicts or []:
            if int(c.get("enterprise_id", 0)) in ids:
                exclusions[int(c["enterprise_id"])][i.id] = "conflict"
    since = now - timedelta(days=item.window_days)
    recent = session.execute(
        select(SpotCheckTask.enterprise_id, SpotCheckTask.inspector_ids)
        .join(SpotCheckDraw, SpotCheckDraw.id == SpotCheckTask.draw_id)
        .where(SpotCheckDraw.drawn_at >= since, SpotCheckTask.enterprise_id.in_(sorted(ids)))
    ).all() if ids else []  # fmt: skip
    roster_ids = {i.id for i in roster}
    for ent, inspectors in recent:
        for i in inspectors:
            if i in roster_ids:
                exclusions[int(ent)].setdefault(int(i), "recent_inspection")
    meta = {"plan_id": plan.id, "item": item.code, "item_name": item.name, "period": plan.period,
            "region_code": plan.region_code, "target_group": item.target_group,
            "weights_version": weights.version,
            "collected_at": as_cst(now).isoformat(timespec="seconds")}  # fmt: skip
    return DrawInputs(
        seed=seed, ratio=item.ratio, per_task=item.inspectors_per_task, same_county=item.same_county,
        candidates=tuple(candidates),
        inspectors=tuple(DrawInspector(i.id, i.region_code) for i in roster),
        population=dict(population), already_drawn={k: v for k, v in drawn_before.items() if v},
        exclusions=dict(exclusions), meta=meta,
    )  # fmt: skip


def draw_plan(
    session: Session, scope: Scope, plan_id: int, *, actor: str, now: datetime,
    seed: int | None = None,
) -> SpotCheckDraw:  # fmt: skip
    """Draw plan ``plan_id`` (once): enterprises and two inspectors each; stores the draw, its
    inputs file and hash, and the tasks. ``seed`` default: 53 random bits (``secrets``)."""
    plan = get_plan(session, plan_id, scope)
    check_officer(scope, plan.region_code)
    have = session.scalar(select(SpotCheckDraw.id).where(SpotCheckDraw.plan_id == plan.id))
    if have is not None:
        raise EnforcementConflict("plan", f"plan {plan.id} was drawn already (draw {have})")
    item = session.get(SpotCheckItem, plan.item_id)
    assert item is not None
    period = parse_period(plan.period, item.frequency)
    if as_cst(now).date() > period.end:
        raise EnforcementConflict("plan", f"the period {plan.period} of plan {plan.id} has ended")
    seed = secrets.randbits(53) if seed is None else seed
    inputs = collect_inputs(session, plan, item, seed=seed, now=now)
    if not inputs.candidates:
        raise EnforcementConflict(
            "plan", f"no enterprise of the target group ({item.target_group}) in "
            f"{plan.region_code} is left to draw for {item.code} in {plan.period}")  # fmt: skip
    result = run_draw(inputs)  # raises before anything is stored
    data = canonical(inputs.as_json())
    res = result.as_json()
    draw = SpotCheckDraw(plan_id=plan.id, seed=seed, algorithm=ALGORITHM, inputs=data.decode("utf-8"),
                         inputs_sha256=sha256_hex(data), result=res,
                         result_sha256=sha256_hex(canonical(res)), drawn_by=actor, drawn_at=now)  # fmt: skip
    session.add(draw)
    session.flush()
    for t in result.tasks:
        session.add(SpotCheckTask(draw_id=draw.id, plan_id=plan.id, enterprise_id=t.enterprise_id,
                                  region_code=t.stratum, inspector_ids=list(t.inspectors),
                                  findings=""))  # fmt: skip
    session.flush()
    return draw


def _draw(session: Session, draw_id: int) -> SpotCheckDraw:
    draw = session.get(SpotCheckDraw, draw_id)
    if draw is None:
        raise EnforcementNotFound("draw", draw_id)
    return draw


def draw_inputs_file(session: Session, draw_id: int) -> bytes:
    """The published inputs file of a draw (public: 一公开)."""
    return _draw(session, draw_id).inputs.encode("utf-8")


def verify_draw(session: Session, draw_id: int) -> Verification:
    """Re-run draw ``draw_id`` from its stored inputs file."""
    draw = _draw(session, draw_id)
    data = draw.inputs.encode("utf-8")
    return verify_inputs(data, published_sha256=draw.inputs_sha256, published_result=draw.result,
                         stored_inputs=json.loads(draw.inputs), draw_id=draw.id)  # fmt: skip


def verify_file(session: Session, data: bytes, draw_id: int | None = None) -> Verification:
    """Verify the inputs file ``data`` (a copy someone kept) against the published draw it
    names (``meta.plan_id``), or ``draw_id``."""
    obj = parse_inputs_file(data)
    if draw_id is None:
        plan_id = (obj.get("meta") or {}).get("plan_id")
        draw_id = session.scalar(select(SpotCheckDraw.id).where(SpotCheckDraw.plan_id == plan_id))
        if draw_id is None:
            raise EnforcementNotFound("draw of the plan named in the file", plan_id)
    draw = _draw(session, draw_id)
    return verify_inputs(data, published_sha256=draw.inputs_sha256, published_result=draw.result,
                         stored_inputs=json.loads(draw.inputs), draw_id=draw.id)  # fmt: skip


def cst_noon(day: date) -> datetime:
    """12:00 CST of ``day`` (when a result of that day is placed in time)."""
    return datetime.combine(day, time(12), tzinfo=CST)
