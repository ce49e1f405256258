"""JSON Feed 1.0/1.1 parsing (feedparser 6 does not read JSON Feed)."""

from __future__ import annotations

import email.utils
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from newsloom.feeds.model import FeedEntry, FeedParseError, ParsedFeed


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:  # some publishers put RFC 822 dates in JSON Feed
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _author(item: dict[str, Any]) -> str:
    authors = item.get("authors")
    if isinstance(authors, list):
        names = [a.get("name", "") for a in authors if isinstance(a, dict)]
        return ", ".join(n for n in names if n)
    author = item.get("author")
    return str(author.get("name", "")) if isinstance(author, dict) else ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _abs(base: str, value: Any) -> str:
    """Absolute form of an optional URL field ('' stays '': urljoin would return the base)."""
    text = _text(value).strip()
    return urljoin(base, text) if text else ""


def parse_json_feed(data: bytes | str, base_url: str = "") -> ParsedFeed:
    """Parse a JSON Feed document; relative URLs resolve against the feed's own URL."""
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FeedParseError(f"invalid JSON Feed: {exc}") from exc
    if not isinstance(doc, dict) or not _text(doc.get("version")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise FeedParseError("invalid JSON Feed: missing jsonfeed.org version")
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedParseError("invalid JSON Feed: 'items' is not a list")
    base = _text(doc.get("feed_url")) or base_url
    feed = ParsedFeed(
        kind="json",
        title=_text(doc.get("title")),
        site_url=_abs(base, doc.get("home_page_url")),
        language=_text(doc.get("language")),
        icon=_abs(base, doc.get("favicon") or doc.get("icon")),
    )
    for item in items:
        if not isinstance(item, dict):
            continue
        url = _abs(base, item.get("url") or item.get("external_url"))
        guid = str(item.get("id") or url)
        if not guid:
            continue
        html = _text(item.get("content_html"))
        text = _text(item.get("content_text"))
        feed.entries.append(
            FeedEntry(
                guid=guid,
                url=url,
                title=_text(item.get("title")),
                summary=_text(item.get("summary")),
                content=html or text,
                author=_author(item) or _author(doc),
                published=_date(item.get("date_published")),
                updated=_date(item.get("date_modified")),
                image=_abs(base, item.get("image") or item.get("banner_image")),
                categories=[t for t in item.get("tags", []) or [] if isinstance(t, str)],
            )
        )
    return feed
