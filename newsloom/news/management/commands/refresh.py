"""`newsloom refresh [--all] [--wait]`: fetch due (or all) sources once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from newsloom.news.ingest import claim_due_sources
from newsloom.news.management.base import ensure_schema, refresh_with_progress
from newsloom.news.models import Source


class Command(BaseCommand):
    help = "Fetch due sources (or --all) once; with --wait, process every new article first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="every active source, due or not")
        parser.add_argument("--wait", action="store_true",
                            help="do the work here and return when every article is stored")
        parser.add_argument("--workers", type=int, default=8)

    def handle(self, *args: object, **options: object) -> None:
        ensure_schema()
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
        summary, done = refresh_with_progress(ids, workers)
        for error in summary.errors:
            self.stderr.write(f"error: {error}")
        self.stdout.write(
            f"{summary.sources_ok} source(s) refreshed, {summary.sources_failed} failed, "
            f"{summary.new_articles} new article(s), {done} processed"
        )
