"""Full-text search over titles and bodies, English and Chinese, with filters, ranking,
highlighted snippets and pagination. Terms of three or more characters use trigram
indexes (SQLite FTS5 trigram, PostgreSQL pg_trgm); Chinese words use a Han-bigram index;
anything shorter filters by substring. Matching ids come from the indexes and are walked
newest first along the (status, published_at, …) index, so a frequent word costs no
more than a rare one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html import escape

from django.db import connection
from django.db.models import Q, QuerySet

from newsloom.news.models import Article

PER_PAGE = 20
SNIPPET_CHARS = 90
CAP = 1000  # matches counted and reachable: the newest CAP of a frequent word


@dataclass
class Filters:
    source: int | None = None
    region: str = ""
    language: str = ""
    since: datetime | None = None
    before: datetime | None = None  # exclusive: the day after the last one asked for


@dataclass
class Hit:
    article: Article
    snippet: str  # safe HTML: escaped text with <mark> around matches


@dataclass
class Results:
    hits: list[Hit]
    total: int  # matches, counted up to CAP
    capped: bool  # more than CAP matched: only the newest CAP are listed


def terms_of(query: str) -> list[str]:
    """Whitespace-separated terms, quotes removed, at most 8."""
    return [t for t in re.split(r"\s+", query.replace('"', " ").strip()) if t][:8]


_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}$")


def _uses_bigrams(term: str) -> bool:
    """Han words go to the bigram index: on SQLite only two-character ones (the trigram
    index serves longer ones); on PostgreSQL all of them, because pg_trgm extracts no
    trigrams from Han characters. The bigram index of migrations 0005/0006 answers 國安法
    as the adjacent bigrams 國安, 安法, which is exactly the substring."""
    if not _HAN.match(term):
        return False
    return len(term) == 2 or connection.vendor != "sqlite"


def _apply_filters(query: QuerySet[Article], filters: Filters) -> QuerySet[Article]:
    if filters.source:
        query = query.filter(source_id=filters.source)
    if filters.region:
        query = query.filter(source__region=filters.region)
    if filters.language:
        query = query.filter(language=filters.language)
    if filters.since:
        query = query.filter(published_at__gte=filters.since)
    if filters.before:
        query = query.filter(published_at__lt=filters.before)
    return query


def snippet(text: str, terms: list[str]) -> str:
    """An excerpt around the first match with every match marked."""
    lowered = text.lower()
    positions = [lowered.find(t.lower()) for t in terms if lowered.find(t.lower()) >= 0]
    start = max(0, min(positions) - SNIPPET_CHARS) if positions else 0
    excerpt = text[start:start + 2 * SNIPPET_CHARS + 40]
    html = escape(excerpt)
    for term in sorted(terms, key=len, reverse=True):
        html = re.sub(re.escape(escape(term)), lambda m: f"<mark>{m.group(0)}</mark>", html,
                      flags=re.IGNORECASE)
    return ("…" if start else "") + html + ("…" if start + len(excerpt) < len(text) else "")


def _indexed_conditions(terms: list[str]) -> tuple[list[str], list[str]]:
    """SQL conditions (and parameters) selecting the articles that contain every term an
    index can serve: Han words through the bigram index, on SQLite also terms of three
    or more characters through the FTS5 trigram index."""
    bigram_terms = [t for t in terms if _uses_bigrams(t)]
    if connection.vendor != "sqlite":
        return (["news_article.cjk_bigrams @@ to_tsquery('simple', %s)"] * len(bigram_terms),
                [" <-> ".join(t[i:i + 2] for i in range(len(t) - 1)) for t in bigram_terms])
    where, params = [], []
    trigram_terms = [t for t in terms if len(t) >= 3 and not _uses_bigrams(t)]
    for table, chosen in (("news_article_cjk", bigram_terms),
                          ("news_article_fts", trigram_terms)):
        if chosen:
            where.append(f"news_article.id IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)")
            params.append(" AND ".join(f'"{t}"' for t in chosen))
    return where, params


def _substring_terms(terms: list[str]) -> list[str]:
    """The terms no index serves, tested as substrings of each candidate (on PostgreSQL
    that test is served by the pg_trgm indexes for three or more characters)."""
    if connection.vendor != "sqlite":
        return [t for t in terms if not _uses_bigrams(t)]
    return [t for t in terms if len(t) < 3 and not _uses_bigrams(t)]


def _headline_score(title: str, terms: list[str]) -> int:
    lowered = title.lower()
    return sum(term.lower() in lowered for term in terms)


def search(query: str, filters: Filters | None = None, page: int = 1,
           order: str = "date") -> Results:
    """One page of hits, newest first (`order="relevance"`: headlines holding more of the
    terms first, then newest). Matches are counted up to CAP: a term found in most of the
    archive would otherwise cost a count and a sort of everything it matches on each
    search, which is what made frequent words take a second at 100k articles."""
    terms = terms_of(query)
    if not terms:
        return Results([], 0, capped=False)
    found = _apply_filters(
        Article.objects.filter(status=Article.Status.READY, duplicate_of__isnull=True),
        filters or Filters())
    where, params = _indexed_conditions(terms)
    if where:
        found = found.extra(where=where, params=params)
    for term in _substring_terms(terms):
        found = found.filter(Q(title__icontains=term) | Q(text__icontains=term))
    newest = found.order_by("-published_at")
    if order == "relevance":
        rows = list(newest.values_list("pk", "title")[:CAP + 1])
        ids = [pk for pk, _ in sorted(rows[:CAP], key=lambda r: -_headline_score(r[1], terms))]
    else:
        ids = list(newest.values_list("pk", flat=True)[:CAP + 1])
        rows = ids
    window = ids[:CAP][(max(1, page) - 1) * PER_PAGE: max(1, page) * PER_PAGE]
    articles = Article.objects.select_related("source").in_bulk(window)
    return Results([Hit(articles[pk], snippet(articles[pk].text or articles[pk].title, terms))
                    for pk in window], total=min(len(rows), CAP), capped=len(rows) > CAP)
