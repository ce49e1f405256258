"""Typed results of feed parsing, independent of the parser that produced them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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
