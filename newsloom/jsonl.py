"""JSON-lines reading shared by the bulk import and the batch evaluation commands."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime


def json_objects(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, object] | str]]:
    """(line number, object) per non-blank line, or (line number, error text) when the line
    is not a JSON object: callers decide whether a bad line is skipped or fatal."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"line {number}: invalid JSON ({exc.msg})"
            continue
        if not isinstance(record, dict):
            yield number, f"line {number}: expected a JSON object"
            continue
        yield number, record


def parse_timestamp(value: object) -> datetime | None:
    """An ISO 8601 string (a trailing Z allowed; naive means UTC) or Unix seconds."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
