"""A bigram index for two-character Chinese search terms, which trigram indexes cannot
serve: SQLite keeps a contentless FTS5 table of Han-character bigrams (fed by triggers via
the cjk_bigrams() function newsloom registers on each connection); PostgreSQL indexes the
same bigrams as a 'simple' tsvector expression."""

from django.db import migrations

from newsloom.news.vendor_sql import per_vendor

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS news_article_cjk USING fts5("
    "body, content='', tokenize='unicode61')",
    "CREATE TRIGGER IF NOT EXISTS news_article_cjk_ai AFTER INSERT ON news_article BEGIN "
    "INSERT INTO news_article_cjk(rowid, body) "
    "VALUES (new.id, cjk_bigrams(new.title || ' ' || new.text)); END",
    "CREATE TRIGGER IF NOT EXISTS news_article_cjk_ad AFTER DELETE ON news_article BEGIN "
    "INSERT INTO news_article_cjk(news_article_cjk, rowid, body) "
    "VALUES ('delete', old.id, cjk_bigrams(old.title || ' ' || old.text)); END",
    "CREATE TRIGGER IF NOT EXISTS news_article_cjk_au AFTER UPDATE OF title, text "
    "ON news_article BEGIN "
    "INSERT INTO news_article_cjk(news_article_cjk, rowid, body) "
    "VALUES ('delete', old.id, cjk_bigrams(old.title || ' ' || old.text)); "
    "INSERT INTO news_article_cjk(rowid, body) "
    "VALUES (new.id, cjk_bigrams(new.title || ' ' || new.text)); END",
    "INSERT INTO news_article_cjk(rowid, body) "
    "SELECT id, cjk_bigrams(title || ' ' || text) FROM news_article",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS news_article_cjk_ai", "DROP TRIGGER IF EXISTS news_article_cjk_ad",
    "DROP TRIGGER IF EXISTS news_article_cjk_au", "DROP TABLE IF EXISTS news_article_cjk",
]
POSTGRES = [
    r"""CREATE OR REPLACE FUNCTION newsloom_cjk_bigrams(t text) RETURNS text AS $$
DECLARE
  result text := '';
  run text;
  i int;
BEGIN
  FOR run IN SELECT (regexp_matches(coalesce(t, ''), '[\u3400-\u4dbf\u4e00-\u9fff]{2,}', 'g'))[1]
  LOOP
    FOR i IN 1 .. char_length(run) - 1 LOOP
      result := result || ' ' || substr(run, i, 2);
    END LOOP;
  END LOOP;
  RETURN result;
END $$ LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE""",
    "CREATE INDEX IF NOT EXISTS news_article_cjk_bigrams ON news_article USING gin "
    "(to_tsvector('simple', newsloom_cjk_bigrams(title || ' ' || text)))",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS news_article_cjk_bigrams",
                    "DROP FUNCTION IF EXISTS newsloom_cjk_bigrams(text)"]


class Migration(migrations.Migration):
    dependencies = [("news", "0004_related_reverse_name")]
    operations = [
        migrations.RunPython(per_vendor({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             per_vendor({"sqlite": SQLITE_REVERSE,
                                         "postgresql": POSTGRES_REVERSE})),
    ]
