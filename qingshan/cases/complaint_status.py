"""What the public may read of complaints: the tracking page (by tracking number and secret)
and Open311's service requests (by number, or by query).

Public fields only: the state and its history as labels and dates, the responsible unit (a
public body) and the deadline — never who acted (officers' names), their notes and reasons,
the enterprise, or the evidence. A complaint in a case that was merged (合并) follows the case
it was merged into. Open311 knows two statuses: ``closed`` (resolved: 验收通过, 已销号, or
撤销) and ``open`` (everything else).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases.complaint_models import CaseComplaint
from qingshan.cases.complaints import normalize_code, secrets_match
from qingshan.cases.errors import CaseError, NotPermitted
from qingshan.cases.lifecycle import get_case
from qingshan.cases.models import CaseEventRow, CaseFile, CaseRecord, ResponsibleUnit
from qingshan.cases.workflow import CaseEvent, CaseState
from qingshan.geo.regions import REGIONS

#: the case source of a complaint: its own report is (source, tracking number)
_SOURCE = "complaint"

__all__ = [
    "ComplaintNotFound",
    "PublicEvent",
    "ComplaintStatus",
    "CLOSED_STATES",
    "PUBLIC_EVENTS",
    "STATE_NOTES",
    "open311_status",
    "track_complaint",
    "public_request",
    "query_public_requests",
    "address_of",
    "complaints_of_case",
]

#: states Open311 reports as ``closed`` (resolved); every other state is ``open``
CLOSED_STATES = frozenset({CaseState.ACCEPTED, CaseState.CLOSED, CaseState.CANCELLED})
#: events the public sees in a complaint's history (not: sign-offs, reminders, notes, other
#: reports attached, overdue flags)
PUBLIC_EVENTS = frozenset(
    {
        CaseEvent.REGISTER, CaseEvent.ASSIGN, CaseEvent.START, CaseEvent.SUBMIT,
        CaseEvent.RETURN, CaseEvent.ACCEPT, CaseEvent.CLOSE, CaseEvent.REOPEN, CaseEvent.MERGE,
        CaseEvent.CANCEL, CaseEvent.ESCALATE,
    }
)  # fmt: skip
#: a state as Open311's ``status_notes`` tell it (Chinese, then English)
STATE_NOTES = MappingProxyType(
    {
        CaseState.REGISTERED: "已受理，待交办 Received, to be dispatched",
        CaseState.ASSIGNED: "已交办责任单位 Dispatched to the responsible unit",
        CaseState.RECTIFYING: "整改中 Being rectified",
        CaseState.SUBMITTED: "整改完成，待验收 Rectified, awaiting acceptance",
        CaseState.ACCEPTED: "验收通过 Accepted as rectified",
        CaseState.CLOSED: "已办结销号 Resolved and closed",
        CaseState.REOPENED: "重新办理 Reopened",
        CaseState.CANCELLED: "已撤销 Withdrawn (not an environmental problem, or not found)",
        CaseState.MERGED: "已并入其他案件 Merged into another case",
    }
)
_MAX_MERGES = 10
_DISPATCHED = frozenset(
    {CaseState.ASSIGNED, CaseState.RECTIFYING, CaseState.SUBMITTED, CaseState.ACCEPTED,
     CaseState.CLOSED}
)  # fmt: skip


class ComplaintNotFound(CaseError):
    """No complaint of that tracking number (and secret): the message never says which was
    wrong."""

    status_code = 404


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    event: str  # a CaseEvent value
    state: str  # the state after it
    detail: dict[str, Any] = field(default_factory=dict)  # due_at, unit, kind, level


@dataclass(frozen=True)
class ComplaintStatus:
    """A complaint as its complainant reads it (with the secret) — or, without ``description``,
    ``place`` and ``photos``, as anyone reads it."""

    tracking_no: str
    submitted_at: datetime
    category: str
    outcome: str
    region_code: str
    state: CaseState
    status: str  # open | closed
    case_number: str | None
    unit_name: str | None
    due_at: datetime | None
    updated_at: datetime
    events: list[PublicEvent]
    longitude: float | None = None
    latitude: float | None = None
    description: str = ""
    place: str = ""
    photos: list[str] = field(default_factory=list)


def open311_status(state: CaseState) -> str:
    """``closed`` for a resolved case (:data:`CLOSED_STATES`), else ``open``."""
    return "closed" if state in CLOSED_STATES else "open"


def address_of(region_code: str) -> str:
    """A region's full name from the province down (浙江省杭州市西湖区)."""
    names = []
    code: str | None = region_code
    while code is not None:
        rec = REGIONS[code]
        names.append(rec.name)
        code = rec.parent_code
    return "".join(reversed(names))


def _follow(session: Session, case: CaseRecord) -> list[tuple[CaseRecord, datetime | None]]:
    """The case and every case it was merged into, each with the time it took over."""
    chain: list[tuple[CaseRecord, datetime | None]] = [(case, None)]
    while case.merged_into_id is not None and len(chain) <= _MAX_MERGES:
        merged_at = session.scalar(
            select(CaseEventRow.at)
            .where(CaseEventRow.case_id == case.id, CaseEventRow.event == CaseEvent.MERGE.value)
            .order_by(CaseEventRow.seq.desc())
            .limit(1)
        )
        case = session.get_one(CaseRecord, case.merged_into_id)
        chain.append((case, merged_at))
    return chain


def _public_detail(row: CaseEventRow, units: dict[int, str]) -> dict[str, Any]:
    d = row.detail or {}
    if row.event == CaseEvent.ASSIGN.value:
        unit = d.get("unit_id")
        return {"due_at": d.get("due_at"), "unit": units.get(unit) if unit else None}
    if row.event == CaseEvent.REOPEN.value:
        return {"kind": d.get("kind")}
    if row.event == CaseEvent.ESCALATE.value:
        return {"level": d.get("level")}
    return {}


def _unit_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = session.execute(
        select(ResponsibleUnit.id, ResponsibleUnit.name).where(ResponsibleUnit.id.in_(wanted))
    ).all()
    return {int(i): str(n) for i, n in rows}


def _timeline(
    session: Session, complaint: CaseComplaint, chain: list[tuple[CaseRecord, datetime | None]]
) -> list[PublicEvent]:
    rows: list[CaseEventRow] = []
    for case, since in chain:
        start = since or complaint.submitted_at
        rows.extend(
            session.scalars(
                select(CaseEventRow)
                .where(CaseEventRow.case_id == case.id, CaseEventRow.at >= start)
                .order_by(CaseEventRow.seq)
            )
        )
    units = _unit_names(session, ((r.detail or {}).get("unit_id") for r in rows))
    out = []
    for r in rows:
        detail = r.detail or {}
        own = (detail.get("source"), detail.get("source_key")) == (_SOURCE, complaint.tracking_no)
        if r.event == CaseEvent.ATTACH.value and own:
            out.append(PublicEvent(r.at, r.event, r.to_state))
        elif CaseEvent(r.event) in PUBLIC_EVENTS:
            out.append(PublicEvent(r.at, r.event, r.to_state, _public_detail(r, units)))
    return out


def _dispatched(case: CaseRecord) -> bool:
    """Whether the case has a responsible unit by 交办 (before it, the routed one is only a
    suggestion)."""
    return case.unit_id is not None and case.state in _DISPATCHED


def _status(
    session: Session,
    complaint: CaseComplaint,
    *,
    full: bool,
    case: CaseRecord | None = None,
    units: dict[int, str] | None = None,
) -> ComplaintStatus:
    first = case if case is not None else session.get_one(CaseRecord, complaint.case_id)
    chain: list[tuple[CaseRecord, datetime | None]] = (
        _follow(session, first) if first.merged_into_id is not None else [(first, None)]
    )
    case = chain[-1][0]
    if units is None or (case.unit_id is not None and case.unit_id not in units):
        units = _unit_names(session, [case.unit_id])
    updated = {CaseState.CLOSED: case.closed_at, CaseState.ACCEPTED: case.accepted_at}.get(
        case.state
    )
    photos: list[str] = []
    if full and complaint.file_ids:
        photos = list(
            session.scalars(
                select(CaseFile.filename)
                .where(CaseFile.id.in_(complaint.file_ids))
                .order_by(CaseFile.id)
            )
        )
    return ComplaintStatus(
        tracking_no=complaint.tracking_no,
        submitted_at=complaint.submitted_at,
        category=complaint.category,
        outcome=complaint.outcome,
        region_code=complaint.region_code,
        state=case.state,
        status=open311_status(case.state),
        case_number=case.number,
        unit_name=units.get(case.unit_id)
        if case.unit_id is not None and _dispatched(case)
        else None,
        due_at=case.due_at if case.state not in CLOSED_STATES else None,
        updated_at=updated or max(case.updated_at, complaint.submitted_at),
        events=_timeline(session, complaint, chain) if full else [],
        longitude=complaint.longitude,
        latitude=complaint.latitude,
        description=complaint.description if full else "",
        place=complaint.place if full else "",
        photos=photos,
    )


def track_complaint(session: Session, tracking_no: str, secret: str) -> ComplaintStatus:
    """The complaint ``tracking_no`` as its complainant reads it, if ``secret`` is its secret.

    Raises :class:`ComplaintNotFound` alike for an unknown number, a wrong secret, or a
    complaint without a secret (filed through Open311: read it there)."""
    no = normalize_code(tracking_no)[:24]
    complaint = session.scalar(select(CaseComplaint).where(CaseComplaint.tracking_no == no))
    stored = None if complaint is None else complaint.secret_hash
    if complaint is None or not secrets_match(stored, secret):
        raise ComplaintNotFound(
            "no complaint with this tracking number and secret (举报编号或查询码不正确)"
        )
    return _status(session, complaint, full=True)


def public_request(session: Session, tracking_no: str) -> ComplaintStatus:
    """The complaint ``tracking_no`` with public fields only (Open311 *GET Service Request*);
    :class:`ComplaintNotFound` when there is none."""
    no = normalize_code(tracking_no)[:24]
    complaint = session.scalar(select(CaseComplaint).where(CaseComplaint.tracking_no == no))
    if complaint is None:
        raise ComplaintNotFound(f"no service request {tracking_no!r}")
    return _status(session, complaint, full=False)


def query_public_requests(
    session: Session,
    *,
    tracking_nos: Collection[str] | None = None,
    categories: Collection[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: Collection[str] | None = None,
    limit: int = 1000,
) -> list[ComplaintStatus]:
    """Complaints with public fields only, newest first (Open311 *GET Service Requests*):
    ``tracking_nos`` overrides every other filter (unknown numbers are left out); else by
    category, ``start`` ≤ submitted < ``end``, and status (``open``, ``closed``). At most
    ``limit``."""
    q = (
        select(CaseComplaint, CaseRecord)
        .join(CaseRecord, CaseRecord.id == CaseComplaint.case_id)
        .order_by(CaseComplaint.submitted_at.desc(), CaseComplaint.id.desc())
    )
    wanted = set(statuses or ())
    if tracking_nos is not None:
        q = q.where(
            CaseComplaint.tracking_no.in_(sorted({normalize_code(t) for t in tracking_nos}))
        )
        wanted = set()
    else:
        if categories:
            q = q.where(CaseComplaint.category.in_(sorted(categories)))
        if start is not None:
            q = q.where(CaseComplaint.submitted_at >= start)
        if end is not None:
            q = q.where(CaseComplaint.submitted_at < end)
    if len(wanted) == 1:  # a merged case's status is its target's: resolved below
        states = CLOSED_STATES if "closed" in wanted else set(CaseState) - CLOSED_STATES
        q = q.where(CaseRecord.state.in_(sorted({*states, CaseState.MERGED})))
    out: list[ComplaintStatus] = []
    offset = 0
    while len(out) < limit:
        rows = session.execute(q.offset(offset).limit(limit)).all()
        units = _unit_names(session, (c.unit_id for _, c in rows))
        for complaint, case in rows:
            status = _status(session, complaint, full=False, case=case, units=units)
            if not wanted or status.status in wanted:
                out.append(status)
                if len(out) >= limit:
                    break
        if len(rows) < limit:
            break
        offset += limit
    return out


def complaints_of_case(session: Session, scope: Scope, case_id: int) -> list[CaseComplaint]:
    """The complaints a case in ``scope`` stands for, with the complainants' contact details:
    for officers only (never the enterprise the complaint is about, never the public)."""
    if scope.role not in (Role.PROVINCE, Role.CITY, Role.COUNTY):
        raise NotPermitted("complainants' details are for officers only")
    case = get_case(session, scope, case_id)
    return list(
        session.scalars(
            select(CaseComplaint)
            .where(CaseComplaint.case_id == case.id)
            .order_by(CaseComplaint.submitted_at)
        )
    )
