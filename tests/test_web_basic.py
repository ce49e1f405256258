"""The portal pages over ingested articles, through Django's test client (real database)."""

from __future__ import annotations

import pytest
from django.test import Client

from newsloom.news.bulk import import_jsonl
from newsloom.news.models import Article

pytestmark = pytest.mark.django_db


def _load() -> None:
    import json
    body = " ".join(f"word{i}" for i in range(100))
    import_jsonl([
        json.dumps({"url": "https://a.example/1", "title": "Harbour story", "text": body,
                    "source": "Paper A", "language": "en"}),
        json.dumps({"url": "https://b.example/1", "title": "Harbour story copy", "text": body,
                    "source": "Paper B", "language": "en"}),
        json.dumps({"url": "https://a.example/2", "title": "<script>alert(1)</script>",
                    "html": '<p onclick="x()">Hi<img src=x onerror=alert(1)></p>',
                    "source": "Paper A"}),
    ])


def test_home_lists_articles_once_with_publisher() -> None:
    _load()
    page = Client().get("/").content.decode()
    assert "Harbour story" in page and "Paper A" in page
    assert "Harbour story copy" not in page  # the syndicated copy is not shown twice


def test_article_page_and_duplicate_redirect() -> None:
    _load()
    original = Article.objects.get(title="Harbour story")
    copy = Article.objects.get(title="Harbour story copy")
    response = Client().get(f"/a/{original.pk}/")
    assert response.status_code == 200
    assert "Also published by" in response.content.decode()
    assert Client().get(f"/a/{copy.pk}/").url == f"/a/{original.pk}/"


def test_hostile_titles_and_bodies_are_inert() -> None:
    _load()
    hostile = Article.objects.get(url="https://a.example/2")
    page = Client().get(f"/a/{hostile.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "onerror" not in page and "onclick" not in page
    assert "&lt;script&gt;" in page
