"""Full-text search over titles and bodies, English and Chinese, with filters, ranking,
highlighted snippets and pagination. SQLite: Chinese words and two-character Latin words
use a bigram index, other terms of three or more characters the FTS5 trigram index
(substrings), single characters a substring test; both indexes are keyed by publication
order, so they hand out the newest matches first (migration 0013). PostgreSQL searches
its own narrow table of search rows (ArticleSearch, migration 0018: tokens and the
filtered columns, kept by a trigger): a frequent word is tested on the newest rows in
publication order, others go through one GIN index over Han bigrams and words (words
match by prefix), recent windows first (_postgres_newest). Matches are counted only up
to CAP, so a word found in most of the archive costs about what a rare one does."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import TypeVar

from django.db import connection, transaction
from django.db.models import Max, Min, Q, QuerySet

from newsloom.han import HAN
from newsloom.news.models import Article, ArticleSearch
from newsloom.news.sqlite_functions import ID_MASK, order_floor, whole_word
from newsloom.web.visibility import LISTED, visible_articles

PER_PAGE = 20
SNIPPET_CHARS = 90
CAP = 500  # matches counted and reachable (25 pages): the newest CAP of a frequent word
# SQLite: index matches (or, for single characters, articles) one search looks through
SCAN_LIMIT = 20_000
_NO_KEY = (1 << 63) - 1  # above every search key
# PostgreSQL looks for the newest matches of a query it expects in at least WINDOW_SHARE
# of articles in recent windows before the newest article: the first FIRST_WINDOW long,
# each next one sized to hold WINDOW_SLACK times the matches still wanted at the rate
# the windows read so far found them (at least FIRST_WINDOW / 4), the rest of the
# archive in one pass after MAX_WINDOWS (_postgres_indexed)
FIRST_WINDOW = timedelta(days=3)
WINDOW_SHARE = 0.001
WINDOW_SLACK = 1.5
MAX_WINDOWS = 4
# PostgreSQL: memory for one search's bitmaps. With the default 4 MB the GIN bitmap of a
# frequent word (香港 at 10^6: 224k rows over most of the table's pages) turns lossy, and
# every article on a lossy page has its token vector read from TOAST to test it again
# (15,600 of them for one window, 274 ms); 64 MB keeps pages exact up to ~5x10^6 articles.
SEARCH_WORK_MEM = "64MB"
# PostgreSQL: the most articles a frequent word's search tests, newest first, before it
# hands over to the GIN index (_postgres_newest)
WALK_ROWS = 8_000


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
    # SQLite: when not 0, only this many of the newest candidates (index matches, or
    # articles for single characters) were looked through and fewer than CAP matched
    looked_through: int = 0


def terms_of(query: str) -> list[str]:
    """Whitespace-separated terms, quotes and control characters removed (a NUL ends an
    FTS5 query string early: SQLite answered "unterminated string"), at most 8."""
    cleaned = re.sub(r"[\x00-\x1f\x7f\"]", " ", query)
    return [t for t in re.split(r"\s+", cleaned.strip()) if t][:8]


_HAN = re.compile(f"^[{HAN}]{{2,}}$")


_SHORT_WORD = re.compile(r"^[A-Za-z0-9]{2}$")


def _bigrams(term: str) -> list[str]:
    return [term[i:i + 2] for i in range(len(term) - 1)]


def _in_bigram_index(term: str) -> bool:
    """Han words and two-character Latin words or numbers (AI, 5G), which the bigram
    index holds as whole words (migration 0008)."""
    return bool(_HAN.match(term) or _SHORT_WORD.match(term))


_Rows = TypeVar("_Rows", Article, ArticleSearch)  # both have the filtered columns


def _apply_filters(query: QuerySet[_Rows], filters: Filters) -> QuerySet[_Rows]:
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


def _term_pattern(term: str) -> re.Pattern[str]:
    """How a term is found in text: a whole word when it is a two-character Latin word
    (as the index matches it), anywhere otherwise."""
    pattern = re.escape(term)
    if _SHORT_WORD.match(term):
        pattern = whole_word(pattern)
    return re.compile(pattern, re.IGNORECASE)


def snippet(text: str, terms: list[str]) -> str:
    """An excerpt around the first match with every match marked."""
    patterns = [_term_pattern(t) for t in sorted(terms, key=len, reverse=True)]
    positions = [m.start() for m in (p.search(text) for p in patterns) if m]
    start = max(0, min(positions) - SNIPPET_CHARS) if positions else 0
    end = start + 2 * SNIPPET_CHARS + 40
    marked = re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)
    html, cursor = [], start
    for match in marked.finditer(text, start, end):
        html += [escape(text[cursor:match.start()]), f"<mark>{escape(match.group(0))}</mark>"]
        cursor = match.end()
    html.append(escape(text[cursor:end]))
    return ("…" if start else "") + "".join(html) + ("…" if end < len(text) else "")


def _sqlite_matches(terms: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(search table, MATCH expression) pairs for the terms an index serves, and the terms
    left to a substring test (single characters). Han words and two-character Latin words
    go to the bigram table (migrations 0005, 0008), a Han word as the phrase of its
    bigrams (國安法: 國安 then 安法, as PostgreSQL matches it), so a Chinese query is one
    index; other terms of three or more characters to the trigram table (substrings)."""
    words = [t for t in terms if _in_bigram_index(t)]
    longer = [t for t in terms if t not in words and len(t) >= 3]
    queries = []
    if words:
        queries.append(("news_article_cjk",
                        " AND ".join('"' + " ".join(_bigrams(t) if _HAN.match(t) else [t]) + '"'
                                     for t in words)))
    if longer:
        queries.append(("news_article_fts", " AND ".join(f'"{t}"' for t in longer)))
    return queries, [t for t in terms if t not in words and t not in longer]


def _keys_newest_first(queries: list[tuple[str, str]], low: int, high: int,
                       batch: int) -> Iterator[tuple[list[int], int, bool]]:
    """Search keys (migration 0013: publication order) matching every query, newest first,
    from `low` up to `high` (exclusive), one batch at a time: (keys, how many the first
    table gave, whether it may hold older ones). The first table's index walks back from
    the newest match and stops with the batch; a second table is asked only for the key
    range that batch spans."""
    (table, match), *others = queries
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH %s AND rowid >= %s "
                           "AND rowid < %s ORDER BY rowid DESC LIMIT %s",
                           [match, low, high, batch])
            keys = [row[0] for row in cursor.fetchall()]
            if not keys:
                return
            found = keys
            for other, other_match in others:
                cursor.execute(f"SELECT rowid FROM {other} WHERE {other} MATCH %s "
                               "AND rowid BETWEEN %s AND %s", [other_match, keys[-1], keys[0]])
                inside = {row[0] for row in cursor.fetchall()}
                found = [key for key in found if key in inside]
            yield found, len(keys), len(keys) == batch
            if len(keys) < batch:
                return
            high, batch = keys[-1], min(2 * batch, SCAN_LIMIT)


def _sqlite_newest(found: QuerySet[Article], terms: list[str], filters: Filters,
                   limit: int) -> tuple[list[int], bool]:
    """The newest `limit` matches and whether some older ones were left unexamined.

    The search tables hand out matching keys newest first (_keys_newest_first) and each
    batch is checked against the article table (ready, not a duplicate, the filters): a
    frequent word costs one batch, a rare one its few matches, at any archive size. When
    the filters turn most matches away, at most SCAN_LIMIT index matches are examined;
    date filters cost nothing, being a key range. A query of single characters only has
    no index: the newest SCAN_LIMIT articles are looked through."""
    queries, substrings = _sqlite_matches(terms)
    listed = found.order_by("-published_at")
    for term in substrings:
        found = found.filter(Q(title__icontains=term) | Q(text__icontains=term))
    if not queries:
        ids = list(found.filter(pk__in=listed.values("pk")[:SCAN_LIMIT])
                   .order_by("-published_at").values_list("pk", flat=True)[:limit])
        return ids, len(ids) < limit and listed[SCAN_LIMIT:SCAN_LIMIT + 1].exists()
    low = order_floor(filters.since) if filters.since else 0
    high = order_floor(filters.before + timedelta(minutes=1)) if filters.before else _NO_KEY
    ids: list[int] = []
    examined = 0
    # a little more than `limit` first: a few matches are duplicates or filtered out
    for keys, scanned, more in _keys_newest_first(queries, low, high, limit + limit // 4):
        batch = [key & ID_MASK for key in keys]
        kept = _listed_among(found, batch)
        ids += [pk for pk in batch if pk in kept]
        examined += scanned
        if len(ids) >= limit:
            return ids[:limit], False
        if more and examined >= SCAN_LIMIT:
            return ids, True
    return ids, False


def _listed_among(found: QuerySet[Article], ids: list[int]) -> set[int]:
    """Which of `ids` are in `found`, looked up by id in the article_search_check index
    (migration 0013), which holds every column the listing and the filters test. Left to
    itself, SQLite (no planner statistics here) walks the listing index for status =
    'ready' and tests each of a million rows against the list."""
    sql, params = found.filter(pk__in=ids).order_by().values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql.replace('FROM "news_article"',
                                   'FROM "news_article" INDEXED BY article_search_check', 1),
                       params)
        return {row[0] for row in cursor.fetchall()}


def _tsquery(term: str) -> tuple[str, str] | None:
    """A term as (tsquery for the GIN index, tsquery that confirms it) over the
    search rows' tokens (migration 0018), or None when the index cannot serve it. Han
    words are their bigrams: all of them, then adjacent (國安 <-> 安法). Other terms are
    split into words by PostgreSQL's own parser, as the articles were (COVID-19 is covid
    and -19), and match words that start with them (vaccine: vaccines), two-character
    ones whole words only (AI is not aid)."""
    if _HAN.match(term):
        pairs = [f"'{pair}'" for pair in _bigrams(term)]
        return " & ".join(pairs), " <-> ".join(pairs)
    if re.search(f"[{HAN}]", term):
        return None  # a single Han character, or Han mixed with letters
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme FROM unnest(to_tsvector('simple', %s)) "
                       "ORDER BY positions[1]", [term])
        words = [row[0] for row in cursor.fetchall()]
    if not words:
        return None
    query = " & ".join("'" + w.replace("\\", "\\\\").replace("'", "''") + "'"
                       + (":*" if len(w) > 2 and w[0].isalnum() else "") for w in words)
    return query, query


@dataclass
class _PostgresQuery:
    """A search's terms as SQL tests on the search rows (_tsquery): `index` for the GIN
    index (a Chinese phrase as its bigrams), `exact` testing each row (phrases whole),
    `words` the single tsquery words the planner can estimate (None: a term it cannot,
    a lone Han character tested by ILIKE)."""

    index: list[tuple[str, str]] = field(default_factory=list)
    exact: list[tuple[str, str]] = field(default_factory=list)
    words: list[str] | None = field(default_factory=list)


_TOKENS_MATCH = "news_article_search.search_tokens @@ to_tsquery('simple', %s)"
# (the articles' own text, joined to the search rows only for such a term: _with_text)
_SUBSTRING = "(news_article.title ILIKE %s OR news_article.text ILIKE %s)"


def _postgres_query(terms: list[str]) -> _PostgresQuery:
    """The tests for `terms`, both ways (_PostgresQuery)."""
    query = _PostgresQuery()
    for term in terms:
        queries = _tsquery(term)
        if queries is None:
            pattern = "%" + re.sub(r"([\\%_])", r"\\\1", term) + "%"
            query.index.append((_SUBSTRING, pattern))
            query.exact.append((_SUBSTRING, pattern))
            query.words = None
            continue
        query.index.append((_TOKENS_MATCH, queries[0]))
        query.exact.append((_TOKENS_MATCH, queries[1]))
        if query.words is not None:
            query.words += queries[0].split(" & ")
    return query


def _sql(tests: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """WHERE clauses and their parameters (a substring test takes its pattern twice)."""
    return ([sql for sql, _ in tests],
            [value for sql, value in tests for _ in range(sql.count("%s"))])


def _word_shares(words: list[str] | None) -> list[float]:
    """The share of articles holding each word, as the planner estimates it from its
    statistics (a tsvector column's most common words; 0.5 % for any other word), or
    [1.0] when a term has none (a lone character: frequent). The rarest word's share
    bounds the query's and is near it for the bigrams of one Chinese word or the words of
    one name; the planner itself multiplies them, taking the words for independent
    (采取行动: 0.002 % expected, 1 % found at 10^6)."""
    if not words:
        return [1.0]
    shares = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class "
                       "WHERE oid = 'news_article_search'::regclass")
        (articles,) = cursor.fetchone()
        for word in words:
            cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM news_article_search WHERE "
                           f"{_TOKENS_MATCH}", [word])
            shares.append(cursor.fetchone()[0][0]["Plan"]["Plan Rows"] / max(articles, 1))
    return shares


def _with_text(rows: QuerySet[ArticleSearch]) -> QuerySet[ArticleSearch]:
    """Search rows joined to their articles, for a term only the text can test (a lone
    Han character, _SUBSTRING)."""
    return rows.extra(tables=["news_article"], where=["news_article.id = news_article_search.id"])


def _postgres_newest(found: QuerySet[ArticleSearch], terms: list[str],
                     limit: int) -> list[int]:
    """The newest `limit` matches, read one of two ways, whichever reads fewer rows
    (both were measured at 10^6 articles, benchmarks/search_cost.py).

    A frequent word (by the planner's statistics, `limit` matches expected among the
    newest WALK_ROWS / 2 articles) is looked for the way SQLite's index hands them out:
    the newest listed articles, in publication order (the article_listing index, filters
    included), each tested, until `limit` match; at most WALK_ROWS are read, so the cost
    does not grow with the archive (疫情 at 10^6: 1,221 rows, 15-28 ms). Through the GIN
    index instead, PostgreSQL builds the bitmap of every article holding the word (367k
    at 10^6: 107 ms) before reading any. A walk that reads WALK_ROWS without enough matches
    (the statistics were wrong, or the filters left few) hands over to the index; one
    that read every listed article (a small archive) has found them all.

    Other words through the GIN index (_postgres_indexed)."""
    query = _postgres_query(terms)
    shares = _word_shares(query.words)
    if limit / min(shares) <= WALK_ROWS / 2:
        where, params = _sql(query.exact)
        newest = (found.extra(select={"search_tokens": "news_article_search.search_tokens"})
                  .order_by("-published_at")
                  .values("pk", "published_at", "search_tokens")[:WALK_ROWS])
        inner, inner_params = newest.query.sql_with_params()
        text = ("" if query.words is not None else
                " JOIN news_article ON news_article.id = news_article_search.pk")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT news_article_search.pk FROM ({inner}) AS news_article_search"
                           f"{text} WHERE {' AND '.join(where)} "
                           "ORDER BY news_article_search.published_at DESC LIMIT %s",
                           [*inner_params, *params, limit])
            ids = [row[0] for row in cursor.fetchall()]
        if len(ids) == limit or not found[WALK_ROWS - 1:WALK_ROWS].exists():
            return ids  # enough, or every listed article was read
    return _postgres_indexed(found, query, limit, expected=math.prod(shares))


def _postgres_indexed(found: QuerySet[ArticleSearch], query: _PostgresQuery, limit: int,
                      expected: float) -> list[int]:
    """Every term through the search_tokens GIN index where it can (_tsquery); the rest
    (a lone Han character) by ILIKE on each candidate.

    Three costs shape the query. A row's token vector lives in TOAST, so reading it costs
    several pages: walking the date index and testing each row, PostgreSQL's own pick for
    a word it thinks frequent and not bounded by WALK_ROWS there, took ~90 ms at 100k
    articles and a parallel scan ~280 ms, while the GIN index alone answers a word
    exactly; index and sequential scans are switched off
    for this transaction to keep that plan, and its bitmaps get the memory to stay exact
    (SEARCH_WORK_MEM). Its matches are then read from the heap to sort them by date, one
    heap page each: at 10^6 articles the article table's heap did not stay in memory, and
    these reads were most of a search's cost (1,700 pages a search, waiting on the disk
    under load), hence the narrow search rows (migration 0018) and the windows.
    Recent windows come first, each older one asked only for what the newer ones
    lacked, and the first windows holding enough matches hold the newest of all; each
    window after the first is sized from the rate at which the earlier ones found matches,
    so it reads about WINDOW_SLACK times the matches still wanted, not every match of a
    fixed span (國安法 at 10^6: 680 of 751 in three days, then 3,600 rows of the next
    eleven days for the last 71). A window pays only where the planner, expecting many
    matches (the `expected` share, as it estimates it), intersects the GIN bitmap with
    the date index's for the window. Expecting few (bigrams, whose shares it multiplies),
    it reads every match for each window anyway (采取行动 at 10^6: 10,000 rows three
    times, 130-180 ms), so one pass is read instead.
    And a Chinese phrase needs its bigrams adjacent, which only the vector can confirm:
    the bigrams alone pick the newest candidates and only those are checked
    (_confirmed), with room for the rare ones holding the bigrams apart."""
    bounds = found.aggregate(latest=Max("published_at"), earliest=Min("published_at"))
    latest, earliest = bounds["latest"], bounds["earliest"]
    if latest is None:
        return []
    where, params = _sql(query.index)
    confirm = [value for (sql, value), (_, index) in zip(query.exact, query.index, strict=True)
               if sql == _TOKENS_MATCH and value != index]
    matching = (found if query.words is not None else _with_text(found)).extra(
        where=where, params=params).order_by("-published_at")
    wanted = limit + limit // 2 if confirm else limit
    ids: list[int] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"SET LOCAL work_mem = '{SEARCH_WORK_MEM}'")
        for start, newer in _windows(latest, earliest, ids, wanted,
                                     windowed=expected >= WINDOW_SHARE):
            scoped = matching.filter(published_at__gte=start) if start else matching
            if newer:
                scoped = scoped.filter(published_at__lt=newer)
            ids += scoped.values_list("pk", flat=True)[:wanted - len(ids)]
        return _confirmed(ids, confirm, limit) if confirm else ids


def _windows(latest: datetime, earliest: datetime, ids: list[int], wanted: int,
             windowed: bool) -> Iterator[tuple[datetime | None, datetime | None]]:
    """(start, end) of each window to read, newest first (None: unbounded), until `ids`,
    filled by the caller between windows, holds `wanted`. The next window holds about
    WINDOW_SLACK times the matches still wanted, at the rate the windows read so far
    found them; none found yet, it is four times as long as what was read."""
    newer: datetime | None = None
    span = FIRST_WINDOW
    for _ in range(MAX_WINDOWS if windowed else 0):
        start = (newer or latest) - span
        if start <= earliest:
            break  # this window would hold the rest: read it unbounded below
        yield start, newer
        if len(ids) >= wanted:
            return  # the newest `wanted` of all: everything older is outside the windows
        newer, read = start, latest - start
        span = max(read * WINDOW_SLACK * (wanted - len(ids)) / len(ids) if ids else read * 4,
                   FIRST_WINDOW / 4)
    yield None, newer


def _confirmed(candidates: list[int], phrases: list[str], limit: int) -> list[int]:
    """The newest `limit` of `candidates` (newest first) whose token vectors hold every
    phrase, checked on these rows only, the newest `limit` first. Asked plainly, the
    planner (which takes bigrams for independent words and expects a phrase to match a
    handful of rows) reads the phrase's GIN matches and tests each of them instead: every
    article holding the bigrams anywhere, 10,000 vectors read from TOAST for 采取行动 at
    10^6 (185-330 ms); the MATERIALIZED fence keeps the test to the candidates."""
    test = " AND ".join(["search_tokens @@ to_tsquery('simple', %s)"] * len(phrases))
    kept: set[int] = set()
    with connection.cursor() as cursor:
        for batch in (candidates[:limit], candidates[limit:]):
            if batch and len(kept) < limit:
                cursor.execute("WITH candidate AS MATERIALIZED (SELECT id, search_tokens FROM "
                               f"news_article_search WHERE id = ANY(%s)) SELECT id FROM candidate "
                               f"WHERE {test}", [batch, *phrases])
                kept.update(row[0] for row in cursor.fetchall())
    return [pk for pk in candidates if pk in kept][:limit]


def search(query: str, filters: Filters | None = None, page: int = 1,
           order: str = "date") -> Results:
    """One page of hits, newest first (`order="relevance"`: headlines holding more of the
    terms first, then newest). Matches are counted up to CAP: a term found in most of the
    archive would otherwise cost a count and a sort of everything it matches on each
    search, which is what made frequent words take a second at 100k articles."""
    terms = terms_of(query)
    if not terms:
        return Results([], 0, capped=False)
    filters = filters or Filters()
    if connection.vendor == "sqlite":
        ids, partial = _sqlite_newest(_apply_filters(visible_articles(), filters), terms,
                                      filters, CAP + 1)
    else:
        rows = _apply_filters(ArticleSearch.objects.filter(LISTED), filters)
        ids, partial = _postgres_newest(rows, terms, CAP + 1), False
    looked_through = SCAN_LIMIT if partial else 0
    capped, ids = len(ids) > CAP, ids[:CAP]
    if order == "relevance":
        titles = dict(Article.objects.filter(pk__in=ids).values_list("pk", "title"))
        patterns = [_term_pattern(term) for term in terms]
        # how many terms the headline holds; the sort is stable, so newest next
        ids.sort(key=lambda pk: -sum(bool(p.search(titles[pk])) for p in patterns))
    window = ids[(max(1, page) - 1) * PER_PAGE: max(1, page) * PER_PAGE]
    articles = Article.objects.select_related("source").in_bulk(window)
    return Results([Hit(articles[pk], snippet(articles[pk].text or articles[pk].title, terms))
                    for pk in window], total=len(ids), capped=capped,
                   looked_through=looked_through)
