"""Where the shared corpora live: NEWSLOOM_CORPORA, else the shared folder beside the
checkout, else /work/shared/corpora. Used by tests and benchmarks alike."""

from __future__ import annotations

import os
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
