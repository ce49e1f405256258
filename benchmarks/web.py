"""Web latency and throughput with 100,000 stored articles, one command:
`python benchmarks/web.py [--articles 100000] [--backends sqlite,postgresql]`.

Loads the 28,188 articles of theagora-news1-zh-2020 plus synthetic copies (text changed so
each is a distinct article) with `import_jsonl`, enriches the newest 500, starts
`newsloom serve --no-worker`, and drives it on loopback: random article pages,
the home page and 300 distinct searches (Chinese and English words of every frequency,
with sorts, pages and filters, so most miss the page cache).
Loads: 100 readers (open loop: each opens a page, then reads for a mean 5 s, as real
readers do; the target's meaning), then wrk with 100 connections (back-to-back saturation:
latency is queueing) and 4 connections (service time). Also the server's peak memory.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.backends import fresh_database, isolated_env  # noqa: E402
from benchmarks.results import save  # noqa: E402
from tests.corpora import require_corpora, theagora_rows  # noqa: E402

SEARCH_TERMS = ["香港", "國安法", "疫情", "特朗普", "新冠", "美国", "Hong Kong", "COVID", "經濟"]
SEARCH_VARIANTS = ["", "&sort=relevance", "&page=2", "&lang=zh", "&since=2020-06-01"]


def search_paths(count: int = 300) -> list[str]:
    """Distinct search URLs, so that most searches miss the page cache as a real
    audience's would: the fixed terms plus words of every frequency from the corpus
    headlines (jieba), each with and without a sort, a page or a filter."""
    import random
    import urllib.parse
    from collections import Counter

    import jieba

    titles = [row["title"] for row in theagora_rows()]
    words = Counter(w for title in titles for w in set(jieba.cut(title))
                    if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w))
    ranked = [w for w, _ in words.most_common(3000)]
    rng = random.Random(7)
    terms = SEARCH_TERMS + ranked[::len(ranked) // 60][:60]
    paths = [f"/search?q={urllib.parse.quote(t)}{v}" for t in terms for v in SEARCH_VARIANTS]
    rng.shuffle(paths)
    return paths[:count]
LUA = """
math.randomseed(os.time())
local kind, low, high = "{kind}", {low}, {high}
local searches = {{{searches}}}
request = function()
  if kind == "article" then
    return wrk.format("GET", "/a/" .. math.random(low, high) .. "/")
  elseif kind == "search" then
    return wrk.format("GET", searches[math.random(#searches)])
  end
  return wrk.format("GET", "/")
end
"""


def corpus_lines(total: int) -> list[str]:
    from newsloom.articles.sanitize import html_to_text

    rows = list(theagora_rows())
    lines = []
    copy = 0
    while len(lines) < total:
        for row in rows:
            if len(lines) >= total:
                break
            body = html_to_text(row["body"]) if row["body_format"] == "html" else row["body"]
            suffix = f"/copy{copy}" if copy else ""
            text = f"（副本 {copy}）{body}" if copy else body
            lines.append(json.dumps({"url": f"https://corpus.example/{row['id']}{suffix}",
                                     "title": row["title"], "text": text,
                                     "published": row["published"],
                                     "source": row["source_name"], "language": "zh"},
                                    ensure_ascii=False))
        copy += 1
    return lines


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_wrk(base: str, kind: str, low: int, high: int, connections: int,
            searches: list[str]) -> dict[str, float]:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(LUA.format(kind=kind, low=low, high=high,
                                 searches=", ".join(f'"{p}"' for p in searches)))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", "-d15s", "--latency",
                          "-s", str(script), base], capture_output=True, text=True).stdout
    def ms(label: str) -> float:
        match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"p50_ms": ms("50%"), "p99_ms": ms("99%"), "rps": float(rps.group(1)) if rps else 0,
            "non_2xx": int(errors.group(1)) if errors else 0}


def readers(base: str, kind: str, low: int, high: int, searches: list[str], count: int = 100,
            think: float = 5.0, seconds: float = 30.0) -> dict[str, float]:
    """Open-loop load: `count` readers, each opening a page, then reading for an
    exponentially distributed time (mean `think` s) before the next one: what "100
    concurrent readers" means, unlike wrk's back-to-back requests."""
    import random
    import threading

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        time.sleep(rng.uniform(0, think))
        while time.monotonic() < stop:
            path = f"/a/{rng.randint(low, high)}/" if kind == "article" else rng.choice(searches)
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(base + path, timeout=10) as response:
                    response.read()
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
            except OSError:
                with lock:
                    errors[0] += 1
            time.sleep(rng.expovariate(1 / think))

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    n = len(latencies)
    return {"p50_ms": latencies[n // 2] if n else float("nan"),
            "p99_ms": latencies[min(n - 1, int(n * 0.99))] if n else float("nan"),
            "rps": n / seconds, "non_2xx": errors[0]}


def tree_peak_mb(pid: int) -> float:
    """Peak resident memory of the server and its worker processes together."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0
    for process in [str(pid), *children]:
        status = Path(f"/proc/{process}/status").read_text()
        total += int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return total / 1024


def backend(name: str, env: dict[str, str], total: int) -> list[dict[str, object]]:
    load = subprocess.run([sys.executable, __file__, "--load", str(total)], env=env,
                          capture_output=True, text=True, check=True)
    info = json.loads(load.stdout.strip().splitlines()[-1])
    port = _port()
    server = subprocess.Popen([sys.executable, "-m", "newsloom.cli", "serve", "--no-worker",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            break
        except OSError:
            time.sleep(0.3)
    rows = []
    searches = search_paths()
    try:
        for kind in ("article", "search"):
            result = readers(base, kind, info["low"], info["high"], searches)
            rows.append({"backend": name, "page": kind, "connections": "100 readers",
                         **result})
            print(name, kind, "100 readers", result, flush=True)
        for kind in ("article", "home", "search"):
            for connections in (100, 4):
                result = run_wrk(base, kind, info["low"], info["high"], connections, searches)
                rows.append({"backend": name, "page": kind, "connections": connections,
                             **result})
        peak = tree_peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(20)
    for row in rows:
        row["server_peak_mb"] = peak
        row["articles"] = info["articles"]
        row["load_seconds"] = info["seconds"]
    return rows


def load_child(total: int) -> None:
    from newsloom.startup import start_django

    start_django()
    from django.core.management import call_command

    from newsloom.news.bulk import import_jsonl
    from newsloom.news.enrich import enrich_articles
    from newsloom.news.models import Article

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    import_jsonl(corpus_lines(total), enrich=False)
    newest = list(Article.objects.order_by("-published_at").values_list("pk", flat=True)[:500])
    for start in range(0, len(newest), 100):
        enrich_articles(newest[start:start + 100])
    ids = Article.objects.filter(duplicate_of__isnull=True).values_list("pk", flat=True)
    print(json.dumps({"articles": Article.objects.count(), "low": min(ids), "high": max(ids),
                      "seconds": time.perf_counter() - started}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--load", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load_child(args.load)
        return
    require_corpora()
    if not shutil.which("wrk"):
        sys.exit("benchmarks/web.py needs wrk, the HTTP load generator: apt-get install wrk")
    rows: list[dict[str, object]] = []
    for name in args.backends.split(","):
        env = isolated_env("newsloom-web-")
        if name == "postgresql":
            env["DATABASE_URL"] = fresh_database("newsloom_webbench")
        rows += backend(name, env, args.articles)
    print(f"\n{'backend':<11} {'page':<8} {'load':>11} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'req/s':>7} {'non-2xx':>7} {'server MB':>9}")
    for r in rows:
        print(f"{r['backend']:<11} {r['page']:<8} {r['connections']!s:>11} {r['p50_ms']:>8.1f} "
              f"{r['p99_ms']:>8.1f} {r['rps']:>7.1f} {r['non_2xx']:>7} "
              f"{r['server_peak_mb']:>9.0f}")
    print(f"\n{rows[0]['articles']} articles; targets: article p99 < 50 ms at 100 readers, "
          "search p99 < 100 ms")
    save("web", rows)


if __name__ == "__main__":
    main()
