"""The metadata a page declares in its <head>, read directly from the tags.

trafilatura's metadata step (title, author and site-name heuristics, htmldate) was about a
fifth of extraction's CPU, and for a feed entry most of what it finds is already known: the
feed gave the title and usually the date. When it did, these tags give the rest (lead
image, canonical URL, site name, description, author) for the price of a few XPath queries.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html


@dataclass(frozen=True)
class HeadMeta:
    title: str = ""
    author: str = ""
    image: str = ""
    site_name: str = ""
    description: str = ""
    canonical_url: str = ""


def _first(tree: lxml.html.HtmlElement, *queries: str) -> str:
    for query in queries:
        for value in tree.xpath(query):
            text = str(value).strip()
            if text:
                return text
    return ""


def head_meta(tree: lxml.html.HtmlElement) -> HeadMeta:
    """Open Graph, Twitter card and plain meta tags, the <title> and rel=canonical."""
    def meta(*names: str) -> list[str]:
        return [f"//meta[@property='{n}' or @name='{n}']/@content" for n in names]

    author = _first(tree, *meta("author", "article:author", "parsely-author", "sailthru.author"))
    if author.startswith(("http://", "https://")):  # article:author may be a profile URL
        author = ""
    return HeadMeta(
        title=_first(tree, *meta("og:title", "twitter:title"), "//head/title/text()"),
        author=author,
        image=_first(tree, *meta("og:image", "og:image:url", "twitter:image")),
        site_name=_first(tree, *meta("og:site_name", "application-name")),
        description=_first(tree, *meta("og:description", "description",
                                       "twitter:description")),
        canonical_url=_first(tree, "//link[@rel='canonical']/@href", *meta("og:url")),
    )
