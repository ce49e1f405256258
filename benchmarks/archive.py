"""A large archive for the web benchmarks, built fast enough to run on this machine.

The real articles of theagora-news1-zh-2020 (reserved days never read) go in through the
production import (`news.bulk.import_jsonl`: cleaning, dedupe, language, fingerprints).
Through that path 10^6 articles would take about 40 minutes here (400 articles/s), so the
rest of the archive is synthetic copies made by the database itself: one INSERT ... SELECT
per copy, each copy with its own URL, GUID and fingerprint and with changed text (a
"（副本 N）" prefix), same dates. On SQLite the search tables are filled once all of
these are in (benchmarks/search_index_bulk.py: the triggers' contents, in one pass on
both cores); on PostgreSQL the search rows (kept by a trigger) follow each insert and
their GIN index is built once they are in. So searches, pages and listings see 10^6
distinct, indexed articles. Then the newest 500 are enriched by the production function
(stories, related lists, topics) and readers are created with follows and a reading
history, so the signed-in "For you" page has something to show.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from benchmarks.search_index_bulk import search_index_after
from benchmarks.story_sets import reserved
from tests.corpora import theagora_rows

PASSWORD = "benchmark-reader-7f3a"  # every synthetic reader's (hashed once, see add_readers)
READS_PER_READER = 300
ENRICHED = 500


def corpus_lines() -> Iterator[str]:
    """`import-jsonl` lines of theagora-news1-zh-2020, reserved days left out."""
    from newsloom.articles.sanitize import html_to_text

    for row in theagora_rows():
        if reserved(row["published"]):
            continue
        body = html_to_text(row["body"]) if row["body_format"] == "html" else row["body"]
        yield json.dumps({"url": f"https://corpus.example/{row['id']}", "title": row["title"],
                          "text": body, "published": row["published"],
                          "source": row["source_name"], "language": "zh"}, ensure_ascii=False)


# Columns a copy changes; every other column is copied as it is. `%s` is the copy number.
_CHANGED = {
    "url": "url || '/copy' || %s",
    "guid": "guid || '/copy' || %s",
    "entry_url": "entry_url || '/copy' || %s",
    "text": "'（副本 ' || %s || '）' || text",
    "html": "'<p>（副本 ' || %s || '）</p>' || html",
    "fingerprint": "substr(fingerprint, 1, 32) || %s",
}


def _earlier(connection) -> str:  # type: ignore[no-untyped-def]
    """SQL for `published_at` moved back by `%s` days, on either backend."""
    if connection.vendor == "postgresql":
        return "published_at - %s * interval '1 day'"
    return "strftime('%%Y-%%m-%%d %%H:%%M:%%f', published_at, '-' || %s || ' days')"


def add_copies(total: int) -> None:
    """Copy the distinct imported articles until `total` articles are stored. Each copy
    is moved back in time by whole spans of the corpus (copy N: N spans earlier), so the
    archive reads as years of news stored as they arrived: a day holds one day's articles
    and sits in one stretch of the table, as in a portal that has run that long. Copies
    at their original's dates (as before the eleventh session) made every day hold 40
    copies of itself, scattered over the whole table: a search or listing window read 40
    times the matches, each on a page of its own."""
    from django.db import connection, transaction
    from django.db.models import Max, Min

    from newsloom.news.models import Article

    columns = [f.column for f in Article._meta.concrete_fields if f.column != "id"]
    changed = {**_CHANGED, "published_at": _earlier(connection)}
    select = ", ".join(changed.get(c, c) for c in columns)
    originals = Article.objects.filter(duplicate_of__isnull=True)
    last_original = max(originals.values_list("pk", flat=True))
    per_copy = originals.count()
    dates = originals.aggregate(first=Min("published_at"), last=Max("published_at"))
    span_days = (dates["last"] - dates["first"]).days + 1
    copy = 0
    while (stored := Article.objects.count()) < total:
        copy += 1
        params = [f"{copy:08d}" if c == "fingerprint" else
                  copy * span_days if c == "published_at" else str(copy)
                  for c in columns if c in changed]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO news_article ({', '.join(columns)}) SELECT {select} "
                "FROM news_article WHERE id <= %s AND duplicate_of_id IS NULL "
                f"ORDER BY published_at DESC, id LIMIT {min(per_copy, total - stored)}",
                [*params, last_original])


def enrich_newest(count: int = ENRICHED) -> None:
    """Enrich the newest real articles as the worker would, in its batch size (the
    copies are older than every original)."""
    from newsloom.news.enrich import enrich_articles
    from newsloom.news.models import Article

    newest = list(Article.objects.filter(duplicate_of__isnull=True)
                  .exclude(url__contains="/copy").order_by("-published_at")
                  .values_list("pk", flat=True)[:count])
    for start in range(0, len(newest), 100):
        enrich_articles(newest[start:start + 100])


def add_readers(count: int) -> list[str]:
    """`count` reader accounts (same password), each following a smaller publisher and a
    topic of the enriched articles and having read READS_PER_READER recent articles."""
    import random

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count

    from newsloom.news.models import Article, Source
    from newsloom.web.models import Follow, ReadMark

    rng = random.Random(11)
    hashed = make_password(PASSWORD)
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"reader{i}", password=hashed) for i in range(count)])
    sources = [s.pk for s in Source.objects.annotate(n=Count("articles")).order_by("n")[:3]]
    topics = sorted({t for ts in Article.objects.exclude(topics=[]).values_list("topics", flat=True)
                     for t in ts}) or ["world"]
    recent = list(Article.objects.filter(duplicate_of__isnull=True)
                  .order_by("-published_at").values_list("pk", flat=True)[:5000])
    follows, reads = [], []
    for user in users:
        follows.append(Follow(user=user, kind=Follow.Kind.SOURCE, value=str(rng.choice(sources))))
        follows.append(Follow(user=user, kind=Follow.Kind.TOPIC, value=rng.choice(topics)))
        reads += [ReadMark(user=user, article_id=pk)
                  for pk in rng.sample(recent, min(READS_PER_READER, len(recent)))]
    Follow.objects.bulk_create(follows)
    ReadMark.objects.bulk_create(reads, batch_size=2000)
    return [u.username for u in users]


def _took(step: str, started: float) -> None:
    """Progress of a build that takes minutes, to see which step takes them."""
    print(f"archive: {step} at {time.perf_counter() - started:.0f} s", flush=True)


def build(total: int, readers: int) -> dict[str, object]:
    """The whole archive in the current (fresh, migrated) database; what the load needs
    to know about it."""
    from django.db.models import Max, Min

    from newsloom.news.bulk import import_jsonl
    from newsloom.news.models import Article, Story
    from newsloom.news.statistics import refresh_statistics

    started = time.perf_counter()
    with search_index_after():
        import_jsonl(corpus_lines(), enrich=False)
        _took("corpus imported", started)
        add_copies(total)
        _took("copies made", started)
    _took("search index built", started)
    refresh_statistics()
    enrich_newest()
    names = add_readers(readers)
    refresh_statistics()
    _took("enriched, readers added", started)
    ids = Article.objects.filter(duplicate_of__isnull=True).aggregate(low=Min("pk"),
                                                                       high=Max("pk"))
    stories = list(Story.objects.filter(article_count__gte=1).values_list("pk", flat=True))
    return {"articles": Article.objects.count(), **ids,
            "stories": stories, "readers": names, "password": PASSWORD}
