"""The case reports' service: the monthly dispatch notice (月调度通报) — computed, stored,
read back — and the quarterly on-site follow-up list (季现场盯办). The computation is pure
(:mod:`.notice`, :mod:`.followup`); this module loads the histories and keeps the notices.

Reports are for officers (province, city, county); a city or county reads the province's
stored notice cut to its region (:meth:`.notice.Notice.within`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_names
from qingshan.cases.errors import NotPermitted
from qingshan.cases.followup import FollowupItem, followup_list
from qingshan.cases.models import CaseEventRow, CaseRecord, ResponsibleUnit
from qingshan.cases.notice import CaseHistory, EventFact, Notice, monthly_notice
from qingshan.cases.periods import Month, Quarter, month_of
from qingshan.cases.report_models import CaseNotice
from qingshan.cases.workflow import OPEN_STATES, CaseState
from qingshan.geo.regions import PROVINCE_CODE
from qingshan.timeutil import utcnow

__all__ = [
    "REPORT_ROLES",
    "check_reader",
    "case_histories",
    "issue_notice",
    "read_notice",
    "issued_months",
    "default_month",
    "NoticeView",
    "Followup",
    "quarter_followup",
    "PROVINCE_SCOPE",
]

#: who reads the reports: officers only (enterprises and the public have their own views)
REPORT_ROLES = frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY})
#: the scope the scheduler issues notices in
PROVINCE_SCOPE = Scope(PROVINCE_CODE, Role.PROVINCE, username="scheduler")


def check_reader(scope: Scope) -> None:
    """Raise :class:`NotPermitted` unless ``scope`` is an officer's."""
    if scope.role not in REPORT_ROLES:
        raise NotPermitted(
            f"{scope.username}: the case reports are for province, city and county accounts"
        )


def case_histories(
    session: Session, scope: Scope, *, since: datetime | None, until: datetime
) -> list[CaseHistory]:
    """The histories (events in time order) of the cases in ``scope`` registered before
    ``until`` that may have changed at or after ``since`` (an event since then, or still open or accepted — a case
    resting closed, merged or cancelled before ``since`` adds nothing to a later report)."""
    where: list[ColumnElement[bool]] = [
        scope.where(CaseRecord.region_code, CaseRecord.enterprise_id),
        CaseRecord.registered_at < until,
    ]
    if since is not None:
        where.append(
            (CaseRecord.updated_at >= since)
            | CaseRecord.state.in_([*OPEN_STATES, CaseState.ACCEPTED])
        )
    cases = session.execute(
        select(
            CaseRecord.id, CaseRecord.number, CaseRecord.title, CaseRecord.region_code,
            CaseRecord.category, CaseRecord.source, CaseRecord.severity,
            CaseRecord.registered_at, CaseRecord.enterprise_id, ResponsibleUnit.name,
        )
        .outerjoin(ResponsibleUnit, ResponsibleUnit.id == CaseRecord.unit_id)
        .where(*where)
        .order_by(CaseRecord.id)
    ).all()  # fmt: skip
    events: dict[int, list[EventFact]] = defaultdict(list)
    for case_id, at, event, to_state, detail in session.execute(
        select(
            CaseEventRow.case_id, CaseEventRow.at, CaseEventRow.event, CaseEventRow.to_state,
            CaseEventRow.detail,
        )
        .join(CaseRecord, CaseRecord.id == CaseEventRow.case_id)
        .where(*where)
        .order_by(CaseEventRow.case_id, CaseEventRow.at, CaseEventRow.seq)
    ):  # fmt: skip
        events[case_id].append(EventFact(at, event, to_state, detail or {}))
    names = enterprise_names(session, [c.enterprise_id for c in cases if c.enterprise_id])
    return [
        CaseHistory(
            id=c.id, number=c.number or str(c.id), title=c.title, region_code=c.region_code,
            category=c.category, source=c.source, severity=c.severity,
            registered_at=c.registered_at, events=tuple(events.get(c.id, ())),
            unit=c.name or "", enterprise=names.get(c.enterprise_id, "") if c.enterprise_id else "",
        )
        for c in cases
    ]  # fmt: skip


def _compute(session: Session, scope: Scope, month: Month, now: datetime) -> Notice:
    until = min(month.end, now)
    histories = case_histories(session, scope, since=month.start, until=until)
    return monthly_notice(histories, month, scope_code=scope.region_code, now=now)


def issue_notice(
    session: Session, month: Month, *, actor: str, now: datetime | None = None
) -> Notice:
    """Compute the province's notice of ``month`` and store it (replacing one issued before);
    what the scheduler runs on the 1st for the month before, and an administrator on demand.
    A month not yet begun is refused."""
    now = now or utcnow()
    if month.start > now:
        raise NotPermitted(f"month {month} has not begun: no notice yet")
    notice = _compute(session, PROVINCE_SCOPE, month, now)
    row = session.scalar(
        select(CaseNotice).where(
            CaseNotice.month == str(month), CaseNotice.region_code == PROVINCE_CODE
        )
    )
    if row is None:
        row = CaseNotice(month=str(month), region_code=PROVINCE_CODE)
        session.add(row)
    row.issued_at = now
    row.issued_by = actor
    row.payload = notice.to_dict()
    session.flush()
    return notice


@dataclass(frozen=True)
class NoticeView:
    """A notice as a reader sees it: cut to their region; ``issued`` tells whether it is the
    stored one (with who issued it) or computed now because none was issued."""

    notice: Notice
    issued: bool
    issued_by: str | None = None


def read_notice(
    session: Session, scope: Scope, month: Month, *, now: datetime | None = None
) -> NoticeView:
    """The notice of ``month`` for ``scope``: the issued one cut to the scope's region, or —
    none issued (or the month still running) — computed now."""
    check_reader(scope)
    now = now or utcnow()
    if month.start > now:
        raise NotPermitted(f"month {month} has not begun: no notice yet")
    row = session.scalar(
        select(CaseNotice).where(
            CaseNotice.month == str(month), CaseNotice.region_code == PROVINCE_CODE
        )
    )
    if row is not None:
        stored = Notice.from_dict(row.payload)
        return NoticeView(stored.within(scope.region_code), True, row.issued_by)
    return NoticeView(_compute(session, scope, month, now), False)


def issued_months(session: Session) -> list[str]:
    """The months whose province notice is stored, newest first."""
    return list(
        session.scalars(
            select(CaseNotice.month)
            .where(CaseNotice.region_code == PROVINCE_CODE)
            .order_by(CaseNotice.month.desc())
        )
    )


def default_month(now: datetime | None = None) -> Month:
    """The month a notice page opens on: the last complete month."""
    return month_of(now or utcnow()).previous()


@dataclass(frozen=True)
class Followup:
    quarter: str
    scope_code: str
    cut_off: datetime
    items: list[FollowupItem]


def quarter_followup(
    session: Session, scope: Scope, quarter: Quarter, *, now: datetime | None = None
) -> Followup:
    """The on-site follow-up list of ``quarter`` for ``scope`` (:mod:`.followup`'s rule)."""
    check_reader(scope)
    now = now or utcnow()
    cut = min(quarter.end, now)
    histories = case_histories(session, scope, since=quarter.start, until=cut)
    cut, items = followup_list(histories, quarter, scope_code=scope.region_code, now=now)
    return Followup(str(quarter), scope.region_code, cut, items)
