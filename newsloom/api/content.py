"""How an article looks to a reader app: one body, one set of timestamps, for every API."""

from __future__ import annotations

from datetime import datetime
from html import escape

from newsloom.feeds.opml import OpmlFeed, export_opml
from newsloom.news.models import Article, Source


def article_html(article: Article) -> str:
    """The sanitized body; paragraphs of the plain text when no HTML was kept."""
    if article.html:
        return article.html
    return "".join(f"<p>{escape(p, quote=False)}</p>" for p in article.text.split("\n") if p)


def usec(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def subscriptions_opml(sources: list[Source], folders: dict[int, str]) -> bytes:
    """A reader's subscriptions as OPML, filed under their own folders."""
    return export_opml([
        OpmlFeed(feed_url=s.feed_url, title=s.name, site_url=s.site_url,
                 category=folders.get(s.pk, ""), region=s.region, language=s.language,
                 topics=list(s.topics))
        for s in sources])
