"""Topic listings on a kept archive, before and after topic rows, in one run:
`python benchmarks/topic_listings.py FOLDER [--label N|all] [--repeat 7]`.

FOLDER is an archive kept by `benchmarks/web.py --keep FOLDER` (SQLite; FOLDER/postgresql
for PostgreSQL's, its database named in archive.json) or built by `web.py --load N` with
NEWSLOOM_DATA_DIR=FOLDER, migrated to 0016 (which fills the topic rows). The archive's
enrichment labels only its newest 500 articles; --label all first labels every original
article (--label N the newest N) with the production labeller (`intel.topics.topic_labels`)
through the one writer of topics (`news.topics.save_topics`, batches of 500, timed), so
common topics are common and rare ones rare across the whole archive. Then, on the same
database:

- the migration's fill (one INSERT ... SELECT) run again over the whole archive, timed;
- per topic, most articles first, and the home listing: page 1 (31 rows, as ListingPage
  asks) of the topic listing as main asked it (`topics__icontains` along the
  `article_listing` index, newest first) and through the topic rows
  (`web.visibility.topic_articles`), the same articles checked, p50 / max of --repeat
  warm runs and the plans;
- For you of a reader following one source and that topic: main's one query (every
  follow tested along the listing walk) and the merge of per-follow ranges, same
  articles checked.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.backends import open_kept  # noqa: E402

PAGE = 31  # a listing page and the row that says whether there is a next one
BATCH = 500


def label(newest: int | None) -> None:
    """The `newest` (None: every) original article's topics from its own text, written as
    enrichment writes them (copies stay unlabelled, as the enrichment leaves them)."""
    from newsloom.intel.topics import topic_labels
    from newsloom.news.models import Article
    from newsloom.news.topics import save_topics

    ids = list(Article.objects.filter(duplicate_of__isnull=True).order_by("-published_at")
               .values_list("pk", flat=True)[:newest])
    started, writing = time.perf_counter(), 0.0
    for start in range(0, len(ids), BATCH):
        batch = list(Article.objects.filter(pk__in=ids[start:start + BATCH])
                     .only("pk", "title", "text", "published_at", "topics"))
        for article in batch:
            article.topics = topic_labels(article.title, article.text)
        wrote = time.perf_counter()
        save_topics(batch)
        writing += time.perf_counter() - wrote
    took = time.perf_counter() - started
    print(f"labelled {len(ids):,} articles in {took:.1f} s; save_topics {writing:.1f} s of it "
          f"({len(ids) / writing:,.0f} articles/s)", flush=True)


def refill() -> None:
    """Migration 0016's fill over the whole archive, timed (the rows come back the same)."""
    from django.db import connection, transaction

    from newsloom.news.models import ArticleTopic

    fill = import_module("newsloom.news.migrations.0016_article_topics").FILL[connection.vendor]
    before = ArticleTopic.objects.count()
    with transaction.atomic():
        ArticleTopic.objects.all().delete()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(fill)
        took = time.perf_counter() - started
    after = ArticleTopic.objects.count()
    print(f"migration fill: {after:,} topic rows in {took:.2f} s (before: {before:,}; "
          "into the indexed table: the migration builds its indexes afterwards)", flush=True)


def main_has_topic(name: str):  # type: ignore[no-untyped-def]
    """The topic test as main had it (web/visibility.has_topic before 0016)."""
    from django.db.models import Q

    return Q(topics__icontains=f'"{name}"')


def same_listing(before: list[int], after: list[int]) -> int:
    """Check that two listings show articles of the same dates in the same order; returns
    how many places hold another article of the same date (an order among equal dates
    that neither query fixes)."""
    from newsloom.news.models import Article

    dates = dict(Article.objects.filter(pk__in=[*before, *after])
                 .values_list("pk", "published_at"))
    assert [dates[pk] for pk in before] == [dates[pk] for pk in after], (before, after)
    return sum(a != b for a, b in zip(before, after, strict=True))


def timed(run: Callable[[], list[int]], repeat: int) -> tuple[list[int], float, float]:
    """(ids, p50 ms, max ms) of `repeat` runs after one warm-up."""
    ids = run()
    took = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        took.append((time.perf_counter() - started) * 1000)
    return ids, statistics.median(took), max(took)


def plan(query) -> str:  # type: ignore[no-untyped-def]
    """The database's plan of a queryset, one line."""
    from django.db import connection

    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " / ".join(str(row[3]) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}", params)
        return " / ".join(row[0].strip() for row in cursor.fetchall()[:6])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="a data folder kept by benchmarks/web.py")
    parser.add_argument("--label", metavar="N|all",
                        help="label the newest N (or all) original articles' topics first")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    open_kept(Path(args.folder).resolve())
    from django.db import connection
    from django.db.models import Count, Q

    from newsloom.intel.topics import TOPIC_WORDS
    from newsloom.news.models import Article, ArticleTopic, Source
    from newsloom.news.statistics import refresh_statistics
    from newsloom.web.library import PAGE_SIZE, newest_followed
    from newsloom.web.models import Follow, ReadMark
    from newsloom.web.visibility import topic_articles, visible_articles

    if args.label:
        label(None if args.label == "all" else int(args.label))
    refill()
    refresh_statistics()

    counts = {name: 0 for name in TOPIC_WORDS} | dict(
        ArticleTopic.objects.values_list("topic").annotate(n=Count("id"))
        .values_list("topic", "n"))
    print(f"\n{connection.vendor}, {Article.objects.count():,} articles, "
          f"{visible_articles().count():,} listed; topic rows: {counts}")
    source = (Source.objects.annotate(n=Count("articles")).filter(n__gt=0).order_by("n")
              .first())
    assert source is not None
    _, home_p50, home_max = timed(
        lambda: list(visible_articles().values_list("pk", flat=True)[:PAGE]), args.repeat)
    print(f"\nhome listing, page 1: p50 {home_p50:.1f} / max {home_max:.1f} ms\n"
          f"  plan: {plan(visible_articles()[:PAGE])}")
    print(f"\n{'topic':<11} {'rows':>7} {'main p50 / max ms':>20} {'rows p50 / max ms':>20} "
          f"{'for-you main / merged p50 ms':>30} {'ties':>5}")
    plans = []
    unread = ReadMark.objects.none().values("article_id")
    for name in sorted(counts, key=lambda t: -counts[t]):
        main_listing = visible_articles().filter(main_has_topic(name)).order_by("-published_at")
        before = timed(lambda q=main_listing: list(q.values_list("pk", flat=True)[:PAGE]),
                       args.repeat)
        after = timed(lambda n=name: list(topic_articles(n).values_list("pk", flat=True)[:PAGE]),
                      args.repeat)
        main_for_you = (visible_articles().filter(Q(source_id=source.pk) | main_has_topic(name))
                        .order_by("-published_at"))
        follows = [Follow(kind=Follow.Kind.SOURCE, value=str(source.pk)),
                   Follow(kind=Follow.Kind.TOPIC, value=name)]
        you_before = timed(lambda q=main_for_you: list(
            q.values_list("pk", flat=True)[:PAGE_SIZE]), args.repeat)
        you_after = timed(lambda f=follows: newest_followed(f, unread), args.repeat)
        ties = same_listing(before[0], after[0]) + same_listing(you_before[0], you_after[0])
        print(f"{name:<11} {counts[name]:>7,} {before[1]:>10.1f} / {before[2]:>7.1f} "
              f"{after[1]:>10.1f} / {after[2]:>7.1f} {you_before[1]:>18.1f} / "
              f"{you_after[1]:>9.1f} {ties:>5}", flush=True)
        plans.append((name, plan(main_listing[:PAGE]), plan(topic_articles(name)[:PAGE])))
    for name, main_plan, rows_plan in plans[:1] + plans[-1:]:
        print(f"\n{name}: main: {main_plan}\n{' ' * len(name)}  rows: {rows_plan}")


if __name__ == "__main__":
    main()
