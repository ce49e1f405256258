"""Feed autodiscovery: find the feeds a web page announces with <link rel="alternate">."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "json",
    "application/json": "json",
    "application/rdf+xml": "rss",
    "text/xml": "rss",
    "application/xml": "rss",
}


@dataclass(frozen=True)
class DiscoveredFeed:
    url: str
    title: str
    kind: str


def discover_feeds(html: bytes | str, base_url: str) -> list[DiscoveredFeed]:
    """Feeds linked from a page, in page order, without duplicates."""
    if not html:
        return []
    try:
        doc = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    base = base_url
    for base_el in doc.iter("base"):
        if base_el.get("href"):
            with contextlib.suppress(ValueError):  # a malformed <base> is ignored
                base = urljoin(base_url, base_el.get("href"))
            break
    found: list[DiscoveredFeed] = []
    seen: set[str] = set()
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = FEED_TYPES.get((link.get("type") or "").split(";")[0].strip().lower())
        href = (link.get("href") or "").strip()
        if "alternate" not in rels or not kind or not href:
            continue
        try:
            url = urljoin(base, href)
        except ValueError:  # a malformed host ("http://[::1/"): not a usable link
            continue
        if url in seen or not url.startswith(("http://", "https://")):
            continue
        seen.add(url)
        found.append(DiscoveredFeed(url=url, title=(link.get("title") or "").strip(), kind=kind))
    return found
