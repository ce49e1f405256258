"""Pages whose cost must not grow with the archive find their rows through an index that
fits the query, whatever statistics the database has (SQLite has none unless ANALYZE ran).
Checked on the plans of the queries the real page runs: a 10^6-article archive belongs to a
benchmark (benchmarks/web.py, where a story page took 16.8 s before), not to a test."""

from __future__ import annotations

import json

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
