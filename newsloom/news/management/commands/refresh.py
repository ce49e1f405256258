"""`newsloom refresh [--all] [--wait]`: fetch due (or all) sources once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsloom.news.ingest import claim_due_sources
from newsloom.news.management.arguments import count, positive
from newsloom.news.management.base import ensure_schema, refresh_with_progress
from newsloom.news.models import Article, Source
from newsloom.news.retries import retry_failed


class Command(BaseCommand):
    help = "Fetch due sources (or --all) once; with --wait, process every new article first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="every active source, due or not")
        parser.add_argument("--wait", action="store_true",
                            help="do the work here and return when every article is stored")
        parser.add_argument("--workers", type=positive, default=8, help="fetching threads")
        parser.add_argument("--processes", type=count, default=None,
                            help="with --wait: extraction processes, plus one for enrichment "
                                 "(default: one per core; 0: both on the fetching threads)")
        parser.add_argument("--retry-failed", action="store_true",
                            help="give failed articles fresh attempts (and process them)")

    def handle(self, *args: object, **options: object) -> None:
        ensure_schema()
        if options["retry_failed"]:
            self._retry_failed(bool(options["wait"]), options)
            return
        if options["all"]:
            ids = list(Source.objects.filter(paused=False).values_list("pk", flat=True))
        else:
            ids = claim_due_sources()
        if not options["wait"]:
            from newsloom.news.tasks import refresh_source_task

            for source_id in ids:
                refresh_source_task(source_id)
            self.stdout.write(f"queued {len(ids)} source(s) for the workers")
            return
        workers = int(options["workers"])  # type: ignore[arg-type]
        with _reported_here():
            summary, done = refresh_with_progress(ids, workers, options["processes"])  # type: ignore[arg-type]
        for error in summary.errors:
            self.stderr.write(f"error: {error}")
        self.stdout.write(
            f"{summary.sources_ok} source(s) refreshed, {summary.sources_failed} failed, "
            f"{summary.new_articles} new article(s), {done} processed"
        )
        if ids and not summary.sources_ok:
            raise CommandError(f"no source could be refreshed ({summary.sources_failed} failed)")

    def _retry_failed(self, wait: bool, options: dict[str, object]) -> None:
        """Failed articles back to pending: processed here with --wait, else queued."""
        if wait:
            ids = retry_failed()
            _, done = refresh_with_progress([], int(options["workers"]),  # type: ignore[arg-type]
                                            options["processes"])  # type: ignore[arg-type]
            failed = Article.objects.filter(pk__in=ids).exclude(status=Article.Status.READY)
            self.stdout.write(f"{len(ids)} failed article(s) retried, {done} stored, "
                              f"{failed.count()} still failing")
            return
        from newsloom.news.tasks import queue_retried

        self.stdout.write(f"queued {queue_retried()} failed article(s) for the workers")


@contextmanager
def _reported_here() -> Iterator[None]:
    """While the command reports every source error itself, the pipeline's own log lines
    for them stay quiet: each error is printed once, not twice."""
    loggers = [logging.getLogger(name) for name in ("newsloom.ingest", "newsloom.feeds")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
