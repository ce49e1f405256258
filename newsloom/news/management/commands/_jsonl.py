"""JSON-lines input and output shared by the batch evaluation commands."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import CommandError


def read_records(name: str) -> Iterator[dict[str, object]]:
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"no such file: {name}")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{name} line {number}: invalid JSON ({exc.msg})") from exc
            if not isinstance(record, dict) or "id" not in record:
                raise CommandError(f"{name} line {number}: expected an object with an 'id'")
            yield record


def parse_published(value: object) -> datetime:
    if isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime(1970, 1, 1, tzinfo=UTC)


def write_records(name: str, records: list[dict[str, object]]) -> None:
    with open(name, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
