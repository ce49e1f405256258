"""CPU-bound stages (page extraction, enrichment) in processes the worker owns.

Why: in one process the GIL kept the pipeline to 1.3-1.65 cores, and two threads inside
lxml at once (trafilatura's metadata copy and `lxml.html.fromstring`) crashed the worker
with "double free or corruption" or SIGSEGV. Here the caller's threads keep doing the I/O
(fetching, with one per-host politeness limit for the whole worker) and hand the CPU-bound
stages to single-threaded processes, so lxml never runs on two threads of one process:

- `run`: extraction, on a pool of `configure(n)` processes (every core);
- `run_serial`: enrichment, on one process of its own. Story assignment and related lists
  are serialised across processes anyway, and every enriching process must first replay the
  assignments the others made (newsloom.news.stories): with enrichment spread over two
  processes the pipeline ran at about half the threaded rate, with it in one it keeps up.
  The models (embeddings, language, topics, jieba) are loaded once, in that process only.

Memory (issue 11: at most 400 MB a process): pool processes set Django up without the
apps only the web uses, and a lane may name a `warm_up` that each of its
processes runs once at start (the enrichment process loads its models there, not inside
the first batch), after which the process hands the heap its loading left free back to
the system (`release_free_memory`).

`configure(0)` runs both inline on the calling thread (the old threaded path); commands
configure it, library calls and tests default to inline. A process that dies (a crash
inside a parser) breaks its pool: the pool is rebuilt and the stage is tried once more
there, so the neighbours of a poison page carry on; a stage that breaks a fresh pool too
raises `BrokenProcessPool`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
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


class _Lane:
    """One pool of processes, started on first use and rebuilt when a process dies."""

    def __init__(self, name: str, warm_up: Callable[[], None] | None = None) -> None:
        self.name = name
        self.warm_up = warm_up
        self.size = 0
        self.replaced = 0
        self.pool: ProcessPoolExecutor | None = None
        self.lock = threading.Lock()

    def run(self, func: Callable[..., R], *args: Any) -> R:
        if not self.size:
            return func(*args)
        pool = self._current()
        try:
            return pool.submit(func, *args).result()
        except BrokenProcessPool:
            log.warning("a %s process died during %s; retrying in a fresh one", self.name,
                        getattr(func, "__name__", func))
            return self._replace(pool).submit(func, *args).result()

    def _current(self) -> ProcessPoolExecutor:
        with self.lock:
            if self.pool is None:
                self.pool = _new_pool(self.size, self.warm_up)
            return self.pool

    def _replace(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        """A new pool in place of a broken one (once, however many threads saw it break);
        none once the lane has been stopped (its processes died because it was stopping:
        a worker's SIGTERM reaches them too), so a stopping worker starts nothing new."""
        with self.lock:
            if not self.size:
                raise BrokenProcessPool(f"the {self.name} processes were stopped")
            if self.pool is broken or self.pool is None:
                self.pool = _new_pool(self.size, self.warm_up)
                self.replaced += 1
            fresh = self.pool
        broken.shutdown(wait=True, cancel_futures=True)  # its processes are gone already
        return fresh

    def resize(self, size: int) -> None:
        """Let the processes go (`_stop`); later stages use `size` processes (0: inline)."""
        with self.lock:
            pool, self.pool, self.size = self.pool, None, max(0, size)
        if pool is not None:
            _stop(pool)


STOP_GRACE = 2.0  # seconds a running stage is given to finish when its lane stops


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued stages, give running ones STOP_GRACE seconds, end the processes
    still busy after that, and return once every process has exited. A stage cut short
    fails with BrokenProcessPool; its article's lease brings it back to a worker.
    Not `shutdown(wait=False)`: on CPython 3.11 a pool left to stop in the background can
    hang the interpreter's exit (cpython #83386, #125451): `newsloom refresh --wait` once
    printed its summary in CI and never returned. Not an unbounded `shutdown(wait=True)`
    either: a stopping worker waited over 10 s on a stage that was still loading its
    models."""
    stopping = threading.Thread(target=pool.shutdown, daemon=True,
                                kwargs={"wait": True, "cancel_futures": True})
    stopping.start()
    stopping.join(STOP_GRACE)
    if stopping.is_alive():
        # no public way to end a pool's processes before Python 3.14; once one has died,
        # the pool's own thread ends the others, fails their stages and lets shutdown return
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        stopping.join()


def _load_enrichment_models() -> None:
    from newsloom.news.enrich_batches import load_models

    load_models()


_parallel = _Lane("extraction")
_serial = _Lane("enrichment", _load_enrichment_models)


def default_processes() -> int:
    """One extraction process per core."""
    return os.cpu_count() or 1


def configure(processes: int) -> None:
    """Extraction on `processes` processes and enrichment on one more from now on; 0 runs
    both inline on the calling threads."""
    _parallel.resize(processes)
    _serial.resize(1 if processes > 0 else 0)


def processes() -> int:
    return _parallel.size


def replaced() -> int:
    """How many times a pool broke (one of its processes died) and was replaced."""
    return _parallel.replaced + _serial.replaced


def serial_configured() -> bool:
    """Whether enrichment runs on its own process (else inline on the calling thread)."""
    return _serial.size > 0


def run(func: Callable[..., R], *args: Any) -> R:
    """`func(*args)` on an extraction process (inline when none is configured). `func` must
    be a module-level function; arguments and result travel pickled."""
    return _parallel.run(func, *args)


def run_serial(func: Callable[..., R], *args: Any) -> R:
    """`func(*args)` on the one enrichment process (inline when none is configured)."""
    return _serial.run(func, *args)


def _new_pool(size: int, warm_up: Callable[[], None] | None) -> ProcessPoolExecutor:
    """Spawned, not forked: the parent runs threads (fetchers, progress bars, a database
    connection per thread), and a fork copies their locks and sockets mid-use."""
    from django.db import connection

    return ProcessPoolExecutor(max_workers=size, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_child,
                               initargs=(dict(connection.settings_dict), warm_up))


# Django apps only the web side uses: their models nothing in the pipeline refers to, or
# none at all. Left out of the pool processes, they save 12.5 MB each (ninja and pydantic
# with them).
WEB_ONLY_APPS = ("django.contrib.admin", "django.contrib.messages", "django.contrib.staticfiles",
                 "django.contrib.humanize", "ninja")


def _start_child(database: dict[str, Any], warm_up: Callable[[], None] | None) -> None:
    """Set Django up in a pool process on the parent's database (which may be a test
    database chosen at run time, not the one the environment names), without the apps
    only the web uses, then warm up."""
    import django
    from django.conf import settings

    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS
                               if app not in WEB_ONLY_APPS]
    django.setup()
    from django.db import connections

    connections["default"].settings_dict.update(database)
    if warm_up is not None:
        warm_up()
    release_free_memory()


def release_free_memory() -> None:
    """Collect garbage and return the C heap's free pages to the system. Loading models
    leaves tens of MB of freed buffers that glibc keeps for reuse (11-13 MB in the
    enrichment process); resident memory is what the 400 MB budget counts. A no-op where
    the C library has no malloc_trim."""
    gc.collect()
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    if trim is not None:
        trim(0)
