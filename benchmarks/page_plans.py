"""What the signed-in pages ask the database at the size of a kept archive, and how the
database answers: `python benchmarks/page_plans.py FOLDER [--pages 100]`.

Opens FOLDER's SQLite archive (kept by `benchmarks/web.py --keep FOLDER`) read-only, so
nothing in it changes; the one write of these pages, the read mark of an article page, is
dropped as a read-only data folder drops it. Then runs, through the real middleware and
views in this process, the pages web.py's signed-in readers load: For-you and article pages
of random archive articles, each reader as itself, and the topic pages (a range of the
topic's own rows since migration 0016, as For-you's topic follows), caches off (sessions in
signed cookies, so the one lookup of the session row by its key is not among them). Every
query is captured, grouped by shape (values apart), and printed with how often it ran, its
p50 and max time, and SQLite's EXPLAIN QUERY PLAN. A query whose time grows with the archive
shows it here at 10^6 while costing nothing at 10^3: a plan step that walks an index or a
table (SCAN, or a SEARCH on a leading column that most rows share) instead of reading a
range of the rows it needs. The load runs of web.py add queueing on top of these times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsloom.intel.topics import TOPIC_WORDS  # noqa: E402

TOPICS = list(TOPIC_WORDS)  # a made-up one is a 404 (web/visibility.listing_exists)


def shape(sql: str) -> str:
    """The query as Django sends it (values apart), with IN lists of any length as one."""
    return re.sub(r"%s(, %s)+", "%s…", sql)


class Captured:
    """Every query the pages send (a connection execute wrapper), by page and shape, with
    its values. Not timed here: SQLite finds a SELECT's rows while they are fetched, after
    `execute` returns (see `all_rows_ms`)."""

    def __init__(self) -> None:
        self.page = ""
        self.queries: dict[tuple[str, str], list[tuple[str, object]]] = defaultdict(list)

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.queries[(self.page, shape(sql))].append((sql, params))
        return execute(sql, params, many, context)


def all_rows_ms(sql: str, params: object) -> float:
    """One query run again, every row fetched: what it costs the page."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def open_read_only(folder: Path) -> None:
    """Point Django's connection at the archive in read-only mode (no WAL switch, no
    IMMEDIATE transactions: both would need a write), keep sessions in signed cookies
    and cache nothing (so every page runs all its queries, fragments included)."""
    from django.conf import settings
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = f"file:{folder / 'newsloom.sqlite3'}?mode=ro"
    connection.settings_dict["OPTIONS"] = {"timeout": 30}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def signed_in(user: AbstractBaseUser) -> Client:
    """A test client signed in as `user` through a session cookie alone (a real sign-in
    writes the last-login time, which a read-only archive refuses)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.test import Client

    session = SessionStore()
    session.update({SESSION_KEY: str(user.pk), HASH_SESSION_KEY: user.get_session_auth_hash(),
                    BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0]})
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def plan(sql: str, params: object) -> str:
    """SQLite's EXPLAIN QUERY PLAN of one query, its steps joined."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " / ".join(str(row[3]) for row in cursor.fetchall())


def ms(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="a data folder kept by benchmarks/web.py --keep")
    parser.add_argument("--pages", type=int, default=100, help="pages of each kind")
    args = parser.parse_args()
    folder = Path(args.folder).resolve()
    os.environ["NEWSLOOM_DATA_DIR"] = str(folder)
    from newsloom.startup import start_django

    start_django()
    open_read_only(folder)
    from django.contrib.auth import get_user_model
    from django.db import connection

    info = json.loads((folder / "archive.json").read_text())
    rng = random.Random(5)
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=info["readers"])}
    captured = Captured()
    pages: dict[str, list[float]] = defaultdict(list)
    warm = signed_in(users[info["readers"][0]])  # templates, URL resolver: once a process
    for path in ("/for-you/", f"/a/{info['low']}/"):
        warm.get(path)
    with connection.execute_wrapper(captured):
        for number in range(args.pages):
            client = signed_in(users[info["readers"][number % len(info["readers"])]])
            topic = TOPICS[number % len(TOPICS)]
            for page, path in (("for-you", "/for-you/"),
                               ("article", f"/a/{rng.randint(info['low'], info['high'])}/"),
                               ("topic", f"/topic/{topic}/")):
                captured.page = page
                started = time.perf_counter()
                status = client.get(path).status_code
                pages[page].append((time.perf_counter() - started) * 1000)
                assert status in (200, 302), (path, status)
    print(f"{info['articles']:,} articles, signed in, one page at a time, uncached:")
    for page, took in pages.items():
        print(f"  {page:<8} {len(took)} pages: p50 {ms(took, 0.5):.1f} / p90 {ms(took, 0.9):.1f}"
              f" / max {max(took):.1f} ms")
    print("\nthe pages' SELECTs run again one by one, all rows fetched, slowest first "
          "(p50 / max ms, times run):")
    selects = {key: [all_rows_ms(*query) for query in queries]
               for key, queries in captured.queries.items()
               if key[1].lstrip().upper().startswith("SELECT")}
    for (page, sql), took in sorted(selects.items(), key=lambda item: -max(item[1])):
        print(f"\n{page:<8} {ms(took, 0.5):8.1f} / {max(took):8.1f} ms {len(took):>4}x  "
              f"{sql[:160]}…\n  plan: {plan(*captured.queries[(page, sql)][0])}")


if __name__ == "__main__":
    main()
