"""Story engine speed, one command: `python benchmarks/stories.py [--archive 1000000]`.

Two figures, on the code production runs:
* `newsloom cluster` (the CLI, in a subprocess) on 10,000 real articles of
  theagora-news1-zh-2020 (from 2020-06-01, reserved days never touched): target within a
  minute on 2 cores;
* assigning a new article to a story in the database (`newsloom.news.stories.assign_story`,
  what ingestion runs, lock and writes included) with `--archive` older articles stored
  (default 10^6) and three real days of the stream before it, enriched through the real
  import: p50/p99 over 300 articles, target p99 under 20 ms. The archive rows carry no
  embedding: the engine never reads outside its window, which is the point measured.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.story_sets import reserved  # noqa: E402
from newsloom.articles.sanitize import html_to_text  # noqa: E402
from tests.corpora import require_corpora, theagora_rows  # noqa: E402

START = "2020-06-01"


def stream(count: int) -> list[dict[str, str]]:
    """`count` consecutive articles from START, as `newsloom cluster` input lines."""
    rows = []
    for row in theagora_rows():
        if row["published"] < START or reserved(row["published"]):
            continue
        body = html_to_text(row["body"]) if row["body_format"] == "html" else row["body"]
        rows.append({"id": row["id"], "title": row["title"], "text": body,
                     "published": row["published"], "source": row["source"], "language": "zh"})
        if len(rows) == count:
            break
    return rows


def cluster_command(rows: list[dict[str, str]]) -> tuple[float, str]:
    folder = Path(tempfile.mkdtemp(prefix="newsloom-cluster-"))
    (folder / "in.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    env = dict(os.environ, NEWSLOOM_DATA_DIR=str(folder))
    env.pop("DATABASE_URL", None)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "newsloom.cli", "cluster", "--input",
                           str(folder / "in.jsonl"), "--output", str(folder / "out.jsonl")],
                          env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout.strip()


def _url(row: dict[str, str]) -> str:
    return f"https://stream.example/{row['id']}"


def _import_line(row: dict[str, str]) -> str:
    """A `newsloom import-jsonl` line for one stream article."""
    return json.dumps({"url": _url(row), "title": row["title"], "text": row["text"],
                       "published": row["published"], "source": row["source"],
                       "language": "zh"})


def assignment(rows: list[dict[str, str]], archive: int) -> dict[str, float]:
    os.environ["NEWSLOOM_DATA_DIR"] = tempfile.mkdtemp(prefix="newsloom-stories-")
    os.environ.pop("DATABASE_URL", None)
    from newsloom.startup import start_django

    start_django()
    from django.core.management import call_command

    from newsloom.intel.features import ArticleInput, build_features
    from newsloom.news.bulk import import_jsonl
    from newsloom.news.models import Article, Source
    from newsloom.news.stories import assign_story

    call_command("migrate", verbosity=0)
    window, new = rows[:-300], rows[-300:]
    first = datetime.fromisoformat(window[0]["published"])
    source = Source.objects.create(name="Archive", feed_url="import:archive", paused=True)
    started = time.perf_counter()
    for start in range(0, archive, 5000):
        Article.objects.bulk_create([Article(
            source=source, guid=f"a{i}", url=f"https://archive.example/{i}",
            title=f"archived article {i}", text="archived", status=Article.Status.READY,
            published_at=first - timedelta(days=3, seconds=30 * (archive - i)))
            for i in range(start, min(start + 5000, archive))])
    print(f"  archive of {archive:,} articles stored in {time.perf_counter() - started:.0f} s")
    import_jsonl([_import_line(r) for r in window])  # enriched and clustered, the real path
    print(f"  {len(window)} window articles imported and clustered")
    import_jsonl([_import_line(r) for r in new], enrich=False)
    articles = list(Article.objects.filter(url__in=[_url(r) for r in new])
                    .order_by("published_at"))
    features = build_features([ArticleInput(str(a.pk), a.title, a.text, a.published_at,
                                            "zh", str(a.source_id)) for a in articles])
    timings = []
    for article, feature in zip(articles, features, strict=True):
        started = time.perf_counter()
        assign_story(article, feature)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {"stored": Article.objects.count(), "p50_ms": statistics.median(timings),
            "p99_ms": timings[int(len(timings) * 0.99) - 1], "max_ms": timings[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--archive", type=int, default=1_000_000)
    parser.add_argument("--cluster", type=int, default=10_000)
    args = parser.parse_args()
    require_corpora()
    rows = stream(max(args.cluster, 1100))
    seconds, said = cluster_command(rows[:args.cluster])
    print(f"newsloom cluster, {args.cluster:,} articles: {seconds:.1f} s "
          f"({args.cluster / seconds:.0f} articles/s; {said}); target under 60 s")
    result = assignment(rows[:1100], args.archive)
    print("\n| stored articles | assign p50 | assign p99 | max | target p99 |\n"
          "|---|---|---|---|---|\n"
          f"| {result['stored']:,} | {result['p50_ms']:.1f} ms | {result['p99_ms']:.1f} ms "
          f"| {result['max_ms']:.1f} ms | < 20 ms |")
    print(f"\n(run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")


if __name__ == "__main__":
    main()
