"""`newsloom enrich [--all] [--batch 200]`: enrich, cluster and relate articles that have
not been (bulk imports with --no-enrich, or a failure during ingestion), or all again."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from newsloom.news.enrich import enrich_articles
from newsloom.news.management.arguments import count
from newsloom.news.management.base import ensure_schema, progress_bar
from newsloom.news.models import Article


class Command(BaseCommand):
    help = "Enrich stored articles that have no enrichment yet (or --all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="recompute every article")
        parser.add_argument("--batch", type=int, default=200)
        parser.add_argument("--limit", type=count, default=0, help="newest N only")

    def handle(self, *args: object, **options: object) -> None:
        ensure_schema()
        query = Article.objects.filter(status=Article.Status.READY, duplicate_of__isnull=True)
        if not options["all"]:
            query = query.filter(enriched_at__isnull=True)
        ids = list(query.order_by("-published_at").values_list("pk", flat=True))
        if options["limit"]:
            ids = ids[: int(options["limit"])]  # type: ignore[arg-type]
        ids.reverse()  # oldest first: stories grow in publication order
        batch = int(options["batch"])  # type: ignore[arg-type]
        with progress_bar() as progress:
            task = progress.add_task("enriching", total=len(ids))
            for start in range(0, len(ids), batch):
                chunk = ids[start:start + batch]
                enrich_articles(chunk)
                progress.advance(task, len(chunk))
        self.stdout.write(f"enriched {len(ids)} article(s)")
