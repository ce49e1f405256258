"""What one search costs, without queueing: `python benchmarks/search_cost.py FOLDER`.

Runs each of benchmarks/web.py's 300 searches (its words of every frequency, with sorts,
pages and filters) once, one after the other, through `newsloom.web.search.search` in
this process, on an archive kept by `benchmarks/web.py --keep FOLDER` (SQLite: FOLDER;
PostgreSQL: FOLDER/postgresql, whose facts name the kept database), and prints the
p50 / p90 / p99 / max and the slowest searches. The load runs of web.py add queueing on
top of this; this is the figure to compare across archive sizes (is search cost flat?).
`--explain N` runs the N slowest again and prints each of their SELECTs with how the
database ran it (PostgreSQL: EXPLAIN (ANALYZE, BUFFERS), in the search's own transaction,
so its SET LOCAL settings hold; SQLite: EXPLAIN QUERY PLAN).
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.backends import open_kept  # noqa: E402


def run(path: str) -> float:
    """One search of web.py's as its page asks it, in ms."""
    from newsloom.web.search import Filters, search

    params = urllib.parse.parse_qs(urllib.parse.urlparse(path).query)
    since = params.get("since")
    filters = Filters(language=params.get("lang", [""])[0],
                      since=datetime.fromisoformat(since[0]).replace(tzinfo=UTC)
                      if since else None)
    started = time.perf_counter()
    search(params["q"][0], filters, int(params.get("page", ["1"])[0]),
           "relevance" if "sort" in params else "date")
    return (time.perf_counter() - started) * 1000


def explained(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
    """A connection execute wrapper printing each SELECT's plan before running it, through
    the driver's own cursor (the wrapped one would call this wrapper again)."""
    from django.db import connection

    if sql.lstrip().upper().startswith(("SELECT", "WITH")):
        raw = context["cursor"].cursor
        postgres = connection.vendor == "postgresql"
        raw.execute(("EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN ")
                    + sql, params)
        print("\n" + sql % tuple(repr(p) for p in params or ()))
        print("\n".join(str(row[0] if postgres else row[-1]) for row in raw.fetchall()))
    return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="a data folder kept by benchmarks/web.py --keep")
    parser.add_argument("--explain", type=int, default=0, metavar="N",
                        help="print the query plans of the N slowest searches")
    args = parser.parse_args()
    open_kept(Path(args.folder).resolve())
    from django.db import connection

    from benchmarks.web import search_paths
    from newsloom.news.models import Article

    timings = [(run(path), path) for path in search_paths()]
    ms = sorted(t for t, _ in timings)
    print(f"{Article.objects.count():,} articles, {len(ms)} searches: p50 {ms[len(ms) // 2]:.1f}"
          f" / p90 {ms[int(len(ms) * 0.9)]:.1f} / p99 {ms[int(len(ms) * 0.99)]:.1f} / max "
          f"{ms[-1]:.1f} ms, {sum(ms) / 1000:.1f} s in all")
    for took, path in sorted(timings, reverse=True)[:5]:
        print(f"{took:8.1f} ms  {urllib.parse.unquote(path)}")
    with connection.execute_wrapper(explained):
        for _, path in sorted(timings, reverse=True)[:args.explain]:
            print(f"\n=== {urllib.parse.unquote(path)}")
            run(path)


if __name__ == "__main__":
    main()
