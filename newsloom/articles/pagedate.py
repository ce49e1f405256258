"""A page's publication date from its metadata only.

trafilatura's date search (htmldate) falls back to any date-like string in the body when
the page declares none, so a page saying "introduced in 1999" was filed as published on
1999-01-01. A wrong date is worse than none: here htmldate sees only what a publisher sets
on purpose (meta tags, JSON-LD, a `<time>` marked as the publication date, the URL), in
its fast mode.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import lxml.etree
import lxml.html
from htmldate import find_date

_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
_METADATA = (
    "//head/meta | //head/link | //script[@type='application/ld+json']"
    " | //time[@datetime][@itemprop='datePublished' or @pubdate]"
    " | //meta[@itemprop='datePublished']"
)


def _metadata_tree(page: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A document whose head holds copies of the page's date-bearing metadata, and nothing
    from its text."""
    document = lxml.html.Element("html")
    head = lxml.etree.SubElement(document, "head")
    lxml.etree.SubElement(document, "body")
    for element in page.xpath(_METADATA):
        clone = copy.copy(element)
        clone.tail = None
        head.append(clone)
    return document


def metadata_date(page: lxml.html.HtmlElement, url: str = "") -> datetime | None:
    """The publication date the page's metadata (or its URL) gives, else None."""
    found = find_date(_metadata_tree(page), url=url or None, extensive_search=False,
                      original_date=True, outputformat=_DATE_FORMAT)
    if not found:
        return None
    try:
        return datetime.strptime(found, _DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
