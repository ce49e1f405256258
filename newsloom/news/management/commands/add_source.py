"""`newsloom add-source URL`: subscribe to a feed, or to the feed a site announces."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsloom.news.management.base import ensure_schema
from newsloom.news.sources import SourceError, SourceSpec, add_source


class Command(BaseCommand):
    help = "Add a source by feed URL or site URL (feed autodiscovery)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url")
        parser.add_argument("--name", default="")
        parser.add_argument("--region", default="", help="hk, cn, tw, world, ...")
        parser.add_argument("--language", default="", help="en, zh, ...")
        parser.add_argument("--topics", default="", help="comma-separated")
        parser.add_argument("--category", default="", help="OPML folder")

    def handle(self, *args: object, **options: str) -> None:
        ensure_schema()
        spec = SourceSpec(
            name=options["name"], region=options["region"], language=options["language"],
            topics=tuple(t.strip() for t in options["topics"].split(",") if t.strip()),
            category=options["category"],
        )
        try:
            source = add_source(options["url"], spec)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"added source {source.pk}: {source.name} <{source.feed_url}>")
