"""The incidents service: open an incident (from a report or another area's alarm), advance its
stages, keep its command log, re-judge its level when facts change, its temporary monitoring
points and its report. Every write is audited (the models are audited; ``acting_as``) and every
change is also a command-log entry, which is never edited."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qingshan.audit.log import acting_as
from qingshan.emergency.incidents.errors import BadIncident
from qingshan.emergency.incidents.levels import judge, level_info, validate_facts
from qingshan.emergency.incidents.models import EmergencyIncident, EmergencyIncidentLog
from qingshan.emergency.incidents.types import IncidentDraft
from qingshan.geo.models import RegionLevel
from qingshan.geo.regions import PROVINCE_CODE, city_of, get_region
from qingshan.timeutil import as_cst, utcnow

__all__ = ["lead_region", "open_incident"]

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
