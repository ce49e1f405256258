"""`newsloom cluster --input FILE.jsonl --output FILE.jsonl`: story ids for any articles,
from the same story engine that ingestion runs."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from newsloom.intel.cluster import StoryEngine, assign_in_order, in_order
from newsloom.intel.features import build_features_parallel
from newsloom.news.management.arguments import output_file
from newsloom.news.management.commands._jsonl import (
    article_inputs,
    read_records,
    write_records,
)


class Command(BaseCommand):
    help = "Cluster articles (id, title, text, published, source, language) into stories."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True)
        parser.add_argument("--output", required=True, type=output_file)

    def handle(self, *args: object, **options: str) -> None:
        records = list(read_records(options["input"]))
        inputs = in_order(article_inputs(records))
        # in publication order as the features arrive: the engine overlaps the embedding
        stories = assign_in_order(StoryEngine(), build_features_parallel(inputs))
        write_records(options["output"], [{"id": r["id"], "story": stories[str(r["id"])]}
                                          for r in records])
        self.stdout.write(f"{len(records)} article(s) in {len(set(stories.values()))} stories")
