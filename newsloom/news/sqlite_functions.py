"""SQL functions newsloom registers on every SQLite connection (the search index triggers
call them)."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime

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


# search_order(): the publication minute above ID_BITS bits of article id. 37 bits hold ids
# up to 137 billion; 26 bits of minutes since 1970 reach 2097 within a signed 64-bit key.
ID_BITS = 37
ID_MASK = (1 << ID_BITS) - 1
_LAST_MINUTE = (1 << 26) - 1


def order_floor(moment: datetime) -> int:
    """The smallest search key of anything published in `moment`'s minute or later."""
    minute = int(moment.timestamp()) // 60
    return min(max(minute, 0), _LAST_MINUTE) << ID_BITS


def search_order(published_at: str | None, article_id: int) -> int:
    """The SQLite search tables' row key (migration 0013): publication order, to the
    minute, then the id, so the index hands out the newest matches first and a date
    filter is a key range. The id is kept whole in the low bits (`key & ID_MASK`), so the
    key is unique and leads back to its article with no table between."""
    when = (datetime.fromisoformat(published_at).replace(tzinfo=UTC) if published_at
            else datetime.fromtimestamp(0, UTC))
    return order_floor(when) | article_id


def add_to(raw: sqlite3.Connection) -> None:
    """The functions on one sqlite3 connection (Django's, or a plain one such as the
    benchmark archive builder's second process)."""
    raw.create_function("cjk_bigrams", 1, cjk_bigrams, deterministic=True)
    raw.create_function("search_order", 2, search_order, deterministic=True)


def register(sender: object, connection: object, **kwargs: object) -> None:
    """connection_created handler: add the functions to SQLite connections."""
    if getattr(connection, "vendor", "") == "sqlite":
        add_to(connection.connection)  # type: ignore[attr-defined]
