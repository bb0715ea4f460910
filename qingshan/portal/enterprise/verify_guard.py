"""Rate limit of the public certificate check (``/verify``), per client address: failed lookups
only (a code that is found does not count), in memory, per process — as the complaint tracking
lookups are limited (:mod:`qingshan.cases.complaint_guard`). One :class:`VerifyGuard` per
application (kept on ``app.state``). A verification code has 96 random bits, so guessing is
hopeless anyway; the limit keeps the page from being used to hammer the database."""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from qingshan.errors import QingshanError

__all__ = ["VerifyGuard", "TooManyLookups", "FAILED_LOOKUPS"]

#: failed lookups allowed per address (moving window), as the complaint lookups' default
FAILED_LOOKUPS = "30/hour"


class TooManyLookups(QingshanError):
    """Too many failed certificate lookups from one address."""

    status_code = 429


class VerifyGuard:
    def __init__(self, failed_lookups: str = FAILED_LOOKUPS) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._item = parse(failed_lookups)

    def check(self, address: str) -> None:
        """Before a lookup: :class:`TooManyLookups` when ``address`` failed too often."""
        if not self._limiter.test(self._item, "verify", address):
            reset = self._limiter.get_window_stats(self._item, "verify", address).reset_time
            raise TooManyLookups(
                f"too many failed lookups from this address (at most {self._item}): "
                "please try again later",
                retry_after=max(1, math.ceil(reset - time.time())),
            )

    def failed(self, address: str) -> None:
        self._limiter.hit(self._item, "verify", address)


def guard_of(state: object) -> VerifyGuard:
    """The application's guard (``app.state.verify_guard``), made on first use: the page and
    the API count failed lookups together."""
    guard = getattr(state, "verify_guard", None)
    if guard is None:
        guard = VerifyGuard()
        state.verify_guard = guard  # type: ignore[attr-defined]
    return guard
