"""`newsloom cluster --input FILE.jsonl --output FILE.jsonl`: story ids for any articles."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from newsloom.intel.cluster import Clusterer
from newsloom.intel.features import ArticleInput, build_features
from newsloom.intel.language import detect_language
from newsloom.news.management.commands._jsonl import parse_published, read_records, write_records


class Command(BaseCommand):
    help = "Cluster articles (id, title, text, published, source, language) into stories."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args: object, **options: str) -> None:
        records = list(read_records(options["input"]))
        items = [ArticleInput(
            key=str(r["id"]), title=str(r.get("title") or ""), text=str(r.get("text") or ""),
            published=parse_published(r.get("published")),
            language=str(r.get("language") or "") or detect_language(
                f"{r.get('title') or ''} {str(r.get('text') or '')[:300]}", "en"),
        ) for r in records]
        features = sorted(build_features(items), key=lambda f: (f.published, f.key))
        clusterer = Clusterer()
        stories = {f.key: clusterer.add(f) for f in features}
        write_records(options["output"], [{"id": r["id"], "story": stories[str(r["id"])]}
                                          for r in records])
        self.stdout.write(f"{len(records)} article(s) in {len(clusterer.stories)} stories")
