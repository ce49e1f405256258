"""Typed results of feed parsing, independent of the parser that produced them."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from newsloom.articles.chars import strip_unsafe_chars


class FeedParseError(ValueError):
    """The document is not a usable feed; the message says why, for the source's error line."""


@dataclass
class FeedEntry:
    """One item of a feed. `content` is HTML (unsanitized here: the article stage sanitizes)."""

    guid: str
    url: str
    title: str = ""
    summary: str = ""
    content: str = ""
    author: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    image: str = ""
    categories: list[str] = field(default_factory=list)

    def scrubbed(self) -> FeedEntry:
        """This entry with control characters and lone surrogates removed from every text
        field: the boundary after which no stage has to think about them."""
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, str):
                setattr(self, item.name, strip_unsafe_chars(value))
        self.categories = [c for c in map(strip_unsafe_chars, self.categories) if c]
        return self


@dataclass
class ParsedFeed:
    """A parsed feed: its own metadata and its entries in document order."""

    kind: str
    title: str = ""
    site_url: str = ""
    language: str = ""
    icon: str = ""
    problem: str = ""  # malformed XML that the loose parser recovered from
    entries: list[FeedEntry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # entries left out, with the reason


def entry_problem(index: int, ident: object, exc: BaseException) -> str:
    """One line saying which entry was skipped and why (for the source's record)."""
    label = strip_unsafe_chars(str(ident))[:200] if ident else f"#{index + 1}"
    reason = strip_unsafe_chars(str(exc))[:300] or type(exc).__name__
    return f"entry {label}: {reason}"
