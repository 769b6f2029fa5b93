"""A bounded, thread-safe LRU whose entries expire: per-worker caches (project pages, survey structures)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any, Generic, TypeVar

Value = TypeVar("Value")
Key = tuple[Any, ...]


class TimedLRU(Generic[Value]):
    """At most ``entries`` values, each for at most ``seconds``; the least recently used goes first."""

    def __init__(self, entries: int, seconds: float) -> None:
        self.entries, self.seconds = entries, seconds
        self._values: OrderedDict[Key, tuple[float, Value]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> Value | None:
        """The stored value, if younger than the time limit."""
        with self._lock:
            found = self._values.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > self.seconds:
                del self._values[key]
                return None
            self._values.move_to_end(key)
            return found[1]

    def put(self, key: Key, value: Value) -> None:
        """Store a value; the least recently used one goes when the cache is full."""
        with self._lock:
            self._values[key] = (time.monotonic(), value)
            self._values.move_to_end(key)
            while len(self._values) > self.entries:
                self._values.popitem(last=False)
