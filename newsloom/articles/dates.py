"""The one rule for publication dates from outside: never later than when we saw them.

A feed dated 9999-12-31 (or a clock a day ahead) would otherwise stay first in "Latest"
for ever; a date in the future is an error of the publisher, and the moment of fetching is
the best upper bound we have.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def not_in_future(value: datetime | None, now: datetime | None = None) -> datetime | None:
    """`value`, clamped to `now` (the fetch time) when it lies after it."""
    if value is None:
        return None
    now = now or timezone.now()
    return min(value, now)
