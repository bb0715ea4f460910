"""The self-registration form's guard, CAPTCHA-free (the style of the complaints' guard,
:mod:`qingshan.cases.complaint_guard`): per client address, a moving-window limit of the
applications received (a refused one does not count) and of failed status lookups, in memory,
per process (``limits``); and two checks of the form itself that a person filling it in never
trips: a hidden field left empty (a "honeypot" that form-filling robots fill) and a minimum time
between showing the form and sending it. One :class:`RegistrationGuard` per application
(``app.state``)."""

from __future__ import annotations

import hashlib
import hmac
import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from qingshan.errors import ConfigurationError
from qingshan.portal.onboarding.errors import OnboardingError, TooManyRegistrations

__all__ = [
    "RegistrationGuard",
    "MIN_FILL_SECONDS",
    "HONEYPOT_FIELD",
    "guard_for",
    "form_token",
    "read_form_token",
]

#: a form sent sooner than this after it was shown is refused (no person types that fast)
MIN_FILL_SECONDS = 3.0
#: the hidden field a person leaves empty
HONEYPOT_FIELD = "website"


def _rate(value: str, setting: str) -> RateLimitItem:
    try:
        return parse(value)
    except ValueError as exc:
        raise ConfigurationError(f"{setting}: {value!r} is not a rate such as '5/hour'") from exc


class RegistrationGuard:
    """Per-address limits of applications and failed status lookups, and the form checks."""

    def __init__(self, per_address: str = "5/hour", lookups_per_address: str = "30/hour") -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._submit = _rate(per_address, "registrations per address")
        self._lookup = _rate(lookups_per_address, "registration lookups per address")

    def _retry_after(self, item: RateLimitItem, *keys: str) -> int:
        reset = self._limiter.get_window_stats(item, *keys).reset_time
        return max(1, math.ceil(reset - time.time()))

    def check_submission(self, address: str) -> None:
        if not self._limiter.test(self._submit, "register", address):
            raise TooManyRegistrations(
                f"too many applications from this address (at most {self._submit}): "
                "please try again later",
                retry_after=self._retry_after(self._submit, "register", address),
            )

    def submitted(self, address: str) -> None:
        self._limiter.hit(self._submit, "register", address)

    def check_lookup(self, address: str) -> None:
        if not self._limiter.test(self._lookup, "register-lookup", address):
            raise TooManyRegistrations(
                "too many failed status lookups from this address: please try again later",
                retry_after=self._retry_after(self._lookup, "register-lookup", address),
            )

    def failed_lookup(self, address: str) -> None:
        self._limiter.hit(self._lookup, "register-lookup", address)

    @staticmethod
    def check_form(honeypot: str, shown_at: float | None, now: float | None = None) -> None:
        """Refuse a form whose hidden field is filled, or that came back within
        :data:`MIN_FILL_SECONDS` of being shown (``shown_at``, epoch seconds; None skips the
        timing check: the API, whose callers are programs)."""
        if honeypot.strip():
            raise OnboardingError("the form was not filled in by a person", field=HONEYPOT_FIELD)
        if shown_at is not None:
            elapsed = (time.time() if now is None else now) - shown_at
            if elapsed < MIN_FILL_SECONDS:
                raise OnboardingError(
                    f"the form came back {max(elapsed, 0):.1f} s after it was shown: please "
                    "take the time to check it and send it again",
                    field="shown_at",
                )


def guard_for(state: object) -> RegistrationGuard:
    """The application's guard, kept on ``state`` (``app.state``) and made on first use: one
    per process, shared by the /register page and the API."""
    guard = getattr(state, "registration_guard", None)
    if not isinstance(guard, RegistrationGuard):
        guard = RegistrationGuard()
        setattr(state, "registration_guard", guard)  # noqa: B010
    return guard


def form_token(key: str, now: float | None = None) -> str:
    """A signed time stamp for the form (``<epoch s>.<HMAC-SHA256 of it, 16 hex>``), so the
    minimum-time check cannot be passed by sending an old time stamp of one's own."""
    stamp = f"{(time.time() if now is None else now):.0f}"
    return f"{stamp}.{_sign(key, stamp)}"


def read_form_token(key: str, token: str) -> float | None:
    """The time stamp of a :func:`form_token`, or None when it is missing or forged."""
    stamp, _, sig = token.partition(".")
    if not stamp.isdigit() or not hmac.compare_digest(sig, _sign(key, stamp)):
        return None
    return float(stamp)


def _sign(key: str, stamp: str) -> str:
    return hmac.new(key.encode(), f"register:{stamp}".encode(), hashlib.sha256).hexdigest()[:16]
