"""In-process refresh for the CLI (`newsloom refresh --wait`, `newsloom demo`): the same
pipeline functions the tasks call, fetching on a thread pool (extraction and enrichment go to
the process pool of newsloom.news.cpu when one is configured), returning when everything is
stored or has failed for now."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import close_old_connections, connections
from django.utils import timezone

from newsloom.news.ingest import process_article, refresh_source
from newsloom.news.models import Article
from newsloom.news.retries import workable

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class RefreshSummary:
    sources_ok: int = 0
    sources_failed: int = 0
    new_articles: int = 0
    processed: int = 0
    errors: list[str] = field(default_factory=list)


def _in_thread(func: Callable[[T], R]) -> Callable[[T], R]:
    """Run `func` in a pool thread with its own database connection, closed afterwards."""
    def wrapper(arg: T) -> R:
        close_old_connections()
        try:
            return func(arg)
        finally:
            connections.close_all()
    return wrapper


def _map(func: Callable[[T], R], items: Iterable[T], workers: int,
         tick: Callable[[], None] | None) -> list[R]:
    results = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(_in_thread(func), items):
            results.append(result)
            if tick:
                tick()
    return results


def refresh_sources(
    source_ids: list[int],
    workers: int = 8,
    source_tick: Callable[[], None] | None = None,
) -> RefreshSummary:
    """Refresh the given sources concurrently (politeness still holds per host)."""
    summary = RefreshSummary()
    outcomes = _map(refresh_source, source_ids, workers, source_tick)
    for outcome in outcomes:
        if outcome.status == "error":
            summary.sources_failed += 1
            summary.errors.append(f"source {outcome.source_id}: {outcome.error}")
        else:
            summary.sources_ok += 1
        summary.new_articles += len(outcome.new_article_ids)
    return summary


def process_all_pending(
    workers: int = 8,
    on_batch: Callable[[int], None] | None = None,
    tick: Callable[[], None] | None = None,
    poll: float = 0.5,
) -> int:
    """Process every pending article, waiting for ones another worker holds (or for their
    lease to lapse, then doing them here). An article whose attempt fails is left backing
    off for the workers (newsloom.news.retries), not waited for. Returns how many this
    process stored."""
    handled = 0
    while True:
        ids = list(workable().order_by("pk").values_list("pk", flat=True))
        if ids:
            if on_batch:
                on_batch(len(ids))
            handled += sum(_map(process_article, ids, workers, tick))
            continue
        held = Article.objects.filter(status=Article.Status.PENDING,
                                      lease_until__gte=timezone.now())
        if not held.exists():
            return handled
        time.sleep(poll)
