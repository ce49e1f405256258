"""SQL functions newsloom registers on every SQLite connection (the search index triggers
call them)."""

from __future__ import annotations

import re

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")


def cjk_bigrams(text: str | None) -> str:
    """Overlapping two-character words of every run of Han characters, space-separated:
    what a two-character Chinese query (香港, 疫情) is matched against."""
    if not text:
        return ""
    pairs = []
    for run in _CJK_RUN.findall(text):
        pairs.extend(run[i:i + 2] for i in range(len(run) - 1))
    return " ".join(pairs)


def register(sender: object, connection: object, **kwargs: object) -> None:
    """connection_created handler: add the functions to SQLite connections."""
    if getattr(connection, "vendor", "") == "sqlite":
        connection.connection.create_function(  # type: ignore[attr-defined]
            "cjk_bigrams", 1, cjk_bigrams, deterministic=True)
