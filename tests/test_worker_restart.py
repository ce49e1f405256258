"""A worker killed in the middle of an ingest: a restarted worker finishes the job with
nothing lost and nothing duplicated (on the SQLite queue and on Redis). And the worker,
its pipeline processes included, runs at a lower CPU priority than the web."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsloom.news.models import Article, Source
from newsloom.news.tasks import refresh_source_task
from tests.conftest import subprocess_env
from tests.fixture_server import FixtureServer, respond
from tests.test_ingest import article_page, rss

pytestmark = [pytest.mark.ingest, pytest.mark.django_db(transaction=True)]
ARTICLES = 20


def start_worker(**settings: str) -> subprocess.Popen[bytes]:
    env = subprocess_env(NEWSLOOM_ARTICLE_LEASE="3", NEWSLOOM_HOST_SPACING="0", **settings)
    return subprocess.Popen([sys.executable, "-m", "newsloom.cli", "worker", "-w", "2"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_killed_worker_loses_nothing(server: FixtureServer) -> None:
    def slow_page(req: BaseHTTPRequestHandler) -> None:
        time.sleep(0.4)
        respond(200, article_page("Story " + req.path.rsplit("/", 1)[-1]))(req)

    items = [(f"g{i}", server.url(f"/a/{i}"), f"Story {i}") for i in range(ARTICLES)]
    server.routes["/feed"] = respond(200, rss(items), "application/rss+xml")
    for i in range(ARTICLES):
        server.routes[f"/a/{i}"] = slow_page
    source = Source.objects.create(name="t", feed_url=server.url("/feed"))
    ready = Article.objects.filter(status=Article.Status.READY)

    worker = start_worker()
    try:
        refresh_source_task(source.pk)
        assert wait_for(lambda: ready.count() >= 3, 60), "worker made no progress"
        os.killpg(worker.pid, signal.SIGKILL)  # mid-ingest, no chance to clean up
        worker.wait(10)
        assert ready.count() < ARTICLES, "killed too late to prove anything"
        assert Article.objects.count() == ARTICLES  # entries were stored before the kill
        worker = start_worker()
        assert wait_for(lambda: ready.count() == ARTICLES, 90), (
            f"only {ready.count()} of {ARTICLES} finished after restart")
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(10)
    assert Article.objects.count() == ARTICLES
    assert len(set(Article.objects.values_list("url", flat=True))) == ARTICLES


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (whichever thread started them)."""
    children = [int(task.name) for task in Path("/proc").iterdir() if task.name.isdigit()
                and (task / "stat").exists()
                and int((task / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid]
    return [pid] + [p for child in children for p in _process_tree(child)]


@pytest.mark.parametrize(("setting", "lower_by"), [({}, 10), ({"NEWSLOOM_WORKER_NICE": "0"}, 0)])
def test_the_worker_and_its_processes_give_way_to_readers(
        server: FixtureServer, setting: dict[str, str], lower_by: int) -> None:
    items = [(f"g{i}", server.url(f"/a/{i}"), f"Story {i}") for i in range(2)]
    server.routes["/feed"] = respond(200, rss(items), "application/rss+xml")
    for i in range(2):
        server.routes[f"/a/{i}"] = respond(200, article_page(f"Story {i}"))
    source = Source.objects.create(name="t", feed_url=server.url("/feed"))
    worker = start_worker(**setting)
    try:
        refresh_source_task(source.pk)
        enriched = Article.objects.filter(enriched_at__isnull=False)
        assert wait_for(lambda: enriched.count() == 2, 90), "worker made no progress"
        tree = _process_tree(worker.pid)
        assert len(tree) >= 3  # the worker, its extraction and enrichment processes
        # a process cannot go below priority 19 (a test run started under `nice -n 19`)
        assert {_niceness(pid) for pid in tree} == {min(19, os.nice(0) + lower_by)}
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(10)
