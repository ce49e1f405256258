"""Story engine speed in bulk, one command: `python benchmarks/stories.py [--cluster 10000]`.

`newsloom cluster` (the CLI, in a subprocess, the code production runs) on 10,000 real
articles of theagora-news1-zh-2020 (from 2020-06-01, reserved days never touched): target
within a minute on 2 cores. Assigning one new article in the database, at archive sizes up
to 10^6, is measured by `benchmarks/related.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
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


def cluster_command(rows: list[dict[str, str]]) -> tuple[float, float, str]:
    """Wall and CPU seconds of `newsloom cluster` (CPU too: on a shared machine the wall
    time says as much about the neighbours as about the command)."""
    folder = Path(tempfile.mkdtemp(prefix="newsloom-cluster-"))
    (folder / "in.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    env = dict(os.environ, NEWSLOOM_DATA_DIR=str(folder))
    env.pop("DATABASE_URL", None)
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "newsloom.cli", "cluster", "--input",
                           str(folder / "in.jsonl"), "--output", str(folder / "out.jsonl")],
                          env=env, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - started, cpu, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cluster", type=int, default=10_000)
    args = parser.parse_args()
    require_corpora()
    rows = stream(args.cluster)
    seconds, cpu, said = cluster_command(rows[:args.cluster])
    cores = len(os.sched_getaffinity(0))
    print(f"newsloom cluster, {args.cluster:,} articles: {seconds:.1f} s wall "
          f"({args.cluster / seconds:.0f} articles/s; {said}); target under 60 s")
    print(f"CPU {cpu:.1f} s in all processes: at least {cpu / cores:.1f} s on {cores} idle "
          f"cores; load average at the end {os.getloadavg()[0]:.1f}")
    print(f"\n(run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")


if __name__ == "__main__":
    main()
