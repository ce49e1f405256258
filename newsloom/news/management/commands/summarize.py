"""`newsloom summarize --input FILE.jsonl --output FILE.jsonl`: extractive summaries."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from newsloom.intel.summarize import summarize
from newsloom.news.management.arguments import output_file
from newsloom.news.management.commands._jsonl import read_records, write_records


class Command(BaseCommand):
    help = "Summarize articles (id, title, text): three bullets and key points each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True)
        parser.add_argument("--output", required=True, type=output_file)
        parser.add_argument("--bullets", type=int, default=3)

    def handle(self, *args: object, **options: object) -> None:
        out = []
        for record in read_records(str(options["input"])):
            result = summarize(str(record.get("text") or ""), str(record.get("title") or ""),
                               bullets=int(options["bullets"]))  # type: ignore[arg-type]
            out.append({"id": record["id"], "summary": result.bullets,
                        "key_points": result.key_points, "keyphrases": result.keyphrases})
        write_records(str(options["output"]), out)
        self.stdout.write(f"summarized {len(out)} article(s)")
