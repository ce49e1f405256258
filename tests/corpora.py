"""Where the shared corpora live: NEWSLOOM_CORPORA, else the shared folder beside the
checkout, else /work/shared/corpora. Used by tests and benchmarks alike."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path


def find_corpora() -> Path:
    if os.environ.get("NEWSLOOM_CORPORA"):
        return Path(os.environ["NEWSLOOM_CORPORA"])
    beside = Path(__file__).resolve().parents[2] / "shared" / "corpora"
    return beside if beside.exists() else Path("/work/shared/corpora")


CORPORA = find_corpora()


def require_corpora() -> None:
    """Stop a benchmark with a clear message when the corpora are absent."""
    if not CORPORA.exists():
        raise SystemExit(f"corpora not found at {CORPORA} (set NEWSLOOM_CORPORA)")


def theagora_rows() -> Iterator[dict[str, str]]:
    """The articles of theagora-news1-zh-2020 (28,188 Chinese news articles), as stored."""
    with gzip.open(CORPORA / "theagora-news1-zh-2020" / "articles.jsonl.gz", "rt") as handle:
        for line in handle:
            yield json.loads(line)
