"""Ingestion benchmark, one command: `python benchmarks/ingest.py`.

1. Extraction quality next to plain trafilatura, in the same run: Zyte article-extraction
   benchmark (shingle F1; published anchor trafilatura 0.958) and trafilatura's evaluation
   set (segment F1; anchor 0.924). Our cleaning must not lose F1.
2. Throughput through fetch -> parse -> extract -> store from a local HTTP server that plays
   the publishers (the 181 real Zyte pages behind generated feeds), on SQLite and, when
   reachable, PostgreSQL + Redis. Each backend runs in a fresh subprocess and database.

Prints one table and writes benchmarks/results/ingest.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.backends import ADMIN_URL, fresh_database, isolated_env  # noqa: E402
from benchmarks.results import save  # noqa: E402
from tests.corpora import CORPORA, require_corpora  # noqa: E402

ANCHORS = {"zyte": 0.958, "trafilatura-eval": 0.924}


def _load_zyte() -> list[tuple[str, str, bytes]]:
    folder = CORPORA / "zyte-article-extraction-benchmark"
    truth = json.loads(gzip.decompress((folder / "ground-truth.json.gz").read_bytes()))
    return [(truth[k]["url"], truth[k]["articleBody"],
             gzip.decompress((folder / "html" / f"{k}.html.gz").read_bytes()))
            for k in sorted(truth)]


def _load_trafilatura_eval(limit: int | None) -> list[tuple[str, list[str], list[str], bytes]]:
    folder = CORPORA / "trafilatura-eval"
    rows = []
    with open(folder / "index.jsonl", encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            raw = gzip.decompress((folder / item["html"]).read_bytes())
            rows.append((item["url"], item["with"], item["without"], raw))
    return rows[:limit] if limit else rows


def _plain_trafilatura(raw: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(raw, url=url) or ""


def _newsloom(raw: bytes, url: str) -> str:
    from newsloom.articles.extract import extract_article

    page = extract_article(raw, url)
    return page.text if page else ""


def quality(limit: int | None) -> list[dict[str, object]]:
    from benchmarks.extraction_metrics import segment_scores, zyte_scores

    rows: list[dict[str, object]] = []
    zyte = _load_zyte()
    teval = _load_trafilatura_eval(limit)
    for name, extractor in (("trafilatura (plain)", _plain_trafilatura),
                            ("newsloom", _newsloom)):
        started = time.perf_counter()
        scores = zyte_scores([(truth, extractor(raw, url)) for url, truth, raw in zyte])
        per_page = (time.perf_counter() - started) / len(zyte)
        rows.append({"dataset": "zyte", "system": name, **scores, "ms_per_page": per_page * 1e3,
                     "pages": len(zyte), "anchor_f1": ANCHORS["zyte"]})
        started = time.perf_counter()
        scores = segment_scores([(w, wo, extractor(raw, url)) for url, w, wo, raw in teval])
        per_page = (time.perf_counter() - started) / len(teval)
        rows.append({"dataset": "trafilatura-eval", "system": name, **scores,
                     "ms_per_page": per_page * 1e3, "pages": len(teval),
                     "anchor_f1": ANCHORS["trafilatura-eval"]})
    return rows


# ----------------------------------------------------------------------------- throughput

def _throughput_child(feeds: int) -> None:
    """Runs in a subprocess whose environment selects the backend."""
    from newsloom.startup import start_django

    start_django()
    from django.core.management import call_command

    from newsloom.news.models import Article, Source
    from newsloom.news.runner import refresh_and_process
    from tests.fixture_server import FixtureServer, respond

    call_command("migrate", verbosity=0)
    pages = _load_zyte()
    server = FixtureServer()
    for index, (_, _, raw) in enumerate(pages):
        server.routes[f"/p/{index}"] = respond(200, raw)
    per_feed = -(-len(pages) // feeds)
    for feed in range(feeds):
        items = "".join(
            f"<item><guid>p{i}</guid><link>{server.url(f'/p/{i}')}</link><title>Page {i}</title>"
            f"<pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>"
            for i in range(feed * per_feed, min(len(pages), (feed + 1) * per_feed)))
        body = f'<rss version="2.0"><channel><title>Feed {feed}</title>{items}</channel></rss>'
        server.routes[f"/feed/{feed}"] = respond(200, body.encode(), "application/rss+xml")
        Source.objects.create(name=f"Feed {feed}", feed_url=server.url(f"/feed/{feed}"))
    import resource

    started = time.perf_counter()
    refresh_and_process(list(Source.objects.values_list("pk", flat=True)), workers=4)
    elapsed = time.perf_counter() - started
    stored = Article.objects.filter(status=Article.Status.READY).count()
    server.close()
    print(json.dumps({"articles": stored, "seconds": elapsed, "per_second": stored / elapsed,
                      "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def _postgres_available(url: str) -> str:
    try:
        import psycopg
        import redis

        psycopg.connect(url, connect_timeout=3).close()
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=3).ping()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def throughput(feeds: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    backends = [("sqlite", {})]
    problem = _postgres_available(ADMIN_URL)
    if not problem:
        backends.append(("postgresql+redis", {
            "DATABASE_URL": fresh_database("newsloom_bench"),
            "REDIS_URL": "redis://127.0.0.1:6379/0", "NEWSLOOM_QUEUE_NAME": "newsloom-bench"}))
    for name, extra in backends:
        env = isolated_env("newsloom-bench-", NEWSLOOM_FETCH_ALLOW="127.0.0.1/32",
                           NEWSLOOM_HOST_SPACING="0", NEWSLOOM_PER_HOST="4", **extra)
        out = subprocess.run([sys.executable, __file__, "--child", str(feeds)], env=env,
                             capture_output=True, text=True, check=True, cwd=ROOT)
        rows.append({"backend": name, **json.loads(out.stdout.strip().splitlines()[-1])})
    if problem:
        rows.append({"backend": "postgresql+redis", "skipped": problem})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=None,
                        help="first N pages of trafilatura-eval only (default: all 990)")
    parser.add_argument("--feeds", type=int, default=6)
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    if args.child:
        _throughput_child(args.child)
        return
    require_corpora()
    results: dict[str, object] = {}
    print("\nThroughput: fetch -> parse -> extract -> store, 181 real pages from a local server")
    print(f"{'backend':<18} {'articles':>8} {'seconds':>8} {'articles/s':>10} {'max RSS MB':>10}")
    results["throughput"] = rows = throughput(args.feeds)
    for row in rows:
        if "skipped" in row:
            print(f"{row['backend']:<18} skipped: {row['skipped']}")
        else:
            print(f"{row['backend']:<18} {row['articles']:>8} {row['seconds']:>8.1f} "
                  f"{row['per_second']:>10.1f} {row['max_rss_mb']:>10.0f}")
    if not args.skip_quality:
        print("\nExtraction quality (same run, same pages)")
        print(f"{'dataset':<17} {'system':<20} {'P':>6} {'R':>6} {'F1':>6} {'anchor':>7} "
              f"{'ms/page':>8}")
        results["quality"] = rows = quality(args.limit)
        for row in rows:
            print(f"{row['dataset']:<17} {row['system']:<20} {row['precision']:>6.3f} "
                  f"{row['recall']:>6.3f} {row['f1']:>6.3f} {row['anchor_f1']:>7.3f} "
                  f"{row['ms_per_page']:>8.1f}")
    save("ingest", results)


if __name__ == "__main__":
    main()
