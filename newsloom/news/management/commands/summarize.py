"""`newsloom summarize --input FILE.jsonl --output FILE.jsonl`: extractive gist, key points
and keyphrases per article."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from newsloom.intel.summarize import summarize
from newsloom.news.management.arguments import output_file
from newsloom.news.management.commands._jsonl import read_records, write_records


class Command(BaseCommand):
    help = ("Summarize articles (id, title, text): a gist of one or two sentences, key points "
            "that add to it, keyphrases; articles under four sentences get keyphrases only.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True)
        parser.add_argument("--output", required=True, type=output_file)
        parser.add_argument("--bullets", type=int, default=2,
                            help="gist sentences at most (a second one only after a short first)")

    def handle(self, *args: object, **options: object) -> None:
        out = []
        for record in read_records(str(options["input"])):
            result = summarize(str(record.get("text") or ""), str(record.get("title") or ""),
                               bullets=int(options["bullets"]))  # type: ignore[arg-type]
            out.append({"id": record["id"], "summary": result.bullets,
                        "key_points": result.key_points, "keyphrases": result.keyphrases})
        write_records(str(options["output"]), out)
        self.stdout.write(f"summarized {len(out)} article(s)")
