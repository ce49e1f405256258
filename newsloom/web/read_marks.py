"""Read marks, written without making the reader wait for the database's write lock.

Every signed-in article view notes the article in the reader's history. On the embedded
SQLite default there is one writer at a time, and while the worker ingests it holds that
lock for each article it stores, each story it assigns and each related list it writes:
a read mark written in the request waited for whatever the worker was doing (the slow
article pages of benchmarks/busy_readers.py). So the mark is written at once only when
the lock is free; otherwise it goes to a writer thread of this web process, which writes
the marks waiting for it in one statement as soon as the lock comes free. The page never
waits; the history shows the mark a moment later. PostgreSQL locks rows, not the
database: there the mark is always written at once."""

from __future__ import annotations

import atexit
import logging
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import DatabaseError, OperationalError, connection
from django.utils import timezone

from newsloom.web.models import ReadMark

log = logging.getLogger("newsloom.web")

Mark = tuple[int, int, datetime]  # user id, article id, when read
_waiting: queue.SimpleQueue[Mark] = queue.SimpleQueue()
_writer_lock = threading.Lock()
_writer: threading.Thread | None = None


def note_read(user_id: int, article_id: int) -> None:
    """Note a read now if that takes no wait, else as soon as the write lock is free."""
    mark = (user_id, article_id, timezone.now())
    if connection.vendor != "sqlite":
        _write([mark])
        return
    try:
        with _no_lock_wait():
            _write([mark])
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        _waiting.put(mark)
        _start_writer()


def _write(marks: list[Mark]) -> None:
    """One INSERT … ON CONFLICT for all the marks (a mark read again gets the new time)."""
    latest = {(user, article): when for user, article, when in marks}
    ReadMark.objects.bulk_create(
        [ReadMark(user_id=user, article_id=article, read_at=when)
         for (user, article), when in latest.items()],
        update_conflicts=True, unique_fields=["user", "article"], update_fields=["read_at"])


@contextmanager
def _no_lock_wait() -> Iterator[None]:
    """SQLite answers "database is locked" at once instead of after its busy timeout."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        usual = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {usual}")


def _start_writer() -> None:
    global _writer
    with _writer_lock:
        if _writer is None or not _writer.is_alive():
            _writer = threading.Thread(target=_write_waiting_forever, daemon=True,
                                       name="newsloom-read-marks")
            _writer.start()


def _write_waiting_forever() -> None:
    while True:
        marks = [_waiting.get()]
        write_waiting(marks)


def write_waiting(marks: list[Mark] | None = None) -> None:
    """Write `marks` and every mark waiting, with the usual busy timeout (also at exit, so
    a web process that stops keeps its readers' history)."""
    marks = marks or []
    while True:
        try:
            marks.append(_waiting.get_nowait())
        except queue.Empty:
            break
    if not marks:
        return
    try:
        _write(marks)
    except DatabaseError as exc:  # an article deleted meanwhile, a full disk: history only
        log.warning("%d read marks not saved: %s", len(marks), exc)


atexit.register(write_waiting)
