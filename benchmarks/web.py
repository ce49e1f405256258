"""Web latency and throughput on a large archive, one command:
`python benchmarks/web.py [--articles 1000000] [--backends sqlite,postgresql]`.

Builds the archive (benchmarks/archive.py: theagora-news1-zh-2020 through the production
import, reserved days left out, then synthetic copies with changed text up to --articles;
the newest 500 enriched; 100 reader accounts with follows and a reading history), starts
`newsloom serve --no-worker` behind a trusted proxy address, and drives it on loopback.
Pages: the home page, random article pages, random story pages, 300 distinct searches
(Chinese and English words of every frequency, with sorts, pages and filters, so most miss
the page cache), and, signed in through the login form, the For-you page and article pages.
Loads: 100 readers (open loop: each opens a page, then reads for a mean 5 s, as real
readers do; the target's meaning), then wrk with 100 connections (back-to-back saturation:
latency is queueing) and 4 connections (service time). Also the server's peak memory.
Each backend's database lives in a temporary folder (or database) deleted afterwards,
unless --keep names a folder for the archives to be built in once and reused: SQLite's in
the folder itself, PostgreSQL's in a database named after the folder, with its data folder
(archive facts, the database's URL) in FOLDER/postgresql.
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
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.backends import (  # noqa: E402
    database_url,
    drop_database,
    fresh_database,
    isolated_env,
)
from benchmarks.readers import (  # noqa: E402
    TRUSTED_PROXY,
    Reader,
    new_reader,
    read_for,
    sign_in,
)
from benchmarks.results import save  # noqa: E402
from benchmarks.story_sets import reserved  # noqa: E402
from tests.corpora import require_corpora, theagora_rows  # noqa: E402

READERS = 100
DATABASE = "newsloom_webbench"

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

    titles = [row["title"] for row in theagora_rows() if not reserved(row["published"])]
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


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_wrk(base: str, kind: str, low: int, high: int, connections: int,
            searches: list[str], seconds: float) -> dict[str, float]:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(LUA.format(kind=kind, low=low, high=high,
                                 searches=", ".join(f'"{p}"' for p in searches)))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds / 2:.0f}s", "--latency",
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


def tree_peak_mb(pid: int) -> float:
    """Peak resident memory of the server and its worker processes together."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0
    for process in [str(pid), *children]:
        status = Path(f"/proc/{process}/status").read_text()
        total += int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return total / 1024


def wait_until_up(base: str, seconds: float = 120.0) -> None:
    """Until the server answers (/healthz says 503 without a worker: an answer all the same)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def signed_in_readers(base: str, names: list[str], password: str) -> list[Reader]:
    """One signed-in browser per account, through the login form (10 at a time: each
    sign-in hashes a password, which is the cost of a login, not of reading)."""
    readers = [new_reader(i) for i in range(len(names))]
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda pair: sign_in(base, pair[0], pair[1], password),
                      zip(readers, names, strict=True)))
    return readers


def reader_rows(name: str, base: str, info: dict[str, object], searches: list[str],
                seconds: float) -> list[dict[str, object]]:
    anonymous = [new_reader(i) for i in range(READERS)]
    members = signed_in_readers(base, info["readers"], info["password"])  # type: ignore[arg-type]
    low, high, stories = info["low"], info["high"], info["stories"]
    loads = [
        ("home", anonymous, lambda rng: "/"),
        ("article", anonymous, lambda rng: f"/a/{rng.randint(low, high)}/"),
        ("story", anonymous, lambda rng: f"/s/{rng.choice(stories)}/"),
        ("search", anonymous, lambda rng: rng.choice(searches)),
        ("for-you", members, lambda rng: "/for-you/"),
        ("article", members, lambda rng: f"/a/{rng.randint(low, high)}/"),
    ]
    rows = []
    for page, readers, choose in loads:
        who = "signed in" if readers is members else "anonymous"
        result = read_for(base, readers, choose, seconds)
        rows.append({"backend": name, "page": page, "connections": f"{READERS} {who}",
                     **result})
        print(name, page, who, result, flush=True)
    return rows


def backend(name: str, env: dict[str, str], total: int,
            seconds: float) -> list[dict[str, object]]:
    started = time.perf_counter()
    facts = Path(env["NEWSLOOM_DATA_DIR"]) / "archive.json"
    if facts.exists():  # --keep's archive of an earlier run: upgraded, as a deployment is
        subprocess.run([sys.executable, "-m", "newsloom.cli", "migrate"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    else:
        subprocess.run([sys.executable, __file__, "--load", str(total)], env=env, check=True)
    info = json.loads(facts.read_text())
    built = time.perf_counter() - started
    print(f"{name}: {info['articles']:,} articles ready in {built:.0f} s", flush=True)
    port = _port()
    env = {**env, "NEWSLOOM_TRUSTED_PROXIES": TRUSTED_PROXY}
    server = subprocess.Popen([sys.executable, "-m", "newsloom.cli", "serve", "--no-worker",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    searches = search_paths()
    try:
        wait_until_up(base)
        rows = reader_rows(name, base, info, searches, seconds)
        for kind in ("article", "home", "search"):
            for connections in (100, 4):
                result = run_wrk(base, kind, info["low"], info["high"], connections, searches,
                                 seconds)
                rows.append({"backend": name, "page": kind, "connections": f"wrk {connections}",
                             **result})
        peak = tree_peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(20)
    for row in rows:
        row.update(server_peak_mb=peak, articles=info["articles"], build_seconds=built)
    return rows


def load_child(total: int) -> None:
    """Build the archive in the database this process's environment names."""
    import os

    from newsloom.startup import start_django

    start_django()
    from django.core.management import call_command

    from benchmarks.archive import build

    call_command("migrate", verbosity=0)
    # the database's URL too, so that tools given the kept folder open the same archive
    info = {**build(total, READERS), "database_url": os.environ.get("DATABASE_URL", "")}
    (Path(os.environ["NEWSLOOM_DATA_DIR"]) / "archive.json").write_text(json.dumps(info))


def kept_database(folder: Path) -> str:
    """The PostgreSQL database kept beside a --keep folder, named after it so that two
    kept archives (10^5, 10^6) do not overwrite each other."""
    return f"{DATABASE}_{re.sub(r'[^a-z0-9]+', '_', folder.resolve().name.lower())}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=30.0,
                        help="each reader load's length (wrk runs half as long)")
    parser.add_argument("--keep", metavar="FOLDER",
                        help="build the archives in FOLDER (SQLite) and in a database named "
                             "after it (PostgreSQL, facts in FOLDER/postgresql) and keep them; a "
                             "later run with the same FOLDER migrates and reuses them (10^6: "
                             "38-66 min SQLite, ~19 min PostgreSQL on the shared 2 cores)")
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
        if args.keep:
            Path(env["NEWSLOOM_DATA_DIR"]).rmdir()  # the fresh folder is not needed
            folder = Path(args.keep).resolve() / ("postgresql" if name == "postgresql" else "")
            folder.mkdir(parents=True, exist_ok=True)
            env["NEWSLOOM_DATA_DIR"] = str(folder)
        database = kept_database(Path(args.keep)) if args.keep else DATABASE
        if name == "postgresql":
            built = (Path(env["NEWSLOOM_DATA_DIR"]) / "archive.json").exists()
            env["DATABASE_URL"] = database_url(database) if built else fresh_database(database)
        try:
            rows += backend(name, env, args.articles, args.seconds)
        finally:
            if not args.keep:
                shutil.rmtree(env["NEWSLOOM_DATA_DIR"], ignore_errors=True)
                if name == "postgresql":
                    drop_database(DATABASE)
    print(f"\n{'backend':<11} {'page':<8} {'load':>13} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'req/s':>7} {'non-2xx':>7} {'server MB':>9}")
    for r in rows:
        print(f"{r['backend']:<11} {r['page']:<8} {r['connections']!s:>13} {r['p50_ms']:>8.1f} "
              f"{r['p99_ms']:>8.1f} {r['rps']:>7.1f} {r['non_2xx']:>7} "
              f"{r['server_peak_mb']:>9.0f}")
    print(f"\n{rows[0]['articles']:,} articles; targets: article p99 < 100 ms at 100 readers "
          "(issue 11), search p99 < 100 ms")
    save("web", rows)


if __name__ == "__main__":
    main()
