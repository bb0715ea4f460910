"""What another area hands the incidents service to open an incident (the binding contract of
issue #22: toxic-gas alarms, radiation alerts and officers' reports all open incidents so)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["IncidentDraft"]


@dataclass(frozen=True)
class IncidentDraft:
    """A new 突发环境事件 as reported.

    ``origin`` names what opened it (``"report"`` for an officer's report, ``"gas_alarm"``,
    ``"radiation"``); with ``origin_key`` (e.g. the alarm's id) it makes opening idempotent: the
    same draft again returns the incident already opened. ``occurred_at`` is timezone-aware UTC.
    ``region_code`` is the county (or city / province) where it happened; ``enterprise_id`` the
    archive enterprise involved, if any. ``facts`` holds the figures the level is judged from
    (deaths, poisoned, evacuated, direct loss in yuan, water-source intake interrupted …), as
    the incidents' level criteria name them; absent facts are unknown, not zero."""

    title: str
    occurred_at: datetime
    region_code: str
    origin: str
    origin_key: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    enterprise_id: int | None = None
    description: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
