"""The monthly dispatch notice (月调度通报), computed from the cases' histories. Pure: the
service (:mod:`.reporting`) loads the histories, stores and exports the result.

"实行'月调度通报、季现场盯办'" (浙江省生态环境厅 2021 年工作要点, item 15): every month each city
and county is told how its cases stand. Every figure is read from the append-only history
(``case_event``), so a month's notice computed again later gives the same figures. For a month
``[start, end)`` (CST calendar month, :class:`~.periods.Month`), per region:

new (新增)
    cases registered in the month.
closed (销号)
    销号 (close) events in the month (a case closed, reopened and closed again counts twice).
due (应办结)
    dispatches (交办: an ``assign`` event and the deadline it set) whose deadline lies before
    the month's end and that were still outstanding at its start — due this month, or overdue
    from earlier and not yet closed — leaving out those cancelled or merged before the end.
closed_due (已办结)
    of those, the ones closed (销号) before the month's end.
closure rate (办结率)
    ``closed_due / due`` (None, shown "—", when nothing was due). This is the work plan's
    "closed out of what was due": closing a case early counts in ``closed`` but enters the
    rate only in the month its deadline falls in (if not closed by then it is due every month
    until it is).
open (在办)
    cases in an open state (registered … submitted, reopened) at the month's end.
overdue (逾期)
    cases dispatched, not yet accepted (assigned, rectifying, submitted) whose deadline lies
    before the month's end, at the month's end — the case list's "overdue" filter, in the past.
relapses (反弹)
    reopen events of kind ``relapse`` in the month (:func:`.intake.relapse_of`).
notice / supervise / summon / accountability (通报 / 督办 / 约谈 / 问责)
    escalation events in the month to each rung of the ladder.

The overdue list names every case overdue at the month's end, the longest overdue first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any

from qingshan.cases.periods import Month
from qingshan.cases.workflow import ACTIVE_STATES, OPEN_STATES, CaseState, EscalationLevel
from qingshan.geo.models import RegionLevel
from qingshan.geo.regions import PROVINCE_CODE, children, get_region, in_scope

__all__ = [
    "EventFact",
    "CaseHistory",
    "Snapshot",
    "snapshot_at",
    "Figures",
    "NoticeRow",
    "OverdueItem",
    "Notice",
    "monthly_notice",
    "LADDER",
]

#: the escalation ladder's rungs as the history names them (``detail.level``), in order
LADDER: tuple[str, ...] = ("notice", "supervise", "summon", "accountability")
_ENDS = {"close": "closed", "cancel": "void", "merge": "void", "reopen": "void"}


@dataclass(frozen=True)
class EventFact:
    """One row of a case's history, as the reports read it."""

    at: datetime
    event: str
    to_state: str
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseHistory:
    """A case and its history (events in order)."""

    id: int
    number: str
    title: str
    region_code: str
    category: str
    source: str
    severity: str
    registered_at: datetime
    events: tuple[EventFact, ...]
    unit: str = ""
    enterprise: str = ""


@dataclass(frozen=True)
class Snapshot:
    """A case as it stood at a time: state, deadline in force, ladder rung, relapses so far."""

    state: CaseState | None  # None: not yet registered
    due_at: datetime | None
    level: int
    relapses: int


def _due(detail: Mapping[str, Any]) -> datetime | None:
    value = detail.get("due_at")
    return None if not value else datetime.fromisoformat(str(value))


def snapshot_at(h: CaseHistory, t: datetime) -> Snapshot:
    """``h`` as it stood just before ``t`` (events at ``t`` or later not yet happened)."""
    state: CaseState | None = None
    due: datetime | None = None
    level = relapses = 0
    for e in h.events:
        if e.at >= t:
            continue  # not yet happened (an event recorded late is skipped alone)
        state = CaseState(e.to_state)
        if e.event == "assign":
            due = _due(e.detail)
        elif e.event == "reopen":
            due = None
            relapses += e.detail.get("kind") == "relapse"
        elif e.event == "escalate":
            level = min(level + 1, int(EscalationLevel.ACCOUNTABILITY))
    return Snapshot(state, due, level, relapses)


@dataclass(frozen=True)
class _Dispatch:
    due_at: datetime
    ended_at: datetime | None  # closed, cancelled, merged or reopened
    outcome: str | None  # "closed" | "void" | None (still running)


def _dispatches(h: CaseHistory) -> list[_Dispatch]:
    out: list[_Dispatch] = []
    due: datetime | None = None
    for e in h.events:
        if e.event == "assign":
            due = _due(e.detail)
        elif e.event in _ENDS and due is not None:
            out.append(_Dispatch(due, e.at, _ENDS[e.event]))
            due = None
    if due is not None:
        out.append(_Dispatch(due, None, None))
    return out


@dataclass(frozen=True)
class Figures:
    """A region's figures for one month (see the module's definitions)."""

    new: int = 0
    closed: int = 0
    due: int = 0
    closed_due: int = 0
    open: int = 0
    overdue: int = 0
    relapses: int = 0
    notice: int = 0
    supervise: int = 0
    summon: int = 0
    accountability: int = 0

    @property
    def closure_rate(self) -> float | None:
        """办结率 ``closed_due / due`` [fraction 0–1], None when nothing was due."""
        return None if self.due == 0 else self.closed_due / self.due

    @property
    def escalations(self) -> int:
        return self.notice + self.supervise + self.summon + self.accountability

    def __add__(self, other: Figures) -> Figures:
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                          for f in fields(self)})  # fmt: skip


def _figures(h: CaseHistory, m: Month, end: datetime) -> Figures:
    start = m.start
    counts: dict[str, int] = {}
    if start <= h.registered_at < end:
        counts["new"] = 1
    for e in h.events:
        if not start <= e.at < end:
            continue
        if e.event == "close":
            counts["closed"] = counts.get("closed", 0) + 1
        elif e.event == "reopen" and e.detail.get("kind") == "relapse":
            counts["relapses"] = counts.get("relapses", 0) + 1
        elif e.event == "escalate":
            rung = str(e.detail.get("level", ""))
            if rung in LADDER:
                counts[rung] = counts.get(rung, 0) + 1
    for d in _dispatches(h):
        if d.due_at >= end or (d.ended_at is not None and d.ended_at < start):
            continue
        if d.outcome == "void" and d.ended_at is not None and d.ended_at < end:
            continue
        counts["due"] = counts.get("due", 0) + 1
        if d.outcome == "closed" and d.ended_at is not None and d.ended_at < end:
            counts["closed_due"] = counts.get("closed_due", 0) + 1
    snap = snapshot_at(h, end)
    if snap.state in OPEN_STATES:
        counts["open"] = 1
    if _is_overdue(snap, end):
        counts["overdue"] = 1
    return Figures(**counts)


def _is_overdue(snap: Snapshot, t: datetime) -> bool:
    return snap.state in ACTIVE_STATES and snap.due_at is not None and snap.due_at < t


@dataclass(frozen=True)
class NoticeRow:
    """A region's line: ``level`` ``city`` or ``county``; ``own`` marks the cases registered at
    a city's (or the province's) own level, listed beside its counties (市本级 / 省本级)."""

    code: str
    name: str
    name_en: str
    level: str
    parent: str | None
    figures: Figures
    own: bool = False


@dataclass(frozen=True)
class OverdueItem:
    """A case overdue at the month's end."""

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
    due_at: datetime
    days_overdue: int  # whole days [d]
    level: int  # escalation rung reached (0 none … 4 问责)


@dataclass(frozen=True)
class Notice:
    """One month's notice for ``scope_code``: the total, the regions' rows (cities with their
    counties for the province; counties for a city; the county itself), the overdue list.
    ``as_of``: the figures' cut-off (the month's end, or the time a notice of the running month
    was computed)."""

    month: str
    scope_code: str
    as_of: datetime
    generated_at: datetime
    total: Figures
    rows: tuple[NoticeRow, ...]
    overdue: tuple[OverdueItem, ...]

    @property
    def complete(self) -> bool:
        """Whether the month had ended when the notice was computed."""
        return self.as_of >= Month.parse(self.month).end

    def within(self, scope_code: str) -> Notice:
        """This notice as seen from ``scope_code`` (a region inside the notice's scope): its
        rows and overdue cases only, its own line as the total."""
        if scope_code == self.scope_code:
            return self
        region = get_region(scope_code)
        own = next(
            (r for r in self.rows if r.code == scope_code and not r.own),
            NoticeRow(scope_code, region.name, region.name_en, region.level.value,
                      region.parent_code, Figures()),
        )  # fmt: skip
        rows = tuple(
            r for r in self.rows
            if (r.parent == scope_code) or (r.code == scope_code and region.level is RegionLevel.COUNTY)
        )  # fmt: skip
        overdue = tuple(o for o in self.overdue if in_scope(o.region_code, scope_code))
        return replace(self, scope_code=scope_code, total=own.figures, rows=rows, overdue=overdue)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO strings); :meth:`from_dict` reads it back."""
        d = asdict(self)
        d["as_of"] = self.as_of.isoformat()
        d["generated_at"] = self.generated_at.isoformat()
        for o in d["overdue"]:
            o["due_at"] = o["due_at"].isoformat()
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Notice:
        return cls(
            month=d["month"],
            scope_code=d["scope_code"],
            as_of=datetime.fromisoformat(d["as_of"]),
            generated_at=datetime.fromisoformat(d["generated_at"]),
            total=Figures(**d["total"]),
            rows=tuple(NoticeRow(**{**r, "figures": Figures(**r["figures"])}) for r in d["rows"]),
            overdue=tuple(
                OverdueItem(**{**o, "due_at": datetime.fromisoformat(o["due_at"])})
                for o in d["overdue"]
            ),
        )


def _row_regions(scope_code: str) -> list[tuple[str, bool]]:
    """(code, own) of the rows of a notice for ``scope_code``, in table order."""
    scope = get_region(scope_code)
    if scope.level is RegionLevel.COUNTY:
        return [(scope_code, False)]
    out: list[tuple[str, bool]] = []
    if scope.level is RegionLevel.CITY:
        return [(c.code, False) for c in children(scope_code)] + [(scope_code, True)]
    for city in children(scope_code):
        out.append((city.code, False))
        out += [(c.code, False) for c in children(city.code)] + [(city.code, True)]
    return out + [(scope_code, True)]


def _row_key(region_code: str, scope_code: str) -> list[tuple[str, bool]]:
    """The rows a case of ``region_code`` adds to (its county and its city, or an own-level
    row)."""
    r = get_region(region_code)
    scope = get_region(scope_code)
    if r.level is RegionLevel.PROVINCE:
        return [(region_code, True)]
    if r.level is RegionLevel.CITY:
        return [(region_code, True)] + (
            [(region_code, False)] if scope.level is RegionLevel.PROVINCE else []
        )
    keys = [(region_code, False)]
    if scope.level is RegionLevel.PROVINCE and r.parent_code is not None:
        keys.append((r.parent_code, False))
    return keys


def monthly_notice(
    histories: Iterable[CaseHistory],
    month: Month,
    *,
    scope_code: str = PROVINCE_CODE,
    now: datetime,
) -> Notice:
    """The notice of ``month`` for the region ``scope_code`` from the histories of its cases.

    Parameters
    ----------
    histories : iterable of CaseHistory
        The cases of the scope (others are ignored); those with no event before the month's
        end add nothing.
    month : Month
        The month reported on.
    scope_code : str
        The region the notice is for (GB/T 2260): the province lists its cities and their
        counties, a city its counties (and 市本级), a county itself.
    now : datetime
        The time of computing [timezone-aware]; for the running month the figures stop here.

    Returns
    -------
    Notice
    """
    end = min(month.end, now)
    figures: dict[tuple[str, bool], Figures] = {}
    total = Figures()
    overdue: list[OverdueItem] = []
    for h in histories:
        if not in_scope(h.region_code, scope_code) or h.registered_at >= end:
            continue
        f = _figures(h, month, end)
        total = total + f
        for key in _row_key(h.region_code, scope_code):
            figures[key] = figures.get(key, Figures()) + f
        if f.overdue:
            snap = snapshot_at(h, end)
            assert snap.due_at is not None and snap.state is not None
            region = get_region(h.region_code)
            overdue.append(
                OverdueItem(
                    case_id=h.id, number=h.number, title=h.title, region_code=h.region_code,
                    region=region.name, region_en=region.name_en, category=h.category,
                    source=h.source, unit=h.unit, enterprise=h.enterprise,
                    state=snap.state.value, due_at=snap.due_at,
                    days_overdue=(end - snap.due_at) // timedelta(days=1), level=snap.level,
                )
            )  # fmt: skip
    rows = []
    for code, own in _row_regions(scope_code):
        if own and (code, own) not in figures:
            continue  # no case at the city's or province's own level: no 市本级 line
        r = get_region(code)
        rows.append(
            NoticeRow(code, r.name, r.name_en, r.level.value, r.parent_code if not own else code,
                      figures.get((code, own), Figures()), own)
        )  # fmt: skip
    overdue.sort(key=lambda o: (-o.days_overdue, o.region_code, o.number))
    return Notice(str(month), scope_code, end, now, total, tuple(rows), tuple(overdue))


def region_lines(notice: Notice) -> tuple[Sequence[NoticeRow], Sequence[NoticeRow]]:
    """The notice's main lines (the scope's direct children and its own level) and its annex
    (the counties of each city, in the province's notice)."""
    main = [r for r in notice.rows if r.parent == notice.scope_code or r.code == notice.scope_code]
    annex = [r for r in notice.rows if r not in main]
    return main, annex
