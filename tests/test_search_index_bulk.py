"""The benchmark archive's search index, built in one pass after loading (SQLite: on two
processes; PostgreSQL: GIN indexes after the load), holds exactly what the search
triggers write as articles arrive one by one, and searches find the same articles."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from benchmarks.search_index_bulk import search_index_after
from newsloom.news.bulk import import_jsonl
from newsloom.news.models import Article
from newsloom.news.sqlite_functions import ID_BITS, ID_MASK
from newsloom.web.search import Filters, search

# the ingest marker: also run on PostgreSQL (NEWSLOOM_TEST_SCALE=1 ... -m ingest)
pytestmark = [pytest.mark.ingest, pytest.mark.django_db(transaction=True)]
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's search tables")

TABLES = ("news_article_fts", "news_article_cjk")
LINES = [json.dumps({"url": f"https://paper{i}.example/{i}", "title": title, "text": text,
                     "published": f"2020-06-{10 + i}T0{i}:30:00Z", "source": f"Paper {i % 2}",
                     "language": language}, ensure_ascii=False)
         for i, (title, text, language) in enumerate([
             ("國安法通過", "香港國安法今日通過，AI 與 5G 企業關注。" * 6, "zh"),
             ("疫情持續", "新冠疫情在美國持續，香港衛生署公布數字。" * 5, "zh"),
             ("Harbour fire", "A fire broke out at the harbour; EU and AI firms responded. " * 6,
              "en"),
             ("Vaccine trial", "The vaccine trial in Hong Kong enrolled 500 people. " * 7, "en"),
         ])]
QUERIES = ["香港", "國安法", "AI", "5G", "harbour", "Hong Kong", "vaccine", "疫情 香港", "副本"]


def _load() -> None:
    """The articles, then one edit of title, text and date (what the update trigger
    re-indexes)."""
    import_jsonl(LINES, enrich=False)
    edited = Article.objects.get(title="疫情持續")
    edited.title, edited.text = "疫情副本", "（副本 3）" + edited.text
    edited.published_at = edited.published_at.replace(day=25)
    edited.save()


def _index() -> dict[str, list[tuple[object, ...]]]:
    """Every indexed term instance and document size of both tables, each row key given
    as (publication minute, article URL): ids differ between two loads."""
    urls = dict(Article.objects.values_list("pk", "url"))
    def row(key: int) -> tuple[int, str]:
        return key >> ID_BITS, urls[key & ID_MASK]
    contents: dict[str, list[tuple[object, ...]]] = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, {table}, "
                           "instance)")
            cursor.execute("SELECT term, doc, col, offset FROM temp.terms")
            contents[table] = sorted((t, row(d), c, o) for t, d, c, o in cursor.fetchall())
            cursor.execute("DROP TABLE temp.terms")
            cursor.execute(f"SELECT id, sz FROM {table}_docsize")
            contents[f"{table} sizes"] = sorted((row(key), size)
                                                for key, size in cursor.fetchall())
    return contents


def _found() -> dict[str, list[str]]:
    return {query: [hit.article.url for hit in search(query, Filters(), 1, "date").hits]
            for query in QUERIES}


def _triggers() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        return [sql for (sql,) in cursor.fetchall()]


def _indexes() -> dict[str, object]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, "news_article")


def test_articles_loaded_with_the_index_built_after_are_found_as_usual() -> None:
    indexes = _indexes()
    _load()
    found_as_usual = _found()
    assert all(found_as_usual[q] for q in QUERIES)
    Article.objects.all().delete()

    with search_index_after():
        _load()
    assert _found() == found_as_usual
    assert _indexes() == indexes


@sqlite_only
def test_the_one_pass_index_holds_what_the_triggers_write() -> None:
    triggers = _triggers()
    _load()
    through_triggers = _index()
    assert len(through_triggers["news_article_cjk sizes"]) == len(LINES)
    Article.objects.all().delete()
    assert not any(_index().values())

    with search_index_after():
        assert not set(_triggers()) & set(triggers)
        _load()
        assert not any(_index().values())  # nothing indexed while loading
    assert _index() == through_triggers
    assert _triggers() == triggers

    import_jsonl([json.dumps({"url": "https://paper9.example/9", "title": "國安法實施",
                              "text": "國安法今日實施。", "language": "zh"}, ensure_ascii=False)],
                 enrich=False)  # the triggers index new articles again
    assert [hit.article.url for hit in search("實施", Filters(), 1, "date").hits] == [
        "https://paper9.example/9"]
