"""The worker runtime on the real database and queue (SQLite; PostgreSQL + Redis on the
scale-out run): attempts and the failed state, each article queued once, one scheduler,
migrations under a lock, the sweep for unenriched articles, worker heartbeats in /healthz,
and the process pool for CPU-bound stages."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from newsloom.fetch.client import Fetcher
from newsloom.news import cpu, enrich_batches, ingest, tasks
from newsloom.news.bulk import import_jsonl
from newsloom.news.health import WORKER_DEAD_AFTER, beat
from newsloom.news.management.base import refresh_with_progress
from newsloom.news.models import Article, Source, WorkerHeartbeat
from newsloom.news.retries import (
    MAX_ATTEMPTS,
    claim_article,
    due_for_queue,
    retry_delay,
)
from tests.fixture_server import FixtureServer, respond
from tests.test_ingest import article_page, rss

pytestmark = [pytest.mark.ingest, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def local_fetcher(pipeline_fetcher: Fetcher) -> Iterator[Fetcher]:
    """The pipeline's fetcher, on an empty queue."""
    HUEY.flush()
    yield pipeline_fetcher
    HUEY.flush()


def feed_with_pages(server: FixtureServer, count: int, prefix: str = "a") -> Source:
    """A source whose feed lists `count` article pages, all served."""
    items = [(f"{prefix}{i}", server.url(f"/{prefix}/{i}"), f"Story {prefix}{i}")
             for i in range(count)]
    server.routes["/feed"] = respond(200, rss(items), "application/rss+xml")
    for i in range(count):
        server.routes[f"/{prefix}/{i}"] = respond(200, article_page(f"Story {prefix}{i}"))
    return Source.objects.create(name="t", feed_url=server.url("/feed"))


def stored_pending(server: FixtureServer, count: int) -> list[int]:
    source = feed_with_pages(server, count)
    return ingest.refresh_source(source.pk).new_article_ids


def broken_extractor(body: bytes, url: str, **options: object) -> None:
    raise RuntimeError("extractor bug")


def test_attempts_are_counted_at_the_claim_and_kept(server: FixtureServer,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """One failed attempt then a good one: both counted (a full save used to write the
    count read before the claim back), the failure recorded, then cleared."""
    (article_id,) = stored_pending(server, 1)
    monkeypatch.setattr(ingest, "extract_article", broken_extractor)
    before = timezone.now()
    assert ingest.process_article(article_id) is False
    article = Article.objects.get(pk=article_id)
    assert (article.status, article.attempts) == (Article.Status.PENDING, 1)
    assert article.failure == "RuntimeError: extractor bug"
    assert article.next_attempt_at >= before + retry_delay(1)
    # backing off: not due for the queue now, due once the delay has passed
    assert not due_for_queue().filter(pk=article_id).exists()
    assert due_for_queue(article.next_attempt_at).filter(pk=article_id).exists()
    monkeypatch.undo()
    assert ingest.process_article(article_id) is True
    article.refresh_from_db()
    assert (article.status, article.attempts, article.failure) == (Article.Status.READY, 2, "")
    assert article.origin == Article.Origin.PAGE and "paragraph 5" in article.text


def test_repeated_failure_ends_failed_then_retry_failed_stores_it(
        server: FixtureServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (article_id,) = stored_pending(server, 1)
    monkeypatch.setattr(ingest, "extract_article", broken_extractor)
    delays = []
    for _ in range(MAX_ATTEMPTS):
        ingest.process_article(article_id)
        article = Article.objects.get(pk=article_id)
        if article.next_attempt_at:
            delays.append(article.next_attempt_at - timezone.now())
    assert delays == sorted(delays) and delays[-1] > delays[0] * 4  # backoff grows
    assert (article.status, article.attempts) == (Article.Status.FAILED, MAX_ATTEMPTS)
    assert article.failure == "RuntimeError: extractor bug"
    assert not due_for_queue(timezone.now() + timedelta(days=30)).filter(pk=article_id).exists()
    assert claim_article(article_id) is False
    monkeypatch.undo()
    call_command("refresh", "--retry-failed", "--wait", "--processes", "0")
    assert "1 failed article(s) retried, 1 stored, 0 still failing" in capsys.readouterr().out
    article.refresh_from_db()
    assert (article.status, article.attempts, article.failure) == (Article.Status.READY, 1, "")


def test_admin_retry_action_queues_failed_articles(server: FixtureServer,
                                                   admin_client: Client) -> None:
    ids = stored_pending(server, 2)
    Article.objects.filter(pk=ids[0]).update(status=Article.Status.FAILED, attempts=MAX_ATTEMPTS,
                                             failure="RuntimeError: boom")
    response = admin_client.post("/admin/news/article/", {
        "action": "retry", "_selected_action": [str(ids[0])]}, follow=True)
    assert "1 failed article(s) queued again." in response.content.decode()
    article = Article.objects.get(pk=ids[0])
    assert (article.status, article.attempts) == (Article.Status.PENDING, 0)
    assert HUEY.pending_count() == 1


def test_a_page_that_kills_every_worker_is_given_up(server: FixtureServer, settings) -> None:  # type: ignore[no-untyped-def]
    """Attempts that never report back (the worker died holding the article) count too."""
    (article_id,) = stored_pending(server, 1)
    settings.NEWSLOOM = {**settings.NEWSLOOM, "ARTICLE_LEASE": 0}
    for _ in range(MAX_ATTEMPTS):  # each claim's holder "dies": its lease lapses at once
        assert claim_article(article_id)
    assert claim_article(article_id) is False
    assert tasks.sweep() == (0, 0)
    article = Article.objects.get(pk=article_id)
    assert article.status == Article.Status.FAILED
    assert article.failure.startswith(f"gave up after {MAX_ATTEMPTS} attempts")


def test_concurrent_sweeps_queue_each_article_once(server: FixtureServer) -> None:
    ids = stored_pending(server, 12)

    def sweep_in_thread(_: int) -> int:
        try:
            return tasks.sweep()[0]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(3) as pool:
        queued = sum(pool.map(sweep_in_thread, range(3)))
    assert queued == len(ids) == HUEY.pending_count()
    assert tasks.sweep() == (0, 0)  # queued, not due again
    assert HUEY.pending_count() == len(ids)


def test_a_task_taken_off_the_queue_by_a_dying_worker_is_queued_again(
        server: FixtureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Huey's dequeue removes a task at once: a worker killed between taking an article's
    task and claiming the article loses the task. Once the queue is empty and the grace has
    passed the sweep queues it again (once), without waiting out the hour of patience;
    an article backing off after a failure keeps its backoff."""
    lost, failing, done = stored_pending(server, 3)
    assert tasks.sweep() == (3, 0)
    HUEY.dequeue()  # the dying worker's task: gone
    monkeypatch.setattr(ingest, "extract_article", broken_extractor)
    HUEY.execute(HUEY.dequeue())
    monkeypatch.undo()
    HUEY.execute(HUEY.dequeue())
    assert Article.objects.get(pk=failing).failure
    assert Article.objects.get(pk=done).status == Article.Status.READY
    assert HUEY.pending_count() == 0
    assert tasks.sweep() == (0, 0)  # within the grace: maybe another sweep's, still queueing
    Article.objects.filter(pk__in=[lost, failing]).update(
        next_attempt_at=timezone.now() + tasks.QUEUE_PATIENCE - tasks.LOST_TASK_GRACE)
    assert tasks.sweep() == (1, 0)
    assert tasks.sweep() == (0, 0)  # queued once
    HUEY.execute(HUEY.dequeue())
    assert Article.objects.get(pk=lost).status == Article.Status.READY
    assert Article.objects.get(pk=failing).status == Article.Status.PENDING


def test_one_worker_takes_each_periodic_turn() -> None:
    def turn(_: int) -> bool:
        try:
            return tasks.take_turn("schedule", timedelta(minutes=1))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(3) as pool:
        assert sorted(pool.map(turn, range(3))) == [False, False, True]


def test_sweep_enriches_articles_stored_but_never_enriched(server: FixtureServer,
                                                           settings) -> None:  # type: ignore[no-untyped-def]
    """A worker killed between storing and enriching leaves a ready article with no summary
    or story: the sweep queues it once, and the task enriches it."""
    (article_id,) = stored_pending(server, 1)
    claim_article(article_id)
    ingest._process_claimed(article_id, ingest.get_fetcher())  # stored, then "killed"
    Article.objects.filter(pk=article_id).update(
        processed_at=timezone.now() - timedelta(seconds=settings.NEWSLOOM["ARTICLE_LEASE"] + 1))
    assert Article.objects.get(pk=article_id).enriched_at is None
    import_jsonl([json.dumps({"url": "https://c.example/1", "title": "Imported",
                              "text": "Left for newsloom enrich. " * 20, "source": "Bulk",
                              "language": "en"})], enrich=False)
    Article.objects.filter(origin=Article.Origin.IMPORT).update(processed_at=timezone.now()
                                                                - timedelta(days=1))
    assert tasks.sweep() == (0, 1)  # the pipeline's article, not the --no-enrich import
    assert tasks.sweep() == (0, 0)
    assert HUEY.pending_count() == 1
    HUEY.execute(HUEY.dequeue())
    article = Article.objects.get(pk=article_id)
    assert article.enriched_at is not None and article.summary and article.story_id


def test_an_enrichment_task_lost_with_its_worker_is_queued_again_a_crash_waits(
        server: FixtureServer, settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A worker killed after taking an enrichment task off the queue, before starting it,
    loses the task: once the queue is empty and the grace has passed the sweep queues it
    again (was: an hour later). An enrichment that started and took its worker down waits
    out its backoff instead, so an article that crashes workers is not retried each minute."""
    lost, crashed = stored_pending(server, 2)
    for article_id in (lost, crashed):
        claim_article(article_id)
        ingest._process_claimed(article_id, ingest.get_fetcher())  # stored, then "killed"
    Article.objects.filter(pk__in=[lost, crashed]).update(
        processed_at=timezone.now() - timedelta(seconds=settings.NEWSLOOM["ARTICLE_LEASE"] + 1))
    assert tasks.sweep() == (0, 2)
    HUEY.dequeue()  # the dying worker's task (for `lost`): gone

    def worker_dies(article_id: int) -> None:
        raise BrokenProcessPool("the enrichment process was killed")

    monkeypatch.setattr(enrich_batches, "enrich", worker_dies)
    HUEY.execute(HUEY.dequeue())  # `crashed`: started, then the worker died
    monkeypatch.undo()
    assert HUEY.pending_count() == 0
    assert tasks.sweep() == (0, 0)  # within the grace: maybe another sweep's, still queueing
    Article.objects.filter(pk__in=[lost, crashed]).update(
        next_attempt_at=timezone.now() + tasks.ENRICH_RETRY - tasks.LOST_TASK_GRACE)
    assert tasks.sweep() == (0, 1)
    assert tasks.sweep() == (0, 0)  # queued once
    HUEY.execute(HUEY.dequeue())
    assert Article.objects.get(pk=lost).enriched_at is not None
    assert Article.objects.get(pk=crashed).enriched_at is None  # still backing off


def test_healthz_reports_worker_heartbeat_and_queue_depth(client: Client) -> None:
    dead = client.get("/healthz")
    assert dead.status_code == 503 and dead.json()["workers_alive"] == 0
    beat("host:1")
    WorkerHeartbeat.objects.filter(name="host:1").update(
        beat_at=timezone.now() - WORKER_DEAD_AFTER - timedelta(seconds=1))
    stale = client.get("/healthz").json()
    assert stale["ok"] is False and stale["last_heartbeat_seconds"] > 30
    beat("host:2")
    tasks.process_article_task(12345)
    alive = client.get("/healthz")
    assert alive.status_code == 200
    assert alive.json()["workers_alive"] == 1 and alive.json()["queue_depth"] == 1


def test_a_crashing_pool_process_is_replaced() -> None:
    """A stage that kills its process (as the lxml double free did) fails alone; the pool
    comes back for the next stage."""
    cpu.configure(2)
    try:
        with pytest.raises(BrokenProcessPool):
            cpu.run(os.abort)
        assert cpu.run(os.getpid) != os.getpid()
    finally:
        cpu.configure(0)


def test_stopping_the_pool_waits_for_its_processes() -> None:
    """`configure(0)` returns once the processes have exited, a short stage in flight
    finished: nothing is left for the interpreter's exit to wait on (on CPython 3.11 a
    pool left to stop in the background could hang it: `refresh --wait` printed its
    summary in CI and never returned)."""
    cpu.configure(2)
    with ThreadPoolExecutor(1) as thread:
        in_flight = thread.submit(cpu.run, time.sleep, 0.5)
        cpu.run(os.getpid)  # the pool is up
        cpu.configure(0)
        assert multiprocessing.active_children() == []
        in_flight.result()


def test_stopping_the_pool_ends_a_stage_that_does_not_finish() -> None:
    """A stopping worker waits STOP_GRACE for a running stage, not for as long as the
    stage takes; the stage fails and no new pool is started for it."""
    cpu.configure(1)
    cpu.run(os.getpid)  # the pool is up
    with ThreadPoolExecutor(1) as thread:
        in_flight = thread.submit(cpu.run, time.sleep, 60)
        time.sleep(1)  # the stage is running in the process
        started = time.monotonic()
        cpu.configure(0)
        assert time.monotonic() - started < cpu.STOP_GRACE + 5
        assert multiprocessing.active_children() == []
        with pytest.raises(BrokenProcessPool):
            in_flight.result()
    assert multiprocessing.active_children() == []


def _models_loaded() -> bool:
    """In a pool process: whether enrichment's models are in memory already."""
    import sys

    from newsloom.intel import embed

    return embed._model is not None and "jieba.posseg" in sys.modules


def test_the_enrichment_process_loads_its_models_when_it_starts() -> None:
    """Its memory settles (and the loading's garbage is given back) before the first batch,
    rather than the first batch paying for the models; extraction processes stay lean."""
    cpu.configure(1)
    try:
        assert cpu.run_serial(_models_loaded)
        assert not cpu.run(_models_loaded)
    finally:
        cpu.configure(0)


def test_refresh_extracts_and_enriches_in_processes(server: FixtureServer) -> None:
    source = feed_with_pages(server, 6)
    summary, done = refresh_with_progress([source.pk], workers=4, processes=2)
    assert (summary.sources_ok, done) == (1, 6)
    articles = Article.objects.all()
    assert {a.status for a in articles} == {Article.Status.READY}
    assert all(a.origin == Article.Origin.PAGE and "paragraph 5" in a.text for a in articles)
    assert all(a.enriched_at and a.summary for a in articles)
    assert cpu.processes() == 0  # the command's pool is gone with it


def test_articles_stored_together_are_enriched_in_one_batch() -> None:
    """Threads that store articles while the enrichment process is busy hand them over
    together: one embedding pass and one bulk write for all of them."""
    from newsloom.news import enrich_batches

    import_jsonl([json.dumps({"url": f"https://b.example/{i}", "title": f"Harbour story {i}",
                              "text": f"The harbour ferry timetable changes, report {i}. " * 5,
                              "source": "Bay Daily", "language": "en"}) for i in range(6)],
                 enrich=False)
    ids = list(Article.objects.values_list("pk", flat=True))
    cpu.configure(1)
    try:
        before = enrich_batches.batches_sent()
        with ThreadPoolExecutor(len(ids)) as threads:
            list(threads.map(enrich_batches.enrich, ids))
        sent = enrich_batches.batches_sent() - before
    finally:
        cpu.configure(0)
    assert Article.objects.filter(enriched_at__isnull=True).count() == 0
    assert all(a.story_id for a in Article.objects.all())
    assert sent < len(ids)  # the first batch starts alone; the others wait and go together
