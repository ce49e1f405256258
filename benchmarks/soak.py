"""Soak test and benchmark of the worker's two paths, one command: `python benchmarks/soak.py`.

Several hundred real article pages (the Zyte benchmark's 181, then trafilatura's evaluation
pages) are served from 127.0.0.1 behind generated feeds and run through the whole pipeline
(fetch, extract, store, enrich, cluster, relate) in a fresh subprocess and SQLite database
per run:

- threaded: extraction and enrichment on the fetching threads (`--processes 0`), the path
  that crashed with "double free or corruption" / SIGSEGV inside lxml;
- processes: the same stages in the worker's process pool (newsloom.news.cpu);
- processes, warm: the same, with the pool's processes started before the clock (each
  extraction process has extracted one page, the enrichment process has loaded its models),
  as the anchor's pool is: the steady rate of a worker that runs for days, where the cold
  row also pays about 3 s of starting processes and loading models once;
- the anchor: plain `trafilatura.extract` on the same pages in 2 processes, measured right
  before each pipeline row, so each row is also given as a share of what the extractor alone
  does on the machine as it was then (issue 11's target: the pipeline with enrichment at 0.5
  or more of trafilatura's 2-process rate); 1 and 2 processes again at the end.

Per run: whether it crashed (killed by a signal), articles stored and enriched, articles/s,
CPU seconds of the run and all its processes (sampled from /proc every 0.2 s, so Linux
only), cores used, CPU ms an article in all and in the main process alone (fetching,
feeds, storing, the search index, handing stages over, and the run's own page server),
and the peak memory of the main process and of each pool process.
Prints one table and writes benchmarks/results/soak.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.backends import isolated_env  # noqa: E402
from benchmarks.results import save  # noqa: E402
from tests.corpora import CORPORA, require_corpora  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def load_pages(count: int) -> list[bytes]:
    """`count` real pages: the Zyte set first, then trafilatura's evaluation pages."""
    zyte = CORPORA / "zyte-article-extraction-benchmark" / "html"
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(zyte.glob("*.html.gz"))]
    teval = CORPORA / "trafilatura-eval"
    with open(teval / "index.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if len(pages) >= count:
                break
            pages.append(gzip.decompress((teval / json.loads(line)["html"]).read_bytes()))
    return pages[:count]


def _plain_extract(html: bytes) -> int:
    import trafilatura

    return len(trafilatura.extract(html) or "")


def plain_trafilatura(pages: list[bytes], processes: int) -> float:
    """Pages a second for plain trafilatura on `pages` (the pool is started and warmed
    before the clock starts: the anchor is the extractor, not process start-up)."""
    if processes <= 1:
        _plain_extract(pages[0])
        started = time.perf_counter()
        for page in pages:
            _plain_extract(page)
        return len(pages) / (time.perf_counter() - started)
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        pool.map(_plain_extract, pages[:processes], chunksize=1)
        started = time.perf_counter()
        pool.map(_plain_extract, pages, chunksize=4)
        return len(pages) / (time.perf_counter() - started)


def warm_pool(processes: int, page: bytes) -> None:
    """Start every process of the worker's pool and let each pay its first-use costs (the
    extraction processes' imports and date-parser set-up, the enrichment process's models)
    before the clock starts, as `plain_trafilatura` warms its pool."""
    from concurrent.futures import ThreadPoolExecutor
    from functools import partial

    from newsloom.articles.extract import extract_article
    from newsloom.news import cpu

    with ThreadPoolExecutor(processes + 1) as threads:
        # one at a time per process: while a stage runs, the next one starts another process
        done = [threads.submit(cpu.run, partial(extract_article, want_date=True), page,
                               "http://127.0.0.1/warm") for _ in range(processes)]
        done.append(threads.submit(cpu.run_serial, os.getpid))
        for future in done:
            future.result()


def child(processes: int, count: int, threads: int, warm: int = 0) -> None:
    """One run, in a subprocess whose environment names a fresh data folder."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsloom.settings")
    django.setup()
    from newsloom.news import cpu, schema
    from newsloom.news.models import Article, Source
    from newsloom.news.runner import refresh_and_process
    from tests.fixture_server import FixtureServer, respond

    schema.migrate()
    pages = load_pages(count)
    server = FixtureServer()
    for index, raw in enumerate(pages):
        server.routes[f"/p/{index}"] = respond(200, raw)
    per_feed = 50
    for feed, start in enumerate(range(0, len(pages), per_feed)):
        items = "".join(
            f"<item><guid>p{i}</guid><link>{server.url(f'/p/{i}')}</link><title>Page {i}</title>"
            f"<pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>"
            for i in range(start, min(len(pages), start + per_feed)))
        body = f'<rss version="2.0"><channel><title>Feed {feed}</title>{items}</channel></rss>'
        server.routes[f"/feed/{feed}"] = respond(200, body.encode(), "application/rss+xml")
        Source.objects.create(name=f"Feed {feed}", feed_url=server.url(f"/feed/{feed}"))
    cpu.configure(processes)
    if warm:
        warm_pool(processes, pages[0])
    # CPU spent before the clock (warming the pool), per process: taken off the run's
    before = {str(pid): sample[0] for pid in descendants(os.getpid())
              if (sample := _sample(pid))}
    started = time.perf_counter()
    refresh_and_process(list(Source.objects.values_list("pk", flat=True)), workers=threads)
    elapsed = time.perf_counter() - started
    replaced = cpu.replaced()
    cpu.configure(0)
    ready = Article.objects.filter(status=Article.Status.READY)
    print(json.dumps({"articles": ready.count(),
                      "enriched": ready.filter(enriched_at__isnull=False).count(),
                      "failed": Article.objects.filter(status=Article.Status.FAILED).count(),
                      "seconds": elapsed, "pool_replaced": replaced,
                      "cpu_before_clock": before}))
    server.close()


def descendants(root: int) -> list[int]:
    """`root` and every process below it (children of children included)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _sample(pid: int) -> tuple[float, float] | None:
    """(CPU seconds, resident MB) of one process, or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    rss = next((int(line.split()[1]) for line in status.splitlines()
                if line.startswith("VmRSS:")), 0)
    return (int(fields[11]) + int(fields[12])) / TICK, rss / 1024


def run(processes: int, count: int, threads: int, warm: bool = False) -> dict[str, object]:
    env = isolated_env("newsloom-soak-", NEWSLOOM_FETCH_ALLOW="127.0.0.1/32",
                       NEWSLOOM_HOST_SPACING="0", NEWSLOOM_PER_HOST="8")
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(processes), str(count),
                             str(threads), str(int(warm))], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    cpu_seen: dict[int, float] = {}
    rss_seen: dict[int, float] = {}
    while proc.poll() is None:
        for pid in descendants(proc.pid):
            sample = _sample(pid)
            if sample:
                cpu_seen[pid] = sample[0]
                rss_seen[pid] = max(rss_seen.get(pid, 0.0), sample[1])
        time.sleep(0.2)
    out, err = proc.communicate()
    path = ("processes, warm" if warm else "processes") if processes else "threaded"
    row: dict[str, object] = {"path": path,
                              "processes": processes, "threads": threads,
                              "exit": proc.returncode}
    if proc.returncode != 0:
        row["crash"] = err.strip().splitlines()[-1:] if err.strip() else []
        return row
    result = json.loads(out.strip().splitlines()[-1])
    before: dict[str, float] = result.pop("cpu_before_clock")
    cpu_seconds = sum(cpu_seen.values()) - sum(before.values())
    # the main process: fetching, parsing feeds, storing articles and the search index,
    # handing stages to the pool (and the page server the run stands up for itself)
    main_cpu = cpu_seen.get(proc.pid, 0.0) - before.get(str(proc.pid), 0.0)
    # pool processes only: multiprocessing's resource tracker is a child too, at ~20 MB
    pool = sorted((rss for pid, rss in rss_seen.items() if pid != proc.pid and rss > 50),
                  reverse=True)
    row.update(result, per_second=result["articles"] / result["seconds"],
               cpu_seconds=cpu_seconds, cores=cpu_seconds / result["seconds"],
               cpu_ms_per_article=1000 * cpu_seconds / max(1, result["articles"]),
               main_cpu_ms_per_article=1000 * main_cpu / max(1, result["articles"]),
               main_rss_mb=rss_seen.get(proc.pid, 0.0), pool_rss_mb=pool)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", nargs=4, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each path")
    parser.add_argument("--threads", type=int, default=8, help="fetching threads")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    require_corpora()
    rows = []
    print(f"{args.pages} real pages, fetch -> extract -> store -> enrich, SQLite, "
          f"{os.cpu_count()} cores")
    print(f"{'path':<15} {'exit':>5} {'stored':>6} {'enriched':>8} {'art/s':>6} {'CPU s':>6} "
          f"{'cores':>5} {'CPU ms/art (main)':>17} {'main MB':>7} {'pool restarts':>13}  "
          "pool processes MB")
    pages = load_pages(args.pages)
    for _ in range(args.rounds):
        for processes, warm in ((0, False), (args.processes, False), (args.processes, True)):
            # the anchor right before each row: this machine's speed drifts by half within
            # minutes (plain trafilatura 78 then 113 pages/s in one session), so a row is
            # compared with the extractor as fast as the machine was at that moment
            anchor = plain_trafilatura(pages, 2)
            row = run(processes, args.pages, args.threads, warm)
            row["anchor"] = anchor
            rows.append(row)
            if row["exit"]:
                print(f"{row['path']:<15} {row['exit']:>5} crashed: {row.get('crash')}")
                continue
            print(f"{row['path']:<15} {row['exit']:>5} {row['articles']:>6} {row['enriched']:>8} "
                  f"{row['per_second']:>6.2f} {row['cpu_seconds']:>6.0f} {row['cores']:>5.2f} "
                  f"{row['cpu_ms_per_article']:>9.1f} ({row['main_cpu_ms_per_article']:>4.1f}) "
                  f"{row['main_rss_mb']:>7.0f} {row['pool_replaced']:>13}  "
                  + " ".join(f"{mb:.0f}" for mb in row["pool_rss_mb"]))  # type: ignore[attr-defined]
    anchors = {1: plain_trafilatura(pages, 1), 2: plain_trafilatura(pages, 2)}
    print(f"\nplain trafilatura on the same pages at the end: {anchors[1]:.1f} pages/s in 1 "
          f"process, {anchors[2]:.1f} in 2; each row against the 2-process rate measured "
          "just before it:")
    for row in rows:
        if not row["exit"]:
            print(f"  {row['path']:<15} {row['per_second'] / row['anchor']:.2f} of "
                  f"{row['anchor']:.1f} pages/s (target 0.5)")
    save("soak", {"pages": args.pages, "rounds": rows, "trafilatura_pages_per_second": anchors})


if __name__ == "__main__":
    main()
