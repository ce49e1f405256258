"""PostgreSQL's search tokens move from a generated column of news_article to a narrow
table of their own, news_article_search (the ArticleSearch model), kept by a trigger.

Why: at 10^6 articles a search's GIN matches were read from the article table's heap to
sort them by date and test the filters, about 1,200 heap pages a search, and with 100
readers searches waited on the disk for them (p99 0.45 s warm, seconds cold; the article
heap, 1.3 GB, does not stay in 128 MB of shared buffers). A row here holds only what a
search tests (date, listing columns) and its tokens out of line (toast_tuple_target 128),
so the pages a search reads are few and stay cached.

The trigger copies the columns on every insert and on every update that changes one of
them (an update that only enriches the article leaves the row alone), and recomputes the
tokens only when the title or the text changed; deleting an article deletes its row, and
emptying the article table (TRUNCATE, as Django's flush does) empties this one.
Existing rows are copied from the generated column (no recomputation), then that column
and its index are dropped: about 10 minutes at 10^6 articles on this project's 2-core
machine (the GIN index build most of it). The dropped column's space in the article table
is reused by later writes or returned by a VACUUM FULL. SQLite: nothing (its search tables
are FTS5, migration 0013)."""

from django.db import migrations, models

from newsloom.news.vendor_sql import per_vendor

# the tokens of a title and text: Han bigrams, then every other word (as migration 0008's
# generated column computed them)
_TOKENS_OF = (r"to_tsvector('simple', newsloom_cjk_bigrams({title} || ' ' || {body})) || "
              r"to_tsvector('simple', regexp_replace({title} || ' ' || {body}, "
              r"'[\u3400-\u4dbf\u4e00-\u9fff]+', ' ', 'g'))")
TOKENS = ("CREATE FUNCTION newsloom_search_tokens(title text, body text) RETURNS tsvector "
          "IMMUTABLE LANGUAGE sql AS $$ SELECT "
          + _TOKENS_OF.format(title="title", body="body") + " $$")
# the article's columns the search rows copy, written once for every statement below
_COLUMNS = ("published_at", "status", "duplicate_of_id", "source_id", "language")
COPIED = ", ".join(_COLUMNS)


def _of(row: str) -> str:
    """The copied columns of a trigger's row (NEW) or of the row a conflict proposed."""
    return ", ".join(f"{row}.{column}" for column in _COLUMNS)


SYNC = f"""CREATE FUNCTION newsloom_article_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM news_article_search WHERE id = OLD.id;
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.title IS NOT DISTINCT FROM OLD.title
     AND NEW.text IS NOT DISTINCT FROM OLD.text THEN
    UPDATE news_article_search SET ({COPIED}) = ({_of("NEW")}) WHERE id = NEW.id;
    RETURN NEW;
  END IF;
  INSERT INTO news_article_search (id, {COPIED}, search_tokens)
  VALUES (NEW.id, {_of("NEW")}, newsloom_search_tokens(NEW.title, NEW.text))
  ON CONFLICT (id) DO UPDATE SET ({COPIED}, search_tokens) =
    ({_of("EXCLUDED")}, EXCLUDED.search_tokens);
  RETURN NEW;
END $$"""
_CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}"
                       for column in ("title", "text", *_COLUMNS))

POSTGRES = [
    "CREATE TABLE news_article_search (id bigint PRIMARY KEY, "
    "published_at timestamptz NOT NULL, status varchar(10) NOT NULL, "
    "duplicate_of_id bigint NULL, source_id bigint NOT NULL, language varchar(16) NOT NULL, "
    "search_tokens tsvector NOT NULL) WITH (toast_tuple_target = 128)",
    TOKENS,
    SYNC,
    f"INSERT INTO news_article_search (id, {COPIED}, search_tokens) "
    f"SELECT id, {COPIED}, search_tokens FROM news_article",
    # one sorted build of the index in memory rather than many passes (at 10^6: minutes)
    "SET LOCAL maintenance_work_mem = '256MB'",
    "CREATE INDEX news_article_search_tokens_gin ON news_article_search USING gin "
    "(search_tokens)",
    "CREATE INDEX news_article_search_published ON news_article_search (published_at)",
    "CREATE TRIGGER news_article_search_insert AFTER INSERT ON news_article "
    "FOR EACH ROW EXECUTE FUNCTION newsloom_article_search()",
    "CREATE TRIGGER news_article_search_delete AFTER DELETE ON news_article "
    "FOR EACH ROW EXECUTE FUNCTION newsloom_article_search()",
    f"CREATE TRIGGER news_article_search_update AFTER UPDATE ON news_article "
    f"FOR EACH ROW WHEN ({_CHANGED}) EXECUTE FUNCTION newsloom_article_search()",
    # emptying the article table (Django's flush, a test's teardown) empties this one
    "CREATE FUNCTION newsloom_article_search_truncate() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN TRUNCATE news_article_search; RETURN NULL; END $$",
    "CREATE TRIGGER news_article_search_truncate AFTER TRUNCATE ON news_article "
    "FOR EACH STATEMENT EXECUTE FUNCTION newsloom_article_search_truncate()",
    "DROP INDEX IF EXISTS news_article_search_tokens",
    "ALTER TABLE news_article DROP COLUMN search_tokens",
    "ANALYZE news_article_search",
]
# back to migration 0008's generated column
POSTGRES_BACK = [
    "DROP TRIGGER IF EXISTS news_article_search_insert ON news_article",
    "DROP TRIGGER IF EXISTS news_article_search_delete ON news_article",
    "DROP TRIGGER IF EXISTS news_article_search_update ON news_article",
    "DROP TRIGGER IF EXISTS news_article_search_truncate ON news_article",
    "DROP FUNCTION IF EXISTS newsloom_article_search_truncate()",
    "DROP TABLE IF EXISTS news_article_search",
    "DROP FUNCTION IF EXISTS newsloom_article_search()",
    "ALTER TABLE news_article ADD COLUMN search_tokens tsvector GENERATED ALWAYS AS ("
    + _TOKENS_OF.format(title="title", body="text") + ") STORED",
    "CREATE INDEX news_article_search_tokens ON news_article USING gin (search_tokens)",
    "DROP FUNCTION IF EXISTS newsloom_search_tokens(text, text)",
]


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0017_listing_range_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ArticleSearch',
            fields=[
                ('id', models.BigIntegerField(help_text="the article's id", primary_key=True, serialize=False)),
                ('published_at', models.DateTimeField()),
                ('status', models.CharField(choices=[('pending', 'waiting for page fetch'), ('ready', 'processed'), ('failed', 'gave up after repeated errors')], max_length=10)),
                ('language', models.CharField(max_length=16)),
            ],
            options={
                'db_table': 'news_article_search',
                'ordering': ['-published_at'],
                'managed': False,
            },
        ),
        migrations.RunPython(per_vendor({"postgresql": POSTGRES}),
                             per_vendor({"postgresql": POSTGRES_BACK})),
    ]
