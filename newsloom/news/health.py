"""Worker liveness and queue depth, for `/healthz` and `newsloom serve`'s supervisor.

Each `newsloom worker` writes a heartbeat row every HEARTBEAT_EVERY seconds from a thread
of its own; the portal is healthy only while some worker beat within WORKER_DEAD_AFTER (a
dead or hung worker means nothing new is ever stored, which a web-only check would hide)."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, connection
from django.utils import timezone

from newsloom.news.models import Article, WorkerHeartbeat

log = logging.getLogger("newsloom.health")
HEARTBEAT_EVERY = 5.0
WORKER_DEAD_AFTER = timedelta(seconds=30)
# rows of workers gone this long are removed, so the table holds only recent workers
FORGET_AFTER = timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def beat(name: str) -> None:
    """Record that worker `name` is alive now."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": now},
                                             create_defaults={"started_at": now, "beat_at": now})
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


def start_heartbeat(stop: threading.Event) -> threading.Thread:
    """Beat from a daemon thread until `stop` is set. The connection is closed after each
    beat: the worker may fork or spawn processes, and none of them must inherit it open."""
    name = worker_name()

    def loop() -> None:
        while True:
            try:
                beat(name)
            except DatabaseError:
                log.exception("worker heartbeat could not be written")
            finally:
                connection.close()
            if stop.wait(HEARTBEAT_EVERY):
                return

    thread = threading.Thread(target=loop, name="newsloom-heartbeat", daemon=True)
    thread.start()
    return thread


def queue_depth() -> int | None:
    """Tasks waiting on the queue (None when the queue cannot be read)."""
    from huey.contrib.djhuey import HUEY

    try:
        return int(HUEY.pending_count())
    except Exception:  # a queue outage is reported as unknown, never as a 500
        log.exception("queue depth unavailable")
        return None


def report() -> dict[str, Any]:
    """What `/healthz` answers: ok only when a worker beat recently and the queue is readable."""
    now = timezone.now()
    latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    alive = WorkerHeartbeat.objects.filter(beat_at__gte=now - WORKER_DEAD_AFTER).count()
    depth = queue_depth()
    silent = None if latest is None else round((now - latest).total_seconds(), 1)
    return {
        "ok": bool(alive) and depth is not None,
        "workers_alive": alive,
        "last_heartbeat_seconds": silent,
        "queue_depth": depth,
        "pending_articles": Article.objects.filter(status=Article.Status.PENDING).count(),
        "failed_articles": Article.objects.filter(status=Article.Status.FAILED).count(),
        "articles": Article.objects.count(),
    }
