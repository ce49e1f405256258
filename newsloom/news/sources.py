"""Managing sources: add by feed or site URL (with autodiscovery), OPML in and out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources

from django.db import IntegrityError, transaction

from newsloom.feeds.discover import discover_feeds
from newsloom.feeds.model import FeedParseError, ParsedFeed
from newsloom.feeds.opml import OpmlFeed, export_opml, parse_opml
from newsloom.feeds.parse import parse_feed
from newsloom.fetch.client import Fetcher, FetchError
from newsloom.news.ingest import FEED_ACCEPT, get_fetcher
from newsloom.news.models import Source

log = logging.getLogger("newsloom.sources")


class SourceError(ValueError):
    """A source could not be added; the message tells the user what to do."""


@dataclass
class SourceSpec:
    """User-given details of a source; empty fields are filled from the feed."""

    name: str = ""
    region: str = ""
    language: str = ""
    topics: tuple[str, ...] = ()
    category: str = ""


def _try_feed(fetcher: Fetcher, url: str) -> tuple[str, ParsedFeed | None, bytes, str]:
    """Fetch `url`; return (final URL, parsed feed or None, body, content type)."""
    try:
        result = fetcher.fetch(url, accept=FEED_ACCEPT)
    except FetchError as exc:
        raise SourceError(f"cannot fetch {url}: {exc}") from exc
    if not result.ok:
        raise SourceError(f"cannot fetch {url}: HTTP {result.status}")
    try:
        return result.final_url, parse_feed(result.body, result.final_url, result.content_type), (
            result.body), result.content_type
    except FeedParseError:
        return result.final_url, None, result.body, result.content_type


def resolve_feed(url: str, fetcher: Fetcher | None = None) -> tuple[str, ParsedFeed]:
    """The feed behind `url`: the URL itself when it is a feed, else the first feed the page
    announces with <link rel="alternate">."""
    fetcher = fetcher or get_fetcher()
    final_url, feed, body, _ = _try_feed(fetcher, url)
    if feed is not None:
        return url, feed
    for candidate in discover_feeds(body, final_url):
        _, found, _, _ = _try_feed(fetcher, candidate.url)
        if found is not None:
            return candidate.url, found
    raise SourceError(f"no RSS, Atom or JSON Feed found at {url} (and the page links to none)")


def add_source(url: str, spec: SourceSpec | None = None, fetcher: Fetcher | None = None) -> Source:
    """Add a source by feed or site URL after checking that a feed really is there."""
    if not url.startswith(("http://", "https://")):
        raise SourceError(f"not an http(s) URL: {url!r}")
    spec = spec or SourceSpec()
    try:
        feed_url, feed = resolve_feed(url, fetcher)
    except SourceError:
        raise
    except Exception as exc:  # the boundary: a clear one-line error, never a traceback
        log.exception("adding source %s failed", url)
        raise SourceError(f"cannot read the feed at {url}: {type(exc).__name__}: {exc}") from exc
    existing = Source.objects.filter(feed_url=feed_url).first()
    if existing is not None:
        raise SourceError(f"already subscribed: {existing.name} ({feed_url})")
    language = spec.language or feed.language.split("-")[0].lower()
    try:
        with transaction.atomic():
            return Source.objects.create(
                feed_url=feed_url,
                name=(spec.name or feed.title or feed_url)[:200],
                site_url=feed.site_url[:2000] if feed.site_url.startswith("http") else "",
                icon_url=feed.icon[:2000] if feed.icon.startswith("http") else "",
                region=spec.region.lower(),
                language=language[:16],
                topics=list(spec.topics),
                category=spec.category,
            )
    except IntegrityError as exc:
        raise SourceError(f"already subscribed: {feed_url}") from exc


def import_opml(data: bytes) -> tuple[int, int]:
    """Create the OPML's sources (without fetching); returns (created, already present)."""
    created = existing = 0
    for item in parse_opml(data):
        if not item.feed_url.startswith(("http://", "https://")):
            continue
        _, was_created = Source.objects.get_or_create(
            feed_url=item.feed_url,
            defaults={
                "name": (item.title or item.feed_url)[:200],
                "site_url": item.site_url[:2000],
                "category": item.category[:200],
                "region": item.region.lower()[:16],
                "language": item.language.lower()[:16],
                "topics": item.topics,
            },
        )
        created += was_created
        existing += not was_created
    return created, existing


def export_sources_opml() -> bytes:
    """Every source as OPML, folders by category."""
    feeds = [
        OpmlFeed(feed_url=s.feed_url, title=s.name, site_url=s.site_url, category=s.category,
                 region=s.region, language=s.language, topics=list(s.topics))
        for s in Source.objects.order_by("category", "name")
    ]
    return export_opml(feeds)


def default_sources_opml() -> bytes:
    """The bundled list of real public news feeds (English and Chinese, Hong Kong and world)."""
    return resources.files("newsloom").joinpath("defaults/sources.opml").read_bytes()
