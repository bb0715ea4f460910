"""Spot-check periods: a quarter ``2026Q4``, a half-year ``2026H2`` or a year ``2026``, as
CST dates. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from qingshan.enforcement.errors import BadEnforcementInput

__all__ = ["FREQUENCIES", "Period", "parse_period", "period_of"]

#: frequency → how its periods are written
FREQUENCIES = {"quarter": "YYYYQn", "half": "YYYYHn", "year": "YYYY"}
_RE = {
    "quarter": re.compile(r"^(\d{4})Q([1-4])$"),
    "half": re.compile(r"^(\d{4})H([12])$"),
    "year": re.compile(r"^(\d{4})$"),
}
_MONTHS = {"quarter": 3, "half": 6, "year": 12}


@dataclass(frozen=True)
class Period:
    text: str
    start: date  # first day (CST)
    end: date  # last day (CST)


def parse_period(text: str, frequency: str) -> Period:
    """The period ``text`` of an item of ``frequency``; :class:`BadEnforcementInput` says how
    such a period is written."""
    if frequency not in FREQUENCIES:
        raise BadEnforcementInput(
            "frequency", f"unknown {frequency!r}; one of {', '.join(FREQUENCIES)}"
        )
    m = _RE[frequency].match((text or "").strip().upper())
    if m is None or not 2000 <= int(m.group(1)) <= 2100:
        raise BadEnforcementInput(
            "period", f"{text!r} is not a {frequency} period {FREQUENCIES[frequency]} (2000-2100)"
        )
    year = int(m.group(1))
    n = int(m.group(2)) if frequency != "year" else 1
    months = _MONTHS[frequency]
    first = (n - 1) * months + 1
    last = first + months - 1
    end = date(year + (last == 12), 1 if last == 12 else last + 1, 1)
    return Period(m.group(0), date(year, first, 1), date.fromordinal(end.toordinal() - 1))


def period_of(day: date, frequency: str) -> Period:
    """The period of ``frequency`` that ``day`` falls in."""
    if frequency == "quarter":
        return parse_period(f"{day.year}Q{(day.month - 1) // 3 + 1}", frequency)
    if frequency == "half":
        return parse_period(f"{day.year}H{1 if day.month <= 6 else 2}", frequency)
    return parse_period(str(day.year), frequency)
