"""CPU-bound stages (page extraction, enrichment) in processes the worker owns.

Why: in one process the GIL kept the pipeline to 1.3-1.65 cores, and two threads inside
lxml at once (trafilatura's metadata copy and `lxml.html.fromstring`) crashed the worker
with "double free or corruption" or SIGSEGV. Here the caller's threads keep doing the I/O
(fetching, with one per-host politeness limiter for the whole worker) and hand each
extraction and each enrichment to a pool of single-threaded processes: every core is used,
lxml never runs on two threads of one process, and the models are loaded once per pool
process, when it first needs them.

`configure(n)` chooses the pool size for this process (0: run the stages inline on the
calling thread, the old threaded path); commands configure it, library calls and tests
default to inline. A pool process that dies (a crash inside a parser) breaks the pool: it
is rebuilt and the stage is tried once more there, so the neighbours of a poison page
carry on; the stage that breaks a fresh pool too raises `BrokenProcessPool`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

R = TypeVar("R")
log = logging.getLogger("newsloom.cpu")
_lock = threading.Lock()
_size = 0
_pool: ProcessPoolExecutor | None = None


def default_processes() -> int:
    """One pool process per core."""
    return os.cpu_count() or 1


def configure(processes: int) -> None:
    """Run CPU-bound stages in `processes` pool processes from now on (0: inline)."""
    global _size
    shutdown()
    with _lock:
        _size = max(0, processes)


def processes() -> int:
    return _size


def shutdown() -> None:
    """Let the pool processes go (they are started again on demand): queued stages are
    cancelled, running ones finish in the background, nothing waits for them here."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def run(func: Callable[..., R], *args: Any) -> R:
    """`func(*args)` in a pool process (inline when no pool is configured). `func` must be a
    module-level function; arguments and result travel pickled."""
    if not _size:
        return func(*args)
    pool = _current_pool()
    try:
        return pool.submit(func, *args).result()
    except BrokenProcessPool:
        log.warning("a pipeline process died during %s; retrying in a fresh one",
                    getattr(func, "__name__", func))
        return _replace(pool).submit(func, *args).result()


def _current_pool() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = _new_pool()
        return _pool


def _replace(broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
    """A new pool in place of a broken one (once, however many threads saw it break)."""
    global _pool
    with _lock:
        if _pool is broken or _pool is None:
            _pool = _new_pool()
        fresh = _pool
    broken.shutdown(wait=False, cancel_futures=True)
    return fresh


def _new_pool() -> ProcessPoolExecutor:
    """Spawned, not forked: the parent runs threads (fetchers, progress bars, a database
    connection per thread), and a fork copies their locks and sockets mid-use."""
    from django.db import connection

    return ProcessPoolExecutor(max_workers=_size, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_child, initargs=(dict(connection.settings_dict),))


def _start_child(database: dict[str, Any]) -> None:
    """Set Django up in a pool process on the parent's database (which may be a test
    database chosen at run time, not the one the environment names)."""
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict.update(database)
