"""Scale-out roles with real processes (SQLite; PostgreSQL + Redis on the scale-out run):
concurrent `newsloom migrate` runs, commands that refuse an unmigrated database, three
workers started together, and `newsloom serve` restarting a killed worker."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from django.db import connection

from newsloom.fetch.client import Fetcher
from newsloom.news import ingest
from newsloom.news.models import Article, Source, WorkerHeartbeat
from tests.conftest import subprocess_env
from tests.fixture_server import FixtureServer, respond
from tests.test_ingest import article_page, rss

pytestmark = [pytest.mark.ingest, pytest.mark.django_db(transaction=True)]


def newsloom(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "newsloom.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


@pytest.fixture
def fresh_database_url() -> Iterator[str]:
    """An empty database of the kind under test, dropped afterwards."""
    if connection.vendor == "sqlite":
        folder = tempfile.mkdtemp(prefix="newsloom-fresh-")
        yield f"sqlite:///{folder}/fresh.sqlite3"
        return
    import psycopg

    settings = connection.settings_dict
    name = f"test_newsloom_fresh_{uuid.uuid4().hex[:8]}"
    admin = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield admin.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_concurrent_migrations_take_turns_and_other_commands_refuse(
        fresh_database_url: str) -> None:
    env = subprocess_env(DATABASE_URL=fresh_database_url)
    refused = subprocess.run([sys.executable, "-m", "newsloom.cli", "worker"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1
    assert "run `newsloom migrate`" in refused.stderr and "Traceback" not in refused.stderr
    runs = [newsloom("migrate", "--noinput", env=env) for _ in range(3)]
    results = [(run.wait(300), run.stderr.read()) for run in runs]  # type: ignore[union-attr]
    assert [code for code, _ in results] == [0, 0, 0], results
    listed = subprocess.run([sys.executable, "-m", "newsloom.cli", "sources", "list"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr


def test_three_workers_started_together_process_each_article_once(
        server: FixtureServer, fetcher: Fetcher) -> None:
    """Stored but never queued: all three workers sweep at start, each article is queued,
    fetched and counted once, and every worker beats."""
    count = 24
    items = [(f"g{i}", server.url(f"/a/{i}"), f"Story {i}") for i in range(count)]
    server.routes["/feed"] = respond(200, rss(items), "application/rss+xml")
    for i in range(count):
        server.routes[f"/a/{i}"] = respond(200, article_page(f"Story {i}"))
    source = Source.objects.create(name="t", feed_url=server.url("/feed"))
    assert len(ingest.refresh_source(source.pk, fetcher).new_article_ids) == count
    env = subprocess_env(NEWSLOOM_HOST_SPACING="0")
    workers = [newsloom("worker", "-w", "2", "-p", "1", env=env) for _ in range(3)]
    try:
        ready = Article.objects.filter(status=Article.Status.READY, enriched_at__isnull=False)
        assert wait_for(lambda: ready.count() == count, 240), (
            f"{ready.count()} of {count} done")
        assert wait_for(lambda: WorkerHeartbeat.objects.count() == 3, 30)
    finally:
        for worker in workers:
            stop(worker)
    assert set(Article.objects.values_list("attempts", flat=True)) == {1}
    pages = Counter(r.path for r in server.requests if r.path.startswith("/a/"))
    assert set(pages.values()) == {1} and len(pages) == count


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(base: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    except OSError:
        return 0, {}


def test_serve_restarts_a_killed_worker() -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    portal = newsloom("serve", "--port", str(port), "--web-workers", "1", env=subprocess_env())
    try:
        assert wait_for(lambda: _health(base)[0] == 200, 120), _health(base)
        (first,) = WorkerHeartbeat.objects.values_list("name", flat=True)
        os.kill(int(first.rsplit(":", 1)[1]), signal.SIGKILL)
        restarted = WorkerHeartbeat.objects.exclude(name=first)
        assert wait_for(restarted.exists, 120), "the worker was not restarted"
        assert _health(base)[0] == 200
    finally:
        stop(portal)
