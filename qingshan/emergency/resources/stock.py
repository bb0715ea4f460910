"""Expiry of stock (pure): whether a material has expired or expires within the warning window."""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["EXPIRING_DAYS", "expiry_status"]

EXPIRING_DAYS = 30
"""How many days ahead an expiry is flagged (the brief of issue #22: expiring within 30 days;
a platform choice, no standard sets it)."""


def expiry_status(expires_on: date | None, today: date, *, days: int = EXPIRING_DAYS) -> str:
    """ "expired" (the expiry day is past: ``expires_on < today``), "expiring" (within ``days``
    days from today, today included), "ok", or "none" when the item has no expiry."""
    if expires_on is None:
        return "none"
    if expires_on < today:
        return "expired"
    if expires_on <= today + timedelta(days=days):
        return "expiring"
    return "ok"
