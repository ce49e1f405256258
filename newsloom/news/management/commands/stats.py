"""`newsloom stats [--json]`: counts of sources, articles, stories and errors."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Sum

from newsloom.news.management.base import ensure_schema
from newsloom.news.models import Article, Source, Story


def collect_stats() -> dict[str, int]:
    """The counts behind `newsloom stats`."""
    articles = Article.objects
    return {
        "sources": Source.objects.count(),
        "sources_paused": Source.objects.filter(paused=True).count(),
        "articles": articles.count(),
        "articles_ready": articles.filter(status=Article.Status.READY).count(),
        "articles_pending": articles.filter(status=Article.Status.PENDING).count(),
        "articles_from_feed_only": articles.filter(origin=Article.Origin.FEED,
                                                   status=Article.Status.READY).count(),
        "duplicates": articles.filter(duplicate_of__isnull=False).count(),
        "stories": Story.objects.count(),
        "articles_enriched": articles.filter(enriched_at__isnull=False).count(),
        "errors": Source.objects.exclude(last_error="").count(),
        "entries_skipped": Source.objects.aggregate(n=Sum("entries_skipped"))["n"] or 0,
        "articles_with_errors": articles.exclude(fetch_error="").count(),
        "articles_retrying": articles.filter(status=Article.Status.PENDING)
        .exclude(failure="").count(),
        "articles_failed": articles.filter(status=Article.Status.FAILED).count(),
    }


class Command(BaseCommand):
    help = "Print counts: sources, articles, stories, errors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        ensure_schema()
        stats = collect_stats()
        if options["json"]:
            self.stdout.write(json.dumps(stats))
            return
        width = max(len(k) for k in stats)
        for key, value in stats.items():
            self.stdout.write(f"{key.replace('_', ' '):<{width}}  {value}")
