"""JSON-lines files for the batch evaluation commands: a bad line is fatal here, with its
line number, because an evaluation on partial input would mislead."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import CommandError

from newsloom.intel.features import ArticleInput
from newsloom.intel.language import detect_language
from newsloom.jsonl import json_objects, parse_timestamp


def read_records(name: str) -> Iterator[dict[str, object]]:
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"no such file: {name}")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for number, record in json_objects(handle):
            if isinstance(record, str):
                raise CommandError(f"{name} {record}")
            if "id" not in record:
                raise CommandError(f"{name} line {number}: expected an object with an 'id'")
            yield record


def parse_published(value: object) -> datetime:
    """The article's time, or the epoch when absent (undated articles sort first)."""
    return parse_timestamp(value) or datetime(1970, 1, 1, tzinfo=UTC)


def write_records(name: str, records: list[dict[str, object]]) -> None:
    with open(name, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def article_inputs(records: list[dict[str, object]]) -> list[ArticleInput]:
    """Story-engine inputs from `newsloom cluster` records (id, title, text, published,
    source, language; the language is detected when absent)."""
    return [ArticleInput(
        key=str(r["id"]), title=str(r.get("title") or ""), text=str(r.get("text") or ""),
        published=parse_published(r.get("published")),
        language=str(r.get("language") or "") or detect_language(
            f"{r.get('title') or ''} {str(r.get('text') or '')[:300]}", "en"),
        source=str(r.get("source") or ""),
    ) for r in records]
