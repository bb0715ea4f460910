"""Rate limit of the public portal's pages per client address (``limits``, in memory, per
process — the style of :class:`qingshan.cases.complaint_guard.ComplaintGuard` and
:mod:`qingshan.accounts.throttle`). Every request of a ``/public…`` page counts; over the rate
the page answers 429 with ``Retry-After``. One :class:`PublicGuard` per application (kept on
``app.state``), its rate the setting ``QINGSHAN_PUBLIC_RATE_PER_ADDRESS``."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from qingshan.errors import ConfigurationError, QingshanError

__all__ = ["PublicGuard", "TooManyRequests"]


class TooManyRequests(QingshanError):
    """Too many public-portal requests from one address (``retry_after`` seconds in the
    context)."""

    status_code = 429


class PublicGuard:
    """A moving-window limit of page requests per client address."""

    def __init__(self, per_address: str = "120/minute") -> None:
        try:
            self._rate: RateLimitItem = parse(per_address)
        except ValueError as exc:
            raise ConfigurationError(
                f"QINGSHAN_PUBLIC_RATE_PER_ADDRESS: {per_address!r} is not a rate such as "
                f"'120/minute' ({exc})"
            ) from exc
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    @property
    def rate(self) -> str:
        return str(self._rate)

    def hit(self, address: str) -> None:
        """Count one request of ``address``; :class:`TooManyRequests` when it is over the rate
        (the refused request is not counted)."""
        if not self._limiter.hit(self._rate, "public-portal", address):
            reset = self._limiter.get_window_stats(self._rate, "public-portal", address).reset_time
            raise TooManyRequests(
                "too many requests from this address: please try again later "
                f"(at most {self._rate}; setting QINGSHAN_PUBLIC_RATE_PER_ADDRESS)",
                retry_after=max(1, math.ceil(reset - time.time())),
            )
