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
from newsloom.news.topics import save_topics
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
    labelled = [by_number[i] for i in range(0, count, 5)]
    for article in labelled:
        article.topics = ["health", "politics"]
    by_number[count - 2].topics = ["healthcare"]
    save_topics([*labelled, by_number[count - 2]])
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


def test_a_language_page_is_headed_with_the_language_s_own_name() -> None:
    """Not its code: the header's 中文 link leads to a page called 中文."""
    _archive(8)
    anonymous = Client(HTTP_HOST="localhost")
    assert "<h1>中文</h1>" in anonymous.get("/lang/zh/").text
    assert "<h1>English</h1>" in anonymous.get("/lang/en/").text


def test_made_up_listings_are_refused_and_real_empty_ones_shown() -> None:
    """A topic, language or edition nobody can have would list nothing, yet finding that
    out walks the whole listing index (0.1-0.25 s at 10^6 articles) for any name typed
    into an address: it is a 404, and following one is refused. Real ones with nothing in
    them yet still show, and a follow of something gone since can still be dropped."""
    _archive(8)
    anonymous = Client(HTTP_HOST="localhost")
    for path in ("/topic/nosuchtopic/", "/lang/xx/", "/edition/atlantis/",
                 "/feeds/rss/topic/nosuchtopic/", "/feeds/atom/region/atlantis/",
                 "/feeds/rss/language/xx/"):
        assert anonymous.get(path).status_code == 404, path
    for path in ("/topic/sports/", "/lang/zh/", "/edition/world/", "/feeds/rss/topic/sports/",
                 "/topic/health/", "/lang/en/"):
        assert anonymous.get(path).status_code == 200, path
    reader = User.objects.create_user("gale", password="x")
    client = Client(HTTP_HOST="localhost")
    client.force_login(reader)
    refused = client.post("/follow", {"kind": "topic", "value": "nosuchtopic"})
    assert refused.status_code == 400 and "no such topic" in refused.text
    assert client.post("/follow", {"kind": "source", "value": "999999"}).status_code == 400
    assert client.post("/follow", {"kind": "topic", "value": "health"}).status_code == 302
    Follow.objects.create(user=reader, kind=Follow.Kind.REGION, value="atlantis")  # gone since
    assert client.post("/follow", {"kind": "region", "value": "atlantis"}).status_code == 302
    assert list(Follow.objects.values_list("kind", "value")) == [("topic", "health")]
    assert client.get("/for-you/").status_code == 200


def test_a_rare_topic_lists_its_few_articles_among_many_of_another() -> None:
    """Three old "world" articles among 120 (24 about health): the topic page, its feed and
    a reader following only that topic show those three, newest first; a copy of one and
    one still being processed are left out, as are the reader's read ones."""
    articles = _archive()
    world = [articles[i] for i in (2, 7, 13, 14, 30)]
    for article in world:
        article.topics = ["world"]
    save_topics(world)
    Article.objects.filter(pk=articles[14].pk).update(duplicate_of=articles[13])
    Article.objects.filter(pk=articles[30].pk).update(status=Article.Status.PENDING)
    expected = ["Report 013", "Report 007", "Report 002"]
    anonymous = Client(HTTP_HOST="localhost")

    assert _titles(anonymous.get("/topic/world/").text) == expected
    feed = anonymous.get("/feeds/rss/topic/world/").text
    assert re.findall(r"<title>(Report \d+)</title>", feed) == expected

    reader = User.objects.create_user("wren", password="x")
    Follow.objects.create(user=reader, kind=Follow.Kind.TOPIC, value="world")
    ReadMark.objects.create(user=reader, article=articles[7])
    client = Client(HTTP_HOST="localhost")
    client.force_login(reader)
    assert _titles(client.get("/for-you/").text) == ["Report 013", "Report 002"]


def test_enriching_an_article_again_moves_it_between_topic_pages() -> None:
    """The enrichment labels an article's topics and its topic rows in one write: new
    text with other words takes it off one topic page and onto another."""
    from newsloom.news.enrich import enrich_articles

    import_jsonl([json.dumps({
        "url": "https://paper.example/match", "title": "Stadium final",
        "text": "The football team won the match at the stadium. The players and the coach "
                "celebrated the championship after the tournament final.",
        "published": START.isoformat(), "source": "Paper", "language": "en"})], enrich=False)
    article = Article.objects.get()
    enrich_articles([article.pk])
    reader = User.objects.create_user("hugo", password="x")
    client = Client(HTTP_HOST="localhost")
    client.force_login(reader)  # signed in: pages are not cached
    assert Article.objects.get().topics == ["sports"]
    assert "Stadium final" in client.get("/topic/sports/").text

    Article.objects.filter(pk=article.pk).update(
        text="The government and the minister sent the election law to parliament. "
             "Voters and lawmakers debated the policy before the vote.")
    enrich_articles([article.pk])

    assert Article.objects.get().topics == ["politics"]
    assert "Stadium final" in client.get("/topic/politics/").text
    assert "Stadium final" not in client.get("/topic/sports/").text


def test_the_migration_fills_the_topic_rows_of_an_existing_archive() -> None:
    """Migration 0016's one INSERT ... SELECT (SQLite json_each, PostgreSQL
    jsonb_array_elements_text) gives the rows save_topics would: every label of every
    article, with its date."""
    from importlib import import_module

    from django.db import connection

    from newsloom.news.models import ArticleTopic

    articles = _archive(14)
    written = set(ArticleTopic.objects.values_list("article_id", "topic", "published_at"))
    assert {(a, t) for a, t, _ in written} == {
        *((articles[i].pk, t) for i in (0, 5, 10) for t in ("health", "politics")),
        (articles[12].pk, "healthcare")}
    ArticleTopic.objects.all().delete()

    with connection.cursor() as cursor:
        cursor.execute(import_module("newsloom.news.migrations.0016_article_topics")
                       .FILL[connection.vendor])

    assert set(ArticleTopic.objects.values_list("article_id", "topic", "published_at")) == written


def test_an_edition_merges_its_publishers_newest_first() -> None:
    """An edition's page, its feed and a follower's For-you list show the articles of the
    edition's publishers merged newest first (each publisher read as its own range), a
    copy once, and nothing of other editions; page 2 goes on where page 1 stopped."""
    articles = _archive()
    Source.objects.filter(name__in=["Paper 1", "Paper 2"]).update(region="tw")
    Source.objects.filter(name="Paper 0").update(region="hk")
    Article.objects.filter(pk=articles[113].pk).update(duplicate_of=articles[114])
    edition = [i for i in range(119, -1, -1) if i % 4 in (1, 2) and i != 113]
    client = Client(HTTP_HOST="localhost")

    assert _titles(client.get("/edition/tw/").text) == [f"Report {i:03d}" for i in edition[:30]]
    assert _titles(client.get("/edition/tw/?page=2").text) == [
        f"Report {i:03d}" for i in edition[30:60]]
    feed = client.get("/feeds/rss/region/tw/").text
    assert re.findall(r"<title>(Report \d+)</title>", feed) == [
        f"Report {i:03d}" for i in edition[:50]]

    reader = User.objects.create_user("gus", password="x")
    Follow.objects.create(user=reader, kind=Follow.Kind.REGION, value="tw")
    ReadMark.objects.create(user=reader, article=articles[118])
    client.force_login(reader)
    assert _titles(client.get("/for-you/").text) == [
        f"Report {i:03d}" for i in edition if i != 118][:30]


def test_an_edition_of_more_publishers_than_one_statement_merges() -> None:
    """SQLite takes at most 500 parts in one compound statement: an edition of 600
    publishers is merged a group at a time, and still lists its newest first."""
    _archive(40)
    Source.objects.bulk_create([Source(name=f"Quiet {i}", feed_url=f"https://q{i}.example/f",
                                       region="xx") for i in range(597)])
    Source.objects.filter(name__in=["Paper 1", "Paper 2", "Paper 3"]).update(region="xx")
    listed = [i for i in range(39, -1, -1) if i % 4 != 0]
    client = Client(HTTP_HOST="localhost")
    assert Source.objects.filter(region="xx").count() == 600
    assert _titles(client.get("/edition/xx/").text) == [f"Report {i:03d}" for i in listed[:30]]
    assert _titles(client.get("/edition/xx/?page=2").text) == [
        f"Report {i:03d}" for i in listed[30:]]
