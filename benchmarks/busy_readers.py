"""Readers while an ingest runs, one command: `python benchmarks/busy_readers.py`.

Issue 11's target: 100 signed-in readers with think time while an ingest runs get article
pages at p99 < 100 ms, and the ingest keeps at least 70 % of its idle rate.

What runs is what the product runs: `newsloom serve` with its worker (web processes,
the Huey worker, its extraction and enrichment processes) on the embedded default, over
an archive of theagora-news1-zh-2020 (benchmarks/archive.py, reserved days left out).
Publishers are played by a local page server in a process of its own: the real pages of
the soak test (Zyte's 181, then trafilatura's evaluation pages) behind generated feeds.
A first small set starts the worker's processes; the other pages are dealt round-robin
into three equal sets, ingested one after the other by adding their feeds and queueing a
refresh (`newsloom refresh --all`, as an operator would): idle, then under 100 signed-in
readers, then idle again (the idle rate is the mean of the two, so a drift over the run
does not pass for the readers' cost). The whole scenario runs once per worker niceness
(NEWSLOOM_WORKER_NICE, `--worker-nice 10,0`), each on a fresh copy of the same archive. The rate
is articles stored and enriched (or given up on) per second from the worker reading the
feeds to the last one done. The readers sign in through the login form (each its own
account and address behind a trusted proxy), then open random article pages with a
mean 5 s think time; they are also measured alone first, without an ingest.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.readers import TRUSTED_PROXY, new_reader, read_for, sign_in  # noqa: E402
from benchmarks.results import save  # noqa: E402
from tests.corpora import require_corpora  # noqa: E402

READERS = 100
# set 0 starts the worker's processes (and loads their models) before anything is timed
SETS = ("warm-up", "idle", "readers", "idle again")
FEED_SIZE = 50
WARM_UP = 40  # pages of set 0


def members(number: int, pages: int) -> list[int]:
    """The pages of set `number`: the first WARM_UP pages warm up, the rest are dealt
    round-robin to the three measured sets (so each gets the same mix)."""
    if number == 0:
        return list(range(min(WARM_UP, pages)))
    return list(range(WARM_UP + number - 1, pages, len(SETS) - 1))


def page_server(count: int) -> None:
    """Serve `count` soak pages and, per set, feeds of its pages; print the port, then
    serve until killed."""
    from benchmarks.soak import load_pages
    from tests.fixture_server import FixtureServer, respond

    pages = load_pages(count)
    server = FixtureServer()
    for index, raw in enumerate(pages):
        server.routes[f"/p/{index}"] = respond(200, raw)
    for number, _ in enumerate(SETS):
        dealt = members(number, len(pages))
        for feed, start in enumerate(range(0, len(dealt), FEED_SIZE)):
            items = "".join(
                f"<item><guid>p{i}</guid><link>{server.url(f'/p/{i}')}</link>"
                f"<title>Page {i}</title><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>"
                for i in dealt[start:start + FEED_SIZE])
            body = (f'<rss version="2.0"><channel><title>Set {number} feed {feed}</title>'
                    f"{items}</channel></rss>")
            server.routes[f"/feed/{number}/{feed}"] = respond(200, body.encode(),
                                                              "application/rss+xml")
    print(json.dumps({"base": server.base, "pages": len(pages)}), flush=True)
    while True:
        time.sleep(3600)


def add_feeds(base: str, number: int, pages: int) -> list[int]:
    """Sources for set `number`'s feeds; their ids."""
    from newsloom.news.models import Source

    return [Source.objects.create(name=f"Set {number} feed {feed}",
                                  feed_url=f"{base}/feed/{number}/{feed}").pk
            for feed in range(-(-len(members(number, pages)) // FEED_SIZE))]


def ingest(env: dict[str, str], base: str, number: int, pages: int,
           patience: float = 30.0) -> dict[str, float]:
    """Add set `number`'s feeds, queue a refresh for the worker, wait until every page
    of the set is stored and enriched or given up on (or nothing moved for `patience` s).
    The clock starts when the feeds' entries appear (the worker has read a feed): an idle
    Huey consumer polls its queue with a backoff of up to 10 s, which is not ingest speed."""
    from django.db.models import Q

    from newsloom.news.models import Article

    expected = len(members(number, pages))
    sources = add_feeds(base, number, pages)
    subprocess.run([sys.executable, "-m", "newsloom.cli", "refresh", "--all"], env=env,
                   check=True, capture_output=True)
    articles = Article.objects.filter(source__in=sources)
    done_filter = Q(status=Article.Status.FAILED) | Q(status=Article.Status.READY,
                                                       enriched_at__isnull=False)
    queued = time.perf_counter()
    while not articles.exists() and time.perf_counter() - queued < 120:
        time.sleep(0.05)
    started = time.perf_counter()
    done, last_change, finished = 0, started, started
    while done < expected and time.perf_counter() - last_change < patience:
        time.sleep(0.25)
        now_done = articles.filter(done_filter).count()
        if now_done != done:
            done, last_change, finished = now_done, time.perf_counter(), time.perf_counter()
    seconds = finished - started
    return {"articles": done, "expected": expected, "seconds": seconds,
            "per_second": done / seconds if seconds else 0.0}


def peak_memory(root: int) -> list[tuple[str, float]]:
    """Peak resident MB (VmHWM) of `root` and each process below it, with what it is."""
    from benchmarks.soak import descendants

    peaks = []
    for pid in descendants(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        kb = next(int(line.split()[1]) for line in status.splitlines()
                  if line.startswith("VmHWM:"))
        if "resource_tracker" in command:
            continue  # multiprocessing's bookkeeping, not a pipeline process
        kind = ("pool process" if "spawn_main" in command else
                "worker" if " worker" in command else "web" if pid != root else "serve")
        peaks.append((kind, kb / 1024))
    return peaks


def environment(data: str, nice: int) -> dict[str, str]:
    """The portal's environment: the data folder, loopback publishers, the trusted proxy."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(NEWSLOOM_DATA_DIR=data, NEWSLOOM_FETCH_ALLOW="127.0.0.1/32",
               NEWSLOOM_HOST_SPACING="0", NEWSLOOM_PER_HOST="8",
               NEWSLOOM_TRUSTED_PROXIES=TRUSTED_PROXY, NEWSLOOM_WORKER_NICE=str(nice))
    return env


def start_django_on(env: dict[str, str]) -> None:
    os.environ.update(env)
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    from newsloom.startup import start_django

    start_django()


def build_child(data: str, archive: int) -> None:
    """Build the archive in `data` (a fresh data folder) and leave its facts there."""
    start_django_on(environment(data, 0))
    from django.core.management import call_command

    from benchmarks.archive import build

    call_command("migrate", verbosity=0)
    (Path(data) / "archive.json").write_text(json.dumps(build(archive, READERS)))


def scenario_child(data: str, nice: int, publisher: dict[str, object]) -> None:
    """One run of the scenario on a copy of the archive: print its rows as JSON."""
    env = environment(data, nice)
    start_django_on(env)
    from benchmarks.web import _port, wait_until_up

    info = json.loads((Path(data) / "archive.json").read_text())
    port = _port()
    server = subprocess.Popen([sys.executable, "-m", "newsloom.cli", "serve", "--port",
                               str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        readers = [new_reader(i) for i in range(READERS)]
        for reader, name in zip(readers, info["readers"], strict=True):
            sign_in(base, reader, name, info["password"])
        low, high = info["low"], info["high"]

        def choose(rng: object) -> str:
            return f"/a/{rng.randint(low, high)}/"  # type: ignore[attr-defined]

        pages = int(publisher["pages"])  # type: ignore[call-overload]
        rows: dict[str, dict[str, object]] = {
            "warm-up": {"ingest": ingest(env, str(publisher["base"]), 0, pages)}}
        rows["readers alone"] = {"readers": read_for(base, readers, choose, 30.0)}
        for number, label in enumerate(SETS[1:], start=1):
            if label == "readers":
                with ThreadPoolExecutor(1) as pool:
                    reading = pool.submit(read_for, base, readers, choose, 60.0)
                    time.sleep(5)  # readers under way before the ingest starts
                    result = ingest(env, str(publisher["base"]), number, pages)
                    rows[label] = {"ingest": result, "readers": reading.result()}
            else:
                rows[label] = {"ingest": ingest(env, str(publisher["base"]), number, pages)}
            print(f"nice {nice}: {label} {rows[label]}", file=sys.stderr, flush=True)
        rows["memory"] = {"peaks": peak_memory(server.pid)}
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)
    print(json.dumps(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages in all four sets")
    parser.add_argument("--archive", type=int, default=30_000, help="stored articles")
    parser.add_argument("--worker-nice", default="10,0",
                        help="NEWSLOOM_WORKER_NICE values to run the scenario with")
    parser.add_argument("--serve-pages", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--scenario", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_pages:
        page_server(args.serve_pages)
        return
    if args.build:
        build_child(args.build, args.archive)
        return
    if args.scenario:
        scenario_child(args.scenario[0], int(args.scenario[1]), json.loads(args.scenario[2]))
        return
    require_corpora()
    archive = tempfile.mkdtemp(prefix="newsloom-busy-")
    pages = subprocess.Popen([sys.executable, __file__, "--serve-pages", str(args.pages)],
                             stdout=subprocess.PIPE, text=True)
    results = {}
    try:
        subprocess.run([sys.executable, __file__, "--build", archive, "--archive",
                        str(args.archive)], check=True, stdout=subprocess.DEVNULL)
        info = json.loads((Path(archive) / "archive.json").read_text())
        publisher = pages.stdout.readline()  # type: ignore[union-attr]
        for nice in (int(n) for n in args.worker_nice.split(",")):
            copy = tempfile.mkdtemp(prefix="newsloom-busy-run-")
            try:
                shutil.copytree(archive, copy, dirs_exist_ok=True)
                out = subprocess.run([sys.executable, __file__, "--scenario", copy, str(nice),
                                      publisher], check=True, stdout=subprocess.PIPE, text=True)
                results[nice] = json.loads(out.stdout.strip().splitlines()[-1])
            finally:
                shutil.rmtree(copy, ignore_errors=True)
    finally:
        pages.kill()
        shutil.rmtree(archive, ignore_errors=True)
    for nice, rows in results.items():
        report(rows, info["articles"], nice)
    save("busy_readers", {"archive": info["articles"], "runs": results})


def report(rows: dict[str, dict[str, object]], archive: int, nice: int) -> None:
    peaks = rows.pop("memory")["peaks"]  # type: ignore[index]
    idle = (rows["idle"]["ingest"]["per_second"]  # type: ignore[index]
            + rows["idle again"]["ingest"]["per_second"]) / 2  # type: ignore[index]
    print(f"\nNEWSLOOM_WORKER_NICE={nice}: {archive:,} stored articles; `newsloom serve` with "
          f"its worker; {READERS} signed-in readers, article pages, mean 5 s think time")
    print(f"{'phase':<14} {'ingested':>9} {'seconds':>8} {'art/s':>6} {'vs idle':>7} "
          f"{'article p50':>11} {'p99 ms':>7} {'pages':>6} {'errors':>6}")
    for label, row in rows.items():
        ingest, read = row.get("ingest"), row.get("readers")  # type: ignore[attr-defined]
        cells = (f"{ingest['articles']:>4}/{ingest['expected']:<4} {ingest['seconds']:>8.1f} "
                 f"{ingest['per_second']:>6.1f} {ingest['per_second'] / idle:>7.2f}"
                 if ingest else f"{'-':>9} {'-':>8} {'-':>6} {'-':>7}")
        reads = (f"{read['p50_ms']:>11.1f} {read['p99_ms']:>7.1f} {read['requests']:>6} "
                 f"{read['non_2xx']:>6}" if read else "")
        print(f"{label:<14} {cells} {reads}")
    print("peak memory per process (MB): " + ", ".join(
        f"{kind} {mb:.0f}" for kind, mb in sorted(peaks, key=lambda p: -p[1])))  # type: ignore[union-attr]
    print("targets: article p99 < 100 ms under the ingest; ingest >= 0.70 of its idle rate")


if __name__ == "__main__":
    main()
