"""`newsloom extract FILE_OR_URL... [--url URL] --json`: the extractor on its own."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsloom.articles.extract import extract_article
from newsloom.fetch.client import FetchError
from newsloom.news.ingest import PAGE_ACCEPT, get_fetcher


class Command(BaseCommand):
    help = "Extract article text and metadata from HTML files or URLs (one JSON line each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inputs", nargs="+", metavar="FILE_OR_URL")
        parser.add_argument("--url", default="", help="the page's URL, for files")
        parser.add_argument("--json", action="store_true", help="JSON lines (the default)")
        parser.add_argument("--html", action="store_true", help="include the sanitized HTML")

    def _read(self, item: str, url: str) -> tuple[bytes, str]:
        if item.startswith(("http://", "https://")):
            try:
                result = get_fetcher().fetch(item, accept=PAGE_ACCEPT)
            except FetchError as exc:
                raise CommandError(str(exc)) from exc
            if not result.ok:
                raise CommandError(f"HTTP {result.status} from {result.final_url}")
            return result.body, result.final_url
        path = Path(item)
        if not path.is_file():
            raise CommandError(f"no such file: {item}")
        return path.read_bytes(), url

    def handle(self, *args: object, **options: object) -> None:
        failures = 0
        for item in options["inputs"]:  # type: ignore[attr-defined]
            raw, url = self._read(str(item), str(options["url"]))
            page = extract_article(raw, url)
            record: dict[str, object] = {"file": str(item)}
            if page is None:
                failures += 1
                record.update(error="no article text found", title="", author="", date=None,
                              language="", text="")
            else:
                record.update(
                    title=page.title, author=page.author,
                    date=page.date.isoformat() if page.date else None,
                    language=page.language, site_name=page.site_name, image=page.image,
                    url=page.canonical_url or url, text=page.text,
                )
                if options["html"]:
                    record["html"] = page.html
            self.stdout.write(json.dumps(record, ensure_ascii=False))
        if failures:
            raise CommandError(f"no article text found in {failures} input(s)")
