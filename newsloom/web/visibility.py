"""What readers see of the articles: the one filter every page, feed, For-you list, search
and sync API starts from, a topic's and an edition's articles, and which listings exist."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import get_language_info

from newsloom.config import current
from newsloom.intel.topics import TOPIC_WORDS
from newsloom.news.models import Article, Source
from newsloom.web.params import optional_id

# editions always offered, whether or not a source is in them yet (others come from the
# sources' own regions)
REGIONS = {"hk": "Hong Kong", "cn": "China", "tw": "Taiwan", "world": "World"}
# a language listing's heading, in that language (as the header's link names it); the
# rest from Django's table of languages, whose Chinese entries are per script only
_LANGUAGE_NAMES = {"zh": "中文"}


def language_name(code: str) -> str:
    """What a language listing is called: the language's own name ("English", "中文"),
    the code itself for one Django does not know."""
    if code in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[code]
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


def visible_articles() -> QuerySet[Article]:
    """Processed articles that are not copies of another one: what readers see anywhere
    (pages, feeds, For you, search, the sync APIs)."""
    return Article.objects.filter(status=Article.Status.READY, duplicate_of__isnull=True)


def topic_articles(name: str) -> QuerySet[Article]:
    """Visible articles labelled with topic `name`, newest first, read as a range of that
    topic's rows (`ArticleTopic`, index (topic, published_at)) with each listed article's
    visibility tested on its row: articles of other topics are never read. Testing the
    labels in the article listing index instead walked all of it newest first until a page
    was full, the whole archive for a rare topic (0.1-0.25 s at 10^6 articles,
    docs/benchmarks.md)."""
    return (visible_articles().filter(topic_rows__topic=name)
            .order_by("-topic_rows__published_at", "-topic_rows__article_id"))


def edition_listings(region: str) -> list[QuerySet[Article]]:
    """An edition's visible articles as one listing per publisher in it, each newest first
    and read as a range of the publisher index (`article_source_listing`); merge them with
    `newest_ids` or `merged_page`. Walking the listing index newest first and testing each
    article's publisher's region read every newer article of all other editions for a
    quiet one (the whole archive at worst): this costs a range read per publisher of the
    edition, whatever the archive's size."""
    return [visible_articles().filter(source_id=pk)
            for pk in Source.objects.filter(region=region).order_by("pk")
            .values_list("pk", flat=True)]


# SQLite allows 500 terms in a compound SELECT (SQLITE_MAX_COMPOUND_SELECT): an edition of
# more publishers than this is merged a statement per group, the groups then here
PARTS_PER_STATEMENT = 250


def newest_ids(listings: Iterable[QuerySet[Article]], stop: int, start: int = 0) -> list[int]:
    """The ids of articles `start` to `stop` of several listings merged newest first (among
    articles of one date the newest stored first), in one statement where the listings
    are few enough (`_newest`)."""
    if stop <= start:
        return []
    listings = list(listings)
    groups = [listings[i:i + PARTS_PER_STATEMENT]
              for i in range(0, len(listings), PARTS_PER_STATEMENT)]
    if len(groups) <= 1:
        return [pk for _, pk in _newest(listings, stop, start)]
    newest = {row for group in groups for row in _newest(group, stop, 0)}
    return [pk for _, pk in sorted(newest, reverse=True)[start:stop]]


def _newest(listings: list[QuerySet[Article]], stop: int,
            start: int) -> list[tuple[object, int]]:
    """(published_at as the database hands it over, id) of rows `start` to `stop` of the
    listings merged newest first, in one statement: each listing's newest `stop` rows a
    subquery, each read as its own index range, merged by the database. Merging in Python
    instead turned deep pages of a busy edition slow (page 1,000 of five publishers at
    10^5 on SQLite: 186 ms, 24-50 ms so); Django cannot write the statement for SQLite (no
    LIMIT in a compound's parts), so it is put together from the listings' own SQL, their
    parameters passed on."""
    parts, params = [], []
    for number, listing in enumerate(listings):
        sql, values = listing.values_list("published_at", "pk")[:stop].query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS part{number}")
        params += values
    if not parts:
        return []
    with connection.cursor() as cursor:
        # UNION, not UNION ALL: an article may be in two listings (a followed publisher's
        # and a followed topic's)
        cursor.execute(" UNION ".join(parts) + " ORDER BY 1 DESC, 2 DESC LIMIT %s OFFSET %s",
                       [*params, stop - start, start])
        return cursor.fetchall()


def merged_page(listings: Iterable[QuerySet[Article]], start: int,
                count: int) -> list[Article]:
    """Articles `start` to `start + count` of several listings merged newest first
    (`newest_ids`), with their publishers."""
    ids = newest_ids(listings, start + count, start)
    found = Article.objects.select_related("source").in_bulk(ids)
    return [found[pk] for pk in ids]


def listing_exists(kind: str, value: str) -> bool:
    """Whether a listing of `kind` ("topic", "language", "region" or "source") named
    `value` can hold articles. A made-up one would only ever be empty (and, before topics,
    publishers, languages and editions were index ranges, finding that out walked the whole
    listing index: 0.1-0.25 s at 10^6 articles, docs/benchmarks.md): pages, feeds, follows
    and the API refuse it as a 404 instead, so a typed name is never a page of its own."""
    if kind == "topic":
        return value in TOPIC_WORDS
    if kind == "language":
        return value in current().languages or Source.objects.filter(
            language=value).exists()
    if kind == "region":
        return value in REGIONS or Source.objects.filter(region=value).exists()
    if kind == "source":
        source_id = optional_id(value)
        return source_id is not None and Source.objects.filter(pk=source_id).exists()
    return False


def require_listing(kind: str, value: str) -> None:
    """A 404 for a listing that cannot exist (`listing_exists`): pages, feeds and the API."""
    if not listing_exists(kind, value):
        raise Http404(f"no such {kind}")
