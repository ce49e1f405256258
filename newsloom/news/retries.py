"""Attempts, backoff and giving up: the one home of an article's retry rules.

An attempt is counted where the article is claimed, in the same UPDATE that takes the
lease, so it is atomic and a later save() of the article cannot lose it. A failing article
waits longer after each failure and, after MAX_ATTEMPTS, is marked `failed` with its reason
instead of being re-queued forever; `newsloom refresh --retry-failed` or the admin's
"Retry" action puts it back. An attempt that never reports back (the worker was killed or
crashed inside a parser) still counts, so a page that crashes every worker that reads it is
given up on too.

`next_attempt_at` says when an article may next be put on the queue; the queueing side
(newsloom.news.tasks) moves it forward with a compare-and-set, so each article is queued
once however many workers sweep.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from newsloom.news.models import Article

# after this many claims without a result the article is marked failed
MAX_ATTEMPTS = 5
# wait after the first failure; doubled per further failure up to RETRY_CAP
RETRY_BASE = timedelta(minutes=2)
RETRY_CAP = timedelta(hours=6)


def article_lease() -> timedelta:
    """How long a worker may hold an article before others assume it died."""
    return timedelta(seconds=settings.NEWSLOOM["ARTICLE_LEASE"])


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next attempt after `attempts` failed ones: doubled each time, capped."""
    return min(RETRY_CAP, RETRY_BASE * 2 ** min(max(0, attempts - 1), 20))


def claim_article(article_id: int) -> bool:
    """Take the processing lease on a pending article and count the attempt, in one UPDATE.
    False when it is done, failed, held elsewhere or out of attempts. While held it is not
    due for queueing; if the holder dies it becomes due when the lease lapses."""
    now = timezone.now()
    until = now + article_lease()
    return bool(
        Article.objects.filter(pk=article_id, status=Article.Status.PENDING,
                               attempts__lt=MAX_ATTEMPTS)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=until, next_attempt_at=until, attempts=F("attempts") + 1)
    )


def record_failure(article_id: int, error: str) -> bool:
    """An attempt ended in an error: back off, or give up once attempts run out. Returns
    True when the article is now `failed`."""
    now = timezone.now()
    held = Article.objects.filter(pk=article_id, status=Article.Status.PENDING)
    attempts = held.values_list("attempts", flat=True).first()
    if attempts is None:
        return False
    if attempts >= MAX_ATTEMPTS:
        held.update(status=Article.Status.FAILED, failure=error[:2000], lease_until=None,
                    next_attempt_at=None, processed_at=now)
        return True
    held.update(failure=error[:2000], lease_until=None,
                next_attempt_at=now + retry_delay(attempts))
    return False


def give_up_on_abandoned(now: datetime | None = None) -> int:
    """Mark failed the pending articles whose every attempt was abandoned (the worker died
    while holding them, MAX_ATTEMPTS times): reading them again would only kill the next
    worker too."""
    now = now or timezone.now()
    return (Article.objects.filter(status=Article.Status.PENDING, attempts__gte=MAX_ATTEMPTS,
                                   lease_until__lt=now)
            .update(status=Article.Status.FAILED, lease_until=None, next_attempt_at=None,
                    processed_at=now,
                    failure=f"gave up after {MAX_ATTEMPTS} attempts; the last ones ended "
                            "without a result (the worker was stopped or crashed)"))


def retry_failed(articles: QuerySet[Article] | None = None) -> list[int]:
    """Put failed articles back to pending with fresh attempts. Returns their ids; the
    caller queues them (or processes them here)."""
    failed = (articles if articles is not None else Article.objects.all()).filter(
        status=Article.Status.FAILED)
    ids = list(failed.values_list("pk", flat=True))
    Article.objects.filter(pk__in=ids, status=Article.Status.FAILED).update(
        status=Article.Status.PENDING, attempts=0, lease_until=None, next_attempt_at=None)
    return ids


def workable(now: datetime | None = None) -> QuerySet[Article]:
    """Pending articles a process may take now: nobody holds them, and they are not
    backing off after a failure (a queued article that never failed may be done here)."""
    now = now or timezone.now()
    return Article.objects.filter(status=Article.Status.PENDING, attempts__lt=MAX_ATTEMPTS).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now) | Q(failure=""))


def lost_from_queue(patience: timedelta, grace: timedelta,
                    now: datetime | None = None) -> QuerySet[Article]:
    """Pending articles put on the queue more than `grace` ago (a queue stamp sets
    `next_attempt_at` to the stamp time + `patience`) and never claimed. Asked only when
    the queue is empty, these are the articles whose task a worker took off the queue and
    died before claiming (Huey's dequeue removes a task at once): without this they would
    wait out the whole patience. The grace keeps a sweep from re-queueing what another
    sweep stamped a moment ago and is still putting on the queue. An article backing off
    after a failure is left alone: its `next_attempt_at` is a backoff, not a queue stamp."""
    now = now or timezone.now()
    return Article.objects.filter(
        _queued_before(patience, grace, now), status=Article.Status.PENDING,
        attempts__lt=MAX_ATTEMPTS, failure="").filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now))


def enrichment_lost_from_queue(queued: QuerySet[Article], patience: timedelta,
                               grace: timedelta, now: datetime | None = None
                               ) -> QuerySet[Article]:
    """Of `queued` (ready articles that lack enrichment), those put on the queue for it
    more than `grace` ago (a queue stamp sets `next_attempt_at` to the stamp time +
    `patience`) whose task never started: the task stamps `lease_until` the same way when
    it starts, so an older (or no) start means a worker took the task off the queue and
    died before running it. Asked, like `lost_from_queue`, only when the queue is empty.
    An enrichment that started and crashed its worker is left to wait out `patience`:
    that wait is its backoff, so an article that kills workers is not retried every
    minute."""
    return queued.filter(_queued_before(patience, grace, now or timezone.now())).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=F("next_attempt_at")))


def _queued_before(patience: timedelta, grace: timedelta, now: datetime) -> Q:
    """Put on the queue more than `grace` ago: a queue stamp sets `next_attempt_at` to
    the stamp time + `patience`, so it lies less than `patience - grace` ahead."""
    return Q(next_attempt_at__gt=now, next_attempt_at__lt=now + patience - grace)


def due_for_queue(now: datetime | None = None) -> QuerySet[Article]:
    """Pending articles that should be on the queue and are not: never queued, dropped by
    a killed worker (its lease lapsed), or done backing off."""
    now = now or timezone.now()
    return Article.objects.filter(status=Article.Status.PENDING, attempts__lt=MAX_ATTEMPTS).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
