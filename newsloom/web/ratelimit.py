"""Fixed-window limits that count and check in one atomic step.

Checking a counter and then incrementing it lets parallel requests all pass the check before
any of them counts (60 parallel wrong passwords got 16 checks against a limit of 5). Here the
attempt is counted first, by one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` statement,
and the caller is refused when the count it got back is over the limit, so no more than
`limit` requests per window ever get through, however many arrive at once.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from newsloom.web.models import Throttle

_TABLE = Throttle._meta.db_table


def hit(key: str, limit: int, window: int) -> bool:
    """Count one event for `key`; False when it goes over `limit` in the current window."""
    now = time.time()
    number = int(now // window)
    expires = (number + 1) * window
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (bucket, period, hits, expires) VALUES (%s, %s, 1, %s) "
            f"ON CONFLICT (bucket, period) DO UPDATE SET hits = {_TABLE}.hits + 1 "
            "RETURNING hits",
            [key[:200], number, expires])
        count = cursor.fetchone()[0]
        if count == 1:  # a new window: forget the ones that have ended
            cursor.execute(f"DELETE FROM {_TABLE} WHERE expires < %s", [int(now)])
    return count <= limit


def blocked(key: str, limit: int, window: int) -> bool:
    """Whether `key` has already used up `limit` in the current window (counts nothing)."""
    number = int(time.time() // window)
    count = (Throttle.objects.filter(bucket=key[:200], period=number)
             .values_list("hits", flat=True).first())
    return (count or 0) >= limit


def forget(key: str) -> None:
    """Clear `key`'s counters (a reader who signs in correctly starts afresh)."""
    Throttle.objects.filter(bucket=key[:200]).delete()
