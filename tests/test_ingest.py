"""The ingestion pipeline end to end on the real database (SQLite by default; PostgreSQL +
Redis on the scale-out run): idempotence, races, broken feeds, updates, dedupe, bulk import."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler

import pytest
from django.utils import timezone

from newsloom.demo.server import DemoServer
from newsloom.fetch.client import Fetcher
from newsloom.news import ingest
from newsloom.news.bulk import import_jsonl
from newsloom.news.models import Article, Source
from newsloom.news.runner import process_all_pending, refresh_and_process, refresh_sources
from newsloom.news.sources import SourceError, SourceSpec, add_source, import_opml
from tests.fixture_server import FixtureServer, redirect, respond

pytestmark = [pytest.mark.ingest, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def local_fetcher(pipeline_fetcher: Fetcher) -> Fetcher:
    return pipeline_fetcher


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    server = DemoServer(port=0).start()
    yield server
    server.stop()


def _ingest_all() -> None:
    refresh_sources(list(Source.objects.values_list("pk", flat=True)))
    process_all_pending()


def rss(items: list[tuple[str, str, str]], updated: str = "") -> bytes:
    """A small RSS 2.0 feed: (guid, link, title) per item."""
    body = "".join(
        f"<item><guid>{g}</guid><link>{link}</link><title>{t}</title>"
        f"{f'<atom:updated>{updated}</atom:updated>' if updated else ''}"
        f"<description>Summary of {t}, long enough to read.</description></item>"
        for g, link, t in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            f'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Test feed</title>'
            f"<link>https://example.com/</link>{body}</channel></rss>").encode()


def article_page(title: str, paragraphs: int = 6) -> bytes:
    body = "".join(f"<p>{title}: paragraph {i} of the story, with enough words to count as "
                   f"real article text for the extractor to keep it.</p>"
                   for i in range(paragraphs))
    return (f"<html lang=en><head><title>{title}</title></head><body><nav>Home | World</nav>"
            f"<article><h1>{title}</h1>{body}<script>steal()</script>"
            f'<p><a href="javascript:alert(1)">click</a></p></article></body></html>').encode()


def test_demo_corpus_is_ingested_once_and_cleanly(demo: DemoServer) -> None:
    import_opml(demo.opml())
    _ingest_all()
    articles = Article.objects.all()
    assert articles.count() == 11
    assert not articles.filter(status=Article.Status.PENDING).exists()
    assert articles.filter(duplicate_of__isnull=False).count() == 1  # the syndicated copy
    feed_only = articles.get(origin=Article.Origin.FEED)
    assert "HTTP 404" in feed_only.fetch_error and "人工智能" in feed_only.text
    big5 = Source.objects.get(feed_url__endswith="big5.xml")
    assert set(big5.articles.values_list("title", flat=True)) == {
        "業界促港加快支援浙江科技企業 應對中美貿易戰", "天文台：本港未來數日天氣酷熱 市民應防中暑"}
    scmp = articles.get(title__startswith="Hong Kong urged")
    assert "utm_" not in scmp.url
    assert "Advertisement" not in scmp.text and "Download" not in scmp.html
    assert scmp.author == "Denise Tsang" and scmp.language == "en"
    assert scmp.word_count > 200 and scmp.reading_minutes == 2
    assert all(a.language == "zh" for a in articles.filter(source__language="zh"))
    # a second full refresh stores nothing new and changes nothing
    before = list(articles.order_by("pk").values_list("pk", "url", "text"))
    _ingest_all()
    assert list(Article.objects.order_by("pk").values_list("pk", "url", "text")) == before


def test_a_quick_feeds_articles_are_read_while_a_slow_feed_loads(server: FixtureServer) -> None:
    """`newsloom refresh --wait` reads a feed's articles as soon as that feed is stored,
    as the worker's queue does, not after the slowest feed of the run (storing every feed
    first kept the extraction processes idle): the slow feed answers only once the quick
    feed's pages were asked for (or gives up waiting after 2.5 s), and its article is read
    too."""
    server.routes["/quick.xml"] = respond(200, rss([(f"q{i}", server.url(f"/q{i}"), f"Quick {i}")
                                                    for i in range(2)]), "application/rss+xml")
    slow_feed = respond(200, rss([("s0", server.url("/s0"), "Slow 0")]), "application/rss+xml")
    asked: list[str] = []
    both_asked = threading.Event()
    overlapped: list[bool] = []

    def quick_page(name: str) -> Callable[[BaseHTTPRequestHandler], None]:
        page = respond(200, article_page(f"Page {name}"))

        def handle(request: BaseHTTPRequestHandler) -> None:
            asked.append(name)
            if len(asked) == 2:
                both_asked.set()
            page(request)
        return handle

    def slow(request: BaseHTTPRequestHandler) -> None:
        overlapped.append(both_asked.wait(timeout=2.5))
        slow_feed(request)

    server.routes["/slow.xml"] = slow
    server.routes["/q0"], server.routes["/q1"] = quick_page("q0"), quick_page("q1")
    server.routes["/s0"] = respond(200, article_page("Page s0"))
    late = Source.objects.create(name="Slow", feed_url=server.url("/slow.xml"))
    quick = Source.objects.create(name="Quick", feed_url=server.url("/quick.xml"))
    summary, stored = refresh_and_process([late.pk, quick.pk], workers=3)
    assert overlapped == [True]
    assert (summary.sources_ok, summary.new_articles, stored) == (2, 3, 3)
    assert {a.status for a in Article.objects.all()} == {Article.Status.READY}


def test_one_feeds_articles_are_read_on_every_thread(server: FixtureServer) -> None:
    """A refresh of a single feed still reads its pages on all the threads it was given:
    the articles a feed adds are tasks for every thread, not only for as many threads as
    there were feeds."""
    server.routes["/feed.xml"] = respond(200, rss([(f"p{i}", server.url(f"/p{i}"), f"Page {i}")
                                                   for i in range(6)]), "application/rss+xml")
    lock, in_flight, most = threading.Lock(), [0], [0]

    def page(name: str) -> Callable[[BaseHTTPRequestHandler], None]:
        body = respond(200, article_page(f"Page {name}"))

        def handle(request: BaseHTTPRequestHandler) -> None:
            with lock:
                in_flight[0] += 1
                most[0] = max(most[0], in_flight[0])
            time.sleep(0.3)
            with lock:
                in_flight[0] -= 1
            body(request)
        return handle

    for i in range(6):
        server.routes[f"/p{i}"] = page(f"p{i}")
    source = Source.objects.create(name="Feed", feed_url=server.url("/feed.xml"))
    summary, stored = refresh_and_process([source.pk], workers=4)
    assert (summary.sources_ok, stored) == (1, 6)
    assert most[0] >= 2


def test_an_article_whose_processing_breaks_does_not_stop_the_others(
        server: FixtureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A runner thread whose task raises (a lost database connection, say) goes on with the
    others on a fresh connection; the error still reaches the caller once all were tried."""
    from newsloom.news import runner

    server.routes["/feed.xml"] = respond(200, rss([(f"p{i}", server.url(f"/p{i}"), f"Page {i}")
                                                   for i in range(3)]), "application/rss+xml")
    for i in range(3):
        server.routes[f"/p{i}"] = respond(200, article_page(f"Page {i}"))
    source = Source.objects.create(name="Feed", feed_url=server.url("/feed.xml"))
    refresh_sources([source.pk])
    first, *others = Article.objects.order_by("pk").values_list("pk", flat=True)
    real = runner.process_article

    def broken_once(article_id: int) -> bool:
        if article_id == first:
            raise OSError("connection lost")
        return real(article_id)

    monkeypatch.setattr(runner, "process_article", broken_once)
    with pytest.raises(OSError, match="connection lost"):
        process_all_pending(workers=1)
    assert set(Article.objects.filter(status=Article.Status.READY)
               .values_list("pk", flat=True)) == set(others)


def test_racing_workers_never_duplicate(server: FixtureServer) -> None:
    items = [(f"g{i}", server.url(f"/a/{i}?utm_source=x"), f"Story {i}") for i in range(12)]
    server.routes["/feed"] = respond(200, rss(items), "application/rss+xml")
    for i in range(12):
        server.routes[f"/a/{i}"] = respond(200, article_page(f"Story {i}"))
    source = Source.objects.create(name="t", feed_url=server.url("/feed"))
    refresh_sources([source.pk] * 4, workers=4)  # four refreshes of one feed at once
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(process_all_pending(workers=4)))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Article.objects.count() == 12
    assert sum(results) == 12  # each article processed exactly once
    assert Article.objects.filter(status=Article.Status.READY).count() == 12


def test_broken_feed_keeps_old_articles_and_reports_error(server: FixtureServer) -> None:
    server.routes["/feed"] = respond(200, rss([("g1", server.url("/a/1"), "One")]),
                                     "application/rss+xml")
    server.routes["/a/1"] = respond(200, article_page("One"))
    source = Source.objects.create(name="t", feed_url=server.url("/feed"))
    _ingest_all()
    server.routes["/feed"] = respond(200, b"<rss><channel><item><title>broken", "application/xml")
    outcome = ingest.refresh_source(source.pk)
    source.refresh_from_db()
    assert outcome.status == "error"
    assert source.consecutive_errors == 1 and source.last_error
    assert Article.objects.filter(source=source).count() == 1
    assert source.next_fetch_at > timezone.now() + timedelta(minutes=20)
    server.routes["/feed"] = respond(500, b"oops")
    ingest.refresh_source(source.pk)
    source.refresh_from_db()
    assert source.consecutive_errors == 2 and "HTTP 500" in source.last_error
    assert Article.objects.filter(source=source).count() == 1


def test_retry_after_is_honoured(server: FixtureServer) -> None:
    server.routes["/feed"] = respond(429, b"", headers={"Retry-After": "7200"})
    source = Source.objects.create(name="t", feed_url=server.url("/feed"))
    ingest.refresh_source(source.pk)
    source.refresh_from_db()
    assert source.next_fetch_at >= timezone.now() + timedelta(seconds=7100)
    assert "retry after 7200" in source.last_error


def test_conditional_get_and_adaptive_interval(server: FixtureServer) -> None:
    def feed(req) -> None:  # type: ignore[no-untyped-def]
        if req.headers.get("If-None-Match") == '"v1"':
            respond(304)(req)
        else:
            respond(200, rss([("g1", server.url("/a/1"), "One")]), "application/rss+xml",
                    {"ETag": '"v1"'})(req)
    server.routes["/feed"] = feed
    server.routes["/a/1"] = respond(200, article_page("One"))
    source = Source.objects.create(name="t", feed_url=server.url("/feed"), refresh_interval=1800)
    assert ingest.refresh_source(source.pk).status == "ok"
    source.refresh_from_db()
    assert source.etag == '"v1"' and source.refresh_interval < 1800  # busy feed: sooner
    busy = source.refresh_interval
    assert ingest.refresh_source(source.pk).status == "not_modified"
    source.refresh_from_db()
    assert source.refresh_interval > busy  # quiet feed: later


def test_updated_entry_is_updated_in_place(server: FixtureServer) -> None:
    link = server.url("/a/1")
    server.routes["/feed"] = respond(
        200, rss([("g1", link, "First title")], "2026-11-20T10:00:00Z"), "application/rss+xml")
    server.routes["/a/1"] = respond(200, article_page("First title"))
    source = Source.objects.create(name="t", feed_url=server.url("/feed"))
    _ingest_all()
    server.routes["/feed"] = respond(
        200, rss([("g1", link, "Corrected title")], "2026-11-21T10:00:00Z"), "application/rss+xml")
    server.routes["/a/1"] = respond(200, article_page("Corrected title"))
    _ingest_all()
    article = Article.objects.get()
    assert article.title == "Corrected title" and "Corrected title" in article.text
    assert article.status == Article.Status.READY and source.articles.count() == 1


def test_redirected_page_settles_on_canonical_url_and_hostile_html_is_inert(
        server: FixtureServer) -> None:
    server.routes["/feed"] = respond(
        200, rss([("g1", server.url("/short/1"), "Story")]), "application/rss+xml")
    server.routes["/short/1"] = redirect("/news/2026/story.html?utm_campaign=x#top")
    server.routes["/news/2026/story.html"] = respond(200, article_page("Story"))
    Source.objects.create(name="t", feed_url=server.url("/feed"))
    _ingest_all()
    article = Article.objects.get()
    assert article.url == server.url("/news/2026/story.html")
    assert article.origin == Article.Origin.PAGE
    assert "<script" not in article.html and "javascript:" not in article.html
    assert "steal()" not in article.text


def test_page_to_private_address_falls_back_to_feed_content(server: FixtureServer) -> None:
    server.routes["/feed"] = respond(
        200, rss([("g1", server.url("/evil"), "Story")]), "application/rss+xml")
    server.routes["/evil"] = redirect("http://169.254.169.254/latest/meta-data/")
    Source.objects.create(name="t", feed_url=server.url("/feed"))
    _ingest_all()
    article = Article.objects.get()
    assert article.origin == Article.Origin.FEED
    assert "non-public address" in article.fetch_error
    assert article.text.startswith("Summary of Story")


def test_add_source_by_site_url_uses_autodiscovery(server: FixtureServer) -> None:
    server.routes["/"] = respond(200, b'<html><head><link rel="alternate" '
                                      b'type="application/rss+xml" href="/feed.xml"></head></html>')
    server.routes["/feed.xml"] = respond(200, rss([]), "application/rss+xml")
    source = add_source(server.url("/"), SourceSpec(region="HK", topics=("local",)))
    assert source.feed_url == server.url("/feed.xml")
    assert source.name == "Test feed" and source.region == "hk" and source.topics == ["local"]
    with pytest.raises(SourceError, match="already subscribed"):
        add_source(server.url("/feed.xml"))
    server.routes["/nofeed"] = respond(200, b"<html><body>hi</body></html>")
    with pytest.raises(SourceError, match="no RSS, Atom or JSON Feed found"):
        add_source(server.url("/nofeed"))


def test_bulk_import_is_idempotent_and_reports_bad_lines() -> None:
    body = " ".join(f"token{i}" for i in range(120))
    lines = [
        json.dumps({"url": "https://a.example/1?utm_source=x", "title": "One", "text": body,
                    "published": "2020-06-30T12:00:00+08:00", "source": "RTHK", "language": "zh"}),
        json.dumps({"url": "https://b.example/copy", "title": "One again", "text": body,
                    "source": "Other"}),
        json.dumps({"url": "https://a.example/2", "title": "Two",
                    "html": "<p>Hello <script>x()</script>world</p>", "source": "RTHK"}),
        "{not json",
        json.dumps({"url": "ftp://x", "title": "bad"}),
        json.dumps({"url": "https://a.example/3", "title": "no body"}),
    ]
    report = import_jsonl(lines)
    assert report.created == 3 and report.duplicates_linked == 1 and len(report.errors) == 3
    assert any("line 4" in e for e in report.errors)
    two = Article.objects.get(url="https://a.example/2")
    assert "<script" not in two.html and two.text == "Hello world"
    one = Article.objects.get(url="https://a.example/1")
    assert one.published_at.isoformat() == "2020-06-30T04:00:00+00:00"
    again = import_jsonl(lines)
    assert again.created == 0 and again.skipped_existing == 3
    assert Article.objects.count() == 3


def test_bulk_import_leaves_fresh_planner_statistics() -> None:
    from django.db import connection

    line = {"url": "https://stats.example/1", "title": "Planner statistics",
            "text": "Search plans follow the statistics. " * 20, "source": "Stats"}
    import_jsonl([json.dumps(line)], enrich=False)
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps no planner statistics of ours")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'news_article'")
        assert cursor.fetchone()[0] == 1  # ANALYZE counted the one row (-1 = never analysed)
