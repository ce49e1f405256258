"""Publisher, edition and language listings on a kept archive, before and after they
became index ranges, in one run: `python benchmarks/listing_ranges.py FOLDER [--quiet 40]
[--repeat 7]`.

FOLDER is an archive kept by `benchmarks/web.py --keep FOLDER` (or built by `web.py --load
N` with NEWSLOOM_DATA_DIR=FOLDER). Its publishers publish every day, so the run first gives
it a quiet one, unless it has one already: "Quiet Paper", holding the archive's --quiet
oldest listed articles (moved to it; the archive keeps them there). Then, inside a
transaction rolled back at the end (the archive keeps its regions, languages and
indexes): the quiet publisher alone is edition "quiet" and writes language "ja", the
others are edition "busy". Each page as the reader's page runs it, p50 / max ms of
--repeat warm runs:

- per publisher, fewest articles first: page 1 of its listing (`views.ListingPage`) and
  For you of a reader following it alone (`library.newest_followed`);
- the "ja" language page;
- each edition's page and For you, merged from its publishers' ranges
  (`visibility.edition_listings`);

"after" is the code as it is; "before" is the same code with the publisher and language
indexes dropped (migration 0017), and for editions main's one walk along the
listing index testing each article's region. The same listings are checked (same dates in
the same order; "ties": places where another article of the same date stands, an order
neither query fixes), and the plans of the quiet publisher's page are printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.backends import open_kept  # noqa: E402
from benchmarks.topic_listings import plan, same_listing, timed  # noqa: E402

QUIET = "Quiet Paper"
QUIET_LANGUAGE = "ja"
INDEXES = ("article_source_listing", "article_language_listing")

Pages = dict[str, Callable[[], list[int]]]


def quiet_publisher(count: int) -> None:
    """A publisher whose articles are the archive's `count` oldest listed ones."""
    from newsloom.news.models import Source
    from newsloom.web.visibility import visible_articles

    source, made = Source.objects.get_or_create(
        name=QUIET, defaults={"feed_url": "https://quiet.example/feed.xml"})
    if made:
        oldest = list(visible_articles().order_by("published_at")
                      .values_list("pk", flat=True)[:count])
        visible_articles().filter(pk__in=oldest).update(source=source)


def pages(walk_editions: bool) -> Pages:
    """The pages measured, by row name; editions walked as main did when asked."""
    from django.db.models import Count, Q

    from newsloom.news.models import Article, Source
    from newsloom.web.library import PAGE_SIZE, newest_followed
    from newsloom.web.models import Follow, ReadMark
    from newsloom.web.views import ListingPage
    from newsloom.web.visibility import edition_listings, visible_articles

    unread = ReadMark.objects.filter(user_id=0).values("article_id")  # a real subquery
    listed = Q(articles__status=Article.Status.READY, articles__duplicate_of__isnull=True)
    out: Pages = {}
    for source in Source.objects.annotate(n=Count("articles", filter=listed)).order_by("n"):
        name = f"publisher {source.name[:12]} ({source.n:,})"
        out[f"{name}|listing"] = lambda s=source: [
            a.pk for a in ListingPage(visible_articles().filter(source=s), None)]
        out[f"{name}|for you"] = lambda s=source: newest_followed(
            [Follow(kind=Follow.Kind.SOURCE, value=str(s.pk))], unread)
    out[f"language {QUIET_LANGUAGE}|listing"] = lambda: [
        a.pk for a in ListingPage(visible_articles().filter(language=QUIET_LANGUAGE), None)]
    for region in ("quiet", "busy"):
        name = f"edition {region} ({Source.objects.filter(region=region).count()})"
        walk = visible_articles().filter(source__region=region)
        if walk_editions:
            out[f"{name}|listing"] = lambda w=walk: [a.pk for a in ListingPage(w, None)]
            out[f"{name}|for you"] = lambda w=walk: list(
                w.exclude(pk__in=unread).values_list("pk", flat=True)[:PAGE_SIZE])
        else:
            out[f"{name}|listing"] = lambda r=region: [
                a.pk for a in ListingPage(edition_listings(r), None)]
            out[f"{name}|for you"] = lambda r=region: newest_followed(
                [Follow(kind=Follow.Kind.REGION, value=r)], unread)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="a data folder kept by benchmarks/web.py")
    parser.add_argument("--quiet", type=int, default=40,
                        help="articles of the quiet publisher the run adds when it has none")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    open_kept(Path(args.folder).resolve())
    from django.db import connection, transaction

    from newsloom.news.models import Article, Source
    from newsloom.web.visibility import visible_articles

    quiet_publisher(args.quiet)
    print(f"{connection.vendor}, {Article.objects.count():,} articles, "
          f"{Source.objects.count()} publishers")
    with transaction.atomic():
        Source.objects.update(region="busy")
        Source.objects.filter(name=QUIET).update(region="quiet", language=QUIET_LANGUAGE)
        quiet = Source.objects.get(name=QUIET)
        Article.objects.filter(source=quiet).update(language=QUIET_LANGUAGE)
        after = {key: timed(run, args.repeat) for key, run in pages(False).items()}
        plans = [plan(visible_articles().filter(source=quiet)[:31])]
        with connection.cursor() as cursor:
            for index in INDEXES:
                cursor.execute(f"DROP INDEX {index}")
        before = {key: timed(run, args.repeat) for key, run in pages(True).items()}
        plans.append(plan(visible_articles().filter(source=quiet)[:31]))
        transaction.set_rollback(True)
    print(f"\n{'listing':<36} {'page':<8} {'before p50 / max ms':>21} "
          f"{'after p50 / max ms':>20} {'ties':>5}")
    for key, (ids, p50, top) in after.items():
        name, page = key.split("|")
        old = before[key]
        print(f"{name:<36} {page:<8} {old[1]:>10.1f} / {old[2]:>8.1f} "
              f"{p50:>9.1f} / {top:>8.1f} {same_listing(old[0], ids):>5}")
    print(f"\n{QUIET}'s page, plan after: {plans[0]}\n{' ' * len(QUIET)}  before: {plans[1]}")


if __name__ == "__main__":
    main()
