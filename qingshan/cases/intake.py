"""Registering cases: validation, idempotent reports, duplicate candidates, relapse (反弹).

- A report is identified by ``(source, source_key)``: reporting it again updates its payload
  and returns its case (a QC window judged again never opens a second case). A key is the
  source's own (two sources may use the same string), and the same key from another region
  is a collision, refused (a city's hand-over item 1 is not another city's item 1).
- Reports of one source sharing a ``group_key`` attach to the group's open case.
- A new problem at an enterprise whose case of the same category was closed within
  ``relapse_months`` (12, ``data/rules.json``) reopens that case as a relapse (反弹): its
  ``relapse_count`` goes up and the ``reopen`` event (kind ``relapse``) counts against the
  region in the statistics.
- Otherwise a new case is registered (登记), with the responsible unit routed by region and
  category (:func:`route_unit`) as a suggestion for the 交办.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_names
from qingshan.cases.errors import BadCaseInput, CaseConflict, NotPermitted
from qingshan.cases.history import record_event
from qingshan.cases.models import CaseRecord, CaseSource, ResponsibleUnit
from qingshan.cases.rules import case_rules, check_category, check_severity, distance_m
from qingshan.cases.workflow import OPEN_STATES, CaseEvent, CaseState, Facts, fire
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import get_region, in_scope
from qingshan.monitoring.models import Site
from qingshan.timeutil import as_cst, utcnow

__all__ = [
    "CaseDraft",
    "Registration",
    "Duplicate",
    "register_case",
    "find_duplicates",
    "route_unit",
]

#: sources a case may come from (问题发现渠道, work plan item 16)
SOURCES = (
    "qc_exceedance",  # 在线监控 超标
    "qc_pattern",  # 在线监控 数据造假特征
    "complaint",  # 群众举报
    "central_inspection",  # 中央/省生态环境保护督察交办
    "inspection",  # 现场检查 / 双随机
    "patrol",  # 网格巡查
    "forecast",  # 预测预警
    "waste",  # 危险废物 物料平衡
    "remote_sensing",  # 卫星遥感 / 无人机
    "video",  # 视频监控
    "electricity",  # 用电监控
    "big_data",  # 大数据分析
    "vehicle_exhaust",  # 机动车排气: I/M station fraud, roadside remote sensing, truck OBD
    "emergency",  # 环境应急: expired plans, toxic-gas alarms, radiation and mobile-source alerts
    "soil",  # 土壤和地下水: overdue hidden-danger checks, exceeding self-monitoring, site deadlines
    "sea_outfall",  # 入海排污口: outfalls to remediate, exceeding outfall monitoring
    "other",
)

Outcome = Literal["new", "existing", "attached", "relapse"]


@dataclass(frozen=True)
class CaseDraft:
    """What a new case needs. ``occurred_at`` is when the problem was found (timezone-aware)."""

    source: str
    category: str
    severity: str
    title: str
    region_code: str
    occurred_at: datetime
    description: str = ""
    enterprise_id: int | None = None
    site_id: int | None = None
    parameter_code: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    place: str = ""
    source_key: str | None = None
    group_key: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    #: attach to this case if it is still open (a candidate of :func:`find_duplicates`)
    join_case_id: int | None = None


@dataclass(frozen=True)
class Registration:
    """The case a draft ended in and how: ``new``, ``existing`` (the same report again),
    ``attached`` (to its group's open case) or ``relapse`` (a closed case reopened)."""

    case: CaseRecord
    outcome: Outcome


@dataclass(frozen=True)
class Duplicate:
    """A case that may be the same problem as a draft, and why."""

    case: CaseRecord
    reasons: tuple[str, ...]  # same_enterprise | nearby
    distance_m: float | None = None


def validate_draft(draft: CaseDraft, *, now: datetime) -> None:
    """Raise :class:`BadCaseInput` naming the first bad field of ``draft``."""
    if draft.source not in SOURCES:
        raise BadCaseInput(
            "source", f"unknown source {draft.source!r}; one of {', '.join(SOURCES)}"
        )
    check_category(draft.category)
    check_severity(draft.severity)
    if not draft.title.strip():
        raise BadCaseInput("title", "must not be empty")
    if len(draft.title) > 200:
        raise BadCaseInput("title", f"at most 200 characters, got {len(draft.title)}")
    try:
        get_region(draft.region_code)
    except GeoError as exc:
        raise BadCaseInput("region_code", str(exc)) from exc
    if draft.occurred_at.tzinfo is None:
        raise BadCaseInput("occurred_at", "needs a timezone")
    if draft.occurred_at > now + timedelta(minutes=5):
        raise CaseConflict("occurred_at", f"{draft.occurred_at.isoformat()} is in the future")
    if (draft.longitude is None) != (draft.latitude is None):
        raise BadCaseInput("longitude", "give both longitude and latitude, or neither")
    if draft.longitude is not None and not (
        -180 <= draft.longitude <= 180 and -90 <= (draft.latitude or 0) <= 90
    ):
        raise BadCaseInput("longitude", "longitude within ±180 and latitude within ±90")


def _check_may_register(scope: Scope | None, draft: CaseDraft) -> None:
    if scope is None:
        return  # a system source (a sink) or a public intake that checked its own caller
    if scope.role in (Role.PUBLIC, Role.ENTERPRISE):
        raise NotPermitted(f"role {scope.role.value} may not register cases")
    scope.check_region(draft.region_code)


def _check_references(session: Session, draft: CaseDraft) -> None:
    """The enterprise and the outlet a draft names exist (:class:`CaseConflict` otherwise)."""
    if draft.enterprise_id is not None and not enterprise_names(session, [draft.enterprise_id]):
        raise CaseConflict("enterprise_id", f"no enterprise {draft.enterprise_id}")
    if draft.site_id is not None and session.get(Site, draft.site_id) is None:
        raise CaseConflict("site_id", f"no outlet or site {draft.site_id}")


def route_unit(session: Session, region_code: str, category: str) -> ResponsibleUnit | None:
    """The responsible unit for a case in ``region_code`` of ``category``: the active department
    competent for the category (or for every one, ``"*"``) in the most specific region that
    covers the case's; failing that, the local government of that region."""
    units = session.scalars(select(ResponsibleUnit).where(ResponsibleUnit.active.is_(True))).all()
    best: tuple[int, int, int] | None = None
    chosen = None
    for u in units:
        if not in_scope(region_code, u.region_code):
            continue
        competent = category in u.categories or "*" in u.categories
        if u.kind.value == "department" and not competent:
            continue
        # prefer: the most specific region, a department over a government, a named category
        rank = (
            len(u.region_code.rstrip("0")),
            1 if u.kind.value == "department" else 0,
            1 if category in u.categories else 0,
        )
        if best is None or rank > best:
            best, chosen = rank, u
    return chosen


def _number(case: CaseRecord) -> str:
    return f"{case.region_code}-{as_cst(case.registered_at):%Y}-{case.id:06d}"


def _existing(session: Session, draft: CaseDraft) -> CaseSource | None:
    if draft.source_key is None:
        return None
    return session.scalar(
        select(CaseSource).where(
            CaseSource.source == draft.source, CaseSource.source_key == draft.source_key
        )
    )


def _group_case(session: Session, draft: CaseDraft) -> CaseRecord | None:
    if draft.join_case_id is not None:
        joined = session.get(CaseRecord, draft.join_case_id)
        if joined is not None and joined.state in {*OPEN_STATES, CaseState.ACCEPTED}:
            return joined
    if draft.group_key is None:
        return None
    return session.scalar(
        select(CaseRecord)
        .join(CaseSource, CaseSource.case_id == CaseRecord.id)
        .where(
            CaseSource.source == draft.source,  # a group is a source's: keys of two may match
            CaseSource.group_key == draft.group_key,
            CaseRecord.state.in_([*OPEN_STATES, CaseState.ACCEPTED]),
        )
        .order_by(CaseRecord.registered_at.desc())
        .limit(1)
    )


def relapse_of(session: Session, draft: CaseDraft, *, now: datetime) -> CaseRecord | None:
    """The closed case a draft is a relapse of: same enterprise and category, closed within
    ``relapse_months`` of ``now`` (the newest such case), or None."""
    if draft.enterprise_id is None:
        return None
    since = now - timedelta(days=round(30.44 * case_rules().relapse_months))
    return session.scalar(
        select(CaseRecord)
        .where(
            CaseRecord.enterprise_id == draft.enterprise_id,
            CaseRecord.category == draft.category,
            CaseRecord.state == CaseState.CLOSED,
            CaseRecord.closed_at >= since,
        )
        .order_by(CaseRecord.closed_at.desc())
        .limit(1)
    )


def _add_source(session: Session, case: CaseRecord, draft: CaseDraft, now: datetime) -> None:
    session.add(
        CaseSource(
            case_id=case.id,
            source=draft.source,
            source_key=draft.source_key or f"case-{case.id}-{now.timestamp():.6f}",
            group_key=draft.group_key,
            reported_at=now,
            payload=dict(draft.evidence),
        )
    )


def register_case(
    session: Session,
    draft: CaseDraft,
    *,
    actor: str,
    scope: Scope | None = None,
    now: datetime | None = None,
) -> Registration:
    """Register ``draft`` as a case (登记), or find the case it belongs to.

    ``scope``: the caller's (an officer's case must lie in their region; enterprise and public
    accounts register none); None for system sources and intakes that checked their caller.
    The same report again (``source``, ``source_key``) updates its payload and returns its case;
    a report naming an open case (``join_case_id``) or of an open group (``group_key``)
    attaches to it; a relapse reopens the closed case
    (:func:`relapse_of`); anything else is a new case in state ``registered``.
    """
    now = now or utcnow()
    validate_draft(draft, now=now)
    _check_may_register(scope, draft)
    _check_references(session, draft)
    src = _existing(session, draft)
    if src is not None:
        case = session.get_one(CaseRecord, src.case_id)
        if case.region_code != draft.region_code:
            raise CaseConflict(
                "source_key",
                f"{draft.source} report {draft.source_key!r} already names case "
                f"{case.number or case.id} of region {case.region_code}, not "
                f"{draft.region_code}: the same key from another region is another report",
            )
        src.payload = dict(draft.evidence)
        case.title = draft.title
        case.updated_at = now
        session.flush()
        return Registration(case, "existing")
    group = _group_case(session, draft)
    if group is not None:
        _add_source(session, group, draft, now)
        record_event(
            session, group, CaseEvent.ATTACH, actor=actor, at=now, from_state=group.state,
            detail={"source": draft.source, "source_key": draft.source_key, "title": draft.title},
        )  # fmt: skip
        fire(group.state, CaseEvent.ATTACH)
        return Registration(group, "attached")
    old = relapse_of(session, draft, now=now)
    if old is not None:
        before = old.state
        reason = f"反弹 relapse: {draft.title}"
        old.state = fire(before, CaseEvent.REOPEN, Facts(reason=reason, reopen_kind="relapse"))
        old.relapse_count += 1
        old.due_at = old.assigned_at = old.submitted_at = old.accepted_at = None
        _add_source(session, old, draft, now)
        record_event(
            session, old, CaseEvent.REOPEN, actor=actor, at=now, from_state=before,
            reason=reason,
            detail={"kind": "relapse", "source": draft.source, "source_key": draft.source_key},
        )  # fmt: skip
        return Registration(old, "relapse")
    unit = route_unit(session, draft.region_code, draft.category)
    case = CaseRecord(
        source=draft.source,
        category=draft.category,
        severity=draft.severity,
        state=CaseState.REGISTERED,
        title=draft.title,
        description=draft.description,
        region_code=draft.region_code,
        enterprise_id=draft.enterprise_id,
        site_id=draft.site_id,
        parameter_code=draft.parameter_code,
        longitude=draft.longitude,
        latitude=draft.latitude,
        place=draft.place,
        unit_id=None if unit is None else unit.id,
        occurred_at=draft.occurred_at,
        registered_at=now,
        registered_by=actor,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    case.number = _number(case)
    _add_source(session, case, draft, now)
    record_event(
        session, case, CaseEvent.REGISTER, actor=actor, at=now, from_state=None,
        detail={"source": draft.source, "source_key": draft.source_key,
                "unit_id": case.unit_id},
    )  # fmt: skip
    return Registration(case, "new")


def find_duplicates(
    session: Session,
    draft: CaseDraft,
    *,
    scope: Scope | None = None,
    now: datetime | None = None,
    limit: int = 20,
) -> list[Duplicate]:
    """Cases that may be the problem ``draft`` describes, shown before registering it: same
    category, registered within ``duplicate_window_days`` before the draft's time, not merged or
    cancelled, and at the same enterprise or within ``duplicate_radius_m`` of its location
    (``data/rules.json``). Nearest first; at most ``limit``."""
    rules = case_rules()
    now = now or utcnow()
    since = min(draft.occurred_at, now) - timedelta(days=rules.duplicate_window_days)
    near: list[ColumnElement[bool]] = []
    if draft.enterprise_id is not None:
        near.append(CaseRecord.enterprise_id == draft.enterprise_id)
    if draft.longitude is not None and draft.latitude is not None:
        dlat = rules.duplicate_radius_m / 111_000.0
        dlon = dlat * 1.5  # Zhejiang lies at 27–31°N: cos(31°) > 1/1.5
        near.append(
            CaseRecord.longitude.between(draft.longitude - dlon, draft.longitude + dlon)
            & CaseRecord.latitude.between(draft.latitude - dlat, draft.latitude + dlat)
        )
    if not near:
        return []
    q = select(CaseRecord).where(
        CaseRecord.category == draft.category,
        CaseRecord.registered_at >= since,
        CaseRecord.state.notin_([CaseState.MERGED, CaseState.CANCELLED]),
        near[0] if len(near) == 1 else (near[0] | near[1]),
    )
    if scope is not None:
        q = q.where(scope.where(CaseRecord.region_code, CaseRecord.enterprise_id))
    out = []
    for c in session.scalars(q.limit(500)):
        reasons = []
        dist = None
        if draft.enterprise_id is not None and c.enterprise_id == draft.enterprise_id:
            reasons.append("same_enterprise")
        if None not in (draft.longitude, draft.latitude, c.longitude, c.latitude):
            dist = distance_m(draft.longitude, draft.latitude, c.longitude, c.latitude)  # type: ignore[arg-type]
            if dist <= rules.duplicate_radius_m:
                reasons.append("nearby")
        if reasons:
            out.append(Duplicate(c, tuple(reasons), None if dist is None else round(dist, 1)))
    out.sort(key=lambda d: (d.distance_m is None, d.distance_m or 0.0, -d.case.id))
    return out[:limit]
