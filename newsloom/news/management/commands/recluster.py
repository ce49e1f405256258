"""`newsloom recluster [--since DATE]`: rebuild stories with the current story model, in
publication order (deterministic), after a model change or a re-fit."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsloom.jsonl import parse_timestamp
from newsloom.news.management.base import ensure_schema, progress_bar
from newsloom.news.models import Article
from newsloom.news.stories import recluster


class Command(BaseCommand):
    help = "Rebuild the stories of enriched articles (all, or those published since DATE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="ISO date or time, e.g. 2026-11-01")

    def handle(self, *args: object, **options: object) -> None:
        ensure_schema()
        since = None
        if options["since"]:
            since = parse_timestamp(options["since"])
            if since is None:
                raise CommandError(f"--since: not a date: {options['since']!r}")
        query = Article.objects.filter(embedding__isnull=False, duplicate_of__isnull=True,
                                       status=Article.Status.READY)
        if since is not None:
            query = query.filter(published_at__gte=since)
        with progress_bar() as progress:
            task = progress.add_task("reclustering", total=query.count())
            placed = recluster(since, progress=lambda: progress.advance(task))
        self.stdout.write(f"{placed} article(s) placed in stories")
