"""Pages whose cost must not grow with the archive find their rows through an index that
fits the query, whatever statistics the database has (SQLite has none unless ANALYZE ran).
Checked on the plans of the queries the real page runs: a 10^6-article archive belongs to a
benchmark (benchmarks/web.py, where a story page took 16.8 s before), not to a test."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsloom.news.bulk import import_jsonl
from newsloom.news.models import Article

pytestmark = pytest.mark.django_db


def _plans(sqls: list[str]) -> list[str]:
    plans = []
    with connection.cursor() as cursor:
        for sql in sqls:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plans.append(" ".join(str(row[3]) for row in cursor.fetchall()))
    return plans


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner without statistics")
def test_a_story_page_reads_its_articles_through_the_story_index() -> None:
    import_jsonl([json.dumps({"url": f"https://p{i}.example/fire", "title": "Harbour fire",
                              "text": f"A fire broke out at the harbour on Monday, report {i}. "
                                      * 8, "source": f"Paper {i}", "language": "en"})
                  for i in range(2)])
    story_id = Article.objects.exclude(story=None).values_list("story_id", flat=True).first()
    assert story_id
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(f"/s/{story_id}/").status_code == 200
    member_queries = [q["sql"] for q in queries.captured_queries
                      if '"news_article"."story_id" =' in q["sql"]]
    assert member_queries
    for plan in _plans(member_queries):
        assert "article_story_members" in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's search tables")
def test_a_search_never_walks_the_article_table() -> None:
    """Matches come newest first from the search tables themselves (migration 0013); the
    article table is only asked about those matches, by id. Before, a frequent word read
    its whole match list and the date index was walked beside it: 2.6 s at 10^6."""
    import_jsonl([json.dumps({"url": f"https://p{i}.example/fire", "title": f"香港 fire {i}",
                              "text": f"A fire broke out at the harbour on day {i}. " * 8,
                              "source": f"Paper {i}", "language": "en"}) for i in range(3)])
    for query in ("fire", "香港", "香港 harbour", "fire&lang=en&since=2026-01-01"):
        with CaptureQueriesContext(connection) as queries:
            page = Client().get(f"/search?q={query}")
        assert page.status_code == 200 and "fire 2" in page.text
        article_queries = [q["sql"] for q in queries.captured_queries
                           if 'FROM "news_article"' in q["sql"]]
        assert article_queries
        for plan in _plans(article_queries):  # by id, not along the listing index
            assert re.match(r"SEARCH news_article USING (INTEGER PRIMARY KEY|COVERING INDEX "
                            r"article_search_check) \((rowid|id)=\?", plan), plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner without statistics")
def test_a_topic_is_a_range_of_its_own_rows() -> None:
    """A topic page, its feed and a follower's For-you list start from the topic's rows
    (index (topic, published_at)) and look up only those articles, by id; testing the
    labels along the listing index walked every article for a rare topic (0.25 s at 10^6)."""
    from django.contrib.auth.models import User

    from newsloom.news.topics import save_topics
    from newsloom.web.models import Follow

    import_jsonl([json.dumps({"url": f"https://p.example/{i}", "title": f"Report {i}",
                              "text": f"Report {i} of the day. " * 8, "source": "Paper",
                              "language": "en"}) for i in range(3)], enrich=False)
    articles = list(Article.objects.all())
    for article in articles:
        article.topics = ["world"]
    save_topics(articles)
    reader = User.objects.create_user("ida", password="x")
    Follow.objects.create(user=reader, kind=Follow.Kind.TOPIC, value="world")
    signed_in = Client()
    signed_in.force_login(reader)
    for client, path in ((Client(), "/topic/world/"), (Client(), "/feeds/rss/topic/world/"),
                         (signed_in, "/for-you/")):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(path)
        assert page.status_code == 200 and "Report 2" in page.text, path
        topic_queries = [q["sql"] for q in queries.captured_queries
                         if '"news_articletopic"."topic" =' in q["sql"]]
        assert topic_queries, path
        # a range of the topic's rows, however many there are (For you: one part of its
        # merge, visibility.newest_ids)
        assert all(re.search(r"LIMIT \d+($|\) AS part\d+ )", sql)
                   for sql in topic_queries), topic_queries
        for plan in _plans(topic_queries):
            assert re.match(r"(CO-ROUTINE part\d+ )?SEARCH news_articletopic USING COVERING INDEX "
                            r"article_topic_listing \(topic=\?\) SEARCH news_article USING "
                            r"INTEGER PRIMARY KEY \(rowid=\?\)", plan), (path, plan)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner without statistics")
def test_a_publisher_an_edition_and_a_language_are_index_ranges() -> None:
    """A publisher's page, its feed and a follower's For-you list read that publisher's
    newest articles from its own index range, an edition's the same for each of its
    publishers, a language's from its own; along the listing index a quiet publisher,
    edition or language meant walking every newer article of all the others."""
    from django.contrib.auth.models import User

    from newsloom.news.models import Source
    from newsloom.web.models import Follow

    import_jsonl([json.dumps({"url": f"https://p.example/{i}", "title": f"Report {i}",
                              "text": f"Report {i} of the day. " * 8,
                              "source": "Quiet Paper" if i < 3 else "Busy Paper",
                              "language": "en"}) for i in range(6)], enrich=False)
    source_id = Article.objects.get(title="Report 2").source_id
    Source.objects.filter(pk=source_id).update(region="tw", language="ja")
    Article.objects.filter(source_id=source_id).update(language="ja")
    reader = User.objects.create_user("ida", password="x")
    Follow.objects.create(user=reader, kind=Follow.Kind.SOURCE, value=str(source_id))
    region_reader = User.objects.create_user("ivo", password="x")
    Follow.objects.create(user=region_reader, kind=Follow.Kind.REGION, value="tw")
    signed_in, region_signed_in = Client(), Client()
    signed_in.force_login(reader)
    region_signed_in.force_login(region_reader)
    for client, path in ((Client(), f"/source/{source_id}/"),
                         (Client(), f"/feeds/rss/source/{source_id}/"),
                         (signed_in, "/for-you/"), (Client(), "/edition/tw/"),
                         (Client(), "/feeds/rss/region/tw/"), (region_signed_in, "/for-you/")):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(path)
        assert page.status_code == 200 and "Report 2" in page.text, path
        assert "Report 4" not in page.text, path
        source_queries = [q["sql"] for q in queries.captured_queries
                          if re.search(r'"news_article"\."source_id" = \d+', q["sql"])]
        assert source_queries, path
        for plan in _plans(source_queries):
            assert re.search(r"SEARCH news_article USING (COVERING )?INDEX "
                             r"article_source_listing \(source_id=\?\)", plan), (path, plan)
            # the merge of listings (For you, editions) sorts only the rows they hand over
            assert "TEMP B-TREE" not in plan.split(" SCAN part")[0], (path, plan)
    for path in ("/lang/ja/", "/feeds/rss/language/ja/"):
        with CaptureQueriesContext(connection) as queries:
            page = Client().get(path)
        assert page.status_code == 200 and "Report 2" in page.text, path
        assert "Report 4" not in page.text, path
        language_queries = [q["sql"] for q in queries.captured_queries
                            if '"news_article"."language" =' in q["sql"]]
        assert language_queries, path
        for plan in _plans(language_queries):
            assert re.search(r"SEARCH news_article USING (COVERING )?INDEX "
                             r"article_language_listing \(language=\?\)", plan), (path, plan)
            assert "TEMP B-TREE" not in plan, (path, plan)
