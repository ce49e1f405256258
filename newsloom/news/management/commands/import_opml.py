"""`newsloom import-opml FILE | --defaults`: subscribe to every feed of an OPML file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsloom.feeds.opml import OpmlError
from newsloom.news.management.base import ensure_schema
from newsloom.news.sources import default_sources_opml, import_opml


class Command(BaseCommand):
    help = "Import sources from an OPML file (folders become categories)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?")
        parser.add_argument("--defaults", action="store_true",
                            help="the bundled list of public news feeds")

    def handle(self, *args: object, **options: object) -> None:
        ensure_schema()
        if options["defaults"]:
            data = default_sources_opml()
        elif options["file"]:
            path = Path(str(options["file"]))
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
            data = path.read_bytes()
        else:
            raise CommandError("give an OPML file or --defaults")
        try:
            created, existing = import_opml(data)
        except OpmlError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"imported {created} source(s); {existing} already present")
