"""突发环境事件 tables (issue #22; migration 0029_emergency_incidents).

- ``emergency_incident``: one incident — what, when, where (county, position), what opened it
  (``origin``, ``origin_key``: unique together, so an alarm opens one incident only), the facts the
  level is judged from, the level with its basis (the criteria met), the response level and the
  leading tier, the stage (set only by :func:`qingshan.emergency.incidents.stages.advance`);
- ``emergency_incident_log``: the command log — insert only, numbered per incident: the report,
  every stage change, every level judgement, every order (who, to whom, content, due) and every
  "done" marking of an order (a new entry pointing at the order, never an edit), notes;
- ``emergency_incident_point``: a temporary monitoring point (应急临时监测点) of an incident — a
  monitoring ``site`` of kind ``emergency_point`` — with the parameter watched and the standard
  value its readings are compared with (and where that value comes from).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["EmergencyIncident", "EmergencyIncidentLog", "EmergencyIncidentPoint"]


class EmergencyIncident(Base):
    """One 突发环境事件."""

    __tablename__ = "emergency_incident"
    __table_args__ = (UniqueConstraint("origin", "origin_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    origin: Mapped[str] = mapped_column(String(32))
    origin_key: Mapped[str | None] = mapped_column(String(64))
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    level: Mapped[str] = mapped_column(String(4), index=True)  # I | II | III | IV
    level_basis: Mapped[list] = mapped_column(JSON, default=list)
    response_level: Mapped[str] = mapped_column(String(4))  # I | II | III | IV
    lead_tier: Mapped[str] = mapped_column(String(16))  # province | city | county
    lead_region_code: Mapped[str] = mapped_column(String(6))
    stage: Mapped[str] = mapped_column(String(16), index=True)
    closed_at: Mapped[datetime | None]
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))


class EmergencyIncidentLog(Base):
    """One entry of an incident's command log (insert only)."""

    __tablename__ = "emergency_incident_log"
    __table_args__ = (UniqueConstraint("incident_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("emergency_incident.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # report | stage | level | order | done | note
    to_whom: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime | None]
    #: a "done" entry: the order entry it marks done
    order_id: Mapped[int | None] = mapped_column(ForeignKey("emergency_incident_log.id"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class EmergencyIncidentPoint(Base):
    """A temporary monitoring point of an incident (a monitoring site of kind emergency_point)."""

    __tablename__ = "emergency_incident_point"
    __table_args__ = (UniqueConstraint("incident_id", "site_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("emergency_incident.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    parameter_code: Mapped[str] = mapped_column(String(16))
    standard_value: Mapped[float | None] = mapped_column(Float)
    standard_label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
