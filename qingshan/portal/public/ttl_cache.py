"""A small in-process cache with an explicit time to live, for the public portal's expensive
reads (the cities' daily AQI, the rankings): many visitors, data that changes hourly at most."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["TtlCache"]


class TtlCache:
    """``get_or_compute(key, compute)``: the value computed less than ``ttl`` seconds ago, or a
    new one. At most ``maxsize`` keys (least recently used dropped). ``clock`` is monotonic
    seconds (a test passes its own)."""

    def __init__(
        self, ttl: float, maxsize: int = 64, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if ttl <= 0:
            raise ValueError(f"ttl must be positive seconds, got {ttl!r}")
        self.ttl = ttl
        self.maxsize = maxsize
        self._clock = clock
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = self._clock()
        with self._lock:
            item = self._items.get(key)
            if item is not None and now - item[0] < self.ttl:
                self._items.move_to_end(key)
                self.hits += 1
                return item[1]
        value = compute()
        with self._lock:
            self.misses += 1
            self._items[key] = (self._clock(), value)
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
