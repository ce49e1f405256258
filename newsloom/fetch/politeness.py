"""Per-host politeness: at most N requests in flight per host and a minimum spacing between
request starts, so a refresh of 200 feeds never hammers one publisher."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class HostLimiter:
    """Thread-safe limiter keyed by host name (process-local: each worker is polite alone)."""

    def __init__(self, per_host: int = 2, spacing: float = 0.5) -> None:
        self.per_host = max(1, per_host)
        self.spacing = max(0.0, spacing)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}

    def _semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            sem = self._slots.get(host)
            if sem is None:
                sem = self._slots[host] = threading.BoundedSemaphore(self.per_host)
            return sem

    def _reserve_start(self, host: str) -> float:
        """Book the next start time for `host` and return how long to wait for it."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start.get(host, 0.0))
            self._next_start[host] = start + self.spacing
            return start - now

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's slots for the duration of a request."""
        sem = self._semaphore(host.lower())
        with sem:
            delay = self._reserve_start(host.lower())
            if delay > 0:
                time.sleep(delay)
            yield
