"""Fixed-window rate limits in the shared cache (file cache on the embedded default, Redis
when configured), so limits hold across web processes."""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(key: str, limit: int, window: int) -> bool:
    """Count one event for `key`; False when it goes over `limit` in the current window."""
    bucket = f"rl:{key}:{int(time.time() // window)}"
    cache.add(bucket, 0, timeout=window + 5)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window + 5)
        count = 1
    return count <= limit


def blocked(key: str, limit: int, window: int) -> bool:
    """Whether `key` is already over `limit` in the current window (without counting)."""
    bucket = f"rl:{key}:{int(time.time() // window)}"
    return (cache.get(bucket) or 0) >= limit
