"""Background tasks (Huey). The database is the source of truth: tasks only say "look at
source N", "process article N" or "enrich article N", so a retried, duplicated or lost task
is harmless.

Any number of workers may run the scheduler: each periodic job is done by the one worker
that takes its turn (`PeriodicTurn`). An article goes on the queue when it is stored and
again only when the sweep finds it due (its worker died, or it finished backing off after a
failure); `next_attempt_at` is moved on with a compare-and-set before it is queued, so
however many workers sweep, each article is queued once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup

from newsloom.news.ingest import claim_due_sources, process_article, refresh_source
from newsloom.news.models import Article, PeriodicTurn
from newsloom.news.retries import (
    article_lease,
    due_for_queue,
    enrichment_lost_from_queue,
    give_up_on_abandoned,
    lost_from_queue,
    retry_failed,
)
from newsloom.news.statistics import refresh_statistics

log = logging.getLogger("newsloom.tasks")
# how long a queued article may wait for a worker before the sweep assumes its task was lost
QUEUE_PATIENCE = timedelta(hours=1)
# how long after queueing an article, with the queue found empty, the sweep takes its task
# for lost (a worker took it off the queue and died before claiming the article)
LOST_TASK_GRACE = timedelta(seconds=30)
# how long after a failed (or lost) enrichment the sweep queues it again
ENRICH_RETRY = timedelta(hours=1)
_startup_lock = threading.Lock()
_startup_done = False


@db_task(retries=2, retry_delay=30)
def refresh_source_task(source_id: int) -> int:
    """Refresh one source and queue its new and updated articles; returns how many."""
    outcome = refresh_source(source_id)
    article_ids = outcome.new_article_ids + outcome.updated_article_ids
    Article.objects.filter(pk__in=article_ids).update(
        next_attempt_at=timezone.now() + QUEUE_PATIENCE)
    for article_id in article_ids:
        process_article_task(article_id)
    return len(article_ids)


@db_task()
def process_article_task(article_id: int) -> bool:
    """Process one article; failures are recorded on it (newsloom.news.retries), so the task
    itself is never retried by Huey."""
    return process_article(article_id)


@db_task()
def enrich_article_task(article_id: int) -> None:
    """Finish an article stored without enrichment (its worker died in between)."""
    from newsloom.news import enrich_batches

    # started: from now on the sweep leaves it to its backoff (enrichment_lost_from_queue)
    Article.objects.filter(pk=article_id, enriched_at__isnull=True).update(
        lease_until=timezone.now() + ENRICH_RETRY)
    enrich_batches.enrich(article_id)


def _stamp(candidate_ids: Iterable[int], due: Q, until: timedelta) -> list[int]:
    """The ids whose `next_attempt_at` this process moved on (compare-and-set): only they
    are queued here."""
    now = timezone.now()
    won = []
    for article_id in candidate_ids:
        if Article.objects.filter(due, pk=article_id).update(next_attempt_at=now + until):
            won.append(article_id)
    return won


def _stamp_lost(lost: QuerySet[Article], until: timedelta) -> list[int]:
    """`_stamp` for articles whose task was lost: each is stamped only while it still
    counts as lost, so of two sweeps only one queues it again."""
    return _stamp(lost.order_by("pk").values_list("pk", flat=True),
                  Q(pk__in=lost.values("pk")), until)


def _due(now: datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def queue_retried(articles: QuerySet[Article] | None = None) -> int:
    """Give failed articles (all, or those of `articles`) fresh attempts and queue them;
    `newsloom refresh --retry-failed` and the admin's Retry action. Returns how many."""
    ids = retry_failed(articles)
    for article_id in _stamp(ids, Q(status=Article.Status.PENDING), QUEUE_PATIENCE):
        process_article_task(article_id)
    return len(ids)


def unenriched() -> QuerySet[Article]:
    """Articles the pipeline stored as ready longer than a lease ago but never enriched: the
    worker stopped between storing and enriching them. Bulk imports are left out: one made
    with `--no-enrich` waits for `newsloom enrich`, which enriches in batches."""
    return Article.objects.filter(
        status=Article.Status.READY, enriched_at__isnull=True, duplicate_of__isnull=True,
        processed_at__lt=timezone.now() - article_lease()).exclude(origin=Article.Origin.IMPORT)


def sweep() -> tuple[int, int]:
    """Queue what a dead worker dropped or a backoff released, give up on articles that
    kill every worker, and queue enrichment of ready articles that never got it. Returns
    (articles queued for processing, articles queued for enrichment)."""
    give_up_on_abandoned()
    now = timezone.now()
    pending = _stamp(due_for_queue(now).order_by("pk").values_list("pk", flat=True),
                     Q(status=Article.Status.PENDING) & _due(now), QUEUE_PATIENCE)
    # with the queue empty, nothing stamped as queued is still on it
    queue_empty = HUEY.pending_count() == 0
    if queue_empty:
        pending += _stamp_lost(lost_from_queue(QUEUE_PATIENCE, LOST_TASK_GRACE, now),
                               QUEUE_PATIENCE)
    for article_id in pending:
        process_article_task(article_id)
    bare = _stamp(unenriched().filter(_due(now)).order_by("pk").values_list("pk", flat=True),
                  Q(status=Article.Status.READY, enriched_at__isnull=True) & _due(now),
                  ENRICH_RETRY)
    if queue_empty:
        bare += _stamp_lost(
            enrichment_lost_from_queue(unenriched(), ENRICH_RETRY, LOST_TASK_GRACE, now),
            ENRICH_RETRY)
    for article_id in bare:
        enrich_article_task(article_id)
    if pending or bare:
        log.info("sweep queued %d pending and %d unenriched articles", len(pending), len(bare))
    return len(pending), len(bare)


def take_turn(name: str, period: timedelta) -> bool:
    """True for the one worker that runs periodic job `name` this period. Every scheduler
    fires the job at about the same second; the first to move `due_at` half a period on
    wins, the others find it not yet due. Nothing to hold, so nothing a dead worker keeps."""
    now = timezone.now()
    # (get_or_create settles a race to create the row itself)
    PeriodicTurn.objects.get_or_create(name=name, defaults={"due_at": now})
    return bool(PeriodicTurn.objects.filter(name=name, due_at__lte=now)
                .update(due_at=now + period / 2))


@db_periodic_task(crontab(minute="*"))
def schedule_due_sources() -> int:
    """Every minute, in one worker: queue a refresh of each due source, and sweep."""
    if not take_turn("schedule", timedelta(minutes=1)):
        return 0
    claimed = claim_due_sources()
    for source_id in claimed:
        refresh_source_task(source_id)
    sweep()
    return len(claimed)


@db_periodic_task(crontab(minute="17"))
def refresh_planner_statistics() -> bool:
    """Hourly, in one worker: fresh PostgreSQL planner statistics (newsloom.news.statistics)."""
    if not take_turn("statistics", timedelta(hours=1)):
        return False
    return refresh_statistics()


@on_startup()
def resume_after_restart() -> None:
    """When a worker starts, sweep at once rather than at the next minute: articles a
    previous worker dropped are queued (each once, whoever sweeps), the ones it still held
    are swept again just after their leases lapse, and the ones whose tasks it had taken
    off the queue without starting them once the lost-task grace has passed. Once per
    process even though every worker thread calls the hook."""
    global _startup_done
    with _startup_lock:
        if _startup_done:
            return
        _startup_done = True
    sweep()
    now = timezone.now()
    later = [LOST_TASK_GRACE]  # tasks the dead worker took off the queue and never started
    last_lease = (Article.objects.filter(status=Article.Status.PENDING, lease_until__gt=now)
                  .order_by("-lease_until").values_list("lease_until", flat=True).first())
    if last_lease is not None:
        later.append(min(last_lease - now, article_lease()))
    for delay in later:
        sweep_task.schedule(delay=delay.total_seconds() + 1)


@db_task()
def sweep_task() -> tuple[int, int]:
    """A sweep now (see `sweep`)."""
    return sweep()
