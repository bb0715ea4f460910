"""The incidents service: open an incident (from a report or another area's alarm), advance its
stages, keep its command log, re-judge its level when facts change, its temporary monitoring
points and its report. Every write is audited (the models are audited; ``acting_as``) and every
change is also a command-log entry, which is never edited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.audit.log import acting_as
from qingshan.emergency.incidents import nearby, stages
from qingshan.emergency.incidents.errors import (
    BadIncident,
    IncidentNotFound,
    NotLeadingTier,
)
from qingshan.emergency.incidents.levels import judge, level_info, validate_facts
from qingshan.emergency.incidents.models import (
    EmergencyIncident,
    EmergencyIncidentLog,
    EmergencyIncidentPoint,
)
from qingshan.emergency.incidents.readings import parse_readings
from qingshan.emergency.incidents.types import IncidentDraft
from qingshan.geo.models import RegionLevel
from qingshan.geo.regions import PROVINCE_CODE, city_of, get_region
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.monitoring.registry import ensure_series, update_latest
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, as_cst, utcnow

__all__ = [
    "OFFICERS",
    "lead_region",
    "open_incident",
    "report_incident",
    "list_incidents",
    "get_incident",
    "advance_stage",
    "update_facts",
    "issue_order",
    "mark_done",
    "add_note",
    "timeline",
    "add_point",
    "add_readings",
    "point_readings",
    "affected",
    "nearest_resources",
    "incident_report",
]

#: the accounts that act on incidents (an enterprise account reads its own enterprises' ones)
OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: log entry kinds
KINDS = ("report", "stage", "level", "facts", "order", "done", "note", "point", "readings")
#: the stream of a temporary point's readings (qingshan.monitoring.models.STREAM_OF_KIND)
STREAM = "emergency"
#: the default radius [km] in which water sections and drinking-water sources count as affected
AFFECTED_RADIUS_KM = 10.0

_ORIGIN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def lead_region(tier: str, region_code: str) -> str:
    """The region whose government leads the response at ``tier`` for an incident in
    ``region_code`` (国办函〔2014〕119号 §4.2: 事发地省级 / 设区的市级 / 县级人民政府) [MC]."""
    record = get_region(region_code)
    if tier == "province" or record.level is RegionLevel.PROVINCE:
        return PROVINCE_CODE
    if tier == "city":
        return city_of(region_code).code
    return region_code


def _check_draft(draft: IncidentDraft) -> dict:
    if not draft.title or not draft.title.strip():
        raise BadIncident("title is empty", field="title")
    if len(draft.title) > 200:
        raise BadIncident(f"title has {len(draft.title)} characters (at most 200)", field="title")
    if not isinstance(draft.occurred_at, datetime) or draft.occurred_at.tzinfo is None:
        raise BadIncident(
            f"occurred_at {draft.occurred_at!r} must be a timezone-aware datetime",
            field="occurred_at",
        )
    if not isinstance(draft.origin, str) or not _ORIGIN.match(draft.origin):
        raise BadIncident(
            f"origin {draft.origin!r} must be a lower-case word such as 'report', 'gas_alarm'",
            field="origin",
        )
    if draft.origin_key is not None and not (0 < len(draft.origin_key) <= 64):
        raise BadIncident(
            f"origin_key {draft.origin_key!r} must have 1 to 64 characters", field="origin_key"
        )
    try:
        get_region(draft.region_code)
    except Exception as exc:
        raise BadIncident(str(exc), field="region_code") from None
    if (draft.longitude is None) != (draft.latitude is None):
        raise BadIncident("longitude and latitude are given together or not at all",
                          field="longitude")  # fmt: skip
    if draft.longitude is not None and draft.latitude is not None:
        # Zhejiang lies within 118–123.5° E, 27–31.5° N (with its sea area)
        if not (118.0 <= draft.longitude <= 123.5):
            raise BadIncident(f"longitude {draft.longitude} is outside Zhejiang (118–123.5° E)",
                              field="longitude")  # fmt: skip
        if not (27.0 <= draft.latitude <= 31.5):
            raise BadIncident(f"latitude {draft.latitude} is outside Zhejiang (27–31.5° N)",
                              field="latitude")  # fmt: skip
    return dict(draft.facts)


def _next_seq(session: Session, incident_id: int) -> int:
    top = session.scalar(
        select(func.max(EmergencyIncidentLog.seq)).where(
            EmergencyIncidentLog.incident_id == incident_id
        )
    )
    return int(top or 0) + 1


def _append(
    session: Session,
    incident: EmergencyIncident,
    *,
    kind: str,
    actor: str,
    at: datetime,
    content: str = "",
    to_whom: str = "",
    due_at: datetime | None = None,
    order_id: int | None = None,
    data: dict | None = None,
) -> EmergencyIncidentLog:
    row = EmergencyIncidentLog(
        incident_id=incident.id, seq=_next_seq(session, incident.id), at=at, actor=actor,
        kind=kind, to_whom=to_whom, content=content, due_at=due_at, order_id=order_id,
        data=data or {},
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _find(session: Session, origin: str, origin_key: str | None) -> EmergencyIncident | None:
    if origin_key is None:
        return None
    return session.scalars(
        select(EmergencyIncident).where(
            EmergencyIncident.origin == origin, EmergencyIncident.origin_key == origin_key
        )
    ).first()


def _new_code(session: Session, region_code: str, occurred_at: datetime) -> str:
    year = as_cst(occurred_at).year
    prefix = f"TF{region_code}{year}"
    n = session.scalar(
        select(func.count()).where(EmergencyIncident.code.startswith(prefix, autoescape=True))
    )
    return f"{prefix}{int(n or 0) + 1:04d}"


def open_incident(
    session: Session,
    draft: IncidentDraft,
    *,
    actor: str,
    now: datetime | None = None,
    synthetic: bool = False,
) -> int:
    """Open a 突发环境事件 from ``draft`` and return its id.

    Idempotent on (``origin``, ``origin_key``): the same draft again returns the incident already
    opened and changes nothing. The level is judged from ``draft.facts`` with the national
    classification (:mod:`qingshan.emergency.incidents.levels`); the response level and the
    leading tier follow it. The first command-log entry (``report``) and the level judgement
    are recorded; the rows are audited as ``actor``. Bad input raises :class:`BadIncident` naming
    the field before anything is stored. The caller commits."""
    facts = _check_draft(draft)
    judgement = judge(facts)
    existing = _find(session, draft.origin, draft.origin_key)
    if existing is not None:
        return existing.id
    now = now or utcnow()
    info = judgement.info
    with acting_as(actor):
        savepoint = session.begin_nested()
        try:
            incident = EmergencyIncident(
                code=_new_code(session, draft.region_code, draft.occurred_at),
                title=draft.title.strip(), description=draft.description,
                occurred_at=draft.occurred_at, region_code=draft.region_code,
                longitude=draft.longitude, latitude=draft.latitude,
                enterprise_id=draft.enterprise_id, origin=draft.origin,
                origin_key=draft.origin_key, facts=validate_facts(facts),
                level=judgement.level, level_basis=judgement.basis_json(),
                response_level=info.response, lead_tier=info.lead_tier,
                lead_region_code=lead_region(info.lead_tier, draft.region_code),
                stage="reported", closed_at=None, synthetic=synthetic, created_at=now,
                created_by=actor,
            )  # fmt: skip
            session.add(incident)
            session.flush()
        except IntegrityError:
            savepoint.rollback()
            again = _find(session, draft.origin, draft.origin_key)
            if again is None:
                raise
            return again.id
        savepoint.commit()
        _append(session, incident, kind="report", actor=actor, at=now,
                content=draft.description or draft.title,
                data={"stage": "reported", "origin": draft.origin,
                      "origin_key": draft.origin_key})  # fmt: skip
        _append(session, incident, kind="level", actor=actor, at=now,
                content=f"{level_info(judgement.level).name}（{judgement.level}级）",
                data={"level": judgement.level, "previous": None,
                      "basis": judgement.basis_json(), "facts": incident.facts})  # fmt: skip
    return incident.id


# ---------------------------------------------------------------------------------------------
# reading and acting as an officer


def _officer(scope: Scope) -> None:
    if scope.role not in OFFICERS:
        raise NotLeadingTier(
            f"{scope.username} ({scope.role.value}) is not an officer: incidents are reported "
            "and commanded by province, city and county officers"
        )


def list_incidents(
    session: Session,
    scope: Scope,
    *,
    level: str | None = None,
    stage: str | None = None,
    region: str | None = None,
    year: int | None = None,
) -> list[EmergencyIncident]:
    """The incidents the scope reads (officers: their region; an enterprise account: its own
    enterprises'), newest first, filtered by level, stage, region (a prefix by GB/T 2260) and
    the year (CST) they occurred in. Bad filters raise :class:`BadIncident`."""
    q = select(EmergencyIncident).where(
        scope.where(EmergencyIncident.region_code, EmergencyIncident.enterprise_id)
    )
    if level:
        if level not in ("I", "II", "III", "IV"):
            raise BadIncident(f"level {level!r} is not one of I, II, III, IV", field="level")
        q = q.where(EmergencyIncident.level == level)
    if stage:
        if stage not in stages.STAGES:
            raise BadIncident(f"stage {stage!r} is not one of {', '.join(stages.STAGES)}",
                              field="stage")  # fmt: skip
        q = q.where(EmergencyIncident.stage == stage)
    if region:
        try:
            sub = Scope(region, Role.PROVINCE)
            q = q.where(sub.where(EmergencyIncident.region_code))
        except Exception as exc:
            raise BadIncident(str(exc), field="region") from None
    if year:
        start = datetime(year, 1, 1, tzinfo=CST)
        q = q.where(EmergencyIncident.occurred_at >= start,
                    EmergencyIncident.occurred_at < datetime(year + 1, 1, 1, tzinfo=CST))  # fmt: skip
    return list(session.scalars(q.order_by(EmergencyIncident.occurred_at.desc(),
                                           EmergencyIncident.id.desc())))  # fmt: skip


def get_incident(session: Session, scope: Scope, incident_id: int) -> EmergencyIncident:
    """The incident, if the scope reads it; else :class:`IncidentNotFound` (never a hint that
    it exists elsewhere)."""
    row = session.get(EmergencyIncident, incident_id)
    if row is None:
        raise IncidentNotFound(incident_id)
    from qingshan.geo.regions import in_scope

    if (
        not in_scope(row.region_code, scope.region_code)
        or (scope.role is Role.ENTERPRISE and row.enterprise_id not in scope.enterprises)
        or scope.role is Role.PUBLIC
    ):
        raise IncidentNotFound(incident_id)
    return row


def _leading(scope: Scope, incident: EmergencyIncident, what: str) -> None:
    """Officers of the leading tier or above (whose region covers the leading region)."""
    from qingshan.geo.regions import in_scope

    _officer(scope)
    if not in_scope(incident.lead_region_code, scope.region_code):
        raise NotLeadingTier(
            f"{what}: the response to {incident.code} is led at {incident.lead_tier} level "
            f"({incident.lead_region_code}); {scope.username} ({scope.role.value}, "
            f"{scope.region_code}) is below the leading tier"
        )


def _open(incident: EmergencyIncident, what: str) -> None:
    if not stages.is_open(incident.stage):
        raise BadIncident(f"{what}: incident {incident.code} is closed", field="stage")


def report_incident(
    session: Session,
    scope: Scope,
    draft: IncidentDraft,
    *,
    now: datetime | None = None,
    synthetic: bool = False,
) -> int:
    """An officer's report (接报): the region must be in the officer's scope; ``origin`` is
    "report". Returns the incident id (:func:`open_incident`)."""
    _officer(scope)
    try:
        scope.check_region(draft.region_code)
    except Exception as exc:
        raise BadIncident(str(exc), field="region_code") from None
    return open_incident(session, draft, actor=scope.username, now=now, synthetic=synthetic)


def advance_stage(
    session: Session,
    scope: Scope,
    incident_id: int,
    stage: str,
    *,
    note: str = "",
    now: datetime | None = None,
) -> EmergencyIncident:
    """Move the incident to ``stage`` (:mod:`~qingshan.emergency.incidents.stages`): an
    out-of-order stage raises :class:`IllegalIncidentStage` naming the current and the requested
    stage. ``verified`` may be set by any officer whose region covers the incident; the later
    stages by the leading tier or above. Logged (kind ``stage``) and audited."""
    incident = get_incident(session, scope, incident_id)
    _officer(scope)
    stages.advance(incident.stage, stage)
    if stage != "verified":
        _leading(scope, incident, f"stage {stage!r}")
    now = now or utcnow()
    previous = incident.stage
    with acting_as(scope.username):
        incident.stage = stage
        if stage == "closed":
            incident.closed_at = now
        _append(session, incident, kind="stage", actor=scope.username, at=now,
                content=note.strip(), data={"from": previous, "to": stage})  # fmt: skip
    return incident


def update_facts(
    session: Session,
    scope: Scope,
    incident_id: int,
    facts: dict[str, Any],
    *,
    note: str = "",
    now: datetime | None = None,
) -> EmergencyIncident:
    """New or corrected facts (a value of ``None`` or "" removes a fact); the level is judged
    again and, when it changes, the response level and the leading tier follow — both recorded
    in the log (kinds ``facts`` and ``level``)."""
    incident = get_incident(session, scope, incident_id)
    _officer(scope)
    _open(incident, "facts")
    merged = dict(incident.facts)
    for key, value in facts.items():
        if value is None or value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    clean = validate_facts(merged)
    judgement = judge(clean)
    now = now or utcnow()
    with acting_as(scope.username):
        old_facts, old_level = dict(incident.facts), incident.level
        incident.facts = clean
        incident.level_basis = judgement.basis_json()
        _append(session, incident, kind="facts", actor=scope.username, at=now,
                content=note.strip(), data={"before": old_facts, "after": clean})  # fmt: skip
        if judgement.level != old_level:
            info = judgement.info
            incident.level = judgement.level
            incident.response_level = info.response
            incident.lead_tier = info.lead_tier
            incident.lead_region_code = lead_region(info.lead_tier, incident.region_code)
            _append(session, incident, kind="level", actor=scope.username, at=now,
                    content=f"{info.name}（{judgement.level}级）",
                    data={"level": judgement.level, "previous": old_level,
                          "basis": judgement.basis_json(), "facts": clean})  # fmt: skip
    return incident


def _text(value: str, name: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise BadIncident(f"{name} is empty", field=name)
    if len(value) > limit:
        raise BadIncident(f"{name} has {len(value)} characters (at most {limit})", field=name)
    return value


def issue_order(
    session: Session,
    scope: Scope,
    incident_id: int,
    *,
    to_whom: str,
    content: str,
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> EmergencyIncidentLog:
    """An order (指令) of the command: who (the scope), when (``now``), to whom, what, due by.
    Only officers of the leading tier or above give orders; a closed incident takes none."""
    incident = get_incident(session, scope, incident_id)
    _leading(scope, incident, "order")
    _open(incident, "order")
    to_whom = _text(to_whom, "to_whom", 200)
    content = _text(content, "content", 4000)
    now = now or utcnow()
    if due_at is not None and (due_at.tzinfo is None or due_at < now - timedelta(minutes=1)):
        raise BadIncident(f"due_at {due_at!r} must be a timezone-aware time not in the past",
                          field="due_at")  # fmt: skip
    with acting_as(scope.username):
        return _append(session, incident, kind="order", actor=scope.username, at=now,
                       to_whom=to_whom, content=content, due_at=due_at)  # fmt: skip


def mark_done(
    session: Session,
    scope: Scope,
    incident_id: int,
    order_id: int,
    *,
    note: str = "",
    now: datetime | None = None,
) -> EmergencyIncidentLog:
    """Record that an order was carried out: a new log entry (kind ``done``) pointing at the
    order — the order itself is never edited. An order is done once."""
    incident = get_incident(session, scope, incident_id)
    _officer(scope)
    _open(incident, "done")
    order = session.get(EmergencyIncidentLog, order_id)
    if order is None or order.incident_id != incident.id or order.kind != "order":
        raise BadIncident(f"order_id {order_id} is not an order of {incident.code}",
                          field="order_id")  # fmt: skip
    done = session.scalar(select(EmergencyIncidentLog.id).where(
        EmergencyIncidentLog.order_id == order_id, EmergencyIncidentLog.kind == "done"))  # fmt: skip
    if done is not None:
        raise BadIncident(f"order {order_id} is already marked done", field="order_id")
    with acting_as(scope.username):
        return _append(session, incident, kind="done", actor=scope.username, at=now or utcnow(),
                       to_whom=order.to_whom, content=_text(note, "note", 4000, required=False),
                       order_id=order_id, data={"order_seq": order.seq})  # fmt: skip


def add_note(session: Session, scope: Scope, incident_id: int, content: str, *,
             now: datetime | None = None) -> EmergencyIncidentLog:  # fmt: skip
    """A situation note (情况报告) in the log, by any officer whose region covers the incident."""
    incident = get_incident(session, scope, incident_id)
    _officer(scope)
    _open(incident, "note")
    with acting_as(scope.username):
        return _append(session, incident, kind="note", actor=scope.username, at=now or utcnow(),
                       content=_text(content, "content", 4000))  # fmt: skip


@dataclass(frozen=True)
class TimelineEntry:
    entry: EmergencyIncidentLog
    #: an order: the entry that marked it done (None: still open)
    done: EmergencyIncidentLog | None = None

    @property
    def overdue(self) -> bool:
        e = self.entry
        return (
            e.kind == "order" and self.done is None and e.due_at is not None and e.due_at < utcnow()
        )


def timeline(session: Session, incident: EmergencyIncident) -> list[TimelineEntry]:
    """The command log in order, each order with the entry that marked it done."""
    rows = list(session.scalars(select(EmergencyIncidentLog).where(
        EmergencyIncidentLog.incident_id == incident.id).order_by(EmergencyIncidentLog.seq)))  # fmt: skip
    done = {r.order_id: r for r in rows if r.kind == "done" and r.order_id is not None}
    return [TimelineEntry(r, done.get(r.id)) for r in rows]


# ---------------------------------------------------------------------------------------------
# temporary monitoring points


def add_point(
    session: Session,
    scope: Scope,
    incident_id: int,
    *,
    name: str,
    longitude: float,
    latitude: float,
    parameter: str,
    standard_value: float | None = None,
    standard_label: str = "",
    now: datetime | None = None,
) -> EmergencyIncidentPoint:
    """A temporary monitoring point (应急临时监测点): a monitoring site of kind
    ``emergency_point`` in the incident's county, with the series of ``parameter`` (an HJ
    212-2017 code or name; spot readings, period ``rtd``) in the observation store's
    ``emergency`` stream, and the standard value (in the parameter's unit) readings are compared
    with, with where it comes from (``standard_label``, e.g. "GB 3838-2002 表1 III类 氨氮")."""
    from qingshan.monitoring.models import Period
    from qingshan.standards.pollutant_codes import normalise_code

    incident = get_incident(session, scope, incident_id)
    _officer(scope)
    _open(incident, "point")
    name = _text(name, "name", 120)
    if not (118.0 <= longitude <= 123.5 and 27.0 <= latitude <= 31.5):
        raise BadIncident(f"point ({longitude}, {latitude}) is outside Zhejiang",
                          field="longitude")  # fmt: skip
    try:
        code = normalise_code(parameter)
    except Exception as exc:
        raise BadIncident(f"parameter {parameter!r}: {exc}", field="parameter") from None
    if standard_value is not None and not (standard_value >= 0 and standard_value < 1e12):
        raise BadIncident(f"standard_value {standard_value!r} must be a number ≥ 0",
                          field="standard_value")  # fmt: skip
    now = now or utcnow()
    n = session.scalar(
        select(func.count()).where(EmergencyIncidentPoint.incident_id == incident.id)
    )
    with acting_as(scope.username):
        site = Site(code=f"EM{incident.id}-{int(n or 0) + 1}", name=name,
                    kind=SiteKind.EMERGENCY_POINT, control_level=ControlLevel.CITY,
                    region_code=incident.region_code, enterprise_id=None,
                    longitude=longitude, latitude=latitude,
                    attrs={"incident_id": incident.id, "incident": incident.code,
                           **({"synthetic": True} if incident.synthetic else {})})  # fmt: skip
        session.add(site)
        session.flush()
        ensure_series(session, [(site.id, code, Period.RTD, None)])
        point = EmergencyIncidentPoint(
            incident_id=incident.id, site_id=site.id, parameter_code=code,
            standard_value=standard_value,
            standard_label=_text(standard_label, "standard_label", 200, required=False),
            created_at=now, created_by=scope.username)  # fmt: skip
        session.add(point)
        session.flush()
        _append(session, incident, kind="point", actor=scope.username, at=now, content=name,
                data={"point_id": point.id, "site": site.code, "parameter": code,
                      "standard_value": standard_value})  # fmt: skip
    return point


def _series_of(session: Session, point: EmergencyIncidentPoint) -> Any:
    from qingshan.monitoring.models import Period, Series

    return session.scalar(select(Series).where(
        Series.site_id == point.site_id, Series.parameter_code == point.parameter_code,
        Series.period == Period.RTD))  # fmt: skip


def add_readings(
    session: Session,
    store: ObservationStore,
    scope: Scope,
    incident_id: int,
    point_id: int,
    text: str,
    *,
    now: datetime | None = None,
) -> int:
    """Readings of a point from ``text`` (CSV: ``time,value`` per line; times without a zone are
    CST) written to the observation store (stream ``emergency``, period ``rtd``, the value in the
    series' unit) and the point's newest value; a log entry says how many and the highest.
    The whole text is checked before anything is written. Returns the number written."""
    incident = get_incident(session, scope, incident_id)
    _officer(scope)
    _open(incident, "readings")
    point = session.get(EmergencyIncidentPoint, point_id)
    if point is None or point.incident_id != incident.id:
        raise BadIncident(
            f"point_id {point_id} is not a point of {incident.code}", field="point_id"
        )
    now = now or utcnow()
    rows = parse_readings(text, now=now)
    series = _series_of(session, point)
    frame = pd.DataFrame({
        "series_id": [series.id] * len(rows),
        "time": pd.to_datetime([t for t, _ in rows], utc=True),
        "period": ["rtd"] * len(rows),
        "value": [v for _, v in rows],
        "raw_value": [v for _, v in rows],
        "source": [f"emergency:{incident.code}"] * len(rows),
        "qc_flag": [0] * len(rows),
    })  # fmt: skip
    written = store.append(frame, STREAM, received_at=now)
    with acting_as(scope.username):
        update_latest(session, frame)
        top = max(v for _, v in rows)
        over = sum(
            1 for _, v in rows if point.standard_value is not None and v > point.standard_value
        )
        _append(session, incident, kind="readings", actor=scope.username, at=now,
                content=f"{written}", data={"point_id": point.id, "n": written, "max": top,
                                            "exceeding": over})  # fmt: skip
    return written


@dataclass(frozen=True)
class PointReadings:
    point: EmergencyIncidentPoint
    site: Site
    unit: str
    times: list[datetime]
    values: list[float]

    @property
    def exceeding(self) -> int:
        s = self.point.standard_value
        return 0 if s is None else sum(1 for v in self.values if v > s)

    @property
    def max(self) -> float | None:
        return max(self.values) if self.values else None

    @property
    def last(self) -> float | None:
        return self.values[-1] if self.values else None


def point_readings(
    session: Session, store: ObservationStore, incident: EmergencyIncident
) -> list[PointReadings]:
    """Each point of the incident with its readings (time order) from the observation store."""
    points = list(session.scalars(select(EmergencyIncidentPoint).where(
        EmergencyIncidentPoint.incident_id == incident.id).order_by(EmergencyIncidentPoint.id)))  # fmt: skip
    out = []
    for p in points:
        series = _series_of(session, p)
        site = session.get(Site, p.site_id)
        assert site is not None
        frame = store.scan([series.id], None, None, period="rtd", columns=["value"],
                           streams=[STREAM]) if series is not None else pd.DataFrame()  # fmt: skip
        times = [t.to_pydatetime() for t in frame["time"]] if len(frame) else []
        values = [float(v) for v in frame["value"]] if len(frame) else []
        out.append(PointReadings(p, site, series.unit if series is not None else "", times, values))
    return out


# ---------------------------------------------------------------------------------------------
# affected sites and nearest resources


@dataclass(frozen=True)
class AffectedSite:
    kind: str  # water_section | drinking_water_source | water_source_zone
    name: str
    code: str
    distance_km: float
    lon: float | None
    lat: float | None
    method: str


def affected(
    session: Session,
    scope: Scope,
    incident: EmergencyIncident,
    *,
    radius_km: float = AFFECTED_RADIUS_KM,
    on: date | None = None,
) -> list[AffectedSite]:
    """Water sections and drinking-water sources within ``radius_km`` of the incident (straight
    line; the river network's direction of flow is not modelled, so "downstream" is not told
    apart — a screening list for the officer to judge): the monitoring registry's sites of kinds
    ``water_section`` and ``drinking_water_source`` with coordinates (great-circle distance) and
    the features of the zones layers of kind ``water_source`` (饮用水水源保护区) in force on
    ``on`` that the scope reads (distance to the polygon, 0 inside). Nearest first; empty when
    the incident has no position."""
    if incident.longitude is None or incident.latitude is None:
        return []
    lon, lat = incident.longitude, incident.latitude
    out: list[AffectedSite] = []
    x0, y0, x1, y1 = nearby.bbox_around(lon, lat, radius_km)
    sites = session.scalars(select(Site).where(
        Site.kind.in_([SiteKind.WATER_SECTION, SiteKind.DRINKING_WATER_SOURCE]),
        Site.longitude.between(x0, x1), Site.latitude.between(y0, y1)))  # fmt: skip
    for s in sites:
        assert s.longitude is not None and s.latitude is not None
        km = nearby.haversine_km(lon, lat, s.longitude, s.latitude)
        if km <= radius_km:
            out.append(AffectedSite(s.kind.value, s.name, s.code, km, s.longitude, s.latitude,
                                    "monitoring_site"))  # fmt: skip
    if scope.role in OFFICERS:
        from qingshan.zones.layers import LayerKind
        from qingshan.zones.service import zone_index

        index = zone_index(session, scope, on or as_cst(utcnow()).date(), bbox=(x0, y0, x1, y1),
                           kind=LayerKind.WATER_SOURCE)  # fmt: skip
        for feat, geom in zip(index.features, index.geometries, strict=True):
            km = nearby.km_to_geometry(lon, lat, geom)
            if km <= radius_km:
                c = geom.centroid
                out.append(AffectedSite("water_source_zone", feat.name, feat.code, km, c.x, c.y,
                                        "zones_layer"))  # fmt: skip
    return sorted(out, key=lambda a: (a.distance_km, a.name))


def nearest_resources(session: Session, scope: Scope, incident: EmergencyIncident) -> Any:
    """The resources helper's nearest depots, teams and experts to the incident (straight-line
    distance, said so there); None without a position or for a non-officer."""
    if incident.longitude is None or incident.latitude is None or scope.role not in OFFICERS:
        return None
    from qingshan.emergency.resources.service import nearest

    return nearest(session, scope, incident.longitude, incident.latitude, k=3)


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.4g}"


def incident_report(
    session: Session, store: ObservationStore, scope: Scope, incident_id: int, *,
    now: datetime | None = None,
) -> tuple[str, bytes]:  # fmt: skip
    """The incident report (Word): (file name, bytes). Any stage; a closed incident's report is
    the final one."""
    from qingshan.archive.service import enterprise_names
    from qingshan.emergency.incidents.levels import fact_specs, source
    from qingshan.emergency.incidents.report import ReportData, build_report
    from qingshan.geo.regions import get_region as region

    incident = get_incident(session, scope, incident_id)
    specs = fact_specs()
    facts = []
    for key, value in incident.facts.items():
        spec = specs.get(key, {})
        shown = spec.get("choices", {}).get(value, value) if spec.get("kind") == "choice" else value
        facts.append((spec.get("label", key), str(shown)))
    entries = timeline(session, incident)
    log = [{"seq": e.entry.seq, "at": e.entry.at, "actor": e.entry.actor, "kind": e.entry.kind,
            "to_whom": e.entry.to_whom, "content": e.entry.content, "due_at": e.entry.due_at,
            "done_at": e.done.at if e.done else None} for e in entries]  # fmt: skip
    points = [{"name": p.site.name, "parameter": p.point.parameter_code, "unit": p.unit,
               "n": len(p.values), "max": _fmt(p.max), "last": _fmt(p.last),
               "standard": (f"{_fmt(p.point.standard_value)} {p.point.standard_label}".strip()
                            if p.point.standard_value is not None else "—"),
               "exceeding": p.exceeding}
              for p in point_readings(session, store, incident)]  # fmt: skip
    hits = [{"kind": a.kind, "name": a.name, "code": a.code, "distance_km": a.distance_km,
             "method": a.method} for a in affected(session, scope, incident)]  # fmt: skip
    res = nearest_resources(session, scope, incident)
    lines = []
    if res is not None:
        for group, label in (
            (res.depots, "物资库"),
            (res.teams, "救援队伍"),
            (res.experts, "专家"),
        ):
            lines += [f"{label}：{n.name}（{n.distance_km:.1f} km）" for n in group]
        lines.append(res.note)
    info = level_info(incident.level)
    lead = {"province": "省级人民政府", "city": "设区的市级人民政府", "county": "县级人民政府"}
    data = ReportData(
        code=incident.code, title=incident.title, description=incident.description,
        occurred_at=incident.occurred_at, region_name=region(incident.region_code).name,
        position=("—" if incident.longitude is None
                  else f"{incident.longitude:.5f}, {incident.latitude:.5f}"),
        enterprise=(enterprise_names(session, [incident.enterprise_id]).get(incident.enterprise_id, "")
                    if incident.enterprise_id else ""),
        origin=incident.origin, facts=facts, level=incident.level, level_name=info.name,
        response_level=incident.response_level,
        lead=f"{lead.get(incident.lead_tier, incident.lead_tier)} ({incident.lead_region_code})",
        basis=list(incident.level_basis), level_source=source(), stage=incident.stage,
        closed_at=incident.closed_at, log=log, points=points, affected=hits, resources=lines,
        synthetic=incident.synthetic, generated_at=now or utcnow(),
    )  # fmt: skip
    return f"{incident.code}-report.docx", build_report(data)


def enterprise_name(session: Session, enterprise_id: int) -> str:
    """The archive name of an enterprise (empty if unknown)."""
    from qingshan.archive.service import enterprise_names

    return enterprise_names(session, [enterprise_id]).get(enterprise_id, "")
