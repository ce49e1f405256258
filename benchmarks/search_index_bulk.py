"""The search index of a large benchmark archive, built in one pass once the articles
are in, instead of row by row as they arrive.

Through the search triggers (migration 0013) an article costs about 2 ms of CPU here:
FTS5 tokenizes and files every trigram of its text in one table and every bigram in the
other, and that was nearly all of a 10^6 archive's build (50 to 150 minutes); the same
50,000 copies without the triggers took 7 s. So `search_index_after()` drops the
triggers while the archive loads, then rebuilds both tables from every article with the
migration's own statements (FILL): the trigram table in this process and, at the same
time on the second core, the bigram table in a second process writing a scratch file,
whose FTS5 shadow tables (the whole index: segments, their term index, document sizes,
configuration) are then copied in as they are. The triggers go back as they were. The
index holds what the triggers would have written (tests/test_search_index_bulk.py
compares the two term by term, position by position). On PostgreSQL the search rows are
still written per article by their trigger; only their GIN index is built after the load.
"""

from __future__ import annotations

import importlib
import multiprocessing
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

FILL: dict[str, str] = importlib.import_module(
    "newsloom.news.migrations.0013_search_in_publication_order").FILL
APART = "news_article_cjk"  # the table the second process builds
CACHE_KIB = 1_000_000  # page cache of each building connection (SQLite's default: 2 MB)


def _search_triggers() -> list[tuple[str, str]]:
    """(name, CREATE statement) of each trigger on the article table that writes to a
    search table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                       "AND tbl_name = 'news_article' ORDER BY name")
        return [(name, sql) for name, sql in cursor.fetchall()
                if any(table in sql for table in FILL)]


def build_apart(database: str, scratch: str, table: str) -> None:
    """In the second process: `table` created in the scratch database as the archive
    defines it and filled from the archive's articles (read-only)."""
    from newsloom.news.sqlite_functions import add_to

    db = sqlite3.connect(f"file:{scratch}", uri=True, isolation_level=None)
    add_to(db)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{CACHE_KIB}"):
        db.execute(f"PRAGMA {pragma}")
    db.execute("ATTACH DATABASE ? AS archive", [f"file:{database}?mode=ro"])
    (create,) = db.execute("SELECT sql FROM archive.sqlite_master WHERE name = ?",
                           [table]).fetchone()
    db.execute(create)
    # unqualified names: `table` is the scratch file's own, news_article the archive's
    db.execute(FILL[table])
    db.close()


def _copy_in(scratch: Path, table: str) -> None:
    """Replace `table`'s shadow tables with the scratch file's, row for row."""
    with connection.cursor() as cursor:
        cursor.execute("ATTACH DATABASE %s AS apart", [f"file:{scratch}?mode=ro"])
        try:
            cursor.execute("SELECT name FROM apart.sqlite_master WHERE type = 'table'")
            shadows = [name for (name,) in cursor.fetchall() if name.startswith(f"{table}_")]
            with transaction.atomic():
                for shadow in shadows:
                    cursor.execute(f"DELETE FROM main.{shadow}")
                    cursor.execute(f"INSERT INTO main.{shadow} SELECT * FROM apart.{shadow}")
        finally:
            cursor.execute("DETACH DATABASE apart")


def _rebuild() -> None:
    """Both search tables rebuilt from every article, the APART one in a second process."""
    database = Path(connection.settings_dict["NAME"]).resolve()
    scratch = database.with_name(database.name + ".search-build")
    scratch.unlink(missing_ok=True)
    apart = multiprocessing.get_context("spawn").Process(
        target=build_apart, args=(str(database), str(scratch), APART))
    apart.start()
    try:
        with connection.cursor() as cursor:
            for table, fill in FILL.items():
                if table != APART:
                    with transaction.atomic():
                        cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
                        cursor.execute(fill)
        apart.join()
        if apart.exitcode != 0:
            raise RuntimeError(f"building {APART} in a second process failed "
                               f"(exit code {apart.exitcode})")
        _copy_in(scratch, APART)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the build's WAL, gigabytes
    finally:
        if apart.is_alive():
            apart.kill()
        scratch.unlink(missing_ok=True)
    # FTS5 keeps an index's structure per connection: the next one reads the copied one
    connection.close()


@contextmanager
def search_index_after() -> Iterator[None]:
    """Articles written inside are indexed for search when it ends, in one pass. SQLite:
    both search tables rebuilt whole; must run outside a transaction (the second process
    reads what this one committed). PostgreSQL: the GIN indexes built after the load."""
    if connection.vendor == "postgresql":
        with _gin_indexes_after():
            yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    if connection.in_atomic_block:
        raise RuntimeError("search_index_after() must run outside a transaction")
    triggers = _search_triggers()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (default_cache,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # the article table's indexes
        for name, _ in triggers:
            cursor.execute(f"DROP TRIGGER {name}")
    try:
        yield
        _rebuild()
    finally:
        with connection.cursor() as cursor:
            for _, sql in triggers:
                cursor.execute(sql)
            cursor.execute(f"PRAGMA cache_size = {default_cache}")


@contextmanager
def _gin_indexes_after() -> Iterator[None]:
    """PostgreSQL: the search GIN indexes (on the search rows, migration 0018, or on the
    article table before it) dropped while articles load and created again, as defined,
    once they are in: one sorted build instead of a pending list merged into the index
    every few megabytes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                       "AND indexdef LIKE %s",
                       [["news_article", "news_article_search"], "% USING gin %"])
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _, sql in indexes:
                cursor.execute(sql)
            cursor.execute("RESET maintenance_work_mem")
