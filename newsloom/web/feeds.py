"""Feeds out: RSS 2.0 and Atom for the home page, editions, topics, sources and searches."""

from __future__ import annotations

import re

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode

from newsloom.news.models import Article, Source
from newsloom.web.params import clean_text, optional_id
from newsloom.web.search import search
from newsloom.web.visibility import (
    edition_listings,
    merged_page,
    require_listing,
    topic_articles,
    visible_articles,
)

ITEMS = 50
KINDS = ("home", "region", "language", "topic", "source", "search")
_SLUG = re.compile(r"[\w-]{1,50}")


def _latest():  # type: ignore[no-untyped-def]
    return visible_articles().select_related("source").order_by("-published_at")


class LatestFeed(Feed):
    """kind: home | region | language | topic | source | search."""

    def get_object(self, request: HttpRequest, kind: str = "home", value: str = ""):  # type: ignore[no-untyped-def, override]
        """(kind, value) for a feed that exists; 404 for an unknown kind, a value that is no
        slug (such as %00), a source id that is not one, or a region, language or topic
        no listing has."""
        if kind not in KINDS:
            raise Http404("no such feed")
        if kind == "search":
            return (kind, clean_text(request.GET.get("q")))
        if kind == "source":
            source_id = optional_id(value)
            if source_id is None:
                raise Http404("no such source")
            return (kind, str(get_object_or_404(Source, pk=source_id).pk))
        if (kind == "home") != (value == "") or (value and not _SLUG.fullmatch(value)):
            raise Http404("no such feed")
        if value:
            require_listing(kind, value)
        return (kind, value)

    def title(self, obj: tuple[str, str]) -> str:
        kind, value = obj
        return "newsloom" if kind == "home" else f"newsloom — {kind}: {value}"

    def link(self, obj: tuple[str, str]) -> str:
        kind, value = obj
        links = {"home": "/", "region": f"/edition/{value}/", "language": f"/lang/{value}/",
                 "topic": f"/topic/{value}/", "source": f"/source/{value}/",
                 "search": f"/search?{urlencode({'q': value})}"}
        return links[kind]

    def description(self, obj: tuple[str, str]) -> str:
        return "Latest articles from newsloom"

    def items(self, obj: tuple[str, str]):  # type: ignore[no-untyped-def]
        kind, value = obj
        query = _latest()
        if kind == "region":
            return merged_page(edition_listings(value), 0, ITEMS)
        if kind == "language":
            query = query.filter(language=value)
        elif kind == "topic":
            query = topic_articles(value).select_related("source")  # its own order
        elif kind == "source":
            query = query.filter(source_id=value)
        elif kind == "search":
            return [hit.article for hit in search(value).hits][:ITEMS]
        return query[:ITEMS]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return " ".join(item.summary) if item.summary else item.description

    def item_link(self, item: Article) -> str:
        return f"/a/{item.pk}/"

    def item_pubdate(self, item: Article):  # type: ignore[no-untyped-def]
        return item.published_at

    def item_author_name(self, item: Article) -> str:
        return item.author or item.source.name


class LatestAtomFeed(LatestFeed):
    feed_type = Atom1Feed
    subtitle = LatestFeed.description
