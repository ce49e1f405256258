"""`newsloom import-jsonl FILE`: bulk-load articles from a JSON-lines dump."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsloom.news.bulk import import_jsonl
from newsloom.news.management.base import ensure_schema, progress_bar


class Command(BaseCommand):
    help = "Bulk-load articles (url, title, text or html, published, source, language)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .jsonl or .jsonl.gz file, or - for stdin")
        parser.add_argument("--no-enrich", action="store_true",
                            help="store only (fast archive loads); run `newsloom enrich` later")

    def handle(self, *args: object, **options: str) -> None:
        ensure_schema()
        name = options["file"]
        if name == "-":
            handle = sys.stdin
        else:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"no such file: {name}")
            opener = gzip.open if path.suffix == ".gz" else open
            handle = opener(path, "rt", encoding="utf-8", errors="replace")  # type: ignore[operator]
        with handle, progress_bar() as progress:
            task = progress.add_task("importing", total=None)
            report = import_jsonl(handle, progress=lambda n: progress.advance(task, n),
                                  enrich=not options["no_enrich"])
        for error in report.errors[:20]:
            self.stderr.write(f"skipped {error}")
        if len(report.errors) > 20:
            self.stderr.write(f"... and {len(report.errors) - 20} more bad lines")
        self.stdout.write(
            f"imported {report.created} article(s); {report.skipped_existing} already present; "
            f"{report.duplicates_linked} linked as duplicates; {len(report.errors)} bad line(s)"
        )
        if report.errors and not report.created and not report.skipped_existing:
            raise CommandError("nothing could be imported")
