"""The enforcement service: environmental credit and double-random spot checks, the public
functions the routes, the CLI, the job, the demo and the registry use. The work is in the
topic modules re-exported here.

Credit (:mod:`.credit` the rule, :mod:`.ratings` storage and reading)
    :func:`recompute_credit` (the ``credit`` job and on demand), :func:`list_ratings`,
    :func:`rating_detail`, :func:`credit_summary` (the archive's ``CreditSummary``).
Spot checks (:mod:`.draw`, :mod:`.spotchecks`, :mod:`.results`, :mod:`.roster`)
    items, the roster, plans, :func:`draw_plan`, :func:`verify_draw` / :func:`verify_file`,
    :func:`record_result`, the public listing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from qingshan.archive.findings import CreditGrade, EnterpriseRecordSources
from qingshan.archive.records import VIOLATION_CATEGORIES
from qingshan.enforcement.credit import CreditRule, credit_rule
from qingshan.enforcement.errors import BadEnforcementInput, EnforcementNotFound
from qingshan.enforcement.ratings import (
    CreditRun,
    current_grades,
    grade_history,
    list_ratings,
    rate_enterprises,
    rating_detail,
)
from qingshan.enforcement.record import RecordSources, enterprise_directory, gather_records
from qingshan.enforcement.results import OUTCOMES, ResultInput, record_result, task_views
from qingshan.enforcement.roster import add_inspector, list_inspectors
from qingshan.enforcement.spotchecks import (
    TARGET_GROUPS,
    add_item,
    check_officer,
    create_plan,
    draw_inputs_file,
    draw_plan,
    get_plan,
    list_items,
    list_plans,
    plan_tasks,
    verify_draw,
    verify_file,
)
from qingshan.enforcement.views import (
    draw_public,
    inspector_public,
    item_public,
    plan_detail,
    plans_public,
    public_listing,
    tasks_public,
    verification_public,
)
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import get_region
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import as_cst

__all__ = [
    "RecordSources",
    "CreditRun",
    "recompute_credit",
    "list_ratings",
    "rating_detail",
    "credit_summary",
    "current_grades",
    "OUTCOMES",
    "TARGET_GROUPS",
    "ResultInput",
    "add_item",
    "list_items",
    "add_inspector",
    "list_inspectors",
    "create_plan",
    "get_plan",
    "list_plans",
    "plan_tasks",
    "task_views",
    "draw_plan",
    "draw_inputs_file",
    "verify_draw",
    "verify_file",
    "record_result",
    "check_officer",
    "draw_public",
    "inspector_public",
    "item_public",
    "plan_detail",
    "plans_public",
    "public_listing",
    "tasks_public",
    "verification_public",
    "credit_rule_public",
    "VIOLATION_CATEGORIES",
]


def recompute_credit(
    session: Session,
    *,
    now: datetime,
    as_of: date | None = None,
    region_code: str = "330000",
    enterprise_ids: Sequence[int] | None = None,
    rule: CreditRule | None = None,
    store: ObservationStore | None = None,
    sources: EnterpriseRecordSources | None = None,
) -> CreditRun:
    """Recompute the credit grades of the enterprises of ``region_code`` (or only
    ``enterprise_ids``) on ``as_of`` (default: ``now``'s CST date) by ``rule`` (default: the
    package's); a changed grade gets a new history row. With ``store`` the transmission
    rate counts too."""
    rule = rule or credit_rule()
    try:
        region = get_region(region_code).code
    except GeoError as exc:
        raise BadEnforcementInput("region", str(exc)) from exc
    entries = enterprise_directory(session, region)
    if enterprise_ids is not None:
        wanted = set(enterprise_ids)
        missing = wanted - {e.id for e in entries}
        if missing:
            raise EnforcementNotFound("enterprise", ", ".join(map(str, sorted(missing))))
        entries = [e for e in entries if e.id in wanted]
    as_of = as_of or as_cst(now).date()
    records = gather_records(session, entries, as_of=as_of, now=now, rule=rule,
                             sources=sources, store=store)  # fmt: skip
    return rate_enterprises(session, records, as_of=as_of, now=now, rule=rule)


def credit_summary(session: Session, enterprise_id: int) -> CreditGrade | None:
    """The archive's ``CreditSummary``: the current grade of ``enterprise_id`` with its reasons
    (one line each: points, title), or None (未评价). The page's scope check is the archive's."""
    rule = credit_rule()
    row = current_grades(session, [enterprise_id]).get(enterprise_id)
    if row is None:
        return None
    try:
        g = rule.grade(row.grade)
        name, name_en = g.title_zh, g.en
    except KeyError:
        name, name_en = row.grade, row.grade
    reasons = []
    for r in row.reasons:
        veto = "（一票否决）" if r.get("veto") else ""
        reasons.append(f"−{r['points']:g} {r['occurred']} {r['title']}{veto}")
    history = []
    for h in grade_history(session, enterprise_id):
        try:
            hz, he = rule.grade(h.grade).zh, rule.grade(h.grade).en
        except KeyError:
            hz = he = h.grade
        history.append(
            {
                "since": as_cst(h.computed_at).date(),
                "grade": h.grade,
                "name": hz,
                "name_en": he,
                "colour": h.colour,
                "score": h.score,
            }
        )
    return CreditGrade(
        grade=row.grade, name=name, name_en=name_en, colour=row.colour, score=row.score,
        reasons=reasons, rule_version=row.rule_version, evaluated_on=row.as_of,
        weights_confirmed=rule.weights_confirmed, history=history,
        url=f"/credit/{enterprise_id}",
    )  # fmt: skip


def credit_rule_public(rule: CreditRule | None = None) -> dict:
    """The published rule (its version, source, grades with bands and colours, deductions,
    veto rules, whether the weights are confirmed): GET /api/v1/credit/rule and the page."""
    rule = rule or credit_rule()
    return {
        "version": rule.version, "name": rule.name_zh, "name_en": rule.name_en,
        "source": rule.source, "weights_confirmed": rule.weights_confirmed,
        "window_months": rule.window_months, "start_score": rule.start_score,
        "grades": [{"key": g.key, "name": g.zh, "name_en": g.en, "title": g.title_zh,
                    "colour": g.colour, "min_score": g.min_score, "tag": g.tag}
                   for g in rule.grades],
        "veto_grade": rule.veto_grade,
        "deductions": {k: dict(v) for k, v in rule.deductions.items()},
        "veto": [{"key": v.key, "kind": v.kind, "name": v.zh, "name_en": v.en,
                  "confirmed": v.confirmed, "categories": list(v.categories), "tag": v.tag}
                 for v in rule.veto],
    }  # fmt: skip
