"""The file-based page cache, minus one way to fail: when the data folder is full or
read-only, storing a page raises OSError, and an optimisation must not turn a page that
rendered fine into an HTTP 500. Reads and deletes behave as in Django's backend."""

from __future__ import annotations

import logging

from django.core.cache.backends.filebased import FileBasedCache

log = logging.getLogger("newsloom.web")


class TolerantFileBasedCache(FileBasedCache):
    """FileBasedCache whose writes give up quietly (one log line per process) on OSError."""

    _warned = False

    def _give_up(self, exc: OSError) -> None:
        if not TolerantFileBasedCache._warned:
            TolerantFileBasedCache._warned = True
            log.warning("page cache not written (%s): serving pages uncached",
                        exc.strerror or exc)

    def set(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        try:
            super().set(*args, **kwargs)  # type: ignore[arg-type]
        except OSError as exc:
            self._give_up(exc)

    def add(self, *args: object, **kwargs: object) -> bool:  # type: ignore[override]
        try:
            return super().add(*args, **kwargs)  # type: ignore[arg-type]
        except OSError as exc:
            self._give_up(exc)
            return False

    def touch(self, *args: object, **kwargs: object) -> bool:  # type: ignore[override]
        try:
            return super().touch(*args, **kwargs)  # type: ignore[arg-type]
        except OSError:
            return False
