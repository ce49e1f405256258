"""Background tasks (Huey). The database is the source of truth: tasks only say "look at
source N" or "process article N", so a retried, duplicated or lost task is harmless — the
periodic sweep re-enqueues anything a killed worker left behind once its lease expires."""

from __future__ import annotations

import logging
import threading

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from newsloom.news.ingest import (
    article_lease,
    claim_due_sources,
    free_pending,
    process_article,
    refresh_source,
)
from newsloom.news.models import Article
from newsloom.news.statistics import refresh_statistics

log = logging.getLogger("newsloom.tasks")
_startup_lock = threading.Lock()
_startup_done = False


@db_task(retries=2, retry_delay=30)
def refresh_source_task(source_id: int) -> int:
    """Refresh one source and queue its new and updated articles; returns how many."""
    outcome = refresh_source(source_id)
    article_ids = outcome.new_article_ids + outcome.updated_article_ids
    for article_id in article_ids:
        process_article_task(article_id)
    return len(article_ids)


@db_task(retries=2, retry_delay=30)
def process_article_task(article_id: int) -> bool:
    return process_article(article_id)


def sweep_stale_pending() -> int:
    """Queue pending articles nobody is working on that are older than one lease: the ones
    a killed worker dropped. Fresh pending articles are still in the queue; leave them."""
    cutoff = timezone.now() - article_lease()
    stale = free_pending().filter(created_at__lt=cutoff)
    count = 0
    for article_id in stale.values_list("pk", flat=True):
        process_article_task(article_id)
        count += 1
    if count:
        log.info("re-queued %d pending articles", count)
    return count


@db_periodic_task(crontab(minute="*"))
def schedule_due_sources() -> int:
    """Every minute: queue a refresh of each due source, and re-queue dropped articles."""
    claimed = claim_due_sources()
    for source_id in claimed:
        refresh_source_task(source_id)
    sweep_stale_pending()
    return len(claimed)


@db_periodic_task(crontab(minute="17"))
def refresh_planner_statistics() -> bool:
    """Hourly: fresh PostgreSQL planner statistics (see newsloom.news.statistics)."""
    return refresh_statistics()


@on_startup()
def resume_after_restart() -> None:
    """When a worker starts, hand back work a previous (killed) worker left unfinished:
    free pending articles now, leased ones just after their lease runs out. Runs once per
    process even though every worker thread calls the hook."""
    global _startup_done
    with _startup_lock:
        if _startup_done:
            return
        _startup_done = True
    now = timezone.now()
    pending = Article.objects.filter(status=Article.Status.PENDING).values_list("pk", "lease_until")
    for article_id, lease_until in pending:
        if lease_until is None or lease_until < now:
            process_article_task(article_id)
        else:
            delay = (lease_until - now).total_seconds() + 1
            process_article_task.schedule(args=(article_id,), delay=delay)
