"""Rate limits of the public's complaints, per client address (``limits``, in memory, per
process — the style of :mod:`qingshan.accounts.throttle`): submissions through the form and
Open311 that were received (``QINGSHAN_COMPLAINT_RATE_PER_ADDRESS``; a refused one does not
count) and failed tracking lookups
(``QINGSHAN_COMPLAINT_LOOKUP_RATE_PER_ADDRESS``; a lookup that finds its complaint does not
count). One :class:`ComplaintGuard` per application (kept on ``app.state``)."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from qingshan.cases.errors import CaseError
from qingshan.errors import ConfigurationError

__all__ = ["ComplaintGuard", "TooManyComplaints"]


class TooManyComplaints(CaseError):
    """Too many complaints, or failed tracking lookups, from one address (``retry_after``
    seconds in the context)."""

    status_code = 429


def _rate(setting: str, value: str) -> RateLimitItem:
    try:
        return parse(value)
    except ValueError as exc:
        raise ConfigurationError(
            f"QINGSHAN_{setting.upper()}: {value!r} is not a rate such as '20/hour' ({exc})"
        ) from exc


class ComplaintGuard:
    """Per-address limits of submissions and failed lookups (see the module)."""

    def __init__(self, per_address: str = "20/hour", lookups_per_address: str = "30/hour") -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._submit = _rate("complaint_rate_per_address", per_address)
        self._lookup = _rate("complaint_lookup_rate_per_address", lookups_per_address)

    def _retry_after(self, item: RateLimitItem, *keys: str) -> int:
        reset = self._limiter.get_window_stats(item, *keys).reset_time
        return max(1, math.ceil(reset - time.time()))

    def check_submission(self, address: str) -> None:
        """Before a submission: :class:`TooManyComplaints` when ``address`` is at its rate."""
        if not self._limiter.test(self._submit, "complaint", address):
            raise TooManyComplaints(
                "too many complaints from this address: please try again later "
                f"(at most {self._submit}; setting QINGSHAN_COMPLAINT_RATE_PER_ADDRESS)",
                retry_after=self._retry_after(self._submit, "complaint", address),
            )

    def submitted(self, address: str) -> None:
        """Count a complaint received from ``address`` (a refused one is not counted)."""
        self._limiter.hit(self._submit, "complaint", address)

    def check_lookup(self, address: str) -> None:
        """Before a tracking lookup: :class:`TooManyComplaints` when ``address`` has failed too
        often."""
        if not self._limiter.test(self._lookup, "complaint-lookup", address):
            raise TooManyComplaints(
                "too many failed lookups from this address: please try again later",
                retry_after=self._retry_after(self._lookup, "complaint-lookup", address),
            )

    def failed_lookup(self, address: str) -> None:
        self._limiter.hit(self._lookup, "complaint-lookup", address)
