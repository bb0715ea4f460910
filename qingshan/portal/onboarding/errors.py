"""Errors of :mod:`qingshan.portal.onboarding`, each naming what is wrong."""

from __future__ import annotations

from qingshan.errors import IllegalStep, NotFound, PermissionDenied, QingshanError


class OnboardingError(QingshanError):
    """Bad input to a registration or an account (HTTP 422); ``field`` names the input."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", **context: object) -> None:
        super().__init__(message, field=field, **context)
        self.field = field


class RegistrationNotFound(NotFound, OnboardingError):
    """No application of this id in the caller's region (404), or no application matching a
    status lookup (the same answer for an unknown username and a wrong password)."""

    status_code = 404


class OnboardingNotPermitted(PermissionDenied, OnboardingError):
    """Only a bureau account of the enterprise's region approves, rejects or creates accounts."""

    status_code = 403


class RegistrationDecided(IllegalStep, OnboardingError):
    """Approving or rejecting an application that is no longer pending (409)."""

    status_code = 409


class TooManyRegistrations(OnboardingError):
    """Too many applications, or failed status lookups, from one address (429; ``retry_after``
    seconds in the context)."""

    status_code = 429
