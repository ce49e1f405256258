"""`newsloom fit-stories --input LABELLED.jsonl [--input ...] [--output MODEL.json]`:
re-fit the story model on hand-labelled streams (each line as for `newsloom cluster`, plus
`story`, the true story's label; one file per stream: every article of a time window).
Without --output the model shipped in the package is replaced; run `newsloom recluster`
afterwards to rebuild stored stories with it. Needs scikit-learn (`newsloom[fit]`)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsloom.intel.features import build_features
from newsloom.intel.story_model import model_path
from newsloom.intel.story_training import LabelledStream, fit
from newsloom.news.management.arguments import output_file
from newsloom.news.management.commands._jsonl import article_inputs, read_records


class Command(BaseCommand):
    help = "Fit the story model on labelled streams (JSON lines with a 'story' label)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", action="append", required=True,
                            help="one labelled stream; give two or more")
        parser.add_argument("--output", type=output_file,
                            help="write the model here instead of the package")

    def handle(self, *args: object, **options: object) -> None:
        streams = []
        for name in options["input"]:  # type: ignore[union-attr]
            records = list(read_records(name))
            unlabelled = [r["id"] for r in records if not r.get("story")]
            if unlabelled:
                raise CommandError(f"{name}: {len(unlabelled)} line(s) without 'story', "
                                   f"first id {unlabelled[0]}")
            streams.append(LabelledStream(Path(name).stem, build_features(
                article_inputs(records)), {str(r["id"]): str(r["story"]) for r in records}))
        try:
            model = fit(streams)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        target = Path(str(options["output"])) if options["output"] else model_path()
        target.write_text(model.to_json())
        self.stdout.write(f"story model fitted on {len(streams)} stream(s), threshold "
                          f"{model.threshold}: {target}")
