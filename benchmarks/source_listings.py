"""Publisher listings on a kept archive, with and without the publisher index, in one run:
`python benchmarks/source_listings.py FOLDER [--quiet 40] [--repeat 7]`.

FOLDER is an archive kept by `benchmarks/web.py --keep FOLDER` (or built by `web.py --load
N` with NEWSLOOM_DATA_DIR=FOLDER). Its publishers publish every day, so the run first
gives it a quiet one, which is what the index (`article_source_listing`, migration 0017)
is for, unless it has one already: "Quiet Paper", holding the archive's --quiet oldest
listed articles (moved to it; the archive keeps them there). Then, per publisher, fewest
articles first, each as the reader's page runs it:

- page 1 of its listing (`views.ListingPage` over `visible_articles().filter(source=…)`);
- For you of a reader following it alone (`library.newest_followed`);

p50 / max ms of --repeat warm runs, and the plans: once as migrated, and once inside a
transaction that dropped the index and is rolled back afterwards (the archive keeps the
index), the same listing checked (same dates in the same order; "ties": places where
another article of the same date stands, an order neither query fixes). Then editions
(`editions`): the quiet publisher's alone and all the others', walked as main did and
merged from each publisher's range.
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


def measure(repeat: int) -> dict[str, tuple[list[int], float, float]]:
    """Per publisher and page: (ids, p50 ms, max ms)."""
    from django.db.models import Count, Q

    from newsloom.news.models import Article, Source
    from newsloom.web.library import newest_followed
    from newsloom.web.models import Follow, ReadMark
    from newsloom.web.views import ListingPage
    from newsloom.web.visibility import visible_articles

    listed = Q(articles__status=Article.Status.READY, articles__duplicate_of__isnull=True)
    sources = Source.objects.annotate(n=Count("articles", filter=listed)).order_by("n")
    unread = ReadMark.objects.filter(user_id=0).values("article_id")  # a real subquery
    out = {}
    for source in sources:
        pages: dict[str, Callable[[], list[int]]] = {
            "listing": lambda s=source: [a.pk for a in ListingPage(
                visible_articles().filter(source=s).select_related("source"), None)],
            "for you": lambda s=source: newest_followed(
                [Follow(kind=Follow.Kind.SOURCE, value=str(s.pk))], unread),
        }
        for page, run in pages.items():
            out[f"{source.name[:24]} ({source.n:,})|{page}"] = timed(run, repeat)
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
    with_index = measure(args.repeat)
    quiet = Source.objects.get(name=QUIET)
    plans = [plan(visible_articles().filter(source=quiet)[:31])]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX article_source_listing")
        without = measure(args.repeat)
        plans.append(plan(visible_articles().filter(source=quiet)[:31]))
        transaction.set_rollback(True)
    print(f"\n{'publisher (listed articles)':<36} {'page':<8} "
          f"{'without index p50 / max ms':>27} {'with index p50 / max ms':>25} {'ties':>5}")
    for key, (ids, p50, top) in with_index.items():
        before = without[key]
        ties = same_listing(before[0], ids)
        name, page = key.split("|")
        print(f"{name:<36} {page:<8} {before[1]:>14.1f} / {before[2]:>8.1f} "
              f"{p50:>13.1f} / {top:>7.1f} {ties:>5}")
    print(f"\n{QUIET}, plan with the index: {plans[0]}\n{' ' * len(QUIET)}  without: {plans[1]}")
    editions(args.repeat)


def editions(repeat: int) -> None:
    """An edition of the quiet publisher alone and one of all the others (regions set in
    a transaction rolled back afterwards): its page and a follower's For you as main had
    them (one walk along the listing index testing each article's region) and as merged
    ranges of its publishers (`visibility.edition_listings`)."""
    from django.db import transaction

    from newsloom.news.models import Source
    from newsloom.web.library import PAGE_SIZE, newest_followed
    from newsloom.web.models import Follow, ReadMark
    from newsloom.web.views import ListingPage
    from newsloom.web.visibility import edition_listings, visible_articles

    unread = ReadMark.objects.filter(user_id=0).values("article_id")
    print(f"\n{'edition (publishers)':<24} {'page':<8} {'walk p50 / max ms':>20} "
          f"{'merged p50 / max ms':>22} {'ties':>5}")
    with transaction.atomic():
        Source.objects.update(region="busy")
        Source.objects.filter(name=QUIET).update(region="quiet")
        for region in ("quiet", "busy"):
            walk = visible_articles().filter(source__region=region)
            pages = {
                "listing": (lambda w=walk: [a.pk for a in ListingPage(w, None)],
                            lambda r=region: [a.pk for a in ListingPage(edition_listings(r),
                                                                        None)]),
                "for you": (lambda w=walk: list(w.exclude(pk__in=unread).values_list(
                                "pk", flat=True)[:PAGE_SIZE]),
                            lambda r=region: newest_followed(
                                [Follow(kind=Follow.Kind.REGION, value=r)], unread)),
            }
            publishers = Source.objects.filter(region=region).count()
            for page, (before, after) in pages.items():
                old, new = timed(before, repeat), timed(after, repeat)
                print(f"{f'{region} ({publishers})':<24} {page:<8} {old[1]:>9.1f} / {old[2]:>8.1f} "
                      f"{new[1]:>11.1f} / {new[2]:>8.1f} {same_listing(old[0], new[0]):>5}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
