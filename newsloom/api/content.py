"""How an article looks to a reader app: one body, one set of timestamps, for every API."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from newsloom.feeds.opml import OpmlFeed, export_opml
from newsloom.news.models import Article, Source

# Python integers have no bound, database columns do: a larger id or time in a request
# made SQLite raise OverflowError (a 500) before these limits were checked.
MAX_NUMBER = 2**63 - 1          # the largest id a database row can have
LATEST_SECONDS = 253402300799   # 9999-12-31T23:59:59Z, the last second a datetime holds


def in_range(value: int, high: int = MAX_NUMBER) -> bool:
    return -high <= value <= high


def optional_number(raw: str | None, name: str, error: type[Exception]) -> int | None:
    """An integer parameter within range, None when absent; `error` with a message naming
    the parameter for anything else (each API answers it in its own shape)."""
    if raw in (None, ""):
        return None
    try:
        number = int(raw)  # type: ignore[arg-type]
    except ValueError:
        number = None
    if number is None or not in_range(number):
        raise error(f"{name} must be a number, not {raw[:40]!r}")  # type: ignore[index]
    return number


def from_seconds(value: float) -> datetime:
    return datetime.fromtimestamp(min(max(value, 0), LATEST_SECONDS), UTC)


# The columns an app's item needs: loading whole rows (embedding, text, enrichment)
# doubled the time of a 1,000-item page.
ITEM_FIELDS = ("pk", "source_id", "title", "author", "url", "html", "text", "image_url",
               "published_at", "updated_at", "created_at", "source__name",
               "source__site_url")


def article_html(article: Article) -> str:
    """The sanitized body; paragraphs of the plain text when no HTML was kept."""
    if article.html:
        return article.html
    return "".join(f"<p>{escape(p, quote=False)}</p>" for p in article.text.split("\n") if p)


def usec(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def subscriptions_opml(sources: list[Source], folders: dict[int, str],
                       titles: dict[int, str]) -> bytes:
    """A reader's subscriptions as OPML, under their own folders and titles."""
    return export_opml([
        OpmlFeed(feed_url=s.feed_url, title=titles.get(s.pk) or s.name, site_url=s.site_url,
                 category=folders.get(s.pk, ""), region=s.region, language=s.language,
                 topics=list(s.topics))
        for s in sources])
