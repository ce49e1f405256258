"""Related articles at 10^6 stored articles, one command: `python benchmarks/related.py`.

Loads a fresh SQLite database (the embedded default) with N articles (default 1,000,000;
10,000 a day over 100 days; real embedding vectors only for the last 10 days, which is all
the related window ever reads) and 8 precomputed related links per article, then measures
* the page's read path (the article's related list with publishers, one indexed query):
  p50/p99 over 2,000 random articles, target under 20 ms,
* the ingest-time computation for a new article (window of +-4 days, ~80,000 vectors).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1_000_000)
    args = parser.parse_args()
    os.environ["NEWSLOOM_DATA_DIR"] = tempfile.mkdtemp(prefix="newsloom-related-")
    os.environ.pop("DATABASE_URL", None)
    from newsloom.startup import start_django

    start_django()
    from django.core.management import call_command
    from django.db import connection

    from newsloom.intel.embed import DIM
    from newsloom.news.enrich import related_candidates
    from newsloom.news.models import Article, RelatedArticle, Source

    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(7)
    sources = [Source.objects.create(name=f"Publisher {i}", feed_url=f"https://p{i}.example/rss")
               for i in range(50)]
    end = datetime(2026, 11, 24, tzinfo=UTC)
    per_day = 10_000
    started = time.perf_counter()
    batch: list[Article] = []
    embedded_from = args.articles - 10 * per_day
    for i in range(args.articles):
        vector = None
        if i >= embedded_from:
            v = rng.standard_normal(DIM).astype(np.float32)
            vector = (v / np.linalg.norm(v)).astype(np.float16).tobytes()
        published = end - timedelta(seconds=(args.articles - i) * 86400 / per_day)
        batch.append(Article(source=sources[i % 50], guid=str(i), url=f"https://n.example/{i}",
                             title=f"Article number {i}", published_at=published,
                             status="ready", embedding=vector, summary=[f"Summary {i}."]))
        if len(batch) == 20_000:
            Article.objects.bulk_create(batch)
            batch = []
    if batch:
        Article.objects.bulk_create(batch)
    first = Article.objects.order_by("pk").values_list("pk", flat=True).first()
    with connection.cursor() as cursor:
        rows = []
        for offset in range(args.articles):
            pk = first + offset
            for k in range(1, 9):
                rows.append((pk, first + (offset + k * 37) % args.articles, 1.0 / k))
            if len(rows) >= 400_000:
                cursor.executemany("INSERT INTO news_relatedarticle (article_id, related_id, "
                                   "score) VALUES (%s, %s, %s)", rows)
                rows = []
        if rows:
            cursor.executemany("INSERT INTO news_relatedarticle (article_id, related_id, score) "
                               "VALUES (%s, %s, %s)", rows)
    load = time.perf_counter() - started
    size = Path(connection.settings_dict["NAME"]).stat().st_size / 2**20

    def read(pk: int) -> list[tuple[str, str, datetime, list[str]]]:
        return [(r.related.title, r.related.source.name, r.related.published_at,
                 r.related.summary) for r in RelatedArticle.objects.filter(article_id=pk)
                .select_related("related__source").order_by("-score")[:6]]

    sample = random.Random(3).sample(range(first, first + args.articles), 2000)
    timings = []
    for pk in sample:
        t = time.perf_counter()
        assert len(read(pk)) == 6
        timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    newest = list(Article.objects.order_by("-pk")[:20])
    compute = []
    for article in newest:
        t = time.perf_counter()
        related_candidates(article, np.frombuffer(bytes(article.embedding), np.float16)
                           .astype(np.float32))
        compute.append(time.perf_counter() - t)
    print(f"\n{args.articles:,} articles, {8 * args.articles:,} related links, SQLite "
          f"{size:,.0f} MB, loaded in {load:.0f} s")
    print(f"{'measure':<44} {'p50 ms':>8} {'p99 ms':>8}")
    print(f"{'article page related list (read)':<44} {statistics.median(timings):>8.2f} "
          f"{timings[int(len(timings) * 0.99)]:>8.2f}")
    compute_ms = sorted(c * 1000 for c in compute)
    print(f"{'compute related for a new article (ingest)':<44} "
          f"{statistics.median(compute_ms):>8.1f} {compute_ms[-1]:>8.1f}")


if __name__ == "__main__":
    main()
