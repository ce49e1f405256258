"""OPML import and export, keeping folders (categories) and newsloom's own attributes
(region, language, topics) so an export re-imports to the same source list."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException


class OpmlError(ValueError):
    """The file is not usable OPML; the message says why."""


@dataclass
class OpmlFeed:
    feed_url: str
    title: str = ""
    site_url: str = ""
    category: str = ""
    region: str = ""
    language: str = ""
    topics: list[str] = field(default_factory=list)


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Feeds in an OPML document; nested outlines become the category path ("A/B")."""
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise OpmlError(f"invalid OPML: {exc}") from exc
    if root.tag.lower() != "opml":
        raise OpmlError(f"invalid OPML: root element is <{root.tag}>, expected <opml>")
    body = root.find("body")
    if body is None:
        raise OpmlError("invalid OPML: no <body>")
    feeds: list[OpmlFeed] = []

    def walk(node: Element, path: list[str]) -> None:
        for outline in node.findall("outline"):
            url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            label = (outline.get("title") or outline.get("text") or "").strip()
            if url:
                category = "/".join(path) or (outline.get("category") or "").strip().strip("/")
                topics = [t.strip() for t in (outline.get("topics") or "").split(",") if t.strip()]
                feeds.append(OpmlFeed(
                    feed_url=url, title=label, site_url=(outline.get("htmlUrl") or "").strip(),
                    category=category, region=(outline.get("region") or "").strip(),
                    language=(outline.get("language") or "").strip(), topics=topics,
                ))
            walk(outline, [*path, label] if not url and label else path)

    try:
        walk(body, [])
    except RecursionError as exc:  # outlines nested thousands deep: refuse, do not crash
        raise OpmlError("invalid OPML: outlines nested too deeply") from exc
    return feeds


def export_opml(feeds: list[OpmlFeed], title: str = "newsloom subscriptions") -> bytes:
    """An OPML 2.0 document with one folder per category."""
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    body = SubElement(root, "body")
    folders: dict[str, Element] = {}
    for feed in feeds:
        parent = body
        if feed.category:
            parent = folders.get(feed.category)  # type: ignore[assignment]
            if parent is None:
                parent = folders[feed.category] = SubElement(
                    body, "outline", text=feed.category, title=feed.category)
        attrs = {"type": "rss", "text": feed.title or feed.feed_url, "title": feed.title,
                 "xmlUrl": feed.feed_url}
        if feed.site_url:
            attrs["htmlUrl"] = feed.site_url
        for name in ("region", "language"):
            if getattr(feed, name):
                attrs[name] = getattr(feed, name)
        if feed.topics:
            attrs["topics"] = ",".join(feed.topics)
        SubElement(parent, "outline", attrs)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="utf-8")
