"""Feed parsing: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed through our own
reader, with the encoding settled first and entity declarations refused (XML bombs, XXE).

One unreadable entry never costs the others: each is converted on its own, and one that
fails is left out and listed in `ParsedFeed.skipped` with the reason."""

from __future__ import annotations

import calendar
import hashlib
import logging
import re
import threading
import time
import xml.sax
from datetime import UTC, datetime
from typing import Any

import feedparser
from dateparser.date import DateDataParser

from newsloom.articles.chars import strip_unsafe_chars
from newsloom.feeds.encoding import to_utf8_xml
from newsloom.feeds.jsonfeed import parse_json_feed
from newsloom.feeds.model import FeedEntry, FeedParseError, ParsedFeed, entry_problem

log = logging.getLogger("newsloom.feeds")

# Any entity declaration in a DOCTYPE: real feeds never need one, and they are how
# billion-laughs expansions and external-entity reads are built.
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)

# dateparser is the fallback for dates feedparser cannot read. Its locale loading (~1.5 s of
# CPU on first use) is paid once per process, with one shared parser; what each date costs
# is bounded: a string longer than any real date is not tried at all, and each feed gets a
# limited number of fallback parses (a malformed date costs 5-12 ms with a warm parser).
_DATEPARSER_MAX_CHARS = 64
_DATEPARSER_PER_FEED = 50
_dateparser_lock = threading.Lock()
_dateparser: DateDataParser | None = None


def _fallback_parser() -> DateDataParser:
    global _dateparser
    with _dateparser_lock:
        if _dateparser is None:
            _dateparser = DateDataParser(settings={"RETURN_AS_TIMEZONE_AWARE": True,
                                                   "TO_TIMEZONE": "UTC"})
        return _dateparser


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError):
        return None


def _entry_image(entry: Any) -> str:
    for key in ("media_thumbnail", "media_content"):
        for media in entry.get(key, []) or []:
            url = media.get("url", "")
            if url and (key == "media_thumbnail" or media.get("medium") == "image"
                        or media.get("type", "").startswith("image/")):
                return url
    for link in entry.get("links", []) or []:
        if link.get("rel") == "enclosure" and link.get("type", "").startswith("image/"):
            return link.get("href", "")
    image = entry.get("image")
    return image.get("href", "") if isinstance(image, dict) else ""


def _entry_content(entry: Any) -> str:
    contents = entry.get("content") or []
    html = [c.get("value", "") for c in contents if "html" in c.get("type", "")]
    if html:
        return max(html, key=len)
    if contents:
        return contents[0].get("value", "")
    return ""


def _guid(entry: Any, url: str) -> str:
    guid = entry.get("id") or url
    if guid:
        return str(guid)
    basis = f"{entry.get('title', '')}|{entry.get('published', '')}|{entry.get('summary', '')}"
    return "sha1:" + hashlib.sha1(basis.encode("utf-8")).hexdigest()


class _DateBudget:
    """How many dateparser fallbacks one feed may still use."""

    def __init__(self, calls: int = _DATEPARSER_PER_FEED) -> None:
        self.calls = calls
        self.seen: dict[str, datetime | None] = {}  # (feedparser copies pubDate to updated)

    def parse(self, raw: str) -> datetime | None:
        """A multilingual parse of `raw` (Russian, German, ... month names that feedparser
        does not know), or None once the budget is spent or the string is no date."""
        raw = raw.strip()
        if raw in self.seen:
            return self.seen[raw]
        if not raw or len(raw) > _DATEPARSER_MAX_CHARS or self.calls <= 0:
            return None
        self.calls -= 1
        value = _fallback_parser().get_date_data(raw).date_obj
        self.seen[raw] = value.astimezone(UTC) if value else None
        return self.seen[raw]


def _date(entry: Any, key: str, budget: _DateBudget) -> datetime | None:
    """feedparser's parsed date, or the bounded dateparser fallback."""
    parsed = _struct_to_datetime(entry.get(f"{key}_parsed"))
    raw = entry.get(key)
    if parsed is not None or not isinstance(raw, str):
        return parsed
    return budget.parse(raw)


def _to_entry(entry: Any, budget: _DateBudget) -> FeedEntry | None:
    url = entry.get("link", "") or ""
    title = entry.get("title", "") or ""
    summary = entry.get("summary", "") or ""
    if not (url or title or summary):
        return None
    return FeedEntry(
        guid=_guid(entry, url),
        url=url,
        title=title,
        summary=summary,
        content=_entry_content(entry),
        author=entry.get("author", "") or "",
        published=_date(entry, "published", budget),
        updated=_date(entry, "updated", budget),
        image=_entry_image(entry),
        categories=[t.get("term", "") for t in entry.get("tags", []) or [] if t.get("term")],
    ).scrubbed()


def _refuse_entities(data: bytes) -> None:
    head = data[:65536]
    if _DOCTYPE.search(head) and _ENTITY_DECL.search(head):
        raise FeedParseError(
            "refused: the feed declares XML entities (possible XML bomb or external entity)"
        )


def parse_feed(data: bytes, url: str = "", content_type: str = "") -> ParsedFeed:
    """Parse feed bytes fetched from `url`. Raises FeedParseError with a readable reason."""
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise FeedParseError("empty document: the server returned no feed content")
    if stripped[:1] in (b"{", b"[") or "json" in content_type.lower():
        return parse_json_feed(stripped, url)
    _refuse_entities(stripped)
    document = to_utf8_xml(stripped, content_type)
    headers = {"content-type": "application/xml; charset=utf-8"}
    if url:
        headers["content-location"] = url
    parsed = feedparser.parse(document, response_headers=headers, sanitize_html=False)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        if stripped[:200].lower().find(b"<html") >= 0:
            raise FeedParseError("not a feed: the URL returned an HTML page")
        raise FeedParseError(f"not a feed: {reason or 'no RSS, Atom or JSON Feed found'}")
    meta = parsed.feed
    feed = ParsedFeed(
        kind=parsed.get("version") or "unknown",
        title=strip_unsafe_chars(meta.get("title", "") or ""),
        site_url=strip_unsafe_chars(meta.get("link", "") or ""),
        language=strip_unsafe_chars(meta.get("language", "") or ""),
        icon=strip_unsafe_chars(
            meta.get("icon") or (meta.get("image") or {}).get("href", "") or ""),
    )
    error = parsed.get("bozo_exception")
    if isinstance(error, xml.sax.SAXParseException):
        feed.problem = f"malformed feed, recovered {len(parsed.entries)} entries: {error}"
    budget = _DateBudget()
    for index, raw in enumerate(parsed.entries):
        try:
            entry = _to_entry(raw, budget)
        except Exception as exc:  # one bad entry must not cost the others
            feed.skipped.append(entry_problem(index, raw.get("id") or raw.get("link"), exc))
            log.warning("feed %s: %s", url, feed.skipped[-1])
            continue
        if entry is not None:
            feed.entries.append(entry)
    return feed
