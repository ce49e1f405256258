"""PostgreSQL: keep the Han bigrams in a stored generated column instead of an expression
index. With the expression index, a frequent word (香港 is in most Hong Kong articles) made
the bitmap scan lossy and PostgreSQL re-ran the bigram function on every matching row;
a stored column makes that recheck a plain read."""

from django.db import migrations

POSTGRES = [
    "DROP INDEX IF EXISTS news_article_cjk_bigrams",
    "ALTER TABLE news_article ADD COLUMN IF NOT EXISTS cjk_bigrams tsvector GENERATED ALWAYS "
    "AS (to_tsvector('simple', newsloom_cjk_bigrams(title || ' ' || text))) STORED",
    "CREATE INDEX IF NOT EXISTS news_article_cjk_bigrams_col ON news_article "
    "USING gin (cjk_bigrams)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS news_article_cjk_bigrams_col",
    "ALTER TABLE news_article DROP COLUMN IF EXISTS cjk_bigrams",
    "CREATE INDEX IF NOT EXISTS news_article_cjk_bigrams ON news_article USING gin "
    "(to_tsvector('simple', newsloom_cjk_bigrams(title || ' ' || text)))",
]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return apply


class Migration(migrations.Migration):
    dependencies = [("news", "0005_cjk_bigram_index")]
    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_REVERSE))]
