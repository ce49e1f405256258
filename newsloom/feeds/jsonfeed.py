"""JSON Feed 1.0/1.1 parsing (feedparser 6 does not read JSON Feed). Every field is checked
for its type (publishers send `"tags": 5` and `"name": 5`), and an item that still fails is
skipped and listed, not allowed to abort the feed."""

from __future__ import annotations

import email.utils
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from newsloom.articles.chars import strip_unsafe_chars
from newsloom.feeds.model import FeedEntry, FeedParseError, ParsedFeed, entry_problem


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
        names = [_text(a.get("name")) for a in authors if isinstance(a, dict)]
        return ", ".join(n for n in names if n)
    author = item.get("author")
    return _text(author.get("name")) if isinstance(author, dict) else ""


def _text(value: Any) -> str:
    """A string field's value; anything of another type counts as absent."""
    return value if isinstance(value, str) else ""


def _tags(value: Any) -> list[str]:
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _ident(value: Any) -> str:
    """An item id: the spec says string, publishers also send numbers."""
    if isinstance(value, bool):
        return ""
    return str(value) if isinstance(value, str | int) else ""


def _entry(item: dict[str, Any], doc: dict[str, Any], base: str) -> FeedEntry | None:
    url = _abs(base, item.get("url") or item.get("external_url"))
    guid = _ident(item.get("id")) or url
    if not guid:
        return None
    html = _text(item.get("content_html"))
    text = _text(item.get("content_text"))
    return FeedEntry(
        guid=guid,
        url=url,
        title=_text(item.get("title")),
        summary=_text(item.get("summary")),
        content=html or text,
        author=_author(item) or _author(doc),
        published=_date(item.get("date_published")),
        updated=_date(item.get("date_modified")),
        image=_abs(base, item.get("image") or item.get("banner_image")),
        categories=_tags(item.get("tags")),
    ).scrubbed()


def _abs(base: str, value: Any) -> str:
    """Absolute form of an optional URL field ('' stays '': urljoin would return the base)."""
    text = _text(value).strip()
    if not text:
        return ""
    try:
        return urljoin(base, text)
    except ValueError:  # e.g. a malformed IPv6 host: the field is unusable, not the feed
        return ""


def parse_json_feed(data: bytes | str, base_url: str = "") -> ParsedFeed:
    """Parse a JSON Feed document; relative URLs resolve against the feed's own URL."""
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FeedParseError(f"invalid JSON Feed: {exc}") from exc
    except RecursionError as exc:
        raise FeedParseError("invalid JSON Feed: nested too deeply") from exc
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
        title=strip_unsafe_chars(_text(doc.get("title"))),
        site_url=strip_unsafe_chars(_abs(base, doc.get("home_page_url"))),
        language=strip_unsafe_chars(_text(doc.get("language"))),
        icon=strip_unsafe_chars(_abs(base, doc.get("favicon") or doc.get("icon"))),
    )
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            feed.skipped.append(entry_problem(index, None, ValueError("item is not an object")))
            continue
        try:
            entry = _entry(item, doc, base)
        except Exception as exc:  # one bad item must not cost the others
            feed.skipped.append(entry_problem(index, _ident(item.get("id")), exc))
            continue
        if entry is not None:
            feed.entries.append(entry)
    return feed
