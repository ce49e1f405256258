"""The For-you page and a topic page, as a reader sees them, on SQLite and PostgreSQL: the
newest unread articles of what the reader follows, among many newer articles of other
publishers and topics (the rows a listing walks past without showing them; at 10^6
articles that walk is what costs, see benchmarks/page_plans.py)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from newsloom.news.bulk import import_jsonl
from newsloom.news.models import Article, Source
from newsloom.web.models import Follow, ReadMark

# the ingest marker: also run on PostgreSQL (NEWSLOOM_TEST_SCALE=1 ... -m ingest)
pytestmark = [pytest.mark.ingest, pytest.mark.django_db(transaction=True)]

START = datetime(2026, 3, 1, tzinfo=UTC)
WORDS = ["harbour", "budget", "vaccine", "election", "typhoon", "stadium", "railway", "tariff"]


def _archive(count: int = 120) -> dict[int, Article]:
    """`count` articles an hour apart from four papers, each text its own; every fifth one
    about health (as enrichment labels it), one about "healthcare" (not the same topic)."""
    import_jsonl([json.dumps({
        "url": f"https://paper{i % 4}.example/{i}", "title": f"Report {i:03d}",
        "text": " ".join(f"{WORDS[(i * 7 + k) % 8]}{i}x{k}" for k in range(60)),
        "published": (START + timedelta(hours=i)).isoformat(), "source": f"Paper {i % 4}",
        "language": "en"}) for i in range(count)], enrich=False)
    by_number = {int(a.title.split()[1]): a for a in Article.objects.all()}
    assert len(by_number) == count
    Article.objects.filter(pk__in=[by_number[i].pk for i in range(0, count, 5)]).update(
        topics=["health", "politics"])
    Article.objects.filter(pk=by_number[count - 2].pk).update(topics=["healthcare"])
    return by_number


def _titles(page: str) -> list[str]:
    return re.findall(r'class="headline"[^>]*>(Report \d+)<', page)


def test_for_you_shows_the_newest_unread_articles_of_the_followed_source_and_topic() -> None:
    articles = _archive()
    reader = User.objects.create_user("fiona", password="x")
    paper3 = Source.objects.get(name="Paper 3")
    Follow.objects.create(user=reader, kind=Follow.Kind.SOURCE, value=str(paper3.pk))
    Follow.objects.create(user=reader, kind=Follow.Kind.TOPIC, value="health")
    read = [119, 100, 115]  # Paper 3's newest, a health one, one that is both
    ReadMark.objects.bulk_create([ReadMark(user=reader, article=articles[i]) for i in read])
    copy = articles[111]  # Paper 3, shown once: its copy is not listed again
    Article.objects.filter(pk=articles[110].pk).update(duplicate_of=copy)
    client = Client(HTTP_HOST="localhost")
    client.force_login(reader)

    shown = _titles(client.get("/for-you/").text)

    followed = [i for i in range(119, -1, -1) if (i % 4 == 3 or i % 5 == 0)
                and i not in read and i != 110]
    assert shown == [f"Report {i:03d}" for i in followed[:30]]


def test_a_topic_page_lists_that_topic_newest_first() -> None:
    _archive()
    shown = _titles(Client(HTTP_HOST="localhost").get("/topic/health/").text)
    assert shown == [f"Report {i:03d}" for i in range(115, -1, -5)][:30]
