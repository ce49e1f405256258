"""What one search costs, without queueing: `python benchmarks/search_cost.py FOLDER`.

Runs each of benchmarks/web.py's 300 searches (its words of every frequency, with sorts,
pages and filters) once, one after the other, through `newsloom.web.search.search` in
this process, on an archive kept by `benchmarks/web.py --keep FOLDER`, and prints the
p50 / p90 / p99 / max and the slowest searches. The load runs of web.py add queueing on
top of this; this is the figure to compare across archive sizes (is search cost flat?).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="a data folder kept by benchmarks/web.py --keep")
    args = parser.parse_args()
    os.environ["NEWSLOOM_DATA_DIR"] = str(Path(args.folder).resolve())
    from newsloom.startup import start_django

    start_django()
    from benchmarks.web import search_paths
    from newsloom.news.models import Article
    from newsloom.web.search import Filters, search

    timings = []
    for path in search_paths():
        params = urllib.parse.parse_qs(urllib.parse.urlparse(path).query)
        since = params.get("since")
        filters = Filters(language=params.get("lang", [""])[0],
                          since=datetime.fromisoformat(since[0]).replace(tzinfo=UTC)
                          if since else None)
        started = time.perf_counter()
        search(params["q"][0], filters, int(params.get("page", ["1"])[0]),
               "relevance" if "sort" in params else "date")
        timings.append(((time.perf_counter() - started) * 1000, urllib.parse.unquote(path)))
    ms = sorted(t for t, _ in timings)
    print(f"{Article.objects.count():,} articles, {len(ms)} searches: p50 {ms[len(ms) // 2]:.1f}"
          f" / p90 {ms[int(len(ms) * 0.9)]:.1f} / p99 {ms[int(len(ms) * 0.99)]:.1f} / max "
          f"{ms[-1]:.1f} ms, {sum(ms) / 1000:.1f} s in all")
    for took, path in sorted(timings, reverse=True)[:5]:
        print(f"{took:8.1f} ms  {path}")


if __name__ == "__main__":
    main()
