"""When to fetch a source next: adaptive intervals for healthy feeds, capped exponential
backoff for failing ones, and Retry-After always respected. Pure arithmetic, no I/O."""

from __future__ import annotations

GROW = 1.5
SHRINK = 0.7


def adapt_interval(current: int, new_items: int, floor: int, ceiling: int) -> int:
    """Busy feeds are polled more often, quiet ones less, within [floor, ceiling]."""
    factor = SHRINK if new_items > 0 else GROW
    return int(min(ceiling, max(floor, current * factor)))


def backoff_delay(consecutive_errors: int, interval: int, cap: int) -> int:
    """Delay after the n-th consecutive error: the interval doubled per error, capped."""
    exponent = max(0, consecutive_errors - 1)
    return int(min(cap, interval * (2 ** min(exponent, 20))))


def next_delay(
    interval: int, consecutive_errors: int, retry_after: float | None, cap: int
) -> int:
    """Seconds until the next fetch, honouring Retry-After when the server asked for more."""
    delay = backoff_delay(consecutive_errors, interval, cap) if consecutive_errors else interval
    if retry_after is not None:
        delay = max(delay, int(min(retry_after, cap)))
    return delay
