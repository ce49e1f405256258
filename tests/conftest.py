"""Shared fixtures: local HTTP servers, a guarded fetcher that may reach 127.0.0.1, and
the corpora folder (tests that need it skip with a clear message where it is absent)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer

from newsloom.fetch.client import Fetcher
from newsloom.fetch.politeness import HostLimiter
from newsloom.fetch.ssrf import AllowList
from tests.corpora import CORPORA
from tests.fixture_server import FixtureServer

# pytest-django's live server is Django's development server, which queues 10 connections
# waiting to be accepted; the tests open dozens at once (60 parallel sign-ins). An overflow
# is the likely cause of the rare "connection reset by peer" one of them got on a busy
# machine: a limit of the test server, not of what is tested. `newsloom serve` listens with
# a queue of 1,024 (newsloom.web.server): the test server gets the same.
WSGIServer.request_queue_size = 1024


def corpus(*parts: str) -> Path:
    """A path inside ../shared/corpora, or skip the test when the corpora are absent."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path} (set NEWSLOOM_CORPORA)")
    return path


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Each test starts with an empty cache: cached page fragments are keyed by article id,
    and ids repeat from test to test (a stale "related" block failed a later test). Not on
    Redis, whose clear() flushes the whole database, the task queue included."""
    from django.conf import settings
    from django.core.cache import cache

    if "redis" not in settings.CACHES["default"]["BACKEND"]:
        cache.clear()


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    srv = FixtureServer()
    yield srv
    srv.close()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    """A fetcher allowed to reach 127.0.0.1 only (127.0.0.2 and the rest stay blocked)."""
    f = Fetcher(allow=AllowList.parse("127.0.0.1/32"), max_bytes=1024 * 1024,
                connect_timeout=2, read_timeout=2, limiter=HostLimiter(8, 0))
    yield f
    f.close()


@pytest.fixture
def pipeline_fetcher() -> Iterator[Fetcher]:
    """The ingestion pipeline's own fetcher for the test, allowed to reach 127.0.0.1 only."""
    from newsloom.news import ingest

    f = Fetcher(allow=AllowList.parse("127.0.0.1/32"), connect_timeout=2, read_timeout=3,
                limiter=HostLimiter(8, 0))
    ingest._fetcher = f
    yield f
    ingest._fetcher = None
    f.close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Give each PostgreSQL test run a database of its own, so two runs on one machine never
    share (or drop) each other's `test_test`."""
    from django.conf import settings

    default = settings.DATABASES["default"]
    if not default["ENGINE"].endswith("sqlite3"):
        default.setdefault("TEST", {})["NAME"] = f"test_newsloom_{uuid.uuid4().hex[:10]}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the scale-out run, skip everything with a clear message if PostgreSQL or Redis
    cannot be reached."""
    if os.environ.get("NEWSLOOM_TEST_SCALE") != "1":
        return
    problem = _scale_services_problem()
    if problem:
        marker = pytest.mark.skip(reason=f"PostgreSQL + Redis path not testable here: {problem}")
        for item in items:
            item.add_marker(marker)


def _scale_services_problem() -> str:
    try:
        import psycopg
        import redis

        psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=3).close()
        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for a `newsloom` subprocess that shares this test's database and queue."""
    from django.db import connection

    settings = connection.settings_dict
    env = dict(os.environ)
    if settings["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{settings['NAME']}"
    else:
        env["DATABASE_URL"] = (f"postgres://{settings['USER']}@{settings['HOST']}:"
                               f"{settings['PORT']}/{settings['NAME']}")
    env["NEWSLOOM_FETCH_ALLOW"] = "127.0.0.1/32"
    env.update(extra)
    return env
