"""Google Reader sync speed with 10,000 unread items, one command:
`python benchmarks/sync.py [--items 10000] [--rounds 20] [--backends sqlite,postgresql]`.

Per backend: a fresh data folder (and database), one reader following 20 sources with
`--items` unread articles (2 KB bodies) and 500 starred; `newsloom serve --no-worker`
(gunicorn) on loopback. Then, `--rounds` times, the 7 calls FreshRSS documents as a
client's sync (tag/list, subscription/list, unread-count, stream/contents reading-list,
stream/items/ids unread, stream/contents starred, stream/items/ids starred), each timed;
and a full sync: every unread id in one call, then every item's contents in calls of
1,000, as inefficient clients do. Prints p50/p99 per call and backend."""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.backends import fresh_database, isolated_env  # noqa: E402
from benchmarks.results import save  # noqa: E402

READING_LIST = "user/-/state/com.google/reading-list"
STARRED = "user/-/state/com.google/starred"
READ = "user/-/state/com.google/read"
SOURCES = 20
STARRED_COUNT = 500
BODY = "<p>" + ("Harbour ferries add late sailings on weekends. " * 45) + "</p>"


def load(items: int) -> None:
    """(In the backend's environment.) Schema, reader, sources, articles; prints the API
    password on the last line."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsloom.settings")
    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from newsloom.api import passwords
    from newsloom.news.models import Article, Source
    from newsloom.web.models import Follow, SavedArticle

    call_command("migrate", interactive=False, verbosity=0)
    user = get_user_model().objects.create_user("bench", password="bench-pass-12345")
    sources = [Source.objects.create(name=f"Source {i}", feed_url=f"https://s{i}.example/feed",
                                     category=f"Folder {i % 4}") for i in range(SOURCES)]
    Follow.objects.bulk_create([Follow(user=user, kind=Follow.Kind.SOURCE, value=str(s.pk))
                                for s in sources])
    now = timezone.now()
    Article.objects.bulk_create([Article(
        source=sources[i % SOURCES], guid=str(i), url=f"https://s{i % SOURCES}.example/{i}",
        title=f"Article {i}", author="Desk", html=BODY, text=BODY[3:-4],
        status=Article.Status.READY, published_at=now - timedelta(minutes=i))
        for i in range(items)], batch_size=1000)
    starred = Article.objects.order_by("pk").values_list("pk", flat=True)[:STARRED_COUNT]
    SavedArticle.objects.bulk_create([SavedArticle(user=user, article_id=pk)
                                      for pk in starred])
    print(passwords.issue(user))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(env: dict[str, str], items: int, rounds: int) -> dict[str, dict[str, float]]:
    import requests

    loaded = subprocess.run([sys.executable, __file__, "--load", str(items)], env=env,
                            capture_output=True, text=True, check=True, cwd=ROOT)
    password = loaded.stdout.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "newsloom.cli", "serve", "--no-worker",
                               "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}/api/greader"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        session = requests.Session()
        login = session.post(f"{base}/accounts/ClientLogin",
                             data={"Email": "bench", "Passwd": password}, timeout=30)
        token = login.text.split("Auth=")[1].strip()
        session.headers["Authorization"] = f"GoogleLogin auth={token}"
        api = f"{base}/reader/api/0"
        calls = {
            "tag/list": ("tag/list", {}),
            "subscription/list": ("subscription/list", {}),
            "unread-count": ("unread-count", {}),
            "stream/contents reading-list": ("stream/contents", {
                "s": READING_LIST, "xt": READ, "n": 1000}),
            "stream/items/ids unread": ("stream/items/ids", {
                "s": READING_LIST, "xt": READ, "n": 10000}),
            "stream/contents starred": ("stream/contents", {"s": STARRED, "n": 1000}),
            "stream/items/ids starred": ("stream/items/ids", {"s": STARRED, "n": 10000}),
        }
        timings: dict[str, list[float]] = {name: [] for name in [*calls, "full sync"]}
        for _ in range(rounds):
            for name, (path, params) in calls.items():
                start = time.perf_counter()
                answer = session.get(f"{api}/{path}", params={"output": "json", **params},
                                     timeout=120)
                answer.raise_for_status()
                timings[name].append(time.perf_counter() - start)
            start = time.perf_counter()
            ids = [ref["id"] for ref in session.get(f"{api}/stream/items/ids", timeout=120,
                                                    params={"s": READING_LIST, "xt": READ,
                                                            "n": 10000}).json()["itemRefs"]]
            fetched = 0
            for at in range(0, len(ids), 1000):
                answer = session.post(f"{api}/stream/items/contents",
                                      data={"i": ids[at:at + 1000]}, timeout=120)
                fetched += len(answer.json()["items"])
            timings["full sync"].append(time.perf_counter() - start)
            assert fetched == len(ids) == items, (fetched, len(ids))
        return {name: {"p50_ms": 1000 * statistics.median(values),
                       "p99_ms": 1000 * _percentile(values, 0.99)}
                for name, values in timings.items()}
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--load", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load(args.load)
        return
    results: dict[str, dict[str, dict[str, float]]] = {}
    for backend in args.backends.split(","):
        settings = {"DATABASE_URL": fresh_database("newsloom_bench_sync")} \
            if backend == "postgresql" else {}
        results[backend] = measure(isolated_env("newsloom-sync-", **settings), args.items,
                                   args.rounds)
    print(f"\nGoogle Reader sync, {args.items:,} unread items, {args.rounds} rounds")
    print(f"{'call':32}" + "".join(f"{b + ' p50':>16}{b + ' p99':>16}" for b in results))
    for name in next(iter(results.values())):
        print(f"{name:32}" + "".join(
            f"{results[b][name]['p50_ms']:>13.0f} ms{results[b][name]['p99_ms']:>13.0f} ms"
            for b in results))
    print(f"saved to {save('sync', {'items': args.items, 'rounds': args.rounds, **results})}")


if __name__ == "__main__":
    main()
