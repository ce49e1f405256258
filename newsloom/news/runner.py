"""In-process refresh for the CLI (`newsloom refresh --wait`, `newsloom demo`): the same
pipeline functions the tasks call, on a thread pool, returning when everything is stored."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import close_old_connections, connections

from newsloom.news.ingest import (
    pending_article_ids,
    process_article,
    refresh_source,
)
from newsloom.news.models import Article

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
    lease to lapse, then doing them here). Returns how many this process handled."""
    handled = 0
    while True:
        ids = pending_article_ids()
        if ids:
            if on_batch:
                on_batch(len(ids))
            handled += sum(_map(process_article, ids, workers, tick))
            continue
        if not Article.objects.filter(status=Article.Status.PENDING).exists():
            return handled
        time.sleep(poll)
