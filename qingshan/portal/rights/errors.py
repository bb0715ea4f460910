"""Errors of the emission-rights ledger (排污权, issue #23). A refused movement stores nothing;
``reason`` is a stable code (insufficient_balance, cap_exceeded, unknown_pollutant, bad_term,
bad_account, bad_amount, …) and the message names the account, the amount and the limit."""

from __future__ import annotations

from qingshan.errors import NotFound, QingshanError

__all__ = ["RightsError", "RightsNotFound"]


class RightsError(QingshanError):
    """A movement or a change refused (HTTP 422); nothing was stored."""

    status_code = 422

    def __init__(self, message: str, *, reason: str, **context: object) -> None:
        super().__init__(message, reason=reason, **context)
        self.reason = reason


class RightsNotFound(NotFound):
    """An enterprise, account, movement or change unknown or outside the caller's region."""
