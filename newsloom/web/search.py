"""Full-text search over titles and bodies, English and Chinese, with filters, ranking,
highlighted snippets and pagination. Terms of three or more characters use trigram
indexes (SQLite FTS5 trigram, PostgreSQL pg_trgm); two-character Chinese words use a
Han-bigram index; anything shorter filters by substring."""

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


@dataclass
class Filters:
    source: int | None = None
    region: str = ""
    language: str = ""
    since: datetime | None = None
    until: datetime | None = None


@dataclass
class Hit:
    article: Article
    snippet: str  # safe HTML: escaped text with <mark> around matches


def terms_of(query: str) -> list[str]:
    """Whitespace-separated terms, quotes removed, at most 8."""
    return [t for t in re.split(r"\s+", query.replace('"', " ").strip()) if t][:8]


def _fts_ids(terms: list[str]) -> list[int] | None:
    """Article ids matching the long terms in the SQLite FTS index, best first (None when
    no term is long enough for the trigram index)."""
    long_terms = [t for t in terms if len(t) >= 3]
    if not long_terms:
        return None
    match = " AND ".join('"' + t.replace('"', "") + '"' for t in long_terms)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM news_article_fts WHERE news_article_fts MATCH %s "
                       "ORDER BY bm25(news_article_fts, 4.0, 1.0) LIMIT 2000", [match])
        return [row[0] for row in cursor.fetchall()]


_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}$")


def _uses_bigrams(term: str) -> bool:
    """Han words go to the bigram index: on SQLite only two-character ones (the trigram
    index serves longer ones); on PostgreSQL all of them, because pg_trgm extracts no
    trigrams from Han characters."""
    if not _HAN.match(term):
        return False
    return len(term) == 2 or connection.vendor != "sqlite"


def _bigram_filter(query: QuerySet[Article], term: str) -> QuerySet[Article]:
    """Han words via the bigram indexes of migrations 0005 and 0006: 國安法 is the adjacent
    bigrams 國安, 安法, which is exactly the substring."""
    if connection.vendor == "sqlite":
        return query.extra(where=[
            "news_article.id IN (SELECT rowid FROM news_article_cjk "
            "WHERE news_article_cjk MATCH %s)"], params=[f'"{term}"'])
    phrase = " <-> ".join(term[i:i + 2] for i in range(len(term) - 1))
    return query.extra(where=["news_article.cjk_bigrams @@ to_tsquery('simple', %s)"],
                       params=[phrase])


def _apply_filters(query: QuerySet[Article], filters: Filters) -> QuerySet[Article]:
    if filters.source:
        query = query.filter(source_id=filters.source)
    if filters.region:
        query = query.filter(source__region=filters.region)
    if filters.language:
        query = query.filter(language=filters.language)
    if filters.since:
        query = query.filter(published_at__gte=filters.since)
    if filters.until:
        query = query.filter(published_at__lte=filters.until)
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


def search(query: str, filters: Filters | None = None, page: int = 1) -> tuple[list[Hit], int]:
    """One page of hits and the total number of matches."""
    terms = terms_of(query)
    if not terms:
        return [], 0
    base = Article.objects.filter(status=Article.Status.READY, duplicate_of__isnull=True)
    base = _apply_filters(base, filters or Filters())
    ranked: list[int] | None = None
    for term in terms:
        if _uses_bigrams(term):
            base = _bigram_filter(base, term)
    others = [t for t in terms if not _uses_bigrams(t)]
    if connection.vendor == "sqlite":
        ranked = _fts_ids(others)
        if ranked is not None:
            base = base.filter(pk__in=ranked)
        for term in (t for t in others if len(t) < 3):
            base = base.filter(Q(title__icontains=term) | Q(text__icontains=term))
    else:
        for term in others:
            base = base.filter(Q(title__icontains=term) | Q(text__icontains=term))
    total = base.count()
    page = max(1, page)
    if ranked is not None:
        order = {pk: i for i, pk in enumerate(ranked)}
        ids = sorted(base.values_list("pk", flat=True), key=lambda pk: order.get(pk, 0))
        window = ids[(page - 1) * PER_PAGE: page * PER_PAGE]
        found = Article.objects.select_related("source").in_bulk(window)
        articles = [found[pk] for pk in window]
    else:
        articles = list(base.select_related("source").order_by("-published_at")
                        [(page - 1) * PER_PAGE: page * PER_PAGE])
    return [Hit(a, snippet(a.text or a.title, terms)) for a in articles], total
