"""Planner statistics for PostgreSQL. Search and listing plans depend on them (how common
a word is decides whether the GIN index or the date index leads), and without them a
100k-article database ran searches in seconds instead of milliseconds. Autovacuum keeps
them fresh where it runs, but it may be off (it is on this project's test machine) and it
lags behind bulk imports, so newsloom refreshes them itself: after each bulk import and
hourly from the scheduler. SQLite's plans need none (they are fixed by the indexes; see
docs/benchmarks.md), so this does nothing there."""

from __future__ import annotations

from django.db import connection

# (news_article_search: its tokens' statistics are how search judges a word's frequency)
TABLES = ("news_article", "news_article_search", "news_articletopic", "news_source",
          "news_story", "news_relatedarticle")


def refresh_statistics() -> bool:
    """ANALYZE the news tables on PostgreSQL (about a second at 100k articles: it reads
    a sample); returns whether it ran."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    return True
