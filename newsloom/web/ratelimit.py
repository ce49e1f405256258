"""Fixed-window limits that count and check in one atomic step.

Checking a counter and then incrementing it lets parallel requests all pass the check before
any of them counts (60 parallel wrong passwords got 16 checks against a limit of 5). Here the
attempt is counted first, by one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` statement,
and the caller is refused when the count it got back is over the limit, so no more than
`limit` requests per window ever get through, however many arrive at once.
"""

from __future__ import annotations

import hashlib
import time

from django.db import connection, transaction
from django.db.models import F

from newsloom.web.models import Throttle

_TABLE = Throttle._meta.db_table
_BUCKET_LENGTH = Throttle._meta.get_field("bucket").max_length


def _bucket(key: str) -> str:
    """`key` as stored: a long key (a 150-character user name and an IPv6 address) keeps a
    readable start and a hash of the whole, so two long keys never share a counter."""
    if len(key) <= _BUCKET_LENGTH:
        return key
    return key[:_BUCKET_LENGTH - 65] + ":" + hashlib.sha256(key.encode()).hexdigest()


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
            [_bucket(key), number, expires])
        count = cursor.fetchone()[0]
        if count == 1:  # a new window: forget the ones that have ended
            cursor.execute(f"DELETE FROM {_TABLE} WHERE expires < %s", [int(now)])
    return count <= limit


def refund(key: str, window: int) -> None:
    """Give back one event counted in the current window (a login that turned out to be
    correct: apps authenticate every request and must not use up their own limit)."""
    number = int(time.time() // window)
    Throttle.objects.filter(bucket=_bucket(key), period=number, hits__gt=0).update(
        hits=F("hits") - 1)


def forget(key: str) -> None:
    """Clear `key`'s counters (a reader who signs in correctly starts afresh)."""
    Throttle.objects.filter(bucket=_bucket(key)).delete()
