"""Login throttling: rate limits of failed logins per account and per client address
(``limits``, in memory; successful logins do not count, so an office behind one address and
people signing in often are not held up), and a lockout of an account after consecutive failures whose length doubles with every further
failure. One :class:`LoginGuard` per process (the API keeps it on the application).

The guard never looks at whether an account exists: unknown usernames are limited and locked
exactly as known ones, so neither the answers nor their timing tell them apart.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from qingshan.accounts.errors import TooManyAttempts

#: accounts whose failures are remembered before unlocked ones are forgotten (bounded memory)
_MAX_TRACKED = 100_000


@dataclass
class _Failures:
    count: int = 0
    locked_until: float = 0.0


class LoginGuard:
    """Rate limits and lockout of logins (see the module)."""

    def __init__(
        self,
        per_account: str = "10/minute",
        per_address: str = "30/minute",
        lockout_failures: int = 5,
        lockout_seconds: int = 30,
        lockout_max_seconds: int = 900,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_account = parse(per_account)
        self._per_address = parse(per_address)
        self._lockout_failures = lockout_failures
        self._lockout_seconds = lockout_seconds
        self._lockout_max_seconds = lockout_max_seconds
        self._clock = clock
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(username: str) -> str:
        return username.strip().lower()[:64]

    def check(self, username: str, address: str) -> None:
        """Before an attempt: :class:`TooManyAttempts` (with ``retry_after`` seconds) if the
        address or the account is at its rate of failures or the account is locked."""
        key = self._key(username)
        with self._lock:
            state = self._failures.get(key)
            wait = state.locked_until - self._clock() if state else 0.0
        if wait > 0:
            raise TooManyAttempts(
                "too many failed logins: this account is locked for a while, try again later",
                retry_after=math.ceil(wait),
            )
        if not self._limiter.test(self._per_address, "login-address", address):
            raise TooManyAttempts(
                "too many failed logins from this address: try again later",
                retry_after=self._reset_in(self._per_address, "login-address", address),
            )
        if not self._limiter.test(self._per_account, "login-account", key):
            raise TooManyAttempts(
                "too many failed logins for this account: try again later",
                retry_after=self._reset_in(self._per_account, "login-account", key),
            )

    def _reset_in(self, item, *keys: str) -> int:
        reset = self._limiter.get_window_stats(item, *keys).reset_time
        return max(1, math.ceil(reset - time.time()))

    def failed(self, username: str, address: str) -> None:
        """Record a failed login (in both rates); from the N-th consecutive one the account is
        locked for ``lockout_seconds`` × 2^(failures − N), at most ``lockout_max_seconds``."""
        key = self._key(username)
        self._limiter.hit(self._per_address, "login-address", address)
        self._limiter.hit(self._per_account, "login-account", key)
        with self._lock:
            if len(self._failures) >= _MAX_TRACKED:
                self._prune()
            state = self._failures.setdefault(key, _Failures())
            state.count += 1
            over = state.count - self._lockout_failures
            if over >= 0:
                delay = min(self._lockout_seconds * 2 ** min(over, 30), self._lockout_max_seconds)
                state.locked_until = self._clock() + delay

    def _prune(self) -> None:
        now = self._clock()
        for key in [k for k, v in self._failures.items() if v.locked_until <= now]:
            del self._failures[key]

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(self._key(username), None)
