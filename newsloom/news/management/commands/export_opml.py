"""`newsloom export-opml [--output FILE]`: the source list as OPML."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from newsloom.news.management.arguments import output_file
from newsloom.news.management.base import ensure_schema
from newsloom.news.sources import export_sources_opml


class Command(BaseCommand):
    help = "Export sources as OPML (to stdout or --output FILE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", default="", type=output_file)

    def handle(self, *args: object, **options: str) -> None:
        ensure_schema()
        data = export_sources_opml()
        if options["output"]:
            Path(options["output"]).write_bytes(data)
        else:
            sys.stdout.buffer.write(data + b"\n")
            sys.stdout.flush()
