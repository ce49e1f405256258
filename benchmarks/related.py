"""Story assignment and related lists as the archive grows, one command:
`python benchmarks/related.py [--archives 1000,100000,1000000]`.

For each archive size, a fresh embedded (SQLite) database gets that many older articles
(bulk rows without embeddings, days before the window: what an archive is to the window),
then three real days of theagora-news1-zh-2020 (from 2020-06-01, reserved days never
touched) imported through the real path, enriched, clustered and related. Then 300 more
articles of the stream, stored without enrichment, are enriched by the production
function (`newsloom.news.enrich.enrich_articles`, batches of 20 as a worker takes them),
timing each step the production code runs:
* the batch's models and bulk write, per article;
* `assign_story` per article (lock, engine sync, decision, writes);
* `relate` per article (the related list from the in-memory window, bulk neighbour writes).
Targets (issue 11): related list p99 < 20 ms at 10^6 stored; the enrichment rate at 10^6
at least 80 % of the rate at 10^3. The page's read of a related list (one indexed query)
is measured by `benchmarks/web.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.stories import stream  # noqa: E402
from tests.corpora import require_corpora  # noqa: E402

NEW = 300
BATCH = 20


def _url(row: dict[str, str]) -> str:
    return f"https://stream.example/{row['id']}"


def _import_line(row: dict[str, str]) -> str:
    """A `newsloom import-jsonl` line for one stream article."""
    return json.dumps({"url": _url(row), "title": row["title"], "text": row["text"],
                       "published": row["published"], "source": row["source"],
                       "language": "zh"})


def _timed(timings: list[float], step: Callable[..., Any]) -> Callable[..., Any]:
    """`step`, recording each call's milliseconds in `timings`."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return step(*args, **kwargs)
        finally:
            timings.append((time.perf_counter() - started) * 1000)
    return wrapper


def _percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.99) - 1)]


def measure(rows: list[dict[str, str]], archive: int) -> dict[str, float]:
    """One archive size, in this process's own fresh database."""
    from django.core.management import call_command
    from django.db import connection

    from newsloom.news import enrich
    from newsloom.news.bulk import import_jsonl
    from newsloom.news.models import Article, RelatedArticle, Source, Story
    from newsloom.news.stories import forget_engine

    call_command("flush", interactive=False, verbosity=0)
    forget_engine()
    window, new = rows[:-NEW], rows[-NEW:]
    first = datetime.fromisoformat(window[0]["published"])
    source = Source.objects.create(name="Archive", feed_url="import:archive", paused=True)
    for start in range(0, archive, 5000):
        Article.objects.bulk_create([Article(
            source=source, guid=f"a{i}", url=f"https://archive.example/{i}",
            title=f"archived article {i}", text="archived", status=Article.Status.READY,
            published_at=first - timedelta(days=3, seconds=30 * (archive - i)))
            for i in range(start, min(start + 5000, archive))])
    import_jsonl([_import_line(r) for r in window])  # enriched, clustered, related
    import_jsonl([_import_line(r) for r in new], enrich=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    ids = list(Article.objects.filter(url__in=[_url(r) for r in new])
               .order_by("published_at", "pk").values_list("pk", flat=True))
    assign_ms: list[float] = []
    relate_ms: list[float] = []
    original = enrich.assign_story, enrich.relate
    enrich.assign_story = _timed(assign_ms, original[0])
    enrich.relate = _timed(relate_ms, original[1])
    started = time.perf_counter()
    try:
        for start in range(0, len(ids), BATCH):
            enrich.enrich_articles(ids[start:start + BATCH])
    finally:
        enrich.assign_story, enrich.relate = original
    seconds = time.perf_counter() - started
    assign = _percentiles(assign_ms)
    related = _percentiles(relate_ms)
    return {"stored": Article.objects.count(), "stories": Story.objects.count(),
            "links": RelatedArticle.objects.count(), "rate": len(ids) / seconds,
            "models_ms": (seconds * 1000 - sum(assign_ms) - sum(relate_ms)) / len(ids),
            "assign_p50": assign[0], "assign_p99": assign[1],
            "relate_p50": related[0], "relate_p99": related[1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--archives", default="1000,100000,1000000",
                        help="comma-separated archive sizes, smallest first (the baseline)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.archives.split(",")]
    require_corpora()
    os.environ["NEWSLOOM_DATA_DIR"] = tempfile.mkdtemp(prefix="newsloom-related-")
    os.environ.pop("DATABASE_URL", None)
    from newsloom.startup import start_django

    start_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rows = stream(1100)
    results = []
    for size in sizes:
        started = time.perf_counter()
        results.append(measure(rows, size))
        print(f"  archive {size:,}: done in {time.perf_counter() - started:.0f} s", flush=True)
    base = results[0]["rate"]
    print("\n| stored articles | enrichment rate | vs smallest | models + bulk write / article "
          "| assign p50 / p99 | related p50 / p99 |\n|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['stored']:,} | {r['rate']:.1f} articles/s | {r['rate'] / base:.2f} "
              f"| {r['models_ms']:.1f} ms | {r['assign_p50']:.1f} / {r['assign_p99']:.1f} ms "
              f"| {r['relate_p50']:.1f} / {r['relate_p99']:.1f} ms |")
    print("\ntargets: related p99 < 20 ms at 10^6 stored; rate at 10^6 >= 0.80 of the "
          f"smallest archive's\n(run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")


if __name__ == "__main__":
    main()
