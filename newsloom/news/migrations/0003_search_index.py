"""Full-text search indexes: SQLite FTS5 with the trigram tokenizer (works for Chinese,
which has no spaces) kept in sync by triggers; PostgreSQL pg_trgm GIN indexes."""

from django.db import migrations

from newsloom.news.vendor_sql import per_vendor

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS news_article_fts USING fts5("
    "title, text, content='news_article', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS news_article_fts_ai AFTER INSERT ON news_article BEGIN "
    "INSERT INTO news_article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS news_article_fts_ad AFTER DELETE ON news_article BEGIN "
    "INSERT INTO news_article_fts(news_article_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS news_article_fts_au AFTER UPDATE OF title, text ON news_article "
    "BEGIN INSERT INTO news_article_fts(news_article_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO news_article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "INSERT INTO news_article_fts(news_article_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS news_article_fts_ai", "DROP TRIGGER IF EXISTS news_article_fts_ad",
    "DROP TRIGGER IF EXISTS news_article_fts_au", "DROP TABLE IF EXISTS news_article_fts",
]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS news_article_title_trgm ON news_article "
    "USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS news_article_text_trgm ON news_article "
    "USING gin (text gin_trgm_ops)",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS news_article_title_trgm",
                    "DROP INDEX IF EXISTS news_article_text_trgm"]


class Migration(migrations.Migration):
    dependencies = [("news", "0002_enrichment_and_stories")]
    operations = [
        migrations.RunPython(per_vendor({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             per_vendor({"sqlite": SQLITE_REVERSE,
                                         "postgresql": POSTGRES_REVERSE})),
    ]
