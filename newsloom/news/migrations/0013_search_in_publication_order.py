"""SQLite's search tables are keyed by publication order instead of article id.

A search lists the newest matches first. With the FTS5 tables keyed by article id, the
matches of a frequent word had to be read whole (香港: a third of the archive) and the
date index walked beside them, or, for a rare word, the date index walked to its end: at
10^6 articles searches took up to 2.6 s. Keyed by `search_order(published_at, id)` (the
publication minute, then the id: newsloom/news/sqlite_functions.py), the index itself
hands out matches newest first and stops after the first page's worth, and a date filter
is a key range. Both tables become contentless (the search reads titles and text from the
article table, never from the index). Each batch of matches is then checked against the
listing conditions and filters through a narrow index by id (article_search_check),
not the article rows with their long text.

The triggers re-index an article only when its title, text or publication time really
changed: Django's save() writes every column, so "UPDATE OF title, text" used to delete
and re-add the whole text in both indexes on each save of an article (its story, its
enrichment), inside the worker's write transactions.

Both tables are rebuilt: expect about as long as the original indexing took (minutes at
10^5 articles, tens of minutes at 10^6). PostgreSQL is unchanged."""

import importlib

from django.db import migrations, models

from newsloom.news.vendor_sql import per_vendor

_KEY = "search_order({row}.published_at, {row}.id)"
_BIGRAMS = "cjk_bigrams({row}.title || ' ' || {row}.text)"


def _index(row: str, delete: bool = False) -> str:
    """Trigger statements adding `row` (new/old) to both tables, or taking it out (a
    contentless FTS5 table forgets a row given the values it was indexed with)."""
    key = _KEY.format(row=row)
    statements = []
    for table, columns, values in (("news_article_fts", "title, text", f"{row}.title, {row}.text"),
                                   ("news_article_cjk", "body", _BIGRAMS.format(row=row))):
        command, marker = (f"{table}, ", "'delete', ") if delete else ("", "")
        statements.append(f"INSERT INTO {table}({command}rowid, {columns}) "
                          f"VALUES ({marker}{key}, {values}); ")
    return "".join(statements)


OLD_TRIGGERS = ["news_article_fts_ai", "news_article_fts_ad", "news_article_fts_au",
                "news_article_cjk_ai", "news_article_cjk_ad", "news_article_cjk_au"]
NEW_TRIGGERS = ["news_article_search_ai", "news_article_search_ad", "news_article_search_au"]
DROP = ([f"DROP TRIGGER IF EXISTS {name}" for name in OLD_TRIGGERS + NEW_TRIGGERS]
        + ["DROP TABLE IF EXISTS news_article_fts", "DROP TABLE IF EXISTS news_article_cjk"])

SQLITE = [
    *DROP,
    "CREATE VIRTUAL TABLE news_article_fts USING fts5("
    "title, text, content='', tokenize='trigram')",
    "CREATE VIRTUAL TABLE news_article_cjk USING fts5(body, content='', tokenize='unicode61')",
    f"CREATE TRIGGER news_article_search_ai AFTER INSERT ON news_article BEGIN {_index('new')}END",
    f"CREATE TRIGGER news_article_search_ad AFTER DELETE ON news_article BEGIN "
    f"{_index('old', delete=True)}END",
    "CREATE TRIGGER news_article_search_au AFTER UPDATE OF title, text, published_at "
    "ON news_article WHEN old.title IS NOT new.title OR old.text IS NOT new.text "
    "OR old.published_at IS NOT new.published_at "
    f"BEGIN {_index('old', delete=True)}{_index('new')}END",
]
# Every article indexed in one pass, as the triggers index one (also run by
# benchmarks/search_index_bulk.py, which builds large archives with the triggers off).
FILL = {
    "news_article_fts": "INSERT INTO news_article_fts(rowid, title, text) "
                        "SELECT search_order(published_at, id), title, text FROM news_article",
    "news_article_cjk": "INSERT INTO news_article_cjk(rowid, body) "
                        "SELECT search_order(published_at, id), cjk_bigrams(title || ' ' || text) "
                        "FROM news_article",
}


def back_to_article_ids(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The tables and triggers of migrations 0003 and 0005 (0008's bigram contents)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in DROP:
        schema_editor.execute(sql)
    for name in ("0003_search_index", "0005_cjk_bigram_index"):
        for sql in importlib.import_module(f"newsloom.news.migrations.{name}").SQLITE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("news", "0012_story_member_index")]
    operations = [
        migrations.RunPython(per_vendor({"sqlite": [*SQLITE, *FILL.values()]}),
                             back_to_article_ids),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["id", "status", "duplicate_of", "source", "language",
                                       "published_at"], name="article_search_check"),
        ),
    ]
