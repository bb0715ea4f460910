"""The case rules as data (``data/rules.json``): categories, severities, the deadline of each
category and severity, reminders, the escalation ladder's days and the relapse and duplicate
windows. Pure: the file is read once, nothing else touches I/O.

The days are the bureau's defaults for the 2021 work plan's items 15–17, not figures of a
national standard (the file's ``source`` says so); change the file, not the code.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from types import MappingProxyType

from qingshan.cases.errors import BadCaseInput
from qingshan.cases.workflow import EscalationLevel

__all__ = [
    "CaseRules",
    "case_rules",
    "deadline_for",
    "check_category",
    "check_severity",
    "escalation_due",
    "distance_m",
]

RULES_FILE = Path(__file__).with_name("data") / "rules.json"

_LADDER_KEYS = {
    "notice": EscalationLevel.NOTICE,
    "supervise": EscalationLevel.SUPERVISE,
    "summon": EscalationLevel.SUMMON,
    "accountability": EscalationLevel.ACCOUNTABILITY,
}


@dataclass(frozen=True)
class CaseRules:
    version: str
    source: str
    severities: tuple[str, ...]
    #: category → severity → days to rectify [d]
    deadlines: Mapping[str, Mapping[str, int]]
    reminder_days_before: tuple[int, ...]
    #: escalation level → days overdue at which the scheduler escalates to it [d]
    escalation_days: Mapping[EscalationLevel, int]
    relapse_months: int
    duplicate_radius_m: float
    duplicate_window_days: int

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self.deadlines)


@cache
def case_rules(path: Path = RULES_FILE) -> CaseRules:
    """The rules of ``path`` (default: the package's ``data/rules.json``), read once."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    severities = tuple(raw["severities"])
    deadlines = {}
    for cat, days in raw["categories"].items():
        if set(days) != set(severities):
            raise ValueError(f"{path}: category {cat} needs days for {', '.join(severities)}")
        deadlines[cat] = MappingProxyType({s: int(days[s]) for s in severities})
    return CaseRules(
        version=str(raw["version"]),
        source=str(raw["source"]),
        severities=severities,
        deadlines=MappingProxyType(deadlines),
        reminder_days_before=tuple(
            sorted((int(d) for d in raw["reminder_days_before"]), reverse=True)
        ),
        escalation_days=MappingProxyType(
            {_LADDER_KEYS[k]: int(v) for k, v in raw["escalation_days_overdue"].items()}
        ),
        relapse_months=int(raw["relapse_months"]),
        duplicate_radius_m=float(raw["duplicate_radius_m"]),
        duplicate_window_days=int(raw["duplicate_window_days"]),
    )


def check_category(category: str, rules: CaseRules | None = None) -> str:
    """``category`` if it is known, else :class:`BadCaseInput` listing the valid ones."""
    rules = rules or case_rules()
    if category not in rules.deadlines:
        raise BadCaseInput(
            "category", f"unknown category {category!r}; one of {', '.join(rules.categories)}"
        )
    return category


def check_severity(severity: str, rules: CaseRules | None = None) -> str:
    rules = rules or case_rules()
    if severity not in rules.severities:
        raise BadCaseInput(
            "severity", f"unknown severity {severity!r}; one of {', '.join(rules.severities)}"
        )
    return severity


def deadline_for(
    category: str, severity: str, start: datetime, rules: CaseRules | None = None
) -> datetime:
    """The rectification deadline of a case dispatched at ``start``: ``start`` + the days of
    its category and severity (``data/rules.json``)."""
    rules = rules or case_rules()
    days = rules.deadlines[check_category(category, rules)][check_severity(severity, rules)]
    return start + timedelta(days=days)


def escalation_due(
    due_at: datetime, now: datetime, level: int, rules: CaseRules | None = None
) -> EscalationLevel | None:
    """The next rung of the ladder the scheduler escalates an overdue case to at ``now``
    (one rung at a time), or None when it is not (yet) due."""
    rules = rules or case_rules()
    if now <= due_at:
        return None
    overdue_days = (now - due_at) / timedelta(days=1)
    for rung in sorted(rules.escalation_days):
        if rung > level and overdue_days >= rules.escalation_days[rung]:
            return rung
    return None


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance [m] between two WGS-84 points (haversine, R = 6,371,008.8 m)."""
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
