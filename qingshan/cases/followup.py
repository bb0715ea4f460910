"""The quarterly on-site follow-up list (季现场盯办), from the cases' histories. Pure.

"实行'月调度通报、季现场盯办'" (2021 工作要点 item 15): each quarter the bureau visits on site the
cases that need pressing. **The rule** (the platform's, written here and in
``docs/cases-reports.md``): at the cut-off — the quarter's end, or now while it runs — a case is
on the quarter's list when

1. it is still open (registered, assigned, rectifying, submitted or reopened) and
   a. **overdue** (逾期): dispatched and not accepted, its deadline passed; or
   b. **supervised** (督办及以上): escalated to 督办, 约谈 or 问责; or
   c. **relapsed** (反弹): reopened as a relapse at least once; or
2. it relapsed during the quarter, open or not (a case reopened as a relapse and closed again
   within the quarter is still visited: 防反弹, the plan's "确保问题不反弹").

Each entry carries every reason that applies; the list is ordered by the ladder rung reached
(问责 first), then by days overdue, then by region and number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from qingshan.cases.notice import CaseHistory, snapshot_at
from qingshan.cases.periods import Quarter
from qingshan.cases.workflow import ACTIVE_STATES, OPEN_STATES, EscalationLevel
from qingshan.geo.regions import get_region, in_scope

__all__ = ["FollowupItem", "followup_list", "REASONS"]

#: the reasons a case is visited, in the order they are listed
REASONS: tuple[str, ...] = ("overdue", "supervised", "relapsed", "relapsed_in_quarter")


@dataclass(frozen=True)
class FollowupItem:
    case_id: int
    number: str
    title: str
    region_code: str
    region: str
    region_en: str
    category: str
    source: str
    unit: str
    enterprise: str
    state: str
    due_at: datetime | None
    days_overdue: int | None  # whole days past the deadline [d], None when not overdue
    level: int  # escalation rung reached (0 none … 4 问责)
    relapses: int
    reasons: tuple[str, ...]


def followup_list(
    histories: Iterable[CaseHistory], quarter: Quarter, *, scope_code: str, now: datetime
) -> tuple[datetime, list[FollowupItem]]:
    """The cases of ``scope_code`` to visit on site in ``quarter`` by the module's rule, and
    the cut-off it was applied at (``min(quarter end, now)``)."""
    cut = min(quarter.end, now)
    out = []
    for h in histories:
        if not in_scope(h.region_code, scope_code) or h.registered_at >= cut:
            continue
        snap = snapshot_at(h, cut)
        reasons = []
        is_open = snap.state in OPEN_STATES
        late = snap.state in ACTIVE_STATES and snap.due_at is not None and snap.due_at < cut
        if is_open and late:
            reasons.append("overdue")
        if is_open and snap.level >= EscalationLevel.SUPERVISE:
            reasons.append("supervised")
        if is_open and snap.relapses:
            reasons.append("relapsed")
        if any(
            e.event == "reopen" and e.detail.get("kind") == "relapse"
            and quarter.start <= e.at < cut
            for e in h.events
        ):  # fmt: skip
            reasons.append("relapsed_in_quarter")
        if not reasons:
            continue
        assert snap.state is not None
        region = get_region(h.region_code)
        out.append(
            FollowupItem(
                case_id=h.id, number=h.number, title=h.title, region_code=h.region_code,
                region=region.name, region_en=region.name_en, category=h.category,
                source=h.source, unit=h.unit, enterprise=h.enterprise, state=snap.state.value,
                due_at=snap.due_at,
                days_overdue=(cut - snap.due_at) // timedelta(days=1) if late and snap.due_at else None,
                level=snap.level, relapses=snap.relapses, reasons=tuple(reasons),
            )
        )  # fmt: skip
    out.sort(key=lambda i: (-i.level, -(i.days_overdue or -1), i.region_code, i.number))
    return cut, out
