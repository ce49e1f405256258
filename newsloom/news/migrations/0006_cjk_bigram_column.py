"""PostgreSQL: keep the Han bigrams in a stored generated column instead of an expression
index. With the expression index, a frequent word (香港 is in most Hong Kong articles) made
the bitmap scan lossy and PostgreSQL re-ran the bigram function on every matching row;
a stored column makes that recheck a plain read."""

from django.db import migrations

from newsloom.news.vendor_sql import per_vendor

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


class Migration(migrations.Migration):
    dependencies = [("news", "0005_cjk_bigram_index")]
    operations = [migrations.RunPython(per_vendor({"postgresql": POSTGRES}),
                                       per_vendor({"postgresql": POSTGRES_REVERSE}))]
