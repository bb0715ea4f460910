"""Time conventions: timezone-aware UTC inside, China Standard Time (UTC+8) at the edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), name="CST")
"""China Standard Time, UTC+8 (no daylight saving). HJ 212 DataTime and CNEMC files use it."""


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime, *, naive_is: timezone = CST) -> datetime:
    """Return ``value`` in UTC; a naive datetime is read as ``naive_is`` (CST by default)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=naive_is)
    return value.astimezone(UTC)


def as_cst(value: datetime) -> datetime:
    """Return ``value`` in China Standard Time; a naive datetime is read as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(CST)


def cst_today(now: datetime | None = None) -> date:
    """Today (or ``now``'s day) in China Standard Time: the calendar day of Zhejiang's records."""
    return as_cst(now or utcnow()).date()
