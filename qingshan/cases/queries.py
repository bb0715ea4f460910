"""Reading cases: the scoped list with filters, counts by state and server-side pages, the
map's points, a case's detail (history, evidence, sign-offs, reports, the actions the viewer
may take), and the counts other domains show (open cases per outlet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import User
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import scope_of
from qingshan.archive.service import enterprise_names
from qingshan.cases.counts import state_counts
from qingshan.cases.errors import BadCaseInput
from qingshan.cases.intake import SOURCES
from qingshan.cases.lifecycle import get_case, signatures, signer_capacities
from qingshan.cases.models import (
    CaseEventRow,
    CaseFile,
    CaseRecord,
    CaseSignoff,
    CaseSource,
    ResponsibleUnit,
)
from qingshan.cases.permissions import OFFICERS, USER_EVENTS, why_not
from qingshan.cases.workflow import (
    ACTIVE_STATES,
    OPEN_STATES,
    TRANSITIONS,
    Capacity,
    CaseEvent,
    CaseState,
    EscalationLevel,
)
from qingshan.geo.regions import in_scope
from qingshan.monitoring.models import Site
from qingshan.timeutil import utcnow

__all__ = [
    "CaseFilter",
    "CasePage",
    "CaseDetail",
    "list_cases",
    "count_by_state",
    "case_points",
    "case_detail",
    "available_actions",
    "open_case_counts",
    "site_cases",
    "site_cases_public",
    "SubjectCase",
    "subject_cases",
]

MAX_PER_PAGE = 200
#: the most cases :func:`subject_cases` returns
MAX_SUBJECT_CASES = 200


@dataclass(frozen=True)
class CaseFilter:
    """Filters of the case list (all optional; ``q`` searches number, title, place)."""

    state: CaseState | None = None
    category: str | None = None
    source: str | None = None
    region_code: str | None = None
    enterprise_id: int | None = None
    site_id: int | None = None
    q: str | None = None
    overdue: bool = False
    open_only: bool = False


@dataclass(frozen=True)
class CasePage:
    items: list[CaseRecord]
    total: int
    page: int
    per_page: int
    counts: dict[str, int]  # state → cases matching the other filters


@dataclass(frozen=True)
class CaseDetail:
    case: CaseRecord
    events: list[CaseEventRow]
    files: list[CaseFile]
    signoffs: list[CaseSignoff]
    sources: list[CaseSource]
    unit: ResponsibleUnit | None
    actions: list[CaseEvent]
    signer_capacities: frozenset[Capacity]
    merged_from: list[int] = field(default_factory=list)
    site_code: str | None = None
    site_name: str | None = None
    enterprise_name: str | None = None
    #: active units whose region covers the case's (the 交办 form's choices)
    units: list[ResponsibleUnit] = field(default_factory=list)


def _clauses(
    scope: Scope, f: CaseFilter, *, now: datetime, with_state: bool = True
) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = [scope.where(CaseRecord.region_code, CaseRecord.enterprise_id)]
    if with_state and f.state is not None:
        out.append(CaseRecord.state == f.state)
    if f.open_only:
        out.append(CaseRecord.state.in_(OPEN_STATES))
    if f.category:
        out.append(CaseRecord.category == f.category)
    if f.source:
        out.append(CaseRecord.source == f.source)
    if f.region_code:
        scope.check_region(f.region_code)
        prefix = Scope(f.region_code, scope.role).prefix
        out.append(CaseRecord.region_code.startswith(prefix, autoescape=True))
    if f.enterprise_id is not None:
        out.append(CaseRecord.enterprise_id == f.enterprise_id)
    if f.site_id is not None:
        out.append(CaseRecord.site_id == f.site_id)
    if f.q:
        like = f"%{f.q.strip()}%"
        out.append(
            or_(
                CaseRecord.number.like(like),
                CaseRecord.title.like(like),
                CaseRecord.place.like(like),
            )
        )
    if f.overdue:
        out.append(CaseRecord.state.in_(ACTIVE_STATES))
        out.append(CaseRecord.due_at < now)
    return out


def list_cases(
    session: Session,
    scope: Scope,
    f: CaseFilter = CaseFilter(),
    *,
    page: int = 1,
    per_page: int = 50,
    now: datetime | None = None,
) -> CasePage:
    """One page of the cases in ``scope`` matching ``f``, newest first, with the total and the
    counts by state (of the cases matching every filter but the state)."""
    if page < 1:
        raise BadCaseInput("page", "starts at 1")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise BadCaseInput("per_page", f"between 1 and {MAX_PER_PAGE}")
    now = now or utcnow()
    where = _clauses(scope, f, now=now)
    counts = count_by_state(session, scope, f, now=now)
    # the total is one of the counts (or their sum): one scan of the matching cases, not two
    total = counts[f.state.value] if f.state is not None else sum(counts.values())
    items = list(
        session.scalars(
            select(CaseRecord)
            .where(*where)
            .order_by(CaseRecord.registered_at.desc(), CaseRecord.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return CasePage(items, total, page, per_page, counts)


def count_by_state(
    session: Session, scope: Scope, f: CaseFilter = CaseFilter(), *, now: datetime | None = None
) -> dict[str, int]:
    """Cases in ``scope`` per state (every state present, 0 when none), ignoring ``f.state``.

    An officer's counts filtered by region, state or openness at most are read from
    ``case_count`` (:mod:`.counts`, kept with every change of a case); other filters (category,
    source, enterprise, outlet, search, overdue) and enterprise scopes count the cases."""
    prefix = _counted_prefix(scope, f)
    if prefix is not None:
        counts = state_counts(session, prefix)
        if f.open_only:
            counts = {s: (n if CaseState(s) in OPEN_STATES else 0) for s, n in counts.items()}
        return counts
    where = _clauses(scope, f, now=now or utcnow(), with_state=False)
    rows = session.execute(
        select(CaseRecord.state, func.count()).where(*where).group_by(CaseRecord.state)
    ).all()
    counts = {s.value: 0 for s in CaseState}
    for state, n in rows:
        counts[CaseState(state).value] = n
    return counts


def _counted_prefix(scope: Scope, f: CaseFilter) -> str | None:
    """The region prefix whose ``case_count`` rows answer ``f``'s counts in ``scope``, or None
    when the cases must be counted (a filter the table does not keep, an enterprise scope)."""
    if scope.role not in OFFICERS:
        return None
    if f.category or f.source or f.enterprise_id is not None or f.site_id is not None:
        return None
    if f.q or f.overdue:
        return None
    if f.region_code:
        scope.check_region(f.region_code)
        return Scope(f.region_code, scope.role).prefix
    return scope.prefix


def case_points(
    session: Session,
    scope: Scope,
    f: CaseFilter = CaseFilter(),
    *,
    limit: int = 5000,
    now: datetime | None = None,
) -> list[tuple[int, float, float, str, str]]:
    """(id, longitude, latitude, state, title) of located cases matching ``f`` (newest first,
    at most ``limit``): the case map."""
    q: Select = (
        select(
            CaseRecord.id,
            CaseRecord.longitude,
            CaseRecord.latitude,
            CaseRecord.state,
            CaseRecord.title,
        )
        .where(*_clauses(scope, f, now=now or utcnow()), CaseRecord.longitude.is_not(None))
        .order_by(CaseRecord.registered_at.desc())
        .limit(limit)
    )
    return [(i, lon, lat, CaseState(s).value, t) for i, lon, lat, s, t in session.execute(q)]


def available_actions(session: Session, user: User, case: CaseRecord) -> list[CaseEvent]:
    """The events ``user`` may fire on ``case`` now: allowed in its state, by the user's role
    and level, and — for the facts already stored — by the guards (a sign-off still missing
    in a capacity the user may sign in and has not signed in the other; closing after both
    sign-offs; escalation below the top of the ladder). Guards on the form's input (a reason,
    a deadline) are checked when the action is taken."""
    caps = signer_capacities(session, user, case.region_code)
    signed = signatures(session, case)
    out = []
    for ev in USER_EVENTS:
        t = TRANSITIONS[ev]
        if case.state not in t.sources:
            continue
        if why_not(ev, user.role, user_region=user.region_code, case_region=case.region_code,
                   signer=bool(caps)) is not None:  # fmt: skip
            continue
        if ev is CaseEvent.SIGN and (not (caps - set(signed)) or user.username in signed.values()):
            continue
        if ev is CaseEvent.CLOSE and len(set(signed.values())) < len(Capacity):
            continue
        if ev is CaseEvent.ESCALATE and case.escalation_level >= EscalationLevel.ACCOUNTABILITY:
            continue
        out.append(ev)
    return out


def case_detail(session: Session, user: User, case_id: int) -> CaseDetail:
    """Everything the case page shows of ``case_id`` for ``user`` (scoped)."""
    case = get_case(session, scope_of(user), case_id)
    site = None if case.site_id is None else session.get(Site, case.site_id)
    by_case = (CaseEventRow.case_id == case.id,)
    return CaseDetail(
        case=case,
        events=list(
            session.scalars(select(CaseEventRow).where(*by_case).order_by(CaseEventRow.seq))
        ),
        files=list(
            session.scalars(
                select(CaseFile).where(CaseFile.case_id == case.id).order_by(CaseFile.id)
            )
        ),
        signoffs=list(
            session.scalars(
                select(CaseSignoff)
                .where(CaseSignoff.case_id == case.id)
                .order_by(CaseSignoff.round, CaseSignoff.signed_at)
            )
        ),
        sources=list(
            session.scalars(
                select(CaseSource).where(CaseSource.case_id == case.id).order_by(CaseSource.id)
            )
        ),
        unit=None if case.unit_id is None else session.get(ResponsibleUnit, case.unit_id),
        actions=available_actions(session, user, case),
        signer_capacities=signer_capacities(session, user, case.region_code),
        merged_from=list(
            session.scalars(select(CaseRecord.id).where(CaseRecord.merged_into_id == case.id))
        ),
        site_code=None if site is None else site.code,
        site_name=None if site is None else site.name,
        enterprise_name=None
        if case.enterprise_id is None
        else enterprise_names(session, [case.enterprise_id]).get(case.enterprise_id),
        units=[
            u
            for u in session.scalars(
                select(ResponsibleUnit)
                .where(ResponsibleUnit.active.is_(True))
                .order_by(ResponsibleUnit.kind, ResponsibleUnit.name)
            )
            if in_scope(case.region_code, u.region_code)
        ],
    )


def open_case_counts(session: Session, site_ids: list[int]) -> dict[int, int]:
    """Open cases (not yet accepted, closed, merged or cancelled) per outlet id: what the
    archive's and QC's pages show, read through this function rather than the table."""
    if not site_ids:
        return {}
    rows = session.execute(
        select(CaseRecord.site_id, func.count())
        .where(CaseRecord.site_id.in_(site_ids), CaseRecord.state.in_(OPEN_STATES))
        .group_by(CaseRecord.site_id)
    ).all()
    return {int(site): int(n) for site, n in rows if site is not None}


def site_cases(session: Session, site_id: int) -> list[tuple[CaseRecord, list[CaseSource]]]:
    """The cases of an outlet, oldest first, each with its reports."""
    cases = list(
        session.scalars(
            select(CaseRecord)
            .where(CaseRecord.site_id == site_id)
            .order_by(CaseRecord.registered_at)
        )
    )
    if not cases:
        return []
    sources: dict[int, list[CaseSource]] = {c.id: [] for c in cases}
    for s in session.scalars(
        select(CaseSource).where(CaseSource.case_id.in_(list(sources))).order_by(CaseSource.id)
    ):
        sources[s.case_id].append(s)
    return [(c, sources[c.id]) for c in cases]


def site_cases_public(session: Session, site_id: int) -> list[dict]:
    """The cases of an outlet in QC's shape (``qingshan.qc.schemas.CasePublic``): the cases'
    implementation of :class:`qingshan.qc.supervision.SiteCases`."""
    out = []
    for case, sources in site_cases(session, site_id):
        first = sources[0] if sources else None
        payload = {} if first is None else first.payload
        out.append(
            {
                "id": case.id,
                "number": case.number,
                "source": case.source,
                "event_key": "" if first is None else first.source_key,
                "site_id": site_id,
                "parameter_code": case.parameter_code,
                "title": case.title,
                "status": case.state.value,
                "opened_at": case.registered_at,
                "judgement_id": payload.get("judgement_id"),
                "evidence": payload,
                "reports": len(sources),
            }
        )
    return out


@dataclass(frozen=True)
class SubjectCase:
    """A case of one subject as another domain's page lists it: link (``id``), number, title,
    state (a :class:`CaseState` value; label ``case.state.<state>``), deadline and whether it
    is overdue (an active case past its deadline), and the subject key it was reported under."""

    id: int
    number: str | None
    title: str
    category: str
    severity: str
    state: str
    region_code: str
    registered_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    overdue: bool
    subject_key: str


def subject_cases(
    session: Session,
    scope: Scope,
    source: str,
    subject_keys: list[str],
    *,
    limit: int = 50,
    now: datetime | None = None,
) -> list[SubjectCase]:
    """The cases of ``scope`` that reports of ``source`` opened about any of ``subject_keys``
    — newest first, at most ``limit``. A subject key is the report's ``group_key``: what the
    reporting domain groups its reports by (a plate ``vehicles:rs:<plate>``, a truck
    ``vehicles:obd:<vin>``, an I/M station ``vehicles:im:<code>``), stored on ``case_source``
    and indexed, so every case ever opened for the subject is found, open or closed (a merged
    case too, in state ``merged``: its reports stay with it). Scoped by the case's region (an
    enterprise account sees its enterprises' cases only; the public none)."""
    if source not in SOURCES:
        raise BadCaseInput("source", f"unknown source {source!r}; one of {', '.join(SOURCES)}")
    if not 1 <= limit <= MAX_SUBJECT_CASES:
        raise BadCaseInput("limit", f"between 1 and {MAX_SUBJECT_CASES}")
    keys = sorted({k for k in subject_keys if k})
    if not keys or scope.role.value == "public":
        return []
    now = now or utcnow()
    key = (
        select(CaseSource.case_id, func.min(CaseSource.group_key).label("key"))
        .where(CaseSource.source == source, CaseSource.group_key.in_(keys))
        .group_by(CaseSource.case_id)
        .subquery()
    )
    rows = session.execute(
        select(CaseRecord, key.c.key)
        .join(key, key.c.case_id == CaseRecord.id)
        .where(scope.where(CaseRecord.region_code, CaseRecord.enterprise_id))
        .order_by(CaseRecord.registered_at.desc(), CaseRecord.id.desc())
        .limit(limit)
    ).all()
    out = []
    for c, k in rows:
        out.append(
            SubjectCase(
                id=c.id, number=c.number, title=c.title, category=c.category,
                severity=c.severity, state=CaseState(c.state).value, region_code=c.region_code,
                registered_at=c.registered_at, due_at=c.due_at, closed_at=c.closed_at,
                overdue=c.state in ACTIVE_STATES and c.due_at is not None and c.due_at < now,
                subject_key=str(k),
            )
        )  # fmt: skip
    return out
