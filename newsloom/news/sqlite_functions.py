"""SQL functions newsloom registers on every SQLite connection (the search index triggers
call them)."""

from __future__ import annotations

import re

from newsloom.han import HAN, han_bigrams

_CJK_RUN = re.compile(f"[{HAN}]{{2,}}")


def whole_word(pattern: str) -> str:
    """A regex for `pattern` standing as a whole Latin word or number: no letter or digit
    right before or after it (Han characters may touch it: AI香港 holds AI)."""
    return rf"(?<![A-Za-z0-9]){pattern}(?![A-Za-z0-9])"


SHORT_WORD = re.compile(whole_word("[A-Za-z0-9]{2}"))


def cjk_bigrams(text: str | None) -> str:
    """Overlapping two-character words of every run of Han characters, then every
    two-character Latin word or number (AI, EU, 5G, lowercased), space-separated: what
    two-character queries (香港, 疫情, AI) are matched against, since trigram indexes
    cannot serve them. (The SQL name predates the Latin words; migration 0008 added
    them.)"""
    if not text:
        return ""
    tokens = []
    for run in _CJK_RUN.findall(text):
        tokens.extend(han_bigrams(run))
    tokens.extend(word.lower() for word in SHORT_WORD.findall(text))
    return " ".join(tokens)


def register(sender: object, connection: object, **kwargs: object) -> None:
    """connection_created handler: add the functions to SQLite connections."""
    if getattr(connection, "vendor", "") == "sqlite":
        connection.connection.create_function(  # type: ignore[attr-defined]
            "cjk_bigrams", 1, cjk_bigrams, deterministic=True)
